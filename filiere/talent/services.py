"""Writes of the talent app: people, consents, offers, applications, the programme pipeline,
outcomes, and GDPR erasure / retention.

Every service validates its input and raises `django.core.exceptions.ValidationError` with a
French message naming the field; every service that writes several rows does so in one
transaction, so a refused input leaves nothing half-saved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from filiere.accounts import permissions
from filiere.matching import services as engine
from filiere.organisations.models import Organisation
from filiere.taxonomy.models import EscoOccupation, RomeAppellation, RomeMetier, Skill
from filiere.territories.models import Commune

from . import geo, indexing
from .models import (
    CANDIDATE_MOVES,
    COMPANY_MOVES,
    AccessLog,
    Application,
    ApplicationStatus,
    ApplicationTransition,
    Cohort,
    Consent,
    ConsentPurpose,
    Contract,
    File,
    FileState,
    FileTransition,
    Gender,
    JobOffer,
    JobSeeker,
    OfferStatus,
    Outcome,
    OutcomeDelay,
    OutcomeStatus,
    Programme,
    RefusalReason,
    SeekerDepartment,
    age_band,
)

if TYPE_CHECKING:
    from filiere.accounts.permissions import User, Viewer

DEFAULT_RETENTION_DAYS = 730


def retention_days() -> int:
    """Days without activity after which a person's profile is anonymised (TALENT_RETENTION_DAYS)."""
    return int(getattr(settings, "TALENT_RETENTION_DAYS", DEFAULT_RETENTION_DAYS))


# -- lookups by official code ----------------------------------------------------------------


def resolve_commune(code: str, *, field: str = "commune") -> Commune | None:
    """The commune of an INSEE code ("" → None); an unknown code is a clear error."""
    code = (code or "").strip()
    if not code:
        return None
    commune = Commune.objects.filter(code=code).first() or Commune.objects.filter(insee_code=code).first()
    if commune is None:
        raise ValidationError({field: _("Code commune inconnu : « %(code)s ».") % {"code": code[:20]}})
    return commune


def resolve_appellations(
    codes: Iterable[str], *, field: str = "wished_appellations"
) -> list[RomeAppellation]:
    """ROME appellations of OGR codes; unknown codes are listed in the error."""
    wanted = [c.strip() for c in codes if c and c.strip()]
    found = {a.code_ogr: a for a in RomeAppellation.objects.filter(code_ogr__in=wanted)}
    unknown = [c for c in wanted if c not in found]
    if unknown:
        raise ValidationError(
            {field: _("Code ROME (appellation) inconnu : %(codes)s.") % {"codes": ", ".join(unknown[:10])}}
        )
    return [found[c] for c in dict.fromkeys(wanted)]


def resolve_metiers(codes: Iterable[str], *, field: str = "wished_metiers") -> list[RomeMetier]:
    """ROME métiers of their codes (e.g. M1805); unknown codes are listed in the error."""
    wanted = [c.strip().upper() for c in codes if c and c.strip()]
    found = {m.code: m for m in RomeMetier.objects.filter(code__in=wanted)}
    unknown = [c for c in wanted if c not in found]
    if unknown:
        raise ValidationError(
            {field: _("Code ROME (fiche métier) inconnu : %(codes)s.") % {"codes": ", ".join(unknown[:10])}}
        )
    return [found[c] for c in dict.fromkeys(wanted)]


def _check_departments(codes: Iterable[str]) -> list[str]:
    from filiere.territories.models import Department

    wanted = sorted({c.strip().upper() for c in codes if c and c.strip()})
    known = set(Department.objects.filter(code__in=wanted).values_list("code", flat=True))
    unknown = [c for c in wanted if c not in known]
    if unknown:
        raise ValidationError(
            {
                "mobility_departments": _("Département inconnu : %(codes)s.")
                % {"codes": ", ".join(unknown[:10])}
            }
        )
    return wanted


