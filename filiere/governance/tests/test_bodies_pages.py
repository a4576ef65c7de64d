"""The board secretary's pages: bodies and seats, meetings (convocation, attendance, quorum,
minutes), decisions voted per college; what seat holders, members and the public see."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from filiere.accounts.models import Role
from filiere.governance import services
from filiere.governance.models import Attendance, Body, BodyKind, Decision, Meeting, Seat
from filiere.organisations.tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def assembly(world: Any) -> Body:
    """Cluster's general assembly: four seats (two per college), quorum half, one proxy each."""
    body = Body.objects.create(
        cluster=world.cluster, kind=BodyKind.ASSEMBLY, name="Assemblée générale", max_proxies=1
    )
    for index, college in enumerate((world.cloud, world.cloud, world.startups, world.startups)):
        user = UserFactory(email=f"seat{index}@example.org", first_name=f"Siège{index}", last_name="Test")
        Seat.objects.create(body=body, user=user, college=college)
    return body


@pytest.fixture
def meeting(assembly: Body) -> Meeting:
    return Meeting.objects.create(
        body=assembly,
        starts_at=timezone.now() + dt.timedelta(days=20),
        place="Montpellier",
        agenda="Budget 2027",
    )


def _seats(body: Body) -> list[Seat]:
    return list(body.seats.order_by("pk"))


def test_board_creates_a_body_with_quorum_as_a_percentage(client: Any, world: Any) -> None:
    client.force_login(world.board)
    url = reverse("governance:bodies", args=[world.cluster.pk])
    response = client.post(
        url, {"kind": "college", "name": "Collège Cloud", "college": world.cloud.pk, "quorum_percent": "40",
              "max_proxies": "3"},
    )  # fmt: skip
    body = Body.objects.get(name="Collège Cloud")
    assert response.status_code == 302 and response["Location"] == reverse("governance:body", args=[body.pk])
    assert (body.quorum, body.max_proxies, body.college_id) == (Decimal("0.40"), 3, world.cloud.pk)
    # A college's body without its college: named on the field, nothing created.
    response = client.post(
        url, {"kind": "college", "name": "Sans collège", "quorum_percent": "50", "max_proxies": "2"}
    )
    assert response.status_code == 200 and "college" in response.context["form"].errors
    assert not Body.objects.filter(name="Sans collège").exists()


def test_seats_are_added_by_account_address_and_removed(client: Any, world: Any, assembly: Body) -> None:
    membership = services.apply(college=world.startups, organisation=world.firm, by=world.firm_editor)
    client.force_login(world.board)
    url = reverse("governance:body", args=[assembly.pk])
    response = client.post(
        url, {"email": "DG@nuage.example", "membership": membership.pk, "role": "Trésorier"}
    )
    assert response.status_code == 302
    seat = assembly.seats.get(user=world.firm_editor)
    assert (seat.membership_id, seat.college_id, seat.role) == (membership.pk, world.startups.pk, "Trésorier")
    page = client.get(url)
    row = next(r for r in page.context["rows"] if r.seat.pk == seat.pk)
    assert (row.organisation, row.college) == ("Nuage Sud SAS", "Start-ups & Entrepreneurs")
    # Twice, or nobody with that address: the email field says why.
    again = client.post(url, {"email": "dg@nuage.example"})
    assert "déjà" in again.context["seat_form"].errors["email"][0]
    unknown = client.post(url, {"email": "personne@example.org"})
    assert "Aucun compte" in unknown.context["seat_form"].errors["email"][0]
    response = client.post(reverse("governance:seat_remove", args=[assembly.pk, seat.pk]))
    assert response.status_code == 302 and not assembly.seats.filter(pk=seat.pk).exists()


def test_a_seat_on_an_attendance_sheet_is_kept(client: Any, world: Any, meeting: Meeting) -> None:
    seats = _seats(meeting.body)
    services.record_attendance(meeting=meeting, by=world.board, present=[seats[0].pk], proxies={})
    client.force_login(world.board)
    client.post(reverse("governance:seat_remove", args=[meeting.body.pk, seats[1].pk]))
    assert meeting.body.seats.filter(pk=seats[1].pk).exists()


