"""Every main private URL × every role: the status code each role gets (docs/permissions.md).

The convention, the same in every app:

- anonymous on a private page → 302 to the login page ("login");
- signed in, but the object named by the URL is hidden from them → 404 (its existence is not
  revealed: a private plan, a person, a campaign of another region, an organisation they do not
  administer…);
- signed in, the object is visible to them (a public organisation, a published showcase, an open
  offer, a person they follow) or the page names no object, but they may not do this → 403;
- allowed → 200 for a page, 302 (to the next page) for an action that succeeded.

A failing cell is reported as `test_matrix[<url>-<role>]`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from filiere.accounts.models import Membership, RegionalRole, Role
from filiere.consultations import services as consultations_services
from filiere.core.testing import rolled_back_world
from filiere.events import services as events_services
from filiere.events.models import Event
from filiere.governance import services as governance_services
from filiere.governance.models import Body, BodyKind, Decision, FeeCall, FundingLine, Meeting, Merger, Seat
from filiere.meetings import services as meetings_services
from filiere.meetings.needs import services as needs_services
from filiere.needs.models import Campaign, Scope, Status
from filiere.organisations.models import Kind
from filiere.organisations.tests.factories import (
    CollegeFactory,
    EstablishmentFactory,
    MembershipFactory,
    OrganisationFactory,
    RegionFactory,
    RelationFactory,
    UserFactory,
)
from filiere.promotion.models import Entry, EntryKind
from filiere.roadmaps.models import Plan
from filiere.roadmaps.tests.factories import ActionFactory, AxisFactory, ObjectiveFactory
from filiere.showcase.models import CompetenceDeclaration, ContactRequest, ShowcaseProfile
from filiere.support.tests.factories import ReferralFactory, ServiceFactory, SupportRequestFactory
from filiere.talent import services as talent_services
from filiere.talent.models import Cohort, JobOffer, JobSeeker, Programme
from filiere.taxonomy.tests.factories import EscoBackedSkillFactory

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "signed_in",
    "member",
    "editor",
    "admin",
    "cluster_x",
    "cluster_y",
    "regional",
    "regional_other",
    "adviser",
    "adviser_other",
    "platform_staff",
]

LOGIN = "login"  # 302 to the login page


@dataclass
class World:
    """A small world: firm F (member of cluster X) in region R, a person P followed by
    structure S, which runs the programme of cohort C; cluster Y and structure T elsewhere."""

    users: dict[str, Any]
    firm: Any
    cluster_x: Any
    declaration: Any
    contact: Any
    seeker: Any
    cohort: Any
    file: Any
    offer: Any
    application: Any
    campaign: Any
    plan: Any
    action: Any
    membership: Any
    event: Any = None  # an event of cluster X (published)
    registration: Any = None  # the member's registration for it
    support: Any = None  # support app: {"request", "referral", "service", "provider"}
    entry: Any = None  # promotion: a draft of region R's public page
    consultation: Any = None  # consultations: a published process on the private plan
    meetings: Any = None  # meetings app: {"programme", "request"} (the member receives the request)
    governance: Any = None  # governance: {"membership", "call", "payment", "college", "funding", "merger"}
    needs: Any = None  # buyers' needs: {"need", "invitation"}: cluster X's confidential need, F invited
    sessions: Any = None  # role -> session key: each signed-in role logged in once, for every cell


def _org(name: str, region_code: str, kind: str = Kind.COMPANY) -> Any:
    organisation = OrganisationFactory(name=name, kind=kind, siren=None)
    EstablishmentFactory(organisation=organisation, region_code=region_code, siret=None)
    return organisation


@pytest.fixture(scope="module")
def _world(django_db_setup: None, django_db_blocker: Any) -> Any:
    """The world, built once for the module's 1,236 cells inside a transaction rolled back at the
    end. Each test runs in a savepoint of it (pytest-django's `db`), so whatever a POST changes
    (its session included) is undone before the next cell.

    Each signed-in role logs in once here; a cell sends that session's cookie (a `force_login`
    per cell was a third of it)."""

    def build() -> World:
        world = _build_world()
        world.sessions = _sign_in(world.users)
        return world

    with rolled_back_world(django_db_blocker, build) as world:
        yield world


@pytest.fixture
def world(_world: World, db: None) -> World:
    return _world


def _build_world() -> World:
    region = RegionFactory(code="27", name="Bourgogne-Franche-Comté")
    other_region = RegionFactory(code="44", name="Grand Est")
    firm = _org("Firme F", "27")
    cluster_x = _org("Cluster X", "27", Kind.CLUSTER)
    cluster_y = _org("Cluster Y", "44", Kind.CLUSTER)
    RelationFactory(source=firm, target=cluster_x)
    structure = _org("Agence S", "27", Kind.PUBLIC_BODY)
    other_structure = _org("Agence T", "44", Kind.PUBLIC_BODY)

    def member_of(organisation: Any, role: str) -> Any:
        return MembershipFactory(organisation=organisation, role=role).user

    users: dict[str, Any] = {
        "anonymous": None,
        "signed_in": UserFactory(),
        "member": member_of(firm, Role.MEMBER),
        "editor": member_of(firm, Role.EDITOR),
        "admin": member_of(firm, Role.ADMIN),
        "cluster_x": member_of(cluster_x, Role.EDITOR),
        "cluster_y": member_of(cluster_y, Role.EDITOR),
        "regional": RegionalRole.objects.create(user=UserFactory(), region=region).user,
        "regional_other": RegionalRole.objects.create(user=UserFactory(), region=other_region).user,
        "adviser": member_of(structure, Role.MEMBER),
        "adviser_other": member_of(other_structure, Role.MEMBER),
        "platform_staff": UserFactory(is_staff=True),
    }
    ShowcaseProfile.objects.create(organisation=firm, is_published=True)
    declaration = CompetenceDeclaration.objects.create(organisation=firm, skill=EscoBackedSkillFactory())
    contact = ContactRequest.objects.create(
        buyer=UserFactory(),
        organisation=firm,
        subject="Projet",
        message="Bonjour",
        sent_at=dt.datetime.now(dt.UTC),
    )
    now = dt.datetime.now(dt.UTC)
    seeker = JobSeeker.objects.create(
        first_name="Awa", last_name="P", structure=structure, last_activity_at=now
    )
    JobSeeker.objects.create(first_name="Tom", last_name="Q", structure=other_structure, last_activity_at=now)
    programme = Programme.objects.create(name="Programme S", structure=structure, region=region)
    cohort = Cohort.objects.create(
        programme=programme,
        name="Promotion 2025",
        year=2025,
        start_date=dt.date(2025, 3, 1),
        end_date=dt.date(2025, 9, 30),
        places=20,
    )
    file = talent_services.open_file(cohort=cohort, seeker=seeker, by=None)
    offer = JobOffer.objects.create(organisation=firm, title="Technicien support", skill_ids=[])
    application = talent_services.apply(seeker=seeker, offer=offer, by=None)
    today = dt.date.today()
    campaign = Campaign.objects.create(
        title="Besoins du cluster X",
        region=region,
        scope=Scope.CLUSTER,
        cluster=cluster_x,
        owner=cluster_x,
        status=Status.OPEN,
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=30),
    )
    plan = Plan.objects.create(
        title="Feuille de route R",
        region=region,
        start_date=dt.date(2024, 1, 1),
        end_date=dt.date(2027, 12, 31),
        is_public=False,
    )
    # An action of the private plan carried by F: F's people read the plan, its editors edit it.
    action = ActionFactory(objective=ObjectiveFactory(axis=AxisFactory(plan=plan)), owner=firm)
    membership = Membership.objects.get(user=users["member"], organisation=firm)
    event = Event.objects.create(
        organiser=cluster_x,
        title="Conext Days",
        starts_at=now + dt.timedelta(days=10),
        ends_at=now + dt.timedelta(days=10, hours=8),
        venue="Chalon-sur-Saône",
        capacity=50,
        is_published=True,
    )
    registration = events_services.register(event=event, user=users["member"], organisation=firm)
    # Support: structure S offers a service; F (given a SIREN) asked for it.
    firm.siren = "732829320"
    firm.save(update_fields=["siren"])
    service = ServiceFactory(provider=structure, title="Diagnostic numérique")
    referral = ReferralFactory(request=SupportRequestFactory(organisation=firm), service=service)
    support = {"service": service, "referral": referral, "request": referral.request, "provider": structure}
    entry = Entry.objects.create(region=region, kind=EntryKind.STORY, slug="histoire", title_fr="Histoire")
    # Consultations: a published process on the private plan (its readers see it, its team runs it).
    consultation = consultations_services.create_process(
        by=users["regional"], plan=plan, title="Consultation R"
    )
    consultations_services.set_published(by=users["regional"], process=consultation, published=True)
    # Meetings: a B2B programme on cluster X's event; the member and the editor take part.
    b2b = meetings_services.create_programme(
        by=users["cluster_x"], event=event, first_slot_at=event.starts_at, slot_minutes=20, slots=4, tables=2,
        requests_close_at=now + dt.timedelta(days=5),
    )  # fmt: skip
    events_services.register(event=event, user=users["editor"], organisation=firm)
    member_part = meetings_services.join(programme=b2b, user=users["member"], role="buyer")
    editor_part = meetings_services.join(programme=b2b, user=users["editor"], role="supplier")
    meeting_request = meetings_services.send_request(
        programme=b2b, by=users["editor"], recipient=member_part, reason="Projet R&D"
    )
    assert editor_part.pk
    meetings = {"programme": b2b, "request": meeting_request}
    world = World(
        users,
        firm,
        cluster_x,
        declaration,
        contact,
        seeker,
        cohort,
        file,
        offer,
        application,
        campaign,
        plan,
        action,
        membership,
        event,
        registration,
        support,
        entry,
        consultation,
        meetings,
    )
    world.governance = _governance_world(firm, cluster_x, structure, users)
    world.needs = _needs_world(firm, cluster_x, region, users)
    return world


def _sign_in(users: dict[str, Any]) -> dict[str, str]:
    """Log each user in once; returns each role's session key."""
    sessions = {}
    for role, user in users.items():
        if user is not None:
            client = Client()
            client.force_login(user)
            sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return sessions