def _check_contracts(values: Iterable[str]) -> list[str]:
    wanted = list(dict.fromkeys(v for v in values if v))
    unknown = [v for v in wanted if v not in Contract.values]
    if unknown:
        raise ValidationError(
            {
                "contract_wishes": _("Type de contrat inconnu : %(values)s.")
                % {"values": ", ".join(unknown[:5])}
            }
        )
    return wanted


# -- people ----------------------------------------------------------------------------------


def reach_of(seeker: JobSeeker) -> list[str]:
    """Departments a seeker accepts: their own, those within their radius, those they named."""
    found = set(seeker.mobility_departments)
    if seeker.department_code:
        found.add(seeker.department_code)
        if seeker.mobility_radius_km:
            found.update(geo.departments_within(seeker.department_code, seeker.mobility_radius_km))
    return sorted(found)


def is_shareable(seeker: JobSeeker) -> bool:
    """Whether companies may see the person: not anonymised, consent to be shown to them."""
    return (
        seeker.anonymised_at is None
        and Consent.objects.filter(
            seeker=seeker, purpose=ConsentPurpose.SHARE_WITH_COMPANIES, withdrawn_at__isnull=True
        ).exists()
    )


def _write_reach(seekers: list[JobSeeker]) -> None:
    SeekerDepartment.objects.filter(seeker__in=seekers).delete()
    SeekerDepartment.objects.bulk_create(
        [
            SeekerDepartment(seeker=s, department_code=code, shareable=is_shareable(s))
            for s in seekers
            for code in reach_of(s)
        ]
    )


SEEKER_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "gender",
    "birth_year",
    "summary",
    "previous_occupation",
    "mobility_radius_km",
    "available_from",
)


