"""Writes of the support app: services, requests and their routing, answers, reminders, surveys.

Each write checks the rights it is given (`by=`), runs in one transaction and mails on commit
through `core.mail` (absolute links, the recipient's language). The reminder ladder and the
survey timings are here (docs/support.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from filiere.accounts.models import Membership
from filiere.accounts.permissions import EDITING_ROLES
from filiere.core.mail import absolute_url, send_templated_mail
from filiere.organisations.models import Organisation

from . import indexing, selectors
from .models import (
    Engagement,
    EngagementKind,
    Outcome,
    Referral,
    ReferralEvent,
    ReferralStatus,
    Service,
    SupportRequest,
    Survey,
    SurveyKind,
    firm_key,
    size_class_of,
)

# Days after routing when a provider that has not answered is reminded; after the last rung its
# answer becomes "no answer" (docs/support.md).
REMINDER_DAYS: tuple[int, ...] = (3, 7, 14)
NO_ANSWER_AFTER_DAYS = 21
OUTCOME_AFTER_DAYS = 182  # the outcome question, six months after "done"
MAX_REFERRALS = 3
MAX_NEED_CHARS = 5000


class ServiceError(ValueError):
    """A write refused for a reason the person can act on (French message)."""


# --- Services -----------------------------------------------------------------------------


SERVICE_FIELDS = (
    "title", "summary", "description", "theme", "stage", "naf_prefixes", "headcount_bands",
    "max_age_years", "region_codes", "department_codes", "epci_codes", "is_free", "cost",
    "is_regional_aid_scheme", "contact_name", "contact_email", "contact_phone", "url", "is_published",
)  # fmt: skip


def save_service(
    *,
    by: Any,
    provider: Organisation,
    service: Service | None = None,
    funders: Iterable[Organisation] = (),
    **fields: Any,
) -> Service:
    """Create or change a provider's service (its editors, regional or platform staff) and
    reindex it in the engine."""
    if not selectors.may_manage_services_of(by, provider):
        raise PermissionDenied
    if service is not None and service.provider_id != provider.pk:
        raise PermissionDenied
    unknown = set(fields) - set(SERVICE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    with transaction.atomic():
        service = service or Service(provider=provider)
        for name, value in fields.items():
            setattr(service, name, value)
        service.full_clean()
        service.save()
        service.funders.set(list(funders))
        pk = service.pk
        transaction.on_commit(lambda: indexing.reindex_services([pk]))
    return service


# --- Requests ------------------------------------------------------------------------------


def create_request(
    *,
    by: Any,
    siret: str,
    description: str,
    contact_email: str,
    contact_name: str = "",
    service_ids: Sequence[int],
    language: str = "fr",
) -> SupportRequest:
    """File a firm's need and route it to the chosen services (at most MAX_REFERRALS).

    The services must be among those proposed for the firm and need (eligible ones); the
    providers are mailed on commit. Raises `selectors.FirmLookupError` on an unknown SIRET,
    ServiceError on a bad choice, PermissionDenied when `by` may not file for the firm.
    """
    facts = selectors.firm_facts(siret)
    if not selectors.may_file_for(by, facts.organisation):
        raise PermissionDenied
    description = (description or "").strip()
    if not description:
        raise ServiceError(_("Décrivez votre besoin en quelques phrases."))
    if len(description) > MAX_NEED_CHARS:
        raise ServiceError(_("Votre besoin dépasse %(n)d caractères : résumez-le.") % {"n": MAX_NEED_CHARS})
    chosen = list(dict.fromkeys(int(pk) for pk in service_ids))
    if not chosen:
        raise ServiceError(_("Choisissez au moins un service à qui transmettre votre demande."))
    if len(chosen) > MAX_REFERRALS:
        raise ServiceError(_("Choisissez au plus %(n)d services.") % {"n": MAX_REFERRALS})
    proposals = {p.service.pk: p for p in selectors.propose_services(facts, description, limit=10)}
    missing = [pk for pk in chosen if pk not in proposals]
    if missing:
        raise ServiceError(_("Un des services choisis n'est pas proposé pour cette entreprise et ce besoin."))
    now = timezone.now()
    with transaction.atomic():
        request = SupportRequest.objects.create(
            organisation=facts.organisation,
            siret=facts.siret,
            siren=facts.siren,
            description=description,
            contact_name=contact_name.strip()[:120],
            contact_email=contact_email.strip(),
            language=language[:8] or "fr",
            department_code=facts.department_code,
            region_code=facts.region_code,
            created_by=by,
        )
        for rank, pk in enumerate(chosen):
            proposal = proposals[pk]
            referral = Referral.objects.create(
                request=request,
                service=proposal.service,
                provider=proposal.service.provider,
                status=ReferralStatus.NEW,
                status_at=now,
                reasons=[str(r) for r in proposal.reasons],
                rank=rank,
            )
            ReferralEvent.objects.create(referral=referral, status=ReferralStatus.NEW, by=by, at=now)
            _mail_provider(referral, "support/mail/new_referral")
    return request


def provider_recipients(referral: Referral) -> list[tuple[str, str]]:
    """(address, language) of the people who answer for the referral's provider: the service's
    contact and the provider's editors and admins."""
    recipients: dict[str, str] = {}
    if referral.service.contact_email:
        recipients[referral.service.contact_email] = "fr"
    for email, language in Membership.objects.filter(
        organisation_id=referral.provider_id, role__in=EDITING_ROLES
    ).values_list("user__email", "user__language"):
        if email:
            recipients[email] = language or "fr"
    return sorted(recipients.items())