def _needs_world(firm: Any, cluster_x: Any, region: Any, users: dict[str, Any]) -> dict[str, Any]:
    """Cluster X posts a confidential call for partners in region R and invites firm F."""
    need = needs_services.create_need(
        by=users["cluster_x"], organisation=cluster_x, kind="partners", title="Consortium IA",
        description="Appel à partenaires", deadline=dt.date.today() + dt.timedelta(days=30), region=region,
        confidential=True, publish=True,
    )  # fmt: skip
    [invitation] = needs_services.invite(by=users["cluster_x"], need=need, organisation_ids=[firm.pk])
    return {"need": need, "invitation": invitation}


def _governance_world(firm: Any, cluster_x: Any, structure: Any, users: dict[str, Any]) -> dict[str, Any]:
    """F active member of cluster X's college, its 2026 fee called and paid; S funds X."""
    college = CollegeFactory(cluster=cluster_x, name="Entreprises")
    membership = governance_services.apply(college=college, organisation=firm, by=users["admin"])
    governance_services.decide(membership=membership, by=users["cluster_x"], approve=True)
    governance_services.call_fees(cluster=cluster_x, year=2026, by=None, notify=False)
    call = FeeCall.objects.get(membership=membership)
    payment = governance_services.record_payment(
        fee_call=call, amount=Decimal("10"), paid_on=dt.date(2026, 2, 1), by=None
    )
    funding = FundingLine.objects.create(cluster=cluster_x, funder=structure, title="Animation", year=2026)
    # X's general assembly, where F's member sits: a meeting with a decision on its table.
    body = Body.objects.create(cluster=cluster_x, kind=BodyKind.ASSEMBLY, name="Assemblée générale")
    Seat.objects.create(body=body, user=users["member"], membership=membership, college=college)
    meeting = Meeting.objects.create(body=body, starts_at=dt.datetime.now(dt.UTC), agenda="Comptes")
    decision = Decision.objects.create(meeting=meeting, title="Comptes 2025")
    merger = Merger.objects.create(cluster=cluster_x, effective_on=dt.date(2015, 1, 1))
    return {
        "membership": membership,
        "call": call,
        "payment": payment,
        "college": college,
        "funding": funding,
        "body": body,
        "meeting": meeting,
        "decision": decision,
        "merger": merger,
    }