def save_seeker(
    *,
    structure: Organisation,
    by: User | None,
    seeker: JobSeeker | None = None,
    commune_code: str = "",
    skills: Iterable[Skill] = (),
    wished_appellation_codes: Iterable[str] = (),
    wished_metier_codes: Iterable[str] = (),
    wished_occupations: Iterable[EscoOccupation] = (),
    mobility_departments: Iterable[str] = (),
    contract_wishes: Iterable[str] = (),
    adviser: Any | None = None,
    **fields: Any,
) -> JobSeeker:
    """Create or update a job seeker: resolve codes, extract skills from the CV, compute the
    mobility area, reindex. Raises ValidationError (field → French message), writes nothing then.
    """
    unknown = set(fields) - set(SEEKER_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    commune = resolve_commune(commune_code)
    appellations = resolve_appellations(wished_appellation_codes)
    metiers = resolve_metiers(wished_metier_codes)
    departments = _check_departments(mobility_departments)
    contracts = _check_contracts(contract_wishes)
    birth_year = fields.get("birth_year")
    this_year = timezone.localdate().year
    if birth_year is not None and not (this_year - 90 <= int(birth_year) <= this_year - 14):
        raise ValidationError(
            {"birth_year": _("Année de naissance invraisemblable : %(year)s.") % {"year": birth_year}}
        )
    if fields.get("gender") and fields["gender"] not in Gender.values:
        raise ValidationError({"gender": _("Genre inconnu.")})
    radius = fields.get("mobility_radius_km")
    if radius is not None and not (0 <= int(radius) <= 1000):
        raise ValidationError(
            {"mobility_radius_km": _("Le rayon de mobilité doit être compris entre 0 et 1 000 km.")}
        )
    with transaction.atomic():
        if seeker is None:
            seeker = JobSeeker(structure=structure, last_activity_at=timezone.now())
        for name, value in fields.items():
            setattr(seeker, name, value)
        seeker.structure = structure
        if adviser is not None:
            seeker.adviser = adviser
        seeker.commune = commune
        seeker.department_code = commune.department_id if commune else ""
        seeker.region_code = commune.region_id if commune else ""
        seeker.mobility_departments = departments
        seeker.contract_wishes = contracts
        seeker.extracted_skill_ids = (
            engine.extract_skill_ids(seeker.summary) if seeker.summary.strip() else []
        )
        seeker.last_activity_at = timezone.now()
        seeker.full_clean(exclude=["structure", "commune", "adviser", "user", "last_activity_at"])
        seeker.save()
        seeker.skills.set(list(skills))
        seeker.wished_appellations.set(appellations)
        seeker.wished_metiers.set(metiers)
        seeker.wished_occupations.set(list(wished_occupations))
        _write_reach([seeker])
        indexing.reindex_seekers([seeker.pk])
    return seeker


def touch(seeker: JobSeeker) -> None:
    """Record activity of the person (or their adviser for them): postpones anonymisation."""
    JobSeeker.objects.filter(pk=seeker.pk).update(last_activity_at=timezone.now())


def set_consent(*, seeker: JobSeeker, purpose: str, given: bool, by: User | None) -> Consent | None:
    """Give or withdraw consent for one purpose (dated); reindexes the person accordingly."""
    if purpose not in ConsentPurpose.values:
        raise ValidationError({"purpose": _("Finalité inconnue.")})
    now = timezone.now()
    with transaction.atomic():
        consent = Consent.objects.select_for_update().filter(seeker=seeker, purpose=purpose).first()
        if given:
            if consent is None:
                consent = Consent.objects.create(seeker=seeker, purpose=purpose, given_at=now, recorded_by=by)
            elif consent.withdrawn_at is not None:
                consent.given_at, consent.withdrawn_at, consent.recorded_by = now, None, by
                consent.save()
        elif consent is not None and consent.withdrawn_at is None:
            consent.withdrawn_at = now
            consent.save(update_fields=["withdrawn_at"])
        SeekerDepartment.objects.filter(seeker=seeker).update(shareable=is_shareable(seeker))
        indexing.reindex_seekers([seeker.pk])
    touch(seeker)
    return consent


def log_access(*, seeker: JobSeeker, user: Viewer, what: str) -> None:
    """Log that `user` opened `what` about `seeker` (profile, export, matches…)."""
    log_accesses(seekers=[seeker], user=user, what=what)


def log_accesses(*, seekers: Iterable[JobSeeker], user: Viewer, what: str) -> None:
    """Log that `user` read `what` about each of `seekers` (a cohort list, a name search…), in one
    query. A person reading their own profile is not logged."""
    who = user if permissions.is_signed_in(user) else None
    AccessLog.objects.bulk_create(
        AccessLog(seeker=seeker, user=who, what=what[:100])
        for seeker in seekers
        if who is None or seeker.user_id != who.pk
    )


# -- offers and applications -----------------------------------------------------------------


def save_offer(
    *,
    organisation: Organisation,
    by: User | None,
    title: str,
    description: str = "",
    commune_code: str = "",
    contract: str = Contract.CDI,
    positions: int = 1,
    status: str = OfferStatus.OPEN,
    rome_appellation_code: str = "",
    offer: JobOffer | None = None,
) -> JobOffer:
    """Create or update an offer: link its title to ROME/ESCO (or the given appellation),
    extract its skills from title + description, reindex it. A person (`by`) publishes only for a
    company they edit (`permissions.may_publish_offer_for`); `by=None` is the demo or an import."""
    if by is not None and not permissions.may_publish_offer_for(by, organisation):
        raise PermissionDenied(
            _("Vous ne publiez des offres que pour les entreprises dont vous êtes éditeur.")
        )
    if offer is not None and offer.organisation_id != organisation.pk and by is not None:
        if not permissions.may_publish_offer_for(by, offer.organisation_id):
            raise PermissionDenied(
                _("Vous ne publiez des offres que pour les entreprises dont vous êtes éditeur.")
            )
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("L'intitulé est obligatoire.")})
    if positions is None or int(positions) < 1:
        raise ValidationError({"positions": _("Le nombre de postes doit être au moins 1.")})
    if contract not in Contract.values:
        raise ValidationError({"contract": _("Type de contrat inconnu.")})
    if status not in OfferStatus.values:
        raise ValidationError({"status": _("Statut inconnu.")})
    commune = resolve_commune(commune_code)
    appellation = (
        resolve_appellations([rome_appellation_code], field="rome_appellation")[0]
        if rome_appellation_code
        else None
    )
    links = []
    if appellation is None:
        try:
            links = engine.link_occupations(title, top=5, semantic=False)
        except engine.UserTextError as exc:
            raise ValidationError({"title": str(exc)}) from exc
    with transaction.atomic():
        offer = offer or JobOffer(organisation=organisation, created_by=by)
        offer.organisation = organisation
        offer.title, offer.description = title[:200], description
        offer.contract, offer.positions, offer.status = contract, int(positions), status
        offer.commune = commune
        offer.department_code = commune.department_id if commune else ""
        offer.region_code = commune.region_id if commune else ""
        offer.rome_appellation = appellation
        offer.rome_metier = appellation.metier if appellation else None
        offer.esco_occupation = None
        for link in links:
            kind, code = link.kind, link.code
            if kind == "rome_appellation" and offer.rome_appellation is None:
                offer.rome_appellation = RomeAppellation.objects.filter(code_ogr=code).first()
            elif kind == "rome_metier" and offer.rome_metier is None:
                offer.rome_metier = RomeMetier.objects.filter(code=code).first()
            elif kind == "esco" and offer.esco_occupation is None:
                offer.esco_occupation = EscoOccupation.objects.filter(uri=code).first()
        if offer.rome_appellation and offer.rome_metier is None:
            offer.rome_metier = offer.rome_appellation.metier
        offer.skill_ids = engine.extract_skill_ids(f"{title}\n{description}")
        offer.save()
        indexing.reindex_offers([offer.pk])
    return offer