def _mail_provider(referral: Referral, template: str, **extra: Any) -> None:
    url = absolute_url(reverse("support:request_detail", args=[referral.request_id]))
    for email, language in provider_recipients(referral):
        send_templated_mail(
            template,
            to=[email],
            language=language,
            context={"referral": referral, "request": referral.request, "url": url, **extra},
        )


def set_referral_status(*, by: Any, referral: Referral, status: str, note: str = "") -> Referral:
    """Move a provider's answer (its members, platform staff), logging who and when.

    "done" records the support given (an `Engagement`, counted in the reports) and sends the
    firm the satisfaction survey; the outcome question is planned six months later.
    """
    if not selectors.may_answer_for(by, referral.provider_id):
        raise PermissionDenied
    with transaction.atomic():
        referral = (
            Referral.objects.select_for_update().select_related("request", "service").get(pk=referral.pk)
        )
        if status not in referral.allowed_moves():
            raise ServiceError(
                _("Cette demande est « %(current)s » : elle ne peut pas passer à « %(next)s ».")
                % {"current": referral.get_status_display(), "next": ReferralStatus(status).label}
                if status in ReferralStatus.values
                else _("Statut inconnu.")
            )
        now = timezone.now()
        referral.status, referral.status_at = status, now
        referral.save(update_fields=["status", "status_at", "updated_at"])
        ReferralEvent.objects.create(referral=referral, status=status, by=by, at=now, note=note[:500])
        if status == ReferralStatus.DONE:
            _record_done(referral, today=timezone.localdate())
    return referral


def _record_done(referral: Referral, *, today: dt.date) -> None:
    request = referral.request
    firm = request.organisation
    Engagement.objects.create(
        siren=request.siren,
        organisation=firm,
        provider_id=referral.provider_id,
        service=referral.service,
        referral=referral,
        kind=EngagementKind.REFERRAL,
        date=today,
        theme=referral.service.theme,
        size_class=size_class_of(firm.headcount_band),
        department_code=request.department_code,
        region_code=request.region_code,
        label=referral.service.title,
    )
    survey = Survey.objects.create(
        referral=referral, kind=SurveyKind.SATISFACTION, due_on=today, sent_at=timezone.now()
    )
    Survey.objects.create(
        referral=referral, kind=SurveyKind.OUTCOME, due_on=today + dt.timedelta(days=OUTCOME_AFTER_DAYS)
    )
    _mail_survey(survey)


def survey_url(survey: Survey) -> str:
    return absolute_url(reverse("support:survey", args=[survey.token]))


def _mail_survey(survey: Survey) -> None:
    request = survey.referral.request
    send_templated_mail(
        f"support/mail/{survey.kind}",
        to=[request.contact_email],
        language=request.language,
        context={
            "survey": survey,
            "referral": survey.referral,
            "request": request,
            "url": survey_url(survey),
        },
    )


