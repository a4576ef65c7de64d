"""Job applications, the company's side: the logged state machine, who may move what, the mails,
the pages (inbox, list per offer, one application) and the personal space link."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from filiere.accounts.models import Role
from filiere.core.space import sections_for
from filiere.talent import services
from filiere.talent.models import (
    AccessLog,
    Application,
    ApplicationStatus,
    ApplicationTransition,
    JobOffer,
    RefusalReason,
)
from filiere.talent.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    SeekerFactory,
    StructureFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

S = ApplicationStatus


@dataclass
class World:
    company: Any
    editor: Any
    other_editor: Any
    adviser: Any
    candidate: Any
    seeker: Any
    offer: Any
    application: Any


@pytest.fixture
def world() -> World:
    company: Any = OrganisationFactory(name="Rail Data", siren=None)
    editor = MembershipFactory(organisation=company, role=Role.EDITOR, user__email="rh@raildata.fr").user
    other_editor = MembershipFactory(organisation=OrganisationFactory(siren=None), role=Role.EDITOR).user
    structure = StructureFactory()
    adviser = MembershipFactory(
        organisation=structure, role=Role.MEMBER, user__email="conseil@ft.fr", user__language="en"
    ).user
    candidate = UserFactory(email="awa@exemple.org", language="fr")
    seeker: Any = SeekerFactory(
        structure=structure, adviser=adviser, user=candidate, first_name="Awa", last_name="Diallo"
    )
    offer = JobOffer.objects.create(organisation=company, title="Technicienne support", skill_ids=[])
    application = services.apply(seeker=seeker, offer=offer, by=adviser, message="Disponible tout de suite.")
    return World(company, editor, other_editor, adviser, candidate, seeker, offer, application)


def _statuses(application: Application) -> list[tuple[str, str]]:
    return list(application.transitions.values_list("from_status", "to_status"))


# -- state machine ---------------------------------------------------------------------------


def test_sending_logs_the_first_step(world: World) -> None:
    assert world.application.status == S.SENT
    [first] = world.application.transitions.all()
    assert (first.from_status, first.to_status, first.by) == ("", S.SENT, world.adviser)


def test_company_examines_then_accepts_each_move_logged(world: World) -> None:
    services.move_application(application=world.application, to_status=S.PROCESSING, by=world.editor)
    services.move_application(
        application=world.application, to_status=S.ACCEPTED, by=world.editor, reason="Début lundi"
    )
    world.application.refresh_from_db()
    assert world.application.status == S.ACCEPTED
    assert _statuses(world.application) == [("", S.SENT), (S.SENT, S.PROCESSING), (S.PROCESSING, S.ACCEPTED)]
    last = world.application.transitions.last()
    assert last.by == world.editor and last.reason == "Début lundi"


def test_refusal_needs_a_reason_from_the_list(world: World) -> None:
    with pytest.raises(ValidationError) as error:
        services.move_application(application=world.application, to_status=S.REFUSED, by=world.editor)
    assert "refusal_reason" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.move_application(
            application=world.application, to_status=S.REFUSED, by=world.editor, refusal_reason="moody"
        )
    assert _statuses(world.application) == [("", S.SENT)]  # nothing half-written


def test_other_reason_needs_free_text(world: World) -> None:
    with pytest.raises(ValidationError) as error:
        services.move_application(
            application=world.application,
            to_status=S.REFUSED,
            by=world.editor,
            refusal_reason=RefusalReason.OTHER,
        )
    assert "reason" in error.value.message_dict
    services.move_application(
        application=world.application,
        to_status=S.REFUSED,
        by=world.editor,
        refusal_reason=RefusalReason.OTHER,
        reason="Poste supprimé",
    )
    world.application.refresh_from_db()
    assert (world.application.status, world.application.refusal_reason) == (S.REFUSED, RefusalReason.OTHER)


def test_a_refusal_reason_only_goes_with_a_refusal(world: World) -> None:
    with pytest.raises(ValidationError) as error:
        services.move_application(
            application=world.application,
            to_status=S.ACCEPTED,
            by=world.editor,
            refusal_reason=RefusalReason.SKILLS,
        )
    assert "refusal_reason" in error.value.message_dict


def test_a_final_status_cannot_move_and_the_error_says_so(world: World) -> None:
    services.move_application(
        application=world.application,
        to_status=S.REFUSED,
        by=world.editor,
        refusal_reason=RefusalReason.SKILLS,
    )
    with pytest.raises(ValidationError) as error:
        services.move_application(application=world.application, to_status=S.ACCEPTED, by=world.editor)
    message = error.value.message_dict["to_status"][0]
    assert "Non retenue" in message and "Retenue" in message and "aucun (état final)" in message


def test_unknown_status_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as error:
        services.move_application(application=world.application, to_status="hired", by=world.editor)
    assert error.value.message_dict["to_status"] == ["Statut inconnu."]


# -- who moves what --------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["adviser", "candidate", "other_editor"])
def test_only_the_company_answers(world: World, who: str) -> None:
    with pytest.raises(PermissionDenied):
        services.move_application(application=world.application, to_status=S.ACCEPTED, by=getattr(world, who))
    assert Application.objects.get(pk=world.application.pk).status == S.SENT


@pytest.mark.parametrize("who", ["adviser", "candidate"])
def test_the_candidate_side_withdraws(world: World, who: str) -> None:
    services.move_application(application=world.application, to_status=S.PROCESSING, by=world.editor)
    services.move_application(application=world.application, to_status=S.WITHDRAWN, by=getattr(world, who))
    assert Application.objects.get(pk=world.application.pk).status == S.WITHDRAWN


def test_the_company_does_not_withdraw_for_the_candidate(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.move_application(application=world.application, to_status=S.WITHDRAWN, by=world.editor)


def test_an_adviser_of_another_structure_does_not_withdraw(world: World) -> None:
    stranger = MembershipFactory(organisation=StructureFactory(), role=Role.MEMBER).user
    with pytest.raises(PermissionDenied):
        services.move_application(application=world.application, to_status=S.WITHDRAWN, by=stranger)


# -- mail ------------------------------------------------------------------------------------


def test_candidate_and_adviser_are_told_each_in_their_language(
    world: World, mailoutbox: Any, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.SITE_URL = "https://filiere.example.org"
    with django_capture_on_commit_callbacks(execute=True):
        services.move_application(
            application=world.application,
            to_status=S.REFUSED,
            by=world.editor,
            refusal_reason=RefusalReason.POSITION_FILLED,
            reason="Merci pour votre intérêt.",
        )
    by_address = {mail.to[0]: mail for mail in mailoutbox}
    assert set(by_address) == {"awa@exemple.org", "conseil@ft.fr"}
    link = f"https://filiere.example.org/talents/candidatures/{world.application.pk}/"
    french, english = by_address["awa@exemple.org"], by_address["conseil@ft.fr"]
    assert "Votre candidature" in french.body and "Le poste a été pourvu" in french.body
    assert "Merci pour votre intérêt." in french.body and link in french.body
    assert "Non retenue" in french.subject
    assert "Awa Diallo" in english.body and "Not accepted" in english.subject
    assert "The position has been filled" in english.body and link in english.body


def test_the_adviser_who_withdraws_is_not_mailed_but_the_candidate_is(
    world: World, mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.move_application(application=world.application, to_status=S.WITHDRAWN, by=world.adviser)
    assert [mail.to for mail in mailoutbox] == [["awa@exemple.org"]]


def test_a_refused_move_mails_nobody(
    world: World, mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        services.move_application(application=world.application, to_status=S.REFUSED, by=world.editor)
    assert mailoutbox == []


# -- pages -----------------------------------------------------------------------------------


def test_inbox_lists_the_applications_and_filters_by_status(client: Any, world: World) -> None:
    martin: Any = SeekerFactory(last_name="Martin")
    other = services.apply(seeker=martin, offer=world.offer, by=None)
    services.move_application(application=other, to_status=S.PROCESSING, by=world.editor)
    client.force_login(world.editor)
    page = client.get(reverse("talent:application_inbox")).content.decode()
    assert "Diallo" in page and "Martin" in page and "Technicienne support" in page
    filtered = client.get(reverse("talent:application_inbox"), {"statut": S.PROCESSING}).content.decode()
    assert "Martin" in filtered and "Diallo" not in filtered
    assert (
        AccessLog.objects.filter(user=world.editor, what="candidatures reçues").count() == 3
    )  # 2 names, then 1


def test_inbox_of_another_company_is_empty(client: Any, world: World) -> None:
    client.force_login(world.other_editor)
    response = client.get(reverse("talent:application_inbox"))
    assert response.status_code == 200 and "Diallo" not in response.content.decode()


def test_offer_page_links_its_applications(client: Any, world: World) -> None:
    client.force_login(world.editor)
    page = client.get(reverse("talent:offer_detail", args=[world.offer.pk])).content.decode()
    assert (
        reverse("talent:offer_applications", args=[world.offer.pk]) in page and "1 candidature reçue" in page
    )
    listing = client.get(reverse("talent:offer_applications", args=[world.offer.pk])).content.decode()
    assert reverse("talent:application_detail", args=[world.application.pk]) in listing


def test_editor_refuses_from_the_page(client: Any, world: World) -> None:
    client.force_login(world.editor)
    url = reverse("talent:application_detail", args=[world.application.pk])
    response = client.post(
        url, {"to_status": S.REFUSED, "refusal_reason": RefusalReason.SKILLS, "reason": ""}
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Compétences insuffisantes pour le poste" in page and "Non retenue" in page


def test_a_bad_transition_from_the_page_is_a_clear_400(client: Any, world: World) -> None:
    services.move_application(application=world.application, to_status=S.ACCEPTED, by=world.editor)
    client.force_login(world.editor)
    url = reverse("talent:application_detail", args=[world.application.pk])
    response = client.post(url, {"to_status": S.PROCESSING})
    assert response.status_code == 400
    assert "Passage impossible de « Retenue » à « En cours d&#x27;examen »" in response.content.decode()
    assert ApplicationTransition.objects.filter(application=world.application).count() == 2


def test_a_refusal_without_reason_from_the_page_names_the_field(client: Any, world: World) -> None:
    client.force_login(world.editor)
    url = reverse("talent:application_detail", args=[world.application.pk])
    response = client.post(url, {"to_status": S.REFUSED, "refusal_reason": ""})
    assert (
        response.status_code == 400
        and "Choisissez le motif du refus dans la liste." in response.content.decode()
    )


def test_the_adviser_reads_and_may_only_withdraw(client: Any, world: World) -> None:
    client.force_login(world.adviser)
    url = reverse("talent:application_detail", args=[world.application.pk])
    page = client.get(url)
    assert page.status_code == 200
    options = page.context["form"].fields["to_status"].widget.choices
    assert [value for value, _label in options] == [S.WITHDRAWN]
    assert client.post(url, {"to_status": S.ACCEPTED}).status_code == 403
    assert client.post(url, {"to_status": S.WITHDRAWN, "reason": "A trouvé un emploi"}).status_code == 302
    assert AccessLog.objects.filter(user=world.adviser, what=f"candidature {world.application.pk}").exists()


def test_the_candidate_sees_their_application_from_their_profile(client: Any, world: World) -> None:
    client.force_login(world.candidate)
    profile = client.get(reverse("talent:seeker_detail", args=[world.seeker.pk])).content.decode()
    assert reverse("talent:application_detail", args=[world.application.pk]) in profile
    assert client.get(reverse("talent:application_detail", args=[world.application.pk])).status_code == 200


def test_space_shows_the_inbox_with_new_applications(world: World) -> None:
    [section] = [s for s in sections_for(world.editor) if s.title == "Recrutement"]
    assert section.links[0].url == reverse("talent:application_inbox") and section.links[0].count == 1
    services.move_application(application=world.application, to_status=S.PROCESSING, by=world.editor)
    [section] = [s for s in sections_for(world.editor) if s.title == "Recrutement"]
    assert section.links[0].count == 0
    assert not [s for s in sections_for(world.adviser) if s.title == "Recrutement"]


def test_erasure_blanks_the_free_text_of_the_history(world: World) -> None:
    services.move_application(
        application=world.application,
        to_status=S.REFUSED,
        by=world.editor,
        refusal_reason=RefusalReason.OTHER,
        reason="Mme Diallo habite trop loin",
    )
    services.erase_seeker(seeker=world.seeker, by=world.adviser)
    assert set(world.application.transitions.values_list("reason", flat=True)) == {""}
    assert world.application.transitions.filter(refusal_reason=RefusalReason.OTHER).exists()


def test_export_holds_the_application_history(world: World) -> None:
    from filiere.talent.selectors import export_seeker_data

    services.move_application(application=world.application, to_status=S.PROCESSING, by=world.editor)
    [exported] = export_seeker_data(world.seeker)["applications"]
    assert exported["status"] == S.PROCESSING
    assert [step["to"] for step in exported["history"]] == [S.SENT, S.PROCESSING]
    assert dt.datetime.fromisoformat(exported["history"][0]["at"]) <= timezone.now()


def test_notify_false_moves_without_mail(
    world: World, mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.move_application(
            application=world.application, to_status=S.PROCESSING, by=world.editor, notify=False
        )
    assert mailoutbox == [] and _statuses(world.application)[-1] == (S.SENT, S.PROCESSING)