@dataclass(frozen=True)
class Case:
    """One URL: how to request it, and the status of each role (default for the others)."""

    name: str
    method: str
    url: Any  # World -> str
    data: Any = None  # World -> dict (POST)
    allowed: tuple[str, ...] = ()  # roles that get `ok`
    ok: int = 200
    default: int | str = 404  # every other signed-in role
    others: tuple[tuple[str, int | str], ...] = ()  # exceptions to `default`
    anonymous: int | str = LOGIN

    def expected(self, role: str) -> int | str:
        if role == "anonymous":
            return self.anonymous
        if role in self.allowed:
            return self.ok
        return dict(self.others).get(role, self.default)


ORG_EDITORS = ("editor", "admin", "regional", "platform_staff")
ORG_ADMINS = ("admin", "regional", "platform_staff")
VALIDATORS = ("cluster_x", "cluster_y", "platform_staff")
EVERYONE_SIGNED_IN = tuple(r for r in ROLES if r != "anonymous")

CASES = [
    Case(
        "organisation_edit",
        "get",
        lambda w: reverse("organisations:edit", args=[w.firm.pk]),
        allowed=ORG_EDITORS,
        default=403,  # the directory is public: the organisation is visible to everyone
    ),
    Case(
        "organisation_members",
        "get",
        lambda w: reverse("memberships:members", args=[w.firm.pk]),
        allowed=ORG_ADMINS,
    ),
    Case(
        "organisation_change_role",
        "post",
        lambda w: reverse("memberships:membership_role", args=[w.membership.pk]),
        data=lambda w: {"role": Role.EDITOR},
        allowed=ORG_ADMINS,
        ok=302,
    ),
    Case(
        "showcase_edit",
        "get",
        lambda w: reverse("showcase:edit", args=[w.firm.pk]),
        allowed=ORG_EDITORS,
        default=403,  # the showcase is published: visible to everyone
    ),
    Case(
        "showcase_validation_queue",
        "get",
        lambda w: reverse("showcase:validation"),
        allowed=VALIDATORS,
        default=403,
    ),
    Case(
        "showcase_validate",
        "post",
        lambda w: reverse("showcase:validation"),
        data=lambda w: {"id": w.declaration.pk, "decision": "validate"},
        allowed=("cluster_x", "platform_staff"),
        ok=302,
        default=403,
        others=(("cluster_y", 404),),  # not one of their members' declarations
    ),
    Case(
        "showcase_inbox",
        "get",
        lambda w: reverse("showcase:inbox"),
        allowed=EVERYONE_SIGNED_IN,  # each sees only their own requests (tested in showcase)
    ),
    Case(
        "showcase_contact_status",
        "post",
        lambda w: reverse("showcase:contact_status", args=[w.contact.pk]),
        data=lambda w: {"status": "read"},
        allowed=("editor", "admin", "platform_staff"),
        ok=302,
    ),
    Case(
        "talent_person",
        "get",
        lambda w: reverse("talent:seeker_detail", args=[w.seeker.pk]),
        allowed=("adviser", "platform_staff"),
    ),
    Case(
        "talent_person_export",
        "get",
        lambda w: reverse("talent:seeker_export", args=[w.seeker.pk]),
        allowed=("adviser", "platform_staff"),
    ),
    Case(
        "talent_person_list",
        "get",
        lambda w: reverse("talent:seeker_list"),
        allowed=("adviser", "adviser_other", "platform_staff"),
    ),
    Case(
        "talent_cohort",
        "get",
        lambda w: reverse("talent:cohort_detail", args=[w.cohort.pk]),
        allowed=("adviser", "regional", "platform_staff"),  # regional staff: counts, no names
    ),
    Case(
        "talent_programme_dashboard",
        "get",
        lambda w: reverse("talent:dashboard", args=[w.cohort.programme_id]),
        allowed=("adviser", "regional", "platform_staff"),
    ),
    Case(
        "talent_file",
        "get",
        lambda w: reverse("talent:file_detail", args=[w.file.pk]),
        allowed=("adviser", "platform_staff"),
    ),
    Case(
        "talent_erase",
        "post",
        lambda w: reverse("talent:seeker_erase", args=[w.seeker.pk]),
        data=lambda w: {"confirm": "1"},
        allowed=("adviser",),
        ok=302,
        others=(("platform_staff", 403),),  # sees the person, does not follow them
    ),
    Case(
        "talent_offer_create",
        "get",
        lambda w: reverse("talent:offer_create"),
        allowed=("editor", "admin", "cluster_x", "cluster_y"),  # editors of some organisation
    ),
    Case(
        "talent_offer_edit",
        "get",
        lambda w: reverse("talent:offer_edit", args=[w.offer.pk]),
        allowed=("editor", "admin"),
        default=403,  # the offer is open: visible to everyone
    ),
    Case(
        "talent_application_inbox",
        "get",
        lambda w: reverse("talent:application_inbox"),
        allowed=("editor", "admin", "cluster_x", "cluster_y"),  # editors of some company
        default=403,  # the page names no object
    ),
    Case(
        "talent_offer_applications",
        "get",
        lambda w: reverse("talent:offer_applications", args=[w.offer.pk]),
        allowed=("editor", "admin"),
        default=403,  # the offer is open: visible to everyone
    ),
    Case(
        "talent_application",
        "get",
        lambda w: reverse("talent:application_detail", args=[w.application.pk]),
        allowed=("editor", "admin", "adviser"),  # the company; the following adviser reads
    ),
    Case(
        "talent_application_answer",
        "post",
        lambda w: reverse("talent:application_detail", args=[w.application.pk]),
        data=lambda w: {"to_status": "processing"},
        allowed=("editor", "admin"),
        ok=302,
        others=(("adviser", 403),),  # reads it, withdraws it, does not answer for the company
    ),
    Case(
        "talent_application_withdraw",
        "post",
        lambda w: reverse("talent:application_detail", args=[w.application.pk]),
        data=lambda w: {"to_status": "withdrawn"},
        allowed=("adviser",),
        ok=302,
        others=(("editor", 403), ("admin", 403)),  # the company does not withdraw for them
    ),
    Case(
        "needs_campaign_create",
        "get",
        lambda w: reverse("needs:campaign_create"),
        allowed=("cluster_x", "cluster_y", "regional", "regional_other", "platform_staff"),
        default=403,
    ),
    Case(
        "needs_campaign_manage",
        "get",
        lambda w: reverse("needs:campaign_detail", args=[w.campaign.pk]),
        allowed=("cluster_x", "regional", "platform_staff"),
    ),
    Case(
        "roadmaps_plan_edit",
        "get",
        lambda w: reverse("roadmaps:plan_edit", args=[w.plan.pk]),
        allowed=("regional", "platform_staff"),
        others=(("member", 403), ("editor", 403), ("admin", 403)),  # they read it (F carries an action)
    ),
    Case(
        "roadmaps_action_edit",
        "get",
        lambda w: reverse("roadmaps:action_edit", args=[w.action.pk]),
        allowed=("editor", "admin", "regional", "platform_staff"),
        others=(("member", 403),),
    ),
    Case(
        "events_create",
        "get",
        lambda w: reverse("events:create"),
        # Whoever edits some organisation: its editors, clusters' staff, regional and platform staff.
        allowed=("editor", "admin", "cluster_x", "cluster_y", "regional", "regional_other", "platform_staff"),
        default=403,
    ),
    Case(
        "events_edit",
        "get",
        lambda w: reverse("events:edit", args=[w.event.pk]),
        allowed=("cluster_x", "regional", "platform_staff"),
        default=403,  # the event is published: visible to everyone
    ),
    Case(
        "events_registrations",
        "get",
        lambda w: reverse("events:registrations", args=[w.event.pk]),
        allowed=("cluster_x", "regional", "platform_staff"),
        default=403,
    ),
    Case(
        "events_check_in",
        "post",
        lambda w: reverse("events:check_in", args=[w.event.pk]),
        data=lambda w: {"registration": w.registration.pk},
        allowed=("cluster_x", "regional", "platform_staff"),
        ok=302,
        default=403,
    ),
    Case(
        "events_cancel_event",
        "post",
        lambda w: reverse("events:event_cancel", args=[w.event.pk]),
        allowed=("cluster_x", "regional", "platform_staff"),
        ok=302,
        default=403,
    ),
    Case(
        "events_ticket",
        "get",
        lambda w: reverse("events:ticket", args=[w.registration.pk]),
        allowed=("member",),  # one's own; the organiser's staff use the list
    ),
    Case(
        "events_cancel",
        "post",
        lambda w: reverse("events:cancel", args=[w.registration.pk]),
        allowed=("member",),
        ok=302,
    ),
    Case(
        "events_organiser_figures",
        "get",
        lambda w: reverse("events:organiser_figures", args=[w.cluster_x.pk]),
        allowed=("cluster_x", "regional", "platform_staff"),
        default=403,  # the directory is public
    ),
    Case(
        "events_my_registrations",
        "get",
        lambda w: reverse("events:my_registrations"),
        allowed=EVERYONE_SIGNED_IN,  # each sees only their own
    ),
]