def test_meeting_is_created_and_convened_with_an_absolute_link(
    client: Any, world: Any, assembly: Body, mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(world.board)
    response = client.post(
        reverse("governance:meeting_create", args=[assembly.pk]),
        {"starts_at": "2027-03-15T17:30", "place": "Nîmes", "agenda": "1. Comptes\n2. Élections"},
    )
    meeting = Meeting.objects.get(body=assembly)
    assert response["Location"] == reverse("governance:meeting", args=[meeting.pk])
    assert timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M") == "2027-03-15 17:30"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("governance:meeting_convene", args=[meeting.pk]))
    assert sorted(m.to[0] for m in mailoutbox) == [f"seat{i}@example.org" for i in range(4)]
    link = "https://filiere.example" + reverse("governance:meeting", args=[meeting.pk])
    assert link in mailoutbox[0].body and "2. Élections" in mailoutbox[0].body
    meeting.refresh_from_db()
    assert meeting.convened_at is not None


def test_attendance_sheet_names_the_row_of_each_refused_proxy(
    client: Any, world: Any, meeting: Meeting
) -> None:
    s = _seats(meeting.body)
    client.force_login(world.board)
    url = reverse("governance:meeting_attendance", args=[meeting.pk])
    # s1 gives a proxy to s2, who is absent; s2 and s3 both give one to s0 (cap: one).
    response = client.post(
        url,
        {f"seat_{s[0].pk}": "present", f"seat_{s[1].pk}": f"proxy-{s[2].pk}",
         f"seat_{s[2].pk}": f"proxy-{s[0].pk}", f"seat_{s[3].pk}": f"proxy-{s[0].pk}"},
    )  # fmt: skip
    form = response.context["form"]
    assert response.status_code == 200
    assert "n'est pas présent" in form.errors[f"seat_{s[1].pk}"][0]
    assert "maximum" in form.errors[f"seat_{s[3].pk}"][0]
    assert f"seat_{s[2].pk}" not in form.errors and f"seat_{s[0].pk}" not in form.errors
    assert not Attendance.objects.filter(meeting=meeting).exists()  # nothing half-written
    response = client.post(
        url,
        {f"seat_{s[0].pk}": "present", f"seat_{s[1].pk}": "absent",
         f"seat_{s[2].pk}": f"proxy-{s[0].pk}", f"seat_{s[3].pk}": "absent"},
    )  # fmt: skip
    assert response.status_code == 302
    page = client.get(reverse("governance:meeting", args=[meeting.pk]))
    quorum = page.context["quorum"]
    assert (quorum.present, quorum.represented, quorum.required, quorum.reached) == (1, 1, 2, True)
    assert "Quorum atteint" in page.content.decode()
    # The sheet opens again with what was recorded.
    again = client.get(url)
    assert again.context["form"][f"seat_{s[2].pk}"].value() == f"proxy-{s[0].pk}"


def test_decision_is_voted_per_college_and_published_in_the_register(
    client: Any, world: Any, meeting: Meeting
) -> None:
    s = _seats(meeting.body)
    services.record_attendance(meeting=meeting, by=world.board, present=[x.pk for x in s], proxies={})
    client.force_login(world.board)
    response = client.post(
        reverse("governance:decision_create", args=[meeting.pk]),
        {"title": "Budget 2027", "text": "Le budget est adopté.", "is_public": "on"},
    )
    decision = Decision.objects.get(title="Budget 2027")
    url = reverse("governance:decision", args=[decision.pk])
    assert response["Location"] == url
    # Cloud (weight 2) for, start-ups (weight 1) against: 2/3 of the weight for.
    response = client.post(
        url,
        {"action": "vote", f"yes_{world.cloud.pk}": "2", f"no_{world.cloud.pk}": "0",
         f"abstain_{world.cloud.pk}": "0", f"yes_{world.startups.pk}": "0", f"no_{world.startups.pk}": "2",
         f"abstain_{world.startups.pk}": "0"},
    )  # fmt: skip
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.adopted is True and decision.weighted_yes == Decimal("0.6667")
    page = client.get(url).content.decode()
    assert "Adoptée" in page and "67 %" in page and "Quorum atteint" in page
    client.logout()
    register = client.get(reverse("governance:register", args=[world.cluster.pk])).content.decode()
    assert "Budget 2027" in register


def test_no_vote_without_quorum_and_the_form_says_so(client: Any, world: Any, meeting: Meeting) -> None:
    services.record_attendance(
        meeting=meeting, by=world.board, present=[_seats(meeting.body)[0].pk], proxies={}
    )
    decision = Decision.objects.create(meeting=meeting, title="Statuts", is_public=False)
    client.force_login(world.board)
    response = client.post(
        reverse("governance:decision", args=[decision.pk]),
        {"action": "vote", f"yes_{world.cloud.pk}": "1", f"no_{world.cloud.pk}": "0",
         f"abstain_{world.cloud.pk}": "0", f"yes_{world.startups.pk}": "0", f"no_{world.startups.pk}": "0",
         f"abstain_{world.startups.pk}": "0"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "quorum" in " ".join(response.context["vote_form"].non_field_errors()).lower()
    decision.refresh_from_db()
    assert decision.adopted is None and not decision.college_votes.exists()


def test_minutes_are_kept_then_published_to_the_seats(
    client: Any, world: Any, meeting: Meeting, mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(world.board)
    url = reverse("governance:meeting_minutes", args=[meeting.pk])
    response = client.post(url, {"minutes": "", "publish": "1"})
    assert response.status_code == 200 and "minutes" in response.context["minutes_form"].errors
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"minutes": "Séance ouverte à 17 h 30.", "publish": "0"})
    assert mailoutbox == []
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"minutes": "Séance ouverte à 17 h 30.", "publish": "1"})
    assert len(mailoutbox) == 4 and "Séance ouverte" in mailoutbox[0].body
    meeting.refresh_from_db()
    assert meeting.minutes == "Séance ouverte à 17 h 30."