def apply(*, seeker: JobSeeker, offer: JobOffer, by: User | None, message: str = "") -> Application:
    """Send a candidate's application to an open offer (status "new", logged); a second one is
    refused clearly."""
    if offer.status != OfferStatus.OPEN:
        raise ValidationError(_("Cette offre n'est plus ouverte aux candidatures."))
    if seeker.anonymised_at:
        raise ValidationError(_("Ce profil a été anonymisé."))
    if Application.objects.filter(seeker=seeker, offer=offer).exists():
        raise ValidationError(_("Une candidature à cette offre a déjà été envoyée pour cette personne."))
    try:
        with transaction.atomic():
            application = Application.objects.create(seeker=seeker, offer=offer, sent_by=by, message=message)
            ApplicationTransition.objects.create(
                application=application,
                from_status="",
                to_status=ApplicationStatus.SENT,
                at=timezone.now(),
                by=by,
            )
    except IntegrityError as exc:  # a double click that raced past the check above
        raise ValidationError(
            _("Une candidature à cette offre a déjà été envoyée pour cette personne.")
        ) from exc
    touch(seeker)
    return application


def _check_application_move(
    current: Application, to_status: str, by: User | None, refusal_reason: str, reason: str
) -> None:
    """Raise the French error of an impossible move (unknown, illegal, not theirs, no reason)."""
    if to_status not in ApplicationStatus.values:
        raise ValidationError({"to_status": _("Statut inconnu.")})
    allowed = current.next_statuses
    if to_status not in allowed:
        labels = ", ".join(str(ApplicationStatus(s).label) for s in allowed) or _("aucun (état final)")
        raise ValidationError(
            {
                "to_status": _("Passage impossible de « %(from)s » à « %(to)s ». Possibles : %(allowed)s.")
                % {
                    "from": ApplicationStatus(current.status).label,
                    "to": ApplicationStatus(to_status).label,
                    "allowed": labels,
                }
            }
        )
    if by is not None:
        if to_status in COMPANY_MOVES and not permissions.may_answer_application(by, current):
            raise PermissionDenied(
                _("Seuls les éditeurs de l'entreprise qui recrute répondent à une candidature.")
            )
        if to_status in CANDIDATE_MOVES and not permissions.may_withdraw_application(by, current):
            raise PermissionDenied(
                _("Seuls la personne et la structure qui l'accompagne peuvent retirer une candidature.")
            )
    if to_status == ApplicationStatus.REFUSED:
        if refusal_reason not in RefusalReason.values:
            raise ValidationError({"refusal_reason": _("Choisissez le motif du refus dans la liste.")})
        if refusal_reason == RefusalReason.OTHER and not reason.strip():
            raise ValidationError({"reason": _("Précisez le motif du refus.")})
    elif refusal_reason:
        raise ValidationError({"refusal_reason": _("Un motif de refus ne s'indique que pour un refus.")})