CASES += [
    Case(
        "meetings_mine",
        "get",
        lambda w: reverse("meetings:mine"),
        allowed=EVERYONE_SIGNED_IN,  # each sees their own programmes
    ),
    Case(
        "meetings_programme",
        "get",
        lambda w: reverse("meetings:programme", args=[w.meetings["programme"].pk]),
        allowed=EVERYONE_SIGNED_IN,  # the event is published; only participants may request
    ),
    Case(
        "meetings_agenda",
        "get",
        lambda w: reverse("meetings:agenda", args=[w.meetings["programme"].pk]),
        allowed=("member", "editor"),  # the participants, each their own
    ),
    Case(
        "meetings_agenda_ics",
        "get",
        lambda w: reverse("meetings:agenda_ics", args=[w.meetings["programme"].pk]),
        allowed=("member", "editor"),
    ),
    Case(
        "meetings_agenda_pdf",
        "get",
        lambda w: reverse("meetings:agenda_pdf", args=[w.meetings["programme"].pk]),
        allowed=("member", "editor"),  # each their own
    ),
    Case(
        "meetings_answer",
        "post",
        lambda w: reverse("meetings:answer", args=[w.meetings["request"].pk]),
        data=lambda w: {"accept": "1"},
        allowed=("member",),  # the recipient
        ok=302,
        others=(("editor", 403), ("cluster_x", 403), ("regional", 403), ("platform_staff", 403)),
    ),
    Case(
        "meetings_manage",
        "get",
        lambda w: reverse("meetings:manage", args=[w.meetings["programme"].pk]),
        allowed=("cluster_x", "regional", "platform_staff"),
        default=403,
    ),
    Case(
        "meetings_plan",
        "get",
        lambda w: reverse("meetings:plan", args=[w.meetings["programme"].pk]),
        allowed=("cluster_x", "regional", "platform_staff"),
        default=403,
    ),
    Case(
        "meetings_plan_pdf",
        "get",
        lambda w: reverse("meetings:plan_pdf", args=[w.meetings["programme"].pk]),
        allowed=("cluster_x", "regional", "platform_staff"),
        default=403,
    ),
    Case(
        "meetings_import",
        "get",
        lambda w: reverse("meetings:import", args=[w.meetings["programme"].pk]),
        allowed=("cluster_x", "regional", "platform_staff"),
        default=403,
    ),
    Case(
        "meetings_import_upload",
        "post",
        lambda w: reverse("meetings:import", args=[w.meetings["programme"].pk]),
        data=lambda w: {"fichier": SimpleUploadedFile("vide.csv", b"email;role\n")},
        allowed=("cluster_x", "regional", "platform_staff"),
        default=403,
    ),
    Case(
        "meetings_run",
        "post",
        lambda w: reverse("meetings:action", args=[w.meetings["programme"].pk]),
        data=lambda w: {"action": "run"},
        allowed=("cluster_x", "regional", "platform_staff"),
        ok=302,
        default=403,
    ),
    Case(
        "meetings_programme_create",
        "get",
        lambda w: reverse("meetings:programme_create", args=[w.event.pk]),
        allowed=("cluster_x", "regional", "platform_staff"),
        ok=302,  # the event has its programme: to its management page
        default=403,
    ),
]

