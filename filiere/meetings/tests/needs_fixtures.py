"""A small world for the buyers' needs tests: an aircraft maker in Occitanie, firms with a
published, indexed showcase (through the showcase's services), a lab, a firm elsewhere."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.utils import timezone

from filiere.accounts.models import Role
from filiere.core.testing import rolled_back_world
from filiere.matching.testing import engine_with_fresh_caches, reset_engine_caches
from filiere.matching.tests.skills import hand_built_skills
from filiere.meetings.needs import services
from filiere.meetings.needs.models import BuyerNeed
from filiere.organisations.models import Kind
from filiere.organisations.tests.factories import (
    DepartmentFactory,
    EstablishmentFactory,
    MembershipFactory,
    OrganisationFactory,
    RegionFactory,
    UserFactory,
)
from filiere.showcase.tests.factories import make_firm


@pytest.fixture(autouse=True, name="fresh_engine")
def fresh_engine_fixture(settings: Any, tmp_path_factory: Any) -> Any:
    """The matching engine with its caches emptied (the taxonomy of each test is hand-built)."""
    from filiere.showcase import facets

    yield from engine_with_fresh_caches(settings, tmp_path_factory, facets.reset)


@dataclass
class NeedsWorld:
    buyer_org: Any
    buyer: Any  # editor of the buyer organisation
    buyer_member: Any  # a plain member of it
    firms: dict[str, Any]  # name → organisation
    people: dict[str, Any]  # name → editor of that firm
    lab: Any
    elsewhere: Any  # a firm of another region
    skills: dict[str, Any] = field(default_factory=dict)


def person_of(organisation: Any, role: str = Role.EDITOR, **fields: Any) -> Any:
    return MembershipFactory(organisation=organisation, role=role, user=UserFactory(**fields)).user


def build_world() -> NeedsWorld:
    RegionFactory(code="76", name="Occitanie")
    RegionFactory(code="44", name="Grand Est")
    DepartmentFactory(code="31", name="Haute-Garonne", region_id="76")
    skills = hand_built_skills(
        {
            "hydrogen": ("hydrogène", ["pile à combustible", "hydrogène vert"]),
            "simulation": ("simulation numérique", ["calcul de structures", "simulation"]),
            "embedded": ("systèmes embarqués", ["logiciel embarqué"]),
            "web": ("développement web", ["site web"]),
        },
        uri_prefix="needs-",
    )
    buyer_org = OrganisationFactory(name="Avionneur", siren=None)
    EstablishmentFactory(organisation=buyer_org, region_code="76", department_code="31", siret=None)
    buyer = person_of(buyer_org, email="claire@avionneur.example", first_name="Claire")
    buyer_member = person_of(buyer_org, Role.MEMBER, email="marc@avionneur.example")
    firms = {
        "LabSoft": make_firm(
            "LabSoft", skills=[skills["simulation"], skills["embedded"]],
            pitch="Simulation numérique et logiciel embarqué pour l'aéronautique.",
        ),
        "U-Need": make_firm(
            "U-Need", skills=[skills["hydrogen"], skills["simulation"]],
            pitch="Ingénierie hydrogène : piles à combustible et simulation.",
        ),
        "Web Toulouse": make_firm("Web Toulouse", skills=[skills["web"]], pitch="Sites web."),
    }  # fmt: skip
    lab = make_firm("Laboratoire Hydrogène", skills=[skills["hydrogen"]], pitch="Recherche sur l'hydrogène.")
    lab.kind = Kind.LAB
    lab.save(update_fields=["kind"])
    elsewhere = make_firm(
        "Strasbourg Hydrogène", skills=[skills["hydrogen"]], pitch="Hydrogène.", region_code="44",
        department_code="67",
    )  # fmt: skip
    people = {
        name: person_of(org, email=f"{name.lower().replace(' ', '')}@firm.example")
        for name, org in firms.items()
    }
    return NeedsWorld(buyer_org, buyer, buyer_member, firms, people, lab, elsewhere, skills)


@pytest.fixture(name="world")
def world_fixture(db: None) -> NeedsWorld:
    return build_world()


@pytest.fixture(scope="module")
def _shared_world(django_db_setup: None, django_db_blocker: Any, tmp_path_factory: Any) -> Any:
    """`build_world()` once for a module, in a transaction rolled back at its end
    (`rolled_back_world`); each test runs in a savepoint of it. Built with the engine's caches
    emptied before and after, in a cache directory of its own, as `fresh_engine` does around each
    test."""
    from django.test import override_settings

    from filiere.showcase import facets

    def build() -> NeedsWorld:
        with override_settings(
            MATCHING_CACHE_DIR=str(tmp_path_factory.mktemp("matching")),
        ):
            reset_engine_caches(facets.reset)
            try:
                return build_world()
            finally:
                reset_engine_caches(facets.reset)

    with rolled_back_world(django_db_blocker, build) as world:
        yield world


@pytest.fixture(name="world")
def shared_world_fixture(_shared_world: NeedsWorld, db: None) -> NeedsWorld:
    """The module's world (`_shared_world`), its rows read again for each test: what a test
    changes on an instance (a person's language) stays in that test, as with `world_fixture`."""
    from filiere.accounts.models import User
    from filiere.organisations.models import Organisation
    from filiere.taxonomy.models import Skill

    w = _shared_world
    organisations = Organisation.objects.in_bulk(
        [w.buyer_org.pk, w.lab.pk, w.elsewhere.pk, *(o.pk for o in w.firms.values())]
    )
    users = User.objects.in_bulk([w.buyer.pk, w.buyer_member.pk, *(u.pk for u in w.people.values())])
    skills = Skill.objects.in_bulk([s.pk for s in w.skills.values()])
    return NeedsWorld(
        buyer_org=organisations[w.buyer_org.pk],
        buyer=users[w.buyer.pk],
        buyer_member=users[w.buyer_member.pk],
        firms={name: organisations[o.pk] for name, o in w.firms.items()},
        people={name: users[u.pk] for name, u in w.people.items()},
        lab=organisations[w.lab.pk],
        elsewhere=organisations[w.elsewhere.pk],
        skills={key: skills[s.pk] for key, s in w.skills.items()},
    )


def post_need(
    w: NeedsWorld, *, confidential: bool = False, kind: str = "rd", publish: bool = True
) -> BuyerNeed:
    from filiere.territories.models import Region

    return services.create_need(
        by=w.buyer,
        organisation=w.buyer_org,
        kind=kind,
        title="Avion décarboné : hydrogène",
        description="Projet de R&D cofinancé sur la propulsion à hydrogène et sa simulation numérique.",
        themes="hydrogène, simulation numérique",
        budget_min=100_000,
        budget_max=500_000,
        deadline=timezone.localdate() + dt.timedelta(days=30),
        region=Region.objects.get(code="76"),
        confidential=confidential,
        publish=publish,
    )