def move_application(
    *,
    application: Application,
    to_status: str,
    by: User | None,
    refusal_reason: str = "",
    reason: str = "",
    notify: bool = True,
) -> ApplicationTransition:
    """Move an application along `APPLICATION_TRANSITIONS`, logged with who, when and why.

    The company's editors examine, accept or refuse it (a refusal needs a reason from
    `RefusalReason`, and free text for "other"); the candidate or their following adviser
    withdraw it (`permissions.may_answer_application` / `may_withdraw_application`; `by=None` is
    the platform itself). An illegal move is refused with the allowed ones named. The candidate
    and their adviser are told by mail, each in their language, once the move is committed
    (`notify=False`: the demo, whose addresses are invented).
    """
    with transaction.atomic():
        current = (
            Application.objects.select_for_update()
            .select_related("offer__organisation", "seeker__user", "seeker__adviser")
            .get(pk=application.pk)
        )
        _check_application_move(current, to_status, by, refusal_reason, reason)
        transition = ApplicationTransition.objects.create(
            application=current,
            from_status=current.status,
            to_status=to_status,
            at=timezone.now(),
            by=by,
            refusal_reason=refusal_reason,
            reason=reason.strip(),
        )
        current.status = to_status
        current.refusal_reason = refusal_reason
        current.save(update_fields=["status", "refusal_reason", "updated_at"])
        if notify:
            _mail_application_move(current, transition)
    application.status, application.refusal_reason = current.status, current.refusal_reason
    touch(current.seeker)
    return transition


def _mail_application_move(application: Application, transition: ApplicationTransition) -> None:
    """Tell the candidate (their account's address, else their profile's) and their adviser,
    each in their own language, with an absolute link to the application."""
    from django.urls import reverse

    from filiere.accounts.services import language_of
    from filiere.core.mail import absolute_url, send_templated_mail

    seeker = application.seeker
    if seeker.anonymised_at:
        return
    recipients: dict[str, Any] = {}
    account, adviser = seeker.user, seeker.adviser
    person_email = (account.email if account is not None and account.email else seeker.email).strip()
    if person_email:
        recipients[person_email.lower()] = account
    if adviser is not None and adviser.email and adviser.is_active:
        recipients.setdefault(adviser.email.strip().lower(), adviser)
    by = transition.by
    if by is not None and by.email:
        recipients.pop(by.email.strip().lower(), None)  # who made the move knows it
    url = absolute_url(reverse("talent:application_detail", args=[application.pk]))
    for address, user in recipients.items():
        send_templated_mail(
            "talent/mail/application_status",
            to=[address],
            context={
                "candidate": str(seeker),
                "offer_title": application.offer.title,
                "company": application.offer.organisation.name,
                "status": transition.to_status,
                "status_label": ApplicationStatus(transition.to_status).label,
                "refusal_reason": RefusalReason(transition.refusal_reason).label
                if transition.refusal_reason
                else "",
                "reason": transition.reason,
                "application_url": url,
                "is_candidate": user is None or user.pk == seeker.user_id,
            },
            language=language_of(user) if user is not None else settings.LANGUAGE_CODE,
        )


# -- programme pipeline ----------------------------------------------------------------------


def create_cohort(
    *, programme: Programme, name: str, year: int, start_date: dt.date, end_date: dt.date, places: int
) -> Cohort:
    """A new intake of a programme; dates and places are checked."""
    errors: dict[str, str] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = _("Le nom est obligatoire.")
    if places is None or int(places) < 1:
        errors["places"] = _("Le nombre de places doit être un entier positif.")
    if start_date and end_date and end_date < start_date:
        errors["end_date"] = _("La fin de la formation ne peut pas précéder son début.")
    if year is None or not (2000 <= int(year) <= 2100):
        errors["year"] = _("Année invraisemblable.")
    if not errors and Cohort.objects.filter(programme=programme, name=name).exists():
        errors["name"] = _("Une promotion porte déjà ce nom dans ce programme.")
    if errors:
        raise ValidationError(errors)
    return Cohort.objects.create(
        programme=programme, name=name, year=year, start_date=start_date, end_date=end_date, places=places
    )