FIRM_PEOPLE = ("member", "editor", "admin")

# Buyers' needs: cluster X (the buyer) posted a confidential need and invited firm F; the region's
# staff and platform staff read it; everyone else gets 404 (docs/meetings.md, "Buyers' needs").
NEED_READERS = ("member", "editor", "admin", "cluster_x", "regional", "platform_staff")
CASES += [
    Case("needs_mine", "get", lambda w: reverse("meetings:needs_mine"), allowed=EVERYONE_SIGNED_IN),
    Case("needs_received", "get", lambda w: reverse("meetings:needs_received"), allowed=EVERYONE_SIGNED_IN),
    Case(
        "needs_figures",
        "get",
        lambda w: reverse("meetings:needs_figures"),
        allowed=("regional", "regional_other", "platform_staff"),  # each reads their regions' needs
        default=403,
    ),
    Case(
        "need_create",
        "get",
        lambda w: reverse("meetings:need_create"),
        allowed=("editor", "admin", "cluster_x", "cluster_y"),  # editors of some organisation
        default=403,
    ),
    Case(
        "need_detail_confidential",
        "get",
        lambda w: reverse("meetings:need", args=[w.needs["need"].pk]),
        allowed=NEED_READERS,
    ),
    Case(
        "need_compare",
        "get",
        lambda w: reverse("meetings:need_compare", args=[w.needs["need"].pk]),
        allowed=("cluster_x", "regional", "platform_staff"),
        others=tuple((r, 403) for r in FIRM_PEOPLE),
    ),
    Case(
        "need_compare_export",
        "get",
        lambda w: reverse("meetings:need_compare_export", args=[w.needs["need"].pk, "csv"]),
        allowed=("cluster_x", "regional", "platform_staff"),
        others=tuple((r, 403) for r in FIRM_PEOPLE),
    ),
    Case(
        "need_proposals",
        "get",
        lambda w: reverse("meetings:need_proposals", args=[w.needs["need"].pk]),
        allowed=("cluster_x",),
        others=tuple((r, 403) for r in (*FIRM_PEOPLE, "regional", "platform_staff")),
    ),
    Case(
        "need_follow_up",
        "get",
        lambda w: reverse("meetings:need_follow_up", args=[w.needs["need"].pk]),
        allowed=("cluster_x",),
        others=tuple((r, 403) for r in (*FIRM_PEOPLE, "regional", "platform_staff")),
    ),
    Case(
        "need_answer",
        "post",
        lambda w: reverse("meetings:need_answer", args=[w.needs["invitation"].pk]),
        data=lambda w: {"answer": "Nous en sommes", "amount": "1000"},
        allowed=("editor", "admin"),  # the invited firm's editors and admins
        ok=302,
        others=tuple((r, 403) for r in ("member", "cluster_x", "regional", "platform_staff")),
    ),
    Case(
        "need_select",
        "post",
        lambda w: reverse("meetings:need_step", args=[w.needs["invitation"].pk, "retenir"]),
        allowed=("cluster_x",),  # the buyer (refused with a message: F has not answered)
        ok=302,
        others=tuple((r, 403) for r in (*FIRM_PEOPLE, "regional", "platform_staff")),
    ),
]
CASES += [
    Case(
        "support_request_new",
        "get",
        lambda w: reverse("support:request_new"),
        allowed=EVERYONE_SIGNED_IN,  # the page names no firm yet; filing checks the SIRET's firm
    ),
    Case(
        "support_request_detail",
        "get",
        lambda w: reverse("support:request_detail", args=[w.support["request"].pk]),
        allowed=(*FIRM_PEOPLE, "adviser", "platform_staff"),  # the firm, the provider it went to
    ),
    Case(
        "support_referral_take",
        "post",
        lambda w: reverse("support:referral_action", args=[w.support["referral"].pk, "prendre"]),
        allowed=("adviser", "platform_staff"),
        ok=302,
        others=tuple((role, 403) for role in FIRM_PEOPLE),  # they see the request, do not answer it
    ),
    Case(
        "support_history",
        "get",
        lambda w: reverse("support:history", args=[w.firm.siren]),
        allowed=(*FIRM_PEOPLE, "adviser", "platform_staff"),
    ),
    Case(
        "support_report_provider",
        "get",
        lambda w: reverse("support:report", args=[w.support["provider"].pk, "provider"]),
        allowed=("adviser", "platform_staff"),
        default=403,  # the provider is a public organisation of the directory
    ),
    Case(
        "support_service_edit",
        "get",
        lambda w: reverse("support:service_edit", args=[w.support["service"].pk]),
        allowed=("regional", "platform_staff"),  # who edits S (its editors; none among the roles)
        default=403,  # the service is published
    ),
    Case(
        "support_inbox",
        "get",
        lambda w: reverse("support:inbox"),
        allowed=EVERYONE_SIGNED_IN,  # each sees only their structures' requests
    ),
    Case(
        "consultations_moderation",
        "get",
        lambda w: reverse("consultations:moderation", args=[w.consultation.pk]),
        allowed=("regional", "platform_staff"),  # the plan's team (no named moderator here)
        others=(("member", 403), ("editor", 403), ("admin", 403)),  # they read the plan, not moderate
    ),
    Case(
        "consultations_answers",
        "get",
        lambda w: reverse("consultations:answers", args=[w.consultation.pk]),
        allowed=("regional", "platform_staff"),
        others=(("member", 403), ("editor", 403), ("admin", 403)),
    ),
    Case(
        "consultations_meeting_link",
        "get",
        lambda w: reverse("consultations:meeting_link", args=[w.consultation.pk]),
        allowed=("regional", "platform_staff"),
        others=(("member", 403), ("editor", 403), ("admin", 403)),
    ),
    Case(
        "consultations_phases",
        "get",
        lambda w: reverse("consultations:phases", args=[w.consultation.pk]),
        allowed=("regional", "platform_staff"),
        others=(("member", 403), ("editor", 403), ("admin", 403)),
    ),
    Case(
        "consultations_join",
        "get",
        lambda w: reverse("consultations:join", args=[w.consultation.pk]),
        allowed=("member", "editor", "admin", "regional", "platform_staff"),  # readers of the private plan
    ),
    Case(
        "consultations_new_version",
        "post",
        lambda w: reverse("consultations:versions", args=[w.consultation.pk]),
        data=lambda w: {"note": "v2"},
        # the team gets the form back with "nothing changed" (200); readers 403, others 404
        allowed=("regional", "platform_staff"),
        others=(("member", 403), ("editor", 403), ("admin", 403)),
        anonymous=404,
    ),
]