def record_engagement(
    *,
    by: Any,
    provider: Organisation,
    organisation: Organisation,
    date: dt.date,
    service: Service | None = None,
    label: str = "",
) -> Engagement:
    """Declare support a provider gave a firm outside a request (its members, platform staff)."""
    if not selectors.may_answer_for(by, provider):
        raise PermissionDenied
    if service is not None and service.provider_id != provider.pk:
        raise ServiceError(_("Ce service n'est pas proposé par cette structure."))
    establishment = organisation.establishments.order_by("-is_head_office", "pk").first()
    return Engagement.objects.create(
        siren=firm_key(organisation),
        organisation=organisation,
        provider=provider,
        service=service,
        kind=EngagementKind.DIRECT,
        date=date,
        theme=service.theme if service else "transformation",
        size_class=size_class_of(organisation.headcount_band),
        department_code=establishment.department_code if establishment else "",
        region_code=establishment.region_code if establishment else "",
        label=label or (service.title if service else ""),
    )


# --- Surveys -------------------------------------------------------------------------------


def answer_survey(
    *, survey: Survey, score: int | None = None, outcome: str = "", comment: str = ""
) -> Survey:
    """Record the firm's one answer; a second answer raises ServiceError and changes nothing."""
    with transaction.atomic():
        survey = Survey.objects.select_for_update().get(pk=survey.pk)
        if survey.answered_at is not None:
            raise ServiceError(
                _(
                    "Vous avez déjà répondu à cette question le %(date)s : merci, une seule réponse est enregistrée."
                )
                % {"date": timezone.localtime(survey.answered_at).strftime("%d/%m/%Y")}
            )
        if survey.kind == SurveyKind.SATISFACTION:
            if score is None or not 1 <= int(score) <= 5:
                raise ServiceError(_("Donnez une note de 1 à 5."))
            survey.score = int(score)
        else:
            if outcome not in Outcome.values:
                raise ServiceError(_("Choisissez une réponse."))
            survey.outcome = outcome
        survey.comment = (comment or "").strip()[:2000]
        survey.answered_at = timezone.now()
        survey.save(update_fields=["score", "outcome", "comment", "answered_at"])
    return survey


# --- Recurring work (tasks.support_reminders) ---------------------------------------------------


def send_reminders(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Walk the reminder ladder: remind providers whose new referral waited REMINDER_DAYS, mark
    "no answer" after NO_ANSWER_AFTER_DAYS (and tell the firm), send outcome questions due.

    Idempotent within a day: a rung is sent once (`reminders_sent`), so running twice sends
    nothing more."""
    now = now or timezone.now()
    counts = {"reminders": 0, "no_answer": 0, "outcome_surveys": 0}
    for referral in Referral.objects.filter(status=ReferralStatus.NEW).select_related(
        "request", "service", "provider"
    ):
        waited = (now - referral.created_at).days
        with transaction.atomic():
            if waited >= NO_ANSWER_AFTER_DAYS:
                referral.status, referral.status_at = ReferralStatus.NO_ANSWER, now
                referral.save(update_fields=["status", "status_at", "updated_at"])
                ReferralEvent.objects.create(
                    referral=referral, status=ReferralStatus.NO_ANSWER, by=None, at=now
                )
                request = referral.request
                send_templated_mail(
                    "support/mail/no_answer",
                    to=[request.contact_email],
                    language=request.language,
                    context={
                        "referral": referral,
                        "request": request,
                        "url": absolute_url(reverse("support:request_new")),
                    },
                )
                counts["no_answer"] += 1
                continue
            due = [day for day in REMINDER_DAYS if waited >= day]
            if len(due) > referral.reminders_sent:
                referral.reminders_sent = len(due)
                referral.last_reminder_at = now
                referral.save(update_fields=["reminders_sent", "last_reminder_at", "updated_at"])
                _mail_provider(referral, "support/mail/reminder", days=waited)
                counts["reminders"] += 1
    today = timezone.localtime(now).date()
    for survey in Survey.objects.filter(
        kind=SurveyKind.OUTCOME, sent_at=None, due_on__lte=today
    ).select_related("referral__request"):
        with transaction.atomic():
            survey.sent_at = now
            survey.save(update_fields=["sent_at"])
            _mail_survey(survey)
            counts["outcome_surveys"] += 1
    return counts