def open_file(
    *, cohort: Cohort, seeker: JobSeeker, by: User | None, applied_on: dt.date | None = None
) -> File:
    """Open a person's file in a cohort (state "applied"), copying the dashboard's facts."""
    if seeker.anonymised_at:
        raise ValidationError(_("Ce profil a été anonymisé."))
    if File.objects.filter(cohort=cohort, seeker=seeker).exists():
        raise ValidationError(_("Cette personne a déjà un dossier dans cette promotion."))
    applied_on = applied_on or timezone.localdate()
    with transaction.atomic():
        file = File.objects.create(
            cohort=cohort,
            seeker=seeker,
            applied_on=applied_on,
            gender=seeker.gender,
            age_band=age_band(seeker.birth_year, on=applied_on),
            department_code=seeker.department_code,
        )
        FileTransition.objects.create(
            file=file, from_state="", to_state=FileState.APPLIED, at=timezone.now(), by=by, reason=""
        )
    touch(seeker)
    return file


def move_file(
    *, file: File, to_state: str, by: User | None, reason: str = "", on: dt.date | None = None
) -> FileTransition:
    """Move a file along the pipeline; an illegal move is refused with the allowed ones named.

    `on` is the date the move happened (today by default); a placement records it as `placed_on`.
    Withdrawals and refusals need a reason.
    """
    with transaction.atomic():
        current = File.objects.select_for_update().get(pk=file.pk)
        if to_state not in FileState.values:
            raise ValidationError({"to_state": _("État inconnu.")})
        allowed = current.next_states
        if to_state not in allowed:
            labels = ", ".join(str(FileState(s).label) for s in allowed) or _("aucun (état final)")
            raise ValidationError(
                {
                    "to_state": _("Passage impossible de « %(from)s » à « %(to)s ». Possibles : %(allowed)s.")
                    % {
                        "from": FileState(current.state).label,
                        "to": FileState(to_state).label,
                        "allowed": labels,
                    }
                }
            )
        if to_state in (FileState.WITHDRAWN, FileState.NOT_RETAINED) and not reason.strip():
            raise ValidationError({"reason": _("Indiquez le motif de l'abandon ou du refus.")})
        on = on or timezone.localdate()
        if on < current.applied_on:
            raise ValidationError({"on": _("La date ne peut pas précéder la candidature.")})
        transition = FileTransition.objects.create(
            file=current,
            from_state=current.state,
            to_state=to_state,
            at=timezone.now(),
            by=by,
            reason=reason.strip(),
        )
        current.state = to_state
        if to_state == FileState.IN_TRAINING:
            current.entered_training = True
        if to_state == FileState.PLACED:
            current.placed_on = on
        current.save(update_fields=["state", "entered_training", "placed_on", "updated_at"])
    file.state, file.entered_training, file.placed_on = (
        current.state,
        current.entered_training,
        current.placed_on,
    )
    if current.seeker_id:
        JobSeeker.objects.filter(pk=current.seeker_id).update(last_activity_at=timezone.now())
    return transition


