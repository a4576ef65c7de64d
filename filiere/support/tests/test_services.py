"""Services and selectors of the support app: eligibility, proposals, routing, answers, surveys,
reminders, history."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.apps import apps
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from filiere.accounts.models import Role
from filiere.organisations.tests.factories import MembershipFactory, UserFactory
from filiere.roadmaps.computations import computations
from filiere.support import indexing, selectors, services
from filiere.support.models import (
    Engagement,
    Referral,
    ReferralEvent,
    ReferralStatus,
    Survey,
    SurveyKind,
    Theme,
)

from .factories import EngagementFactory, ReferralFactory, ServiceFactory, make_firm

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 15)


def test_eligibility_reads_naf_size_age_and_territory(bfc: Any) -> None:
    facts = selectors.firm_facts(make_firm(naf="62.01Z", band="02", created=dt.date(2023, 1, 10)).siret)
    service = ServiceFactory(
        naf_prefixes=["62"],
        headcount_bands=["01", "02", "03"],
        max_age_years=5,
        department_codes=["21"],
        region_codes=[],
    )
    result = selectors.check_eligibility(service, facts, today=TODAY)
    assert result.eligible and result.territory_level == 2
    assert any("Côte-d'Or" in r for r in result.reasons)
    assert any("62.01Z" in r for r in result.reasons)
    assert any("3 ans" in r for r in result.reasons)


def test_each_failed_rule_is_named(bfc: Any) -> None:
    facts = selectors.firm_facts(make_firm(naf="47.11F", band="21", created=dt.date(2001, 1, 1)).siret)
    service = ServiceFactory(
        naf_prefixes=["62", "63"], headcount_bands=["01"], max_age_years=5, region_codes=["75"]
    )
    result = selectors.check_eligibility(service, facts, today=TODAY)
    assert not result.eligible
    assert len(result.blockers) == 4
    assert any("hors du territoire" in b for b in result.blockers)
    assert any("47.11F" in b for b in result.blockers)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Indiquez le SIRET"),
        ("1234", "il faut 14 chiffres"),
        ("abcdefghijklmn", "il faut 14 chiffres"),
        ("99999999900011", "Aucun établissement"),
    ],
)
def test_malformed_or_unknown_siret_gets_a_clear_message(bfc: Any, typed: str, message: str) -> None:
    with pytest.raises(selectors.FirmLookupError, match=message):
        selectors.firm_facts(typed)


def test_siret_typed_with_spaces_is_found(bfc: Any) -> None:
    establishment = make_firm(siret="12345678900012")
    assert selectors.firm_facts("123 456 789 00012").establishment == establishment


def test_proposals_rank_the_service_that_answers_the_need(bfc: Any) -> None:
    facts = selectors.firm_facts(make_firm().siret)
    cyber = ServiceFactory(
        title="Diagnostic cybersécurité",
        theme=Theme.CYBERSECURITY,
        description="Audit de sécurité informatique et plan contre les rançongiciels.",
    )
    ServiceFactory(
        title="Parcours export", theme=Theme.EXPORT, description="Prospecter à l'international, salons."
    )
    ServiceFactory(title="Cybersécurité en Gironde", theme=Theme.CYBERSECURITY, region_codes=["75"])
    indexing.reindex_all()
    proposals = selectors.propose_services(
        facts, "Nous avons subi une attaque par rançongiciel, il faut sécuriser notre informatique"
    )
    assert proposals[0].service == cyber
    assert all(p.service.title != "Cybersécurité en Gironde" for p in proposals)  # not eligible
    assert any("Thème Cybersécurité" in r for r in proposals[0].reasons)
    assert any("Couvre votre région" in r for r in proposals[0].reasons)


def _routed(bfc: Any, django_capture_on_commit_callbacks: Any) -> tuple[Any, Any, Any]:
    establishment = make_firm()
    editor = MembershipFactory(organisation=establishment.organisation, role=Role.EDITOR).user
    service = ServiceFactory(
        title="Diagnostic cybersécurité", theme=Theme.CYBERSECURITY, description="sécurité informatique"
    )
    provider_user = MembershipFactory(
        organisation=service.provider,
        role=Role.EDITOR,
        user=UserFactory(email="conseil@technopole.example.org"),
    ).user
    indexing.reindex_all()
    with django_capture_on_commit_callbacks(execute=True):
        request = services.create_request(
            by=editor, siret=establishment.siret, description="sécuriser notre informatique (cybersécurité)",
            contact_email="dirigeante@firme.example.org", service_ids=[service.pk],
        )  # fmt: skip
    return request, provider_user, service


def test_a_request_is_routed_and_the_provider_mailed_with_an_absolute_link(
    bfc: Any, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.SITE_URL = "https://filiere.example.org"
    request, _provider_user, service = _routed(bfc, django_capture_on_commit_callbacks)
    referral = request.referrals.get()
    assert (referral.service, referral.status, referral.provider) == (
        service,
        ReferralStatus.NEW,
        service.provider,
    )
    assert ReferralEvent.objects.filter(referral=referral, status=ReferralStatus.NEW).count() == 1
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == ["conseil@technopole.example.org", "contact@technopole.example.org"]
    assert f"https://filiere.example.org/accompagnement/demandes/{request.pk}/" in mail.outbox[0].body


def test_a_stranger_may_not_file_for_a_firm(bfc: Any) -> None:
    establishment = make_firm()
    with pytest.raises(PermissionDenied):
        services.create_request(
            by=UserFactory(),
            siret=establishment.siret,
            description="x",
            contact_email="a@b.fr",
            service_ids=[1],
        )


def test_a_service_not_proposed_cannot_be_chosen_and_nothing_is_written(bfc: Any) -> None:
    establishment = make_firm()
    editor = MembershipFactory(organisation=establishment.organisation, role=Role.EDITOR).user
    elsewhere = ServiceFactory(
        title="Cybersécurité en Gironde", theme=Theme.CYBERSECURITY, region_codes=["75"]
    )
    indexing.reindex_all()
    with pytest.raises(services.ServiceError):
        services.create_request(
            by=editor,
            siret=establishment.siret,
            description="cybersécurité",
            contact_email="a@b.fr",
            service_ids=[elsewhere.pk],
        )
    assert not Referral.objects.exists()


def test_done_records_support_and_sends_the_satisfaction_survey_once(
    bfc: Any, django_capture_on_commit_callbacks: Any
) -> None:
    request, provider_user, _service = _routed(bfc, django_capture_on_commit_callbacks)
    referral = request.referrals.get()
    mail.outbox.clear()
    services.set_referral_status(by=provider_user, referral=referral, status=ReferralStatus.TAKEN)
    with django_capture_on_commit_callbacks(execute=True):
        services.set_referral_status(
            by=provider_user, referral=referral, status=ReferralStatus.DONE, note="Audit fait"
        )
    assert list(referral.events.values_list("status", "by")) == [
        ("new", request.created_by_id), ("taken", provider_user.pk), ("done", provider_user.pk),
    ]  # fmt: skip
    engagement = Engagement.objects.get(referral=referral)
    assert (engagement.siren, engagement.theme) == (request.siren, Theme.CYBERSECURITY)
    satisfaction = Survey.objects.get(referral=referral, kind=SurveyKind.SATISFACTION)
    assert [m.to for m in mail.outbox] == [["dirigeante@firme.example.org"]]
    assert f"/accompagnement/avis/{satisfaction.token}/" in mail.outbox[0].body
    outcome = Survey.objects.get(referral=referral, kind=SurveyKind.OUTCOME)
    assert outcome.sent_at is None and outcome.due_on == timezone.localdate() + dt.timedelta(days=182)
    services.answer_survey(survey=satisfaction, score=5, comment="Très utile")
    with pytest.raises(services.ServiceError, match="déjà répondu"):
        services.answer_survey(survey=satisfaction, score=1)
    satisfaction.refresh_from_db()
    assert (satisfaction.score, satisfaction.comment) == (5, "Très utile")


def test_a_closed_answer_cannot_move_again(bfc: Any) -> None:
    referral = ReferralFactory(status=ReferralStatus.NOT_FOR_US)
    staff = UserFactory(is_staff=True)
    with pytest.raises(services.ServiceError, match="ne peut pas passer"):
        services.set_referral_status(by=staff, referral=referral, status=ReferralStatus.DONE)


def test_another_provider_may_not_answer(bfc: Any) -> None:
    referral = ReferralFactory()
    stranger = MembershipFactory(organisation=ServiceFactory().provider, role=Role.ADMIN).user
    with pytest.raises(PermissionDenied):
        services.set_referral_status(by=stranger, referral=referral, status=ReferralStatus.TAKEN)


def test_reminder_ladder_then_no_answer(bfc: Any, django_capture_on_commit_callbacks: Any) -> None:
    referral = ReferralFactory()
    created = referral.created_at
    sent = []
    for day in (1, 3, 3, 7, 10, 14, 21):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            counts = services.send_reminders(now=created + dt.timedelta(days=day, hours=1))
        sent.append((day, counts["reminders"], counts["no_answer"]))
    assert sent == [(1, 0, 0), (3, 1, 0), (3, 0, 0), (7, 1, 0), (10, 0, 0), (14, 1, 0), (21, 0, 1)]
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.NO_ANSWER and referral.reminders_sent == 3
    assert mail.outbox[0].to == [referral.request.contact_email]


def test_outcome_question_is_sent_when_due(bfc: Any, django_capture_on_commit_callbacks: Any) -> None:
    referral = ReferralFactory(status=ReferralStatus.DONE)
    survey = Survey.objects.create(referral=referral, kind=SurveyKind.OUTCOME, due_on=TODAY)
    with django_capture_on_commit_callbacks(execute=True):
        early = services.send_reminders(now=timezone.make_aware(dt.datetime(2026, 3, 14, 12)))
        due = services.send_reminders(now=timezone.make_aware(dt.datetime(2026, 3, 15, 12)))
        again = services.send_reminders(now=timezone.make_aware(dt.datetime(2026, 3, 16, 12)))
    assert (early["outcome_surveys"], due["outcome_surveys"], again["outcome_surveys"]) == (0, 1, 0)
    survey.refresh_from_db()
    assert survey.sent_at is not None and len(mail.outbox) == 1


def contributed(siren: str) -> list[dict[str, Any]]:
    """A history contribution as another app (events) registers it."""
    return [
        {
            "date": dt.date(2026, 1, 20),
            "kind": "Événement",
            "label": f"Conext Days ({siren})",
            "provider": "Nicéphore Cité",
        }
    ]


def test_history_collects_every_registered_app(bfc: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    config = apps.get_app_config("organisations")
    monkeypatch.setattr(
        config, "support_history", "filiere.support.tests.test_services.contributed", raising=False
    )
    engagement = EngagementFactory(siren="123456789", label="Diagnostic", date=dt.date(2025, 9, 1))
    entries = selectors.support_history("123456789")
    assert [(e.date, e.label, e.provider) for e in entries] == [
        (dt.date(2026, 1, 20), "Conext Days (123456789)", "Nicéphore Cité"),
        (dt.date(2025, 9, 1), "Diagnostic", engagement.provider.name),
    ]


def test_companies_supported_this_year_counts_each_siren_once_in_the_region(bfc: Any) -> None:
    year = timezone.localdate().year
    EngagementFactory(siren="111111111", date=dt.date(year, 1, 5), region_code="27")
    EngagementFactory(siren="111111111", date=dt.date(year, 2, 5), region_code="27")
    EngagementFactory(siren="222222222", date=dt.date(year, 2, 5), region_code="27")
    EngagementFactory(siren="333333333", date=dt.date(year - 1, 6, 5), region_code="27")
    EngagementFactory(siren="444444444", date=dt.date(year, 6, 5), region_code="75")
    computation = computations()["support_companies_supported_this_year"]
    assert computation.function("27") == 2
