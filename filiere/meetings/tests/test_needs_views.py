"""Buyers' needs pages per role: the buyer, an invited firm, a firm not invited (404 on a
confidential need), anonymous (to the login page); bad input gets clear field errors."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from filiere.meetings.needs import services
from filiere.meetings.needs.models import BuyerNeed, NeedInvitation, PathStatus
from filiere.organisations.models import Kind
from filiere.organisations.tests.factories import OrganisationFactory, UserFactory

from .needs_fixtures import _shared_world, fresh_engine_fixture, post_need, shared_world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def confidential(world: Any) -> Any:
    need = post_need(world, confidential=True)
    services.invite(by=world.buyer, need=need, organisation_ids=[world.firms["U-Need"].pk])
    return need


def test_anonymous_goes_to_login(client: Any, confidential: Any) -> None:
    for url in (reverse("meetings:needs_mine"), reverse("meetings:need", args=[confidential.pk])):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_confidential_need_is_hidden_from_a_firm_not_invited(
    client: Any, world: Any, confidential: Any
) -> None:
    client.force_login(world.people["LabSoft"])
    assert client.get(reverse("meetings:need", args=[confidential.pk])).status_code == 404
    client.force_login(UserFactory())
    assert client.get(reverse("meetings:need", args=[confidential.pk])).status_code == 404


def test_invited_firm_opens_the_need_once(client: Any, world: Any, confidential: Any) -> None:
    client.force_login(world.people["U-Need"])
    response = client.get(reverse("meetings:need", args=[confidential.pk]))
    assert response.status_code == 200
    assert "Envoyer la réponse" in response.content.decode()
    invitation = NeedInvitation.objects.get()
    assert invitation.status == PathStatus.OPENED and invitation.opened_by == world.people["U-Need"]
    # The buyer's own views never count as the firm's opening.
    client.force_login(world.buyer)
    client.get(reverse("meetings:need", args=[confidential.pk]))
    invitation.refresh_from_db()
    assert invitation.opened_by == world.people["U-Need"]


def test_invited_firm_may_not_compare_or_invite(client: Any, world: Any, confidential: Any) -> None:
    client.force_login(world.people["U-Need"])
    assert client.get(reverse("meetings:need_compare", args=[confidential.pk])).status_code == 403
    assert client.get(reverse("meetings:need_proposals", args=[confidential.pk])).status_code == 403


def test_buyer_member_reads_but_does_not_manage(client: Any, world: Any, confidential: Any) -> None:
    client.force_login(world.buyer_member)
    assert client.get(reverse("meetings:need", args=[confidential.pk])).status_code == 200
    assert client.get(reverse("meetings:need_edit", args=[confidential.pk])).status_code == 403


def test_buyer_sees_proposals_with_reasons(client: Any, world: Any) -> None:
    need = post_need(world)
    client.force_login(world.buyer)
    page = client.get(reverse("meetings:need_proposals", args=[need.pk])).content.decode()
    assert "U-Need" in page and "LabSoft" in page and "Retenue pour :" in page
    assert "Strasbourg Hydrogène" not in page


def test_buyer_posts_a_need_and_lands_on_the_proposals(client: Any, world: Any) -> None:
    client.force_login(world.buyer)
    response = client.post(
        reverse("meetings:need_create"),
        {
            "organisation": world.buyer_org.pk, "kind": "rd", "title": "Jumeau numérique",
            "description": "Simulation numérique des lignes.", "themes": "simulation numérique",
            "deadline": (timezone.localdate() + dt.timedelta(days=20)).isoformat(), "region": "76",
            "publish": "1",
        },
    )  # fmt: skip
    need = BuyerNeed.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "meetings:need_proposals", args=[need.pk]
    )
    assert need.status == "published" and need.created_by == world.buyer


def test_bad_need_form_names_each_field(client: Any, world: Any) -> None:
    client.force_login(world.buyer)
    response = client.post(
        reverse("meetings:need_create"),
        {
            "organisation": world.buyer_org.pk, "kind": "rd", "title": "T", "description": "D",
            "deadline": (timezone.localdate() - dt.timedelta(days=2)).isoformat(), "region": "76",
            "budget_min": "50000", "budget_max": "1000",
        },
    )  # fmt: skip
    assert response.status_code == 200
    form = response.context["form"]
    assert "inférieur au budget minimum" in form.errors["budget_max"][0]
    assert "date limite des réponses est passée" in form.errors["deadline"][0]
    assert not BuyerNeed.objects.exists()


def test_inviting_a_non_firm_id_shows_a_clear_error(client: Any, world: Any) -> None:
    need = post_need(world)
    cluster = OrganisationFactory(name="Digital 113", kind=Kind.CLUSTER, siren=None)
    client.force_login(world.buyer)
    response = client.post(
        reverse("meetings:need_proposals", args=[need.pk]),
        {"organisations": [str(world.firms["U-Need"].pk), str(cluster.pk)]},
    )
    assert response.status_code == 400
    assert "« Digital 113 » (Cluster / réseau) n&#x27;est pas une entreprise" in response.content.decode()
    assert not NeedInvitation.objects.exists()
    response = client.post(reverse("meetings:need_proposals", args=[need.pk]), {"organisations": ["abc"]})
    assert "« abc » n&#x27;est pas un numéro d&#x27;organisation" in response.content.decode()


def test_firm_answers_with_an_attachment_and_the_buyer_compares(client: Any, world: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    need = post_need(world)
    [invitation] = services.invite(by=world.buyer, need=need, organisation_ids=[world.firms["LabSoft"].pk])
    client.force_login(world.people["LabSoft"])
    pdf = SimpleUploadedFile("offre.pdf", b"%PDF-1.4 demo", content_type="application/pdf")
    response = client.post(
        reverse("meetings:need_answer", args=[invitation.pk]),
        {"answer": "Simulation et banc d'essai", "amount": "120000", "delay_days": "90", "attachment": pdf},
    )
    assert response.status_code == 302
    client.force_login(world.buyer)
    page = client.get(reverse("meetings:need_compare", args=[need.pk])).content.decode()
    assert "LabSoft" in page and "Simulation et banc d&#x27;essai" in page
    assert re.search(r"<td>120[\s\u202f\xa0]000</td>", page)  # grouped by thousands
    download = client.get(reverse("meetings:need_attachment", args=[invitation.pk]))
    assert download.content == b"%PDF-1.4 demo"
    client.post(reverse("meetings:need_step", args=[invitation.pk, "retenir"]))
    invitation.refresh_from_db()
    assert invitation.status == PathStatus.SELECTED


def test_a_bad_attachment_is_refused_and_nothing_is_saved(client: Any, world: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    need = post_need(world)
    [invitation] = services.invite(by=world.buyer, need=need, organisation_ids=[world.firms["LabSoft"].pk])
    client.force_login(world.people["LabSoft"])
    exe = SimpleUploadedFile("x.exe", b"MZ", content_type="application/x-msdownload")
    response = client.post(
        reverse("meetings:need_answer", args=[invitation.pk]), {"answer": "Oui", "attachment": exe}
    )
    assert response.status_code == 400 and "PDF, ODT ou DOCX seulement" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.answered_at is None


def test_public_need_listed_to_regional_firms_who_express_interest(client: Any, world: Any) -> None:
    need = post_need(world)
    client.force_login(world.people["Web Toulouse"])
    assert need in client.get(reverse("meetings:needs_received")).context["public_needs"]
    response = client.post(
        reverse("meetings:need_interest", args=[need.pk]), {"organisation": world.firms["Web Toulouse"].pk}
    )
    assert response.status_code == 302
    assert NeedInvitation.objects.get().status == PathStatus.INTERESTED


def test_firm_member_reads_but_may_not_answer(client: Any, world: Any, confidential: Any) -> None:
    from filiere.accounts.models import Role

    from .needs_fixtures import person_of

    member = person_of(world.firms["U-Need"], Role.MEMBER)
    client.force_login(member)
    assert client.get(reverse("meetings:need", args=[confidential.pk])).status_code == 200
    invitation = NeedInvitation.objects.get()
    assert (
        client.post(reverse("meetings:need_answer", args=[invitation.pk]), {"answer": "x"}).status_code == 403
    )


def test_space_links(client: Any, world: Any) -> None:
    client.force_login(world.people["U-Need"])
    page = client.get(reverse("accounts:space")).content.decode()
    assert reverse("meetings:needs_mine") in page and reverse("meetings:needs_received") in page


def test_english_page(client: Any, world: Any) -> None:
    need = post_need(world)
    client.force_login(world.buyer)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("meetings:need", args=[need.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Compare the answers" in page


def test_received_link_counts_the_needs_not_opened_yet(client: Any, world: Any, confidential: Any) -> None:
    from filiere.meetings.needs import space

    firm_person = world.people["U-Need"]
    [link] = [link for link in space.links(firm_person) if link.url == reverse("meetings:needs_received")]
    assert link.count == 1
    client.force_login(firm_person)
    client.get(reverse("meetings:need", args=[confidential.pk]))
    [link] = [link for link in space.links(firm_person) if link.url == reverse("meetings:needs_received")]
    assert link.count is None


def test_after_the_deadline_the_answer_form_is_gone(client: Any, world: Any, confidential: Any) -> None:
    BuyerNeed.objects.filter(pk=confidential.pk).update(deadline=timezone.localdate() - dt.timedelta(days=1))
    client.force_login(world.people["U-Need"])
    page = client.get(reverse("meetings:need", args=[confidential.pk])).content.decode()
    assert "Envoyer la réponse" not in page and "Les réponses à ce besoin sont closes." in page


def test_staff_figures_per_region(client: Any, world: Any, confidential: Any) -> None:
    from filiere.accounts.models import RegionalRole
    from filiere.territories.models import Region

    occitanie = UserFactory()
    RegionalRole.objects.create(user=occitanie, region=Region.objects.get(code="76"))
    grand_est = UserFactory()
    RegionalRole.objects.create(user=grand_est, region=Region.objects.get(code="44"))
    client.force_login(occitanie)
    response = client.get(reverse("meetings:needs_figures"))
    assert response.context["totals"].posted == 1
    [row] = response.context["rows"]
    assert (row.invited, row.answered, row.selected) == (1, 0, 0)
    client.force_login(grand_est)
    assert client.get(reverse("meetings:needs_figures")).context["totals"].posted == 0
    client.force_login(world.buyer)
    assert client.get(reverse("meetings:needs_figures")).status_code == 403


def test_follow_up_task_is_scheduled_and_runs(settings: Any, world: Any) -> None:
    from filiere.meetings.needs import tasks

    assert "filiere.meetings.needs.tasks.need_follow_ups" in settings.SCHEDULE
    need = post_need(world)
    BuyerNeed.objects.filter(pk=need.pk).update(deadline=timezone.localdate() - dt.timedelta(days=31))
    assert tasks.need_follow_ups.enqueue().return_value == 1
    need.refresh_from_db()
    assert need.follow_up_asked_at is not None


def test_a_call_for_partners_shows_the_consortium_formed(client: Any, world: Any) -> None:
    need = post_need(world, kind="partners")
    created = services.invite(
        by=world.buyer,
        need=need,
        organisation_ids=[world.firms["U-Need"].pk, world.lab.pk, world.firms["LabSoft"].pk],
    )
    lab_person = UserFactory()
    from filiere.accounts.models import Membership, Role

    Membership.objects.create(user=lab_person, organisation=world.lab, role=Role.EDITOR)
    by_org = {i.organisation_id: i for i in created}
    for organisation, person in ((world.firms["U-Need"], world.people["U-Need"]), (world.lab, lab_person)):
        services.answer(by=person, invitation=by_org[organisation.pk], answer="Partants", amount=50_000)
        services.select(by=world.buyer, invitation=by_org[organisation.pk])
    client.force_login(world.buyer)
    page = client.get(reverse("meetings:need", args=[need.pk])).content.decode()
    consortium = page.split("Consortium formé", 1)[1].split("</ul>", 1)[0]
    assert "U-Need" in consortium and "Laboratoire Hydrogène (Laboratoire de recherche)" in consortium
    assert "LabSoft" not in consortium


def test_comparison_exports_every_path_with_formulas_guarded(client: Any, world: Any) -> None:
    import csv
    import io

    need = post_need(world)
    invitations = services.invite(
        by=world.buyer, need=need, organisation_ids=[world.firms["U-Need"].pk, world.firms["LabSoft"].pk]
    )
    labsoft = next(i for i in invitations if i.organisation_id == world.firms["LabSoft"].pk)
    services.answer(by=world.people["LabSoft"], invitation=labsoft, answer="=HYPERLINK(1)", amount=120_000)
    client.force_login(world.buyer)
    response = client.get(reverse("meetings:need_compare_export", args=[need.pk, "csv"]))
    assert response["Content-Disposition"].endswith('.csv"')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 3  # the header, then both paths (the one that answered first)
    assert rows[1][:4] == ["LabSoft", "120000", "", "'=HYPERLINK(1)"]
    assert rows[2][0] == "U-Need" and rows[2][7]  # notified, with its date
    assert client.get(reverse("meetings:need_compare_export", args=[need.pk, "xlsx"])).status_code == 200
    assert client.get(reverse("meetings:need_compare_export", args=[need.pk, "pdf"])).status_code == 404
    client.force_login(world.people["LabSoft"])
    assert client.get(reverse("meetings:need_compare_export", args=[need.pk, "csv"])).status_code == 403


def test_a_draft_is_the_buyers_until_published(client: Any, world: Any) -> None:
    need = post_need(world, publish=False)
    client.force_login(world.people["LabSoft"])
    assert client.get(reverse("meetings:need", args=[need.pk])).status_code == 404
    client.force_login(world.buyer)
    # Inviting before publishing is refused on the form, nobody is invited.
    response = client.post(
        reverse("meetings:need_proposals", args=[need.pk]), {"organisations": [world.firms["U-Need"].pk]}
    )
    assert "Publiez le besoin avant d" in response.content.decode() and not NeedInvitation.objects.exists()
    response = client.post(reverse("meetings:need_publish", args=[need.pk]))
    assert response["Location"] == reverse("meetings:need_proposals", args=[need.pk])
    client.force_login(world.people["LabSoft"])
    assert client.get(reverse("meetings:need", args=[need.pk])).status_code == 200  # public once published


def test_buyer_edits_then_closes_with_an_outcome(client: Any, world: Any) -> None:
    need = post_need(world)
    client.force_login(world.buyer)
    data = {
        "kind": "rd", "title": "Avion décarboné : hydrogène et piles", "description": need.description,
        "themes": "hydrogène", "deadline": need.deadline.isoformat(), "region": "76", "budget_min": "1",
        "budget_max": "2",
    }  # fmt: skip
    assert client.post(reverse("meetings:need_edit", args=[need.pk]), data).status_code == 302
    need.refresh_from_db()
    assert need.title.endswith("et piles") and list(need.skills.values_list("label", flat=True)) == [
        "hydrogène"
    ]
    response = client.post(
        reverse("meetings:need_close", args=[need.pk]), {"outcome": "awarded"}, follow=True
    )
    assert "Retenez d&#x27;abord au moins une entreprise" in response.content.decode()
    client.post(
        reverse("meetings:need_close", args=[need.pk]), {"outcome": "no_go", "outcome_note": "Reporté"}
    )
    need.refresh_from_db()
    assert (need.status, need.outcome, need.outcome_note) == ("closed", "no_go", "Reporté")
    assert client.get(reverse("meetings:need_edit", args=[need.pk])).status_code == 200
    response = client.post(reverse("meetings:need_edit", args=[need.pk]), data)
    assert "Ce besoin est clos" in response.content.decode()