GOVERNANCE_BOARD = ("cluster_x", "regional", "platform_staff")  # X's staff, its region, platform
CASES += [
    Case(
        "governance_membership",
        "get",
        lambda w: reverse("governance:membership", args=[w.governance["membership"].pk]),
        allowed=(*FIRM_PEOPLE, *GOVERNANCE_BOARD),
    ),
    Case(
        "governance_receipt",
        "get",
        lambda w: reverse("governance:receipt", args=[w.governance["payment"].pk]),
        allowed=(*FIRM_PEOPLE, *GOVERNANCE_BOARD),
    ),
    Case(
        "governance_payment",
        "post",
        lambda w: reverse("governance:payment", args=[w.governance["call"].pk]),
        data=lambda w: {"amount": "5", "paid_on": "2026-03-01", "method": "cheque"},
        allowed=GOVERNANCE_BOARD,
        ok=302,
        others=tuple((role, 403) for role in FIRM_PEOPLE),  # they see their fee call, do not record money
    ),
    Case(
        "governance_cluster",
        "get",
        lambda w: reverse("governance:cluster", args=[w.cluster_x.pk]),
        allowed=GOVERNANCE_BOARD,
        default=403,  # the cluster is public in the directory
    ),
    Case(
        "governance_college",
        "get",
        lambda w: reverse("governance:college", args=[w.governance["college"].pk]),
        allowed=GOVERNANCE_BOARD,
    ),
    Case(
        "governance_funding",
        "get",
        lambda w: reverse("governance:funding", args=[w.governance["funding"].pk]),
        allowed=(*GOVERNANCE_BOARD, "adviser"),  # the adviser's structure S funds the line
    ),
    Case("governance_home", "get", lambda w: reverse("governance:home"), allowed=EVERYONE_SIGNED_IN),
    # Setting the cluster up: the board (and a college's officers, tested in governance); the
    # cluster and its colleges are public, so the others get 403; a merger is hidden (404).
    *(
        Case(
            f"governance_{name}",
            "get",
            lambda w, name=name: reverse(f"governance:{name}", args=[w.cluster_x.pk]),
            allowed=GOVERNANCE_BOARD,
            default=403,
        )
        for name in ("college_create", "merger_create")
    ),
    *(
        Case(
            f"governance_{name}",
            "get",
            lambda w, name=name: reverse(f"governance:{name}", args=[w.governance["college"].pk]),
            allowed=GOVERNANCE_BOARD,
            default=403,
        )
        for name in ("college_edit", "college_rules", "college_fees", "college_officers")
    ),
    Case(
        "governance_merger_edit",
        "get",
        lambda w: reverse("governance:merger_edit", args=[w.governance["merger"].pk]),
        allowed=GOVERNANCE_BOARD,
    ),
    Case(
        "governance_register",
        "get",
        lambda w: reverse("governance:register", args=[w.cluster_x.pk]),
        allowed=EVERYONE_SIGNED_IN,
        anonymous=200,  # public
    ),
]