def record_outcome(*, file: File, months: int, status: str, observed_on: dt.date, by: User | None) -> Outcome:
    """Record (or correct) where a trainee is 3, 6 or 12 months after training."""
    errors: dict[str, str] = {}
    if months not in OutcomeDelay.values:
        errors["months"] = _("Échéance inconnue (3, 6 ou 12 mois).")
    if status not in OutcomeStatus.values:
        errors["status"] = _("Situation inconnue.")
    if not file.entered_training or file.state not in (
        FileState.TRAINED,
        FileState.PLACED,
        FileState.WITHDRAWN,
    ):
        errors["file"] = _("Une situation à l'issue se saisit pour une personne sortie de formation.")
    if observed_on is None:
        errors["observed_on"] = _("La date de constat est obligatoire.")
    elif file.placed_on and observed_on < file.placed_on:
        errors["observed_on"] = _(
            "La situation ne peut pas être constatée avant la mise en emploi (%(date)s)."
        ) % {"date": file.placed_on.strftime("%d/%m/%Y")}
    elif observed_on < file.cohort.start_date:
        errors["observed_on"] = _("La situation ne peut pas être constatée avant le début de la formation.")
    elif observed_on > timezone.localdate():
        errors["observed_on"] = _("La date de constat ne peut pas être dans le futur.")
    if errors:
        raise ValidationError(errors)
    outcome, _created = Outcome.objects.update_or_create(
        file=file, months=months, defaults={"status": status, "observed_on": observed_on, "recorded_by": by}
    )
    return outcome


# -- GDPR ------------------------------------------------------------------------------------


def erase_seeker(*, seeker: JobSeeker, by: User | None = None) -> JobSeeker:
    """Erase a person's identity (right to erasure, or retention): blank every identifying field,
    drop their skills, wishes, consents, applications' messages and index document, and anonymise
    and deactivate their user account if they have one. Their programme files keep gender, age
    band, department, states and outcomes, so the dashboard's figures do not change.

    `by` is the person themselves or an adviser of the structure that follows them
    (`permissions.may_erase_person`); `by=None` is the retention job."""
    if by is not None and not (
        (seeker.user_id is not None and seeker.user_id == getattr(by, "pk", None))
        or permissions.may_erase_person(by, seeker)
    ):
        raise PermissionDenied(_("Seule la structure qui suit cette personne peut effacer ses données."))
    with transaction.atomic():
        seeker = JobSeeker.objects.select_for_update().get(pk=seeker.pk)
        if seeker.user_id is not None:
            _anonymise_account(seeker.user)
        for name in ("first_name", "last_name", "email", "phone", "summary", "previous_occupation"):
            setattr(seeker, name, "")
        seeker.birth_year = None
        seeker.commune = None
        seeker.department_code = seeker.region_code = ""
        seeker.mobility_radius_km = None
        seeker.mobility_departments, seeker.contract_wishes, seeker.extracted_skill_ids = [], [], []
        seeker.available_from = None
        seeker.user = None
        seeker.adviser = None
        seeker.gender = Gender.OTHER
        seeker.anonymised_at = timezone.now()
        seeker.save()
        seeker.skills.clear()
        seeker.wished_appellations.clear()
        seeker.wished_metiers.clear()
        seeker.wished_occupations.clear()
        SeekerDepartment.objects.filter(seeker=seeker).delete()
        Consent.objects.filter(seeker=seeker).delete()
        Application.objects.filter(seeker=seeker).update(message="")
        FileTransition.objects.filter(file__seeker=seeker).update(reason="")
        ApplicationTransition.objects.filter(application__seeker=seeker).update(reason="")
        engine.remove_documents(indexing.SEEKER_DOC, [seeker.pk])
    return seeker


def _anonymise_account(user: User) -> None:
    """Blank a person's account and close it: no name, no email, no password, no memberships.
    The row stays (other records point to it) but names nobody."""
    user.username = f"efface-{user.pk}"
    user.first_name = user.last_name = user.email = ""
    user.is_active = user.is_staff = user.is_superuser = False
    user.set_unusable_password()
    user.save()
    user.memberships.all().delete()
    user.regional_roles.all().delete()


def anonymise_inactive(*, now: dt.datetime | None = None) -> int:
    """Anonymise every profile without activity for `TALENT_RETENTION_DAYS`; returns how many."""
    limit = (now or timezone.now()) - dt.timedelta(days=retention_days())
    done = 0
    for seeker in JobSeeker.objects.filter(anonymised_at__isnull=True, last_activity_at__lt=limit).iterator():
        erase_seeker(seeker=seeker)
        done += 1
    return done
