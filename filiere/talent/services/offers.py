"""Job offers and applications: publishing an offer, applying, and the company's answers (seen,
interview, accepted, refused with a reason, withdrawn) as a logged state machine, mailed to the
candidate."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from filiere.matching import services as engine
from filiere.organisations.models import Organisation
from filiere.taxonomy.models import EscoOccupation, RomeAppellation, RomeMetier
from filiere.territories.models import Commune

from .. import indexing
from .. import permissions as talent_permissions
from ..models import (
    CANDIDATE_MOVES,
    COMPANY_MOVES,
    Application,
    ApplicationStatus,
    ApplicationTransition,
    Contract,
    JobOffer,
    JobSeeker,
    OfferStatus,
    RefusalReason,
)

if TYPE_CHECKING:
    from filiere.accounts.permissions import User

from filiere.accounts.services import language_of

from .codes import resolve_appellations, resolve_commune
from .people import touch


@dataclass(frozen=True)
class OfferFields:
    """One offer for `save_offers`: `save_offer`'s fields (`offer`: the offer to update, None
    for a new one)."""

    organisation: Organisation
    title: str
    description: str = ""
    commune_code: str = ""
    contract: str = Contract.CDI
    positions: int = 1
    status: str = OfferStatus.OPEN
    rome_appellation_code: str = ""
    offer: JobOffer | None = None


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
    reindex: bool = True,
) -> JobOffer:
    """Create or update an offer: link its title to ROME/ESCO (or the given appellation),
    extract its skills from title + description, reindex it. A person (`by`) publishes only for a
    company they edit (`permissions.may_publish_offer_for`); `by=None` is the demo or an import.
    `reindex=False`: the caller reindexes its offers at once (`indexing.reindex_offers`)."""
    fields = OfferFields(
        organisation=organisation, title=title, description=description, commune_code=commune_code,
        contract=contract, positions=positions, status=status,
        rome_appellation_code=rome_appellation_code, offer=offer,
    )  # fmt: skip
    return save_offers(offers=[fields], by=by, reindex=reindex)[0]


def save_offers(*, offers: Iterable[OfferFields], by: User | None, reindex: bool = True) -> list[JobOffer]:
    """`save_offer` for many offers (the demo's 200): each checked and linked as `save_offer`
    does, a title, a commune or a code looked up once however many offers share it, the new
    offers inserted together; all or nothing (the first refused offer raises, nothing is saved).
    Returns the saved offers in the order given."""
    drafts = list(offers)
    may_publish: dict[int, bool] = {}
    communes: dict[str, Commune | None] = {}
    appellations: dict[str, RomeAppellation] = {}
    links: dict[str, list[engine.OccupationLink]] = {}
    linked: dict[tuple[str, str], Any] = {}
    skills: dict[str, list[int]] = {}

    def publishes_for(organisation: Organisation | int) -> bool:
        pk = organisation if isinstance(organisation, int) else organisation.pk
        if pk not in may_publish:
            may_publish[pk] = talent_permissions.may_publish_offer_for(by, organisation)
        return may_publish[pk]

    def linked_occupation(kind: str, code: str) -> Any:
        if (kind, code) not in linked:
            if kind == "rome_appellation":
                linked[kind, code] = RomeAppellation.objects.filter(code_ogr=code).first()
            elif kind == "rome_metier":
                linked[kind, code] = RomeMetier.objects.filter(code=code).first()
            else:
                linked[kind, code] = EscoOccupation.objects.filter(uri=code).first()
        return linked[kind, code]

    saved: list[JobOffer] = []
    for draft in drafts:
        organisation = draft.organisation
        if by is not None and not publishes_for(organisation):
            raise PermissionDenied(
                _("Vous ne publiez des offres que pour les entreprises dont vous êtes éditeur.")
            )
        offer = draft.offer
        if offer is not None and offer.organisation_id != organisation.pk and by is not None:
            if not publishes_for(offer.organisation_id):
                raise PermissionDenied(
                    _("Vous ne publiez des offres que pour les entreprises dont vous êtes éditeur.")
                )
        title = (draft.title or "").strip()
        if not title:
            raise ValidationError({"title": _("L'intitulé est obligatoire.")})
        if draft.positions is None or int(draft.positions) < 1:
            raise ValidationError({"positions": _("Le nombre de postes doit être au moins 1.")})
        if draft.contract not in Contract.values:
            raise ValidationError({"contract": _("Type de contrat inconnu.")})
        if draft.status not in OfferStatus.values:
            raise ValidationError({"status": _("Statut inconnu.")})
        if draft.commune_code not in communes:
            communes[draft.commune_code] = resolve_commune(draft.commune_code)
        commune = communes[draft.commune_code]
        code = draft.rome_appellation_code
        if code and code not in appellations:
            appellations[code] = resolve_appellations([code], field="rome_appellation")[0]
        appellation = appellations[code] if code else None
        offer_links: list[engine.OccupationLink] = []
        if appellation is None:
            if title not in links:
                try:
                    links[title] = engine.link_occupations(title, top=5, semantic=False)
                except engine.UserTextError as exc:
                    raise ValidationError({"title": str(exc)}) from exc
            offer_links = links[title]
        offer = offer or JobOffer(organisation=organisation, created_by=by)
        offer.organisation = organisation
        offer.title, offer.description = title[:200], draft.description
        offer.contract, offer.positions, offer.status = draft.contract, int(draft.positions), draft.status
        offer.commune = commune
        offer.department_code = commune.department_id if commune else ""
        offer.region_code = commune.region_id if commune else ""
        offer.rome_appellation = appellation
        offer.rome_metier = appellation.metier if appellation else None
        offer.esco_occupation = None
        for link in offer_links:
            kind, link_code = link.kind, link.code
            if kind == "rome_appellation" and offer.rome_appellation is None:
                offer.rome_appellation = linked_occupation(kind, link_code)
            elif kind == "rome_metier" and offer.rome_metier is None:
                offer.rome_metier = linked_occupation(kind, link_code)
            elif kind == "esco" and offer.esco_occupation is None:
                offer.esco_occupation = linked_occupation(kind, link_code)
        if offer.rome_appellation and offer.rome_metier is None:
            offer.rome_metier = offer.rome_appellation.metier
        text = f"{title}\n{draft.description}"
        if text not in skills:
            skills[text] = engine.extract_skill_ids(text)
        offer.skill_ids = list(skills[text])
        saved.append(offer)
    with transaction.atomic():
        existing = [o for o in saved if not o._state.adding]
        JobOffer.objects.bulk_create([o for o in saved if o._state.adding])
        for offer in existing:
            offer.save()
        if reindex:
            indexing.reindex_offers([o.pk for o in saved])
    return saved


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
        if to_status in COMPANY_MOVES and not talent_permissions.may_answer_application(by, current):
            raise PermissionDenied(
                _("Seuls les éditeurs de l'entreprise qui recrute répondent à une candidature.")
            )
        if to_status in CANDIDATE_MOVES and not talent_permissions.may_withdraw_application(by, current):
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
            Application.objects.select_for_update(of=("self",))
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