# Bodies: the board runs them; the member, seated in X's assembly, reads its pages (changing
# anything: 403); everyone else is not told the body exists (404). The bodies' list names the
# cluster, public in the directory: 403.
SEATED = "member"
CASES += [
    Case(
        "governance_bodies",
        "get",
        lambda w: reverse("governance:bodies", args=[w.cluster_x.pk]),
        allowed=GOVERNANCE_BOARD,
        default=403,
    ),
    Case(
        "governance_body",
        "get",
        lambda w: reverse("governance:body", args=[w.governance["body"].pk]),
        allowed=(*GOVERNANCE_BOARD, SEATED),
    ),
    Case(
        "governance_body_edit",
        "get",
        lambda w: reverse("governance:body_edit", args=[w.governance["body"].pk]),
        allowed=GOVERNANCE_BOARD,
        others=((SEATED, 403),),
    ),
    Case(
        "governance_seat_organisation",
        "post",
        lambda w: reverse(
            "governance:seat_organisation",
            args=[w.governance["body"].pk, w.governance["body"].seats.get().pk],
        ),
        allowed=GOVERNANCE_BOARD,
        ok=302,
        others=((SEATED, 403),),
    ),
    Case(
        "governance_meeting",
        "get",
        lambda w: reverse("governance:meeting", args=[w.governance["meeting"].pk]),
        allowed=(*GOVERNANCE_BOARD, SEATED),
    ),
    Case(
        "governance_meeting_create",
        "get",
        lambda w: reverse("governance:meeting_create", args=[w.governance["body"].pk]),
        allowed=GOVERNANCE_BOARD,
        others=((SEATED, 403),),
    ),
    Case(
        "governance_meeting_attendance",
        "get",
        lambda w: reverse("governance:meeting_attendance", args=[w.governance["meeting"].pk]),
        allowed=GOVERNANCE_BOARD,
        others=((SEATED, 403),),
    ),
    Case(
        "governance_meeting_convene",
        "post",
        lambda w: reverse("governance:meeting_convene", args=[w.governance["meeting"].pk]),
        allowed=GOVERNANCE_BOARD,
        ok=302,
        others=((SEATED, 403),),
    ),
    Case(
        "governance_decision",
        "get",
        lambda w: reverse("governance:decision", args=[w.governance["decision"].pk]),
        allowed=(*GOVERNANCE_BOARD, SEATED),
    ),
    Case(
        "governance_decision_create",
        "get",
        lambda w: reverse("governance:decision_create", args=[w.governance["meeting"].pk]),
        allowed=GOVERNANCE_BOARD,
        others=((SEATED, 403),),
    ),
]