def test_a_seat_holder_reads_the_meeting_and_changes_nothing(
    client: Any, world: Any, meeting: Meeting
) -> None:
    holder = _seats(meeting.body)[0].user
    client.force_login(holder)
    page = client.get(reverse("governance:meeting", args=[meeting.pk]))
    assert page.status_code == 200 and "Budget 2027" in page.content.decode()
    assert page.context["minutes_form"] is None
    assert client.get(reverse("governance:body", args=[meeting.body.pk])).status_code == 200
    assert client.get(reverse("governance:meeting_attendance", args=[meeting.pk])).status_code == 403
    assert client.post(reverse("governance:meeting_convene", args=[meeting.pk])).status_code == 403
    assert client.get(reverse("governance:bodies", args=[world.cluster.pk])).status_code == 403


def test_members_and_strangers_are_not_told_a_body_exists(client: Any, world: Any, meeting: Meeting) -> None:
    client.force_login(world.firm_editor)  # a member firm's admin, seated nowhere
    assert client.get(reverse("governance:meeting", args=[meeting.pk])).status_code == 404
    assert client.get(reverse("governance:body", args=[meeting.body.pk])).status_code == 404
    client.logout()
    response = client.get(reverse("governance:meeting", args=[meeting.pk]))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_personal_space_links_the_bodies_one_runs_or_sits_in(
    client: Any, world: Any, meeting: Meeting
) -> None:
    from filiere.governance.bodies.space import activities

    board_links = [link.url for link in activities(world.board).links]  # type: ignore[union-attr]
    assert reverse("governance:bodies", args=[world.cluster.pk]) in board_links
    holder_links = [link.url for link in activities(_seats(meeting.body)[0].user).links]  # type: ignore[union-attr]
    assert holder_links == [reverse("governance:body", args=[meeting.body.pk])]
    assert activities(world.firm_member) is None


def test_regional_staff_run_their_region_s_council(client: Any, world: Any) -> None:
    from filiere.accounts.models import RegionalRole
    from filiere.organisations.models import Kind
    from filiere.organisations.tests.factories import EstablishmentFactory, OrganisationFactory, RegionFactory

    region = OrganisationFactory(name="Région Test", kind=Kind.PUBLIC_BODY, siren=None)
    EstablishmentFactory(organisation=region, region_code="75", siret=None)
    Body.objects.create(cluster=region, kind=BodyKind.CONSULTATIVE, name="Conseil du numérique")
    staff = RegionalRole.objects.create(user=UserFactory(), region=RegionFactory(code="75")).user
    client.force_login(staff)
    page = client.get(reverse("governance:bodies", args=[region.pk]))
    assert page.status_code == 200 and "Conseil du numérique" in page.content.decode()
    other = MembershipFactory(organisation=world.firm, role=Role.ADMIN).user
    client.force_login(other)
    assert client.get(reverse("governance:bodies", args=[region.pk])).status_code == 403