# Region pages: the region's staff curate them (drafts hidden from everyone else); the public
# pages need no account (tested in promotion/tests/test_views.py).
CASES += [
    Case(
        "promotion_manage_region",
        "get",
        lambda w: reverse("promotion:manage_region", args=["27"]),
        allowed=("regional", "platform_staff"),
    ),
    Case(
        "promotion_entry_edit",
        "get",
        lambda w: reverse("promotion:entry_edit", args=[w.entry.pk]),
        allowed=("regional", "platform_staff"),
    ),
    Case(
        "promotion_entry_create",
        "get",
        lambda w: reverse("promotion:entry_create", args=["27", "story"]),
        allowed=("regional", "platform_staff"),
    ),
    Case(
        "promotion_prospects",
        "get",
        lambda w: reverse("promotion:prospects", args=["27"]),
        allowed=("regional", "platform_staff"),
    ),
    Case(
        "promotion_marketing_results",
        "get",
        lambda w: reverse("promotion:marketing_results", args=["27"]),
        allowed=("regional", "platform_staff"),
    ),
    Case(
        "promotion_entry_submit",
        "post",
        lambda w: reverse("promotion:entry_action", args=[w.entry.pk, "soumettre"]),
        allowed=("regional", "platform_staff"),
        ok=302,
    ),
]

MATRIX = [pytest.param(case, role, id=f"{case.name}-{role}") for case in CASES for role in ROLES]


@pytest.mark.parametrize(("case", "role"), MATRIX)
def test_matrix(client: Any, world: World, case: Case, role: str) -> None:
    if world.users[role] is not None:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    url = case.url(world)
    if case.method == "post":
        response = client.post(url, case.data(world) if case.data else {})
    else:
        response = client.get(url)
    expected = case.expected(role)
    if expected == LOGIN:
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login")), (
            f"{case.name} × {role}: {response.status_code} {response.get('Location', '')}"
        )
        return
    got = response.status_code
    if got == 302 and response["Location"].startswith(reverse("accounts:login")):
        got = LOGIN
    assert got == expected, f"{case.name} × {role}: expected {expected}, got {got}"