def test_meeting_and_attendance_pages_in_english(client: Any, world: Any, meeting: Meeting) -> None:
    s = _seats(meeting.body)
    services.record_attendance(meeting=meeting, by=world.board, present=[s[0].pk], proxies={s[1].pk: s[0].pk})
    client.force_login(world.board)
    client.cookies["django_language"] = "en"
    page = client.get(
        reverse("governance:meeting", args=[meeting.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Quorum reached" in page and "Represented by Siège0 Test" in page and "Attendance sheet" in page
    sheet = client.get(reverse("governance:meeting_attendance", args=[meeting.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert "Proxy to Siège2 Test" in sheet.content.decode()


def test_a_region_s_public_decisions_form_its_register(client: Any, world: Any) -> None:
    from filiere.organisations.models import Kind
    from filiere.organisations.tests.factories import OrganisationFactory

    region = OrganisationFactory(name="Région Test", kind=Kind.PUBLIC_BODY, siren=None)
    body = Body.objects.create(cluster=region, kind=BodyKind.CONSULTATIVE, name="Conseil du numérique")
    meeting = Meeting.objects.create(body=body, starts_at=timezone.now(), agenda="Avis")
    decision = Decision.objects.create(meeting=meeting, title="Avis sur la feuille de route")
    services.count_votes(decision=decision, counts={None: (12, 2, 1)})
    page = client.get(reverse("governance:register", args=[region.pk]))
    assert page.status_code == 200 and "Avis sur la feuille de route" in page.content.decode()
    assert client.get(f"/api/governance/clusters/{region.pk}/register").json()[0]["votes"][0]["yes"] == 12
    assert client.get(reverse("governance:register", args=[world.firm.pk])).status_code == 404


def test_minutes_stay_a_board_draft_until_published(
    client: Any, world: Any, meeting: Meeting, django_capture_on_commit_callbacks: Any
) -> None:
    url = reverse("governance:meeting", args=[meeting.pk])
    holder = _seats(meeting.body)[0].user
    client.force_login(world.board)
    client.post(
        reverse("governance:meeting_minutes", args=[meeting.pk]),
        {"minutes": "Le budget 2027 est discuté.", "publish": "0"},
    )
    meeting.refresh_from_db()
    assert meeting.minutes_published_at is None
    board_page = client.get(url).content.decode()
    assert "Le budget 2027 est discuté." in board_page and "Brouillon" in board_page
    client.force_login(holder)
    page = client.get(url)
    assert "Le budget 2027 est discuté." not in page.content.decode()
    assert "Pas encore publié" in page.content.decode()
    client.force_login(world.board)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("governance:meeting_minutes", args=[meeting.pk]),
            {"minutes": "Le budget 2027 est discuté.", "publish": "1"},
        )
    meeting.refresh_from_db()
    assert meeting.minutes_published_at is not None
    assert "Brouillon" not in client.get(url).content.decode()
    client.force_login(holder)
    assert "Le budget 2027 est discuté." in client.get(url).content.decode()


def test_a_seat_names_the_organisation_its_holder_represents(client: Any, world: Any, assembly: Body) -> None:
    from filiere.organisations.tests.factories import OrganisationFactory

    lab = OrganisationFactory(name="Laboratoire du Midi")
    person = UserFactory(email="chercheuse@example.org")
    MembershipFactory(organisation=lab, user=person, role=Role.MEMBER)
    client.force_login(world.board)
    url = reverse("governance:body", args=[assembly.pk])
    client.post(url, {"email": "chercheuse@example.org", "role": "Personnalité qualifiée"})
    seat = assembly.seats.get(user=person)
    assert seat.organisation_id == lab.pk  # in her own name: her only organisation
    # She joins a firm too: the board picks which one she represents, among hers only.
    MembershipFactory(organisation=world.firm, user=person, role=Role.MEMBER)
    change = reverse("governance:seat_organisation", args=[assembly.pk, seat.pk])
    page = client.get(url)
    form = next(f for r, f in page.context["seat_rows"] if r.seat.pk == seat.pk)
    assert {o.name for o in form.fields["organisation"].queryset} == {"Laboratoire du Midi", "Nuage Sud SAS"}
    assert client.post(change, {f"seat-{seat.pk}-organisation": world.firm.pk}).status_code == 302
    seat.refresh_from_db()
    assert seat.organisation_id == world.firm.pk
    row = next(r for r in client.get(url).context["rows"] if r.seat.pk == seat.pk)
    assert row.organisation == "Nuage Sud SAS"
    # An organisation she does not belong to is refused and changes nothing.
    client.post(change, {f"seat-{seat.pk}-organisation": world.cluster.pk})
    seat.refresh_from_db()
    assert seat.organisation_id == world.firm.pk
    # None: the person alone.
    client.post(change, {f"seat-{seat.pk}-organisation": ""})
    seat.refresh_from_db()
    assert seat.organisation_id is None
    # A seat holder reads the body and changes nothing.
    client.force_login(_seats(assembly)[0].user)
    assert client.post(change, {f"seat-{seat.pk}-organisation": lab.pk}).status_code == 403
    page = client.get(url)
    assert page.status_code == 200 and all(f is None for _r, f in page.context["seat_rows"])


def test_the_register_shows_each_decision_s_quorum(client: Any, world: Any, meeting: Meeting) -> None:
    s = _seats(meeting.body)
    services.record_attendance(
        meeting=meeting, by=world.board, present=[s[0].pk, s[2].pk], proxies={s[1].pk: s[0].pk}
    )
    decision = Decision.objects.create(meeting=meeting, title="Budget 2027")
    services.count_votes(decision=decision, counts={world.cloud.pk: (2, 0, 0), world.startups.pk: (1, 0, 0)})
    page = client.get(reverse("governance:register", args=[world.cluster.pk])).content.decode()
    assert "Budget 2027" in page
    assert "quorum : 2 présent(s) + 1 représenté(s) sur 4 sièges" in page
    client.cookies["django_language"] = "en"
    page = client.get(
        reverse("governance:register", args=[world.cluster.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "quorum: 2 present + 1 represented out of 4 seats" in page
