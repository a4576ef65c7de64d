"""`filiere demo`: seed actors, TechOnMap, generated companies, idempotency, planning."""

from __future__ import annotations

import re
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from filiere.core.testing import rolled_back_world
from filiere.organisations.demo import TARGETS, DemoNotReady, plan_generation, run_demo
from filiere.organisations.demo.common import CommuneIndex, digital_naf_codes, split_place
from filiere.organisations.demo.generated import LARGE_REGION_SAMPLE, closure_rate
from filiere.organisations.demo.techonmap import load_techonmap
from filiere.organisations.models import Establishment, Kind, Organisation, Relation, Source
from filiere.territories.models import Commune, Region


@pytest.fixture
def demo_territories(reference_territories: dict[str, Any]) -> None:
    """The real COG reference (root conftest): loaded and committed once per test session, where
    a per-test copy of the demo regions' communes cost 1.5 s for each of these tests."""


def small_demo(**options: Any) -> Any:
    options = {"scale": 0.01, "sirene": False, "techonmap": False, "write": lambda _: None, **options}
    return run_demo(**options)


@pytest.fixture(scope="module")
def commune_index(reference_territories_module: dict[str, Any], django_db_blocker: Any) -> CommuneIndex:
    """The index of the committed reference communes, read once for the module (0.5 to 1.3 s a
    read): the demo runs and TechOnMap loads below take it rather than reading it again. The
    `filiere demo` command of the idempotency test reads its own."""
    with django_db_blocker.unblock():
        return CommuneIndex.load()


@pytest.fixture(scope="module")
def _small_demo_world(commune_index: CommuneIndex, django_db_blocker: Any) -> Iterator[Any]:
    """`small_demo()` built once for the module inside a transaction rolled back at its end (a
    build cost 1 to 3 s for each test reading it). Each test runs in a savepoint of it
    (pytest-django's `db`): what a test writes, a second run or a reset, is undone before the next."""
    with rolled_back_world(django_db_blocker, lambda: small_demo(communes=commune_index)) as report:
        yield report


@pytest.fixture
def small_world(_small_demo_world: Any, db: None) -> Any:
    """The report of the module's first `small_demo()` (scale 0.01, no SIRENE, no TechOnMap)."""
    return _small_demo_world


def org(name: str) -> Organisation:
    return Organisation.objects.get(name=name, source=Source.SEED)


# --- planning (pure) -------------------------------------------------------------------------


def test_plan_at_full_scale_meets_the_seed_figures_in_their_year() -> None:
    plan = {line.target.key: line for line in plan_generation({"bfc": 12, "lr": 3}, scale=1.0, horizon=2025)}

    assert plan["bfc"].total == 1500 and plan["bfc"].generated_at(2019) == 1488
    assert plan["lr"].total == 4200 and plan["lr"].generated_at(2014) == 4197
    assert plan["tlse"].generated_at(2020) == 6000 and plan["tlse"].jobs == 24_000  # > half of 45,000
    assert plan["tlse"].jobs + plan["mp"].jobs + round(15_000 * 1.02**6) == pytest.approx(45_000, abs=1)
    assert plan["na"].total == 21_000 and plan["na"].jobs == 60_000  # no sample any more
    assert plan["ge"].total == round(19_000 * LARGE_REGION_SAMPLE)
    lr = plan["lr"]
    assert lr.generated_at(2012) / lr.generated_at(2009) == pytest.approx(1.34, abs=0.005)  # 003


def test_plan_closes_a_realistic_share_every_year_without_a_jump_at_the_end() -> None:
    line = next(line for line in plan_generation({}, scale=1.0, horizon=2025) if line.target.key == "na")

    for index, closures in enumerate(line.closures):
        year = line.first_year + index
        assert closures / line.stock[index] == pytest.approx(closure_rate(year), abs=0.001), year
        assert 0.03 <= closure_rate(year) <= 0.07
        assert line.creations[index] == line.stock[index + 1] - line.stock[index] + closures
    assert line.closures[-1] <= 1.15 * line.closures[-2]
    assert line.rows == line.to_generate + line.closed


def test_plan_scales_and_never_goes_negative() -> None:
    plan = {line.target.key: line for line in plan_generation({"bfc": 5000}, scale=0.01, horizon=2025)}

    assert plan["bfc"].rows == 0
    assert plan["lr"].total == 42
    assert {t.key for t in TARGETS} == set(plan)


# --- loading ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_demo_needs_territories() -> None:
    from filiere.organisations.demo.common import DEMO_REGIONS

    # Other tests may have loaded the real territories for the whole session: take the demo
    # regions' communes away inside this test's transaction (rolled back afterwards).
    other = Region.objects.exclude(code__in=DEMO_REGIONS).first()
    if other is not None:
        Commune.objects.filter(region_id__in=DEMO_REGIONS).update(region=other)
    with pytest.raises(DemoNotReady, match="filiere reference load"):
        small_demo()
    with pytest.raises(CommandError, match="filiere reference load"):
        call_command("demo", "--scale", "0.01", stdout=StringIO())


NAMED_ACTORS = [
    ("BFC numérique", Kind.CLUSTER, "27", "21231"),
    ("Numérica", Kind.TECHNOPOLE, "27", "25388"),
    ("Nicéphore Cité", Kind.TECHNOPOLE, "27", "71076"),
    ("Inkub", Kind.INCUBATOR, "27", None),
    ("Région Grand Est", Kind.PUBLIC_BODY, "44", "67482"),
    ("Grand Enov", Kind.PUBLIC_BODY, "44", "57463"),
    ("Numéric Emploi Grand Est", Kind.TRAINING_BODY, "44", "67482"),
    ("Cité numérique", Kind.THIRD_PLACE, "75", "33039"),
    ("Magelis", Kind.CLUSTER, "75", "16015"),
    ("ENJMIN", Kind.SCHOOL, "75", "16015"),
    ("Digital 113", Kind.CLUSTER, "76", "34172"),
    ("Media Cloud Cluster", Kind.CLUSTER, "76", "34172"),
    ("Novae LR", Kind.CLUSTER, "76", "34172"),
    ("PixLR", Kind.CLUSTER, "76", "34172"),
    ("Epitech", Kind.SCHOOL, "76", "34172"),
    ("TESC Force", Kind.COMMUNITY, "76", "31555"),
    ("Airbus", Kind.COMPANY, "76", "31069"),
    ("Syntec Numérique", Kind.CLUSTER, "11", "75108"),
]


def test_seed_actors_have_their_kind_and_place(small_world: Any) -> None:
    for name, kind, region, commune in NAMED_ACTORS:
        actor = org(name)
        establishment = actor.establishments.get()
        assert (actor.kind, establishment.kind) == (kind, kind), name
        assert (establishment.region_code, establishment.commune_id) == (region, commune), name
        assert actor.description and not actor.is_generated, name
        assert establishment.search_text, name  # folded by search_text_for


def test_seed_relations_and_colleges(small_world: Any) -> None:
    bfc = org("BFC numérique")

    numerica = Relation.objects.get(source=org("Numérica"), target=bfc, kind="member_of")
    assert numerica.college.name == "Structures d'accompagnement"
    assert Relation.objects.filter(
        source=bfc, target=org("Région Bourgogne-Franche-Comté"), kind="funded_by"
    ).exists()
    members = set(
        Relation.objects.filter(
            target=org("Digital 113"), kind="member_of", source__source=Source.SEED
        ).values_list("source__name", flat=True)
    )
    assert {"Media Cloud Cluster", "Novae LR", "PixLR", "Epitech", "Soledge", "Nelis"} <= members
    assert bfc.colleges.count() == 4


def test_french_tech_labels_of_the_demo_regions(small_world: Any) -> None:
    toulouse = org("French Tech Toulouse")
    assert toulouse.kind == Kind.COMMUNITY and "French Tech" in toulouse.tags
    assert toulouse.establishments.get().commune_id == "31555"
    assert Relation.objects.filter(
        source=org("Digital 113"), target=org("Montpellier Metropole numerique")
    ).exists()
    assert not Organisation.objects.filter(name="Lille is French Tech").exists()  # not a demo region


def test_generated_companies_are_flagged_and_plausible(small_world: Any) -> None:
    report = small_world

    generated = Establishment.objects.filter(source=Source.GENERATED).select_related("organisation")
    assert generated.count() == sum(line.rows for line in report.plan) > 0
    assert not Organisation.objects.filter(source=Source.GENERATED, is_generated=False).exists()
    for establishment in generated:
        company = establishment.organisation
        assert company.is_generated and company.naf_code in digital_naf_codes()
        assert establishment.is_digital and establishment.commune_id
        assert establishment.region_code == establishment.commune.region_id
        assert company.siren is None and establishment.siret is None  # never a fake official id
        assert company.name.split()[-1] in {"SAS", "SARL", "SASU", "EURL", "SA"}
    assert Relation.objects.filter(target=org("BFC numérique"), source__is_generated=True).exists() or (
        report.plan[0].to_generate < 13  # 8 % of a handful may round to nothing
    )


def test_counts_per_territory_meet_the_plan(small_world: Any, commune_index: CommuneIndex) -> None:
    report = small_demo(
        scale=0.02, communes=commune_index
    )  # over the module's 0.01 build: every bucket regenerated

    for line in report.plan:
        query = Establishment.objects.filter(region_code=line.target.region, is_digital=True)
        if line.target.departments:
            query = query.filter(department_code__in=line.target.departments)
        year = line.target.year
        at_year = query.filter(creation_date__year__lte=year).exclude(closure_date__year__lte=year)
        assert at_year.count() == line.total, line.target.key  # the seed figure, in its year
        assert query.filter(state="A").count() == line.to_generate + line.existing  # today


def test_demo_is_idempotent(small_world: Any) -> None:
    # The first run (over the module's `small_demo()`, the same options): the other apps' demos.
    call_command("demo", "--scale", "0.01", "--no-sirene", "--no-techonmap", stdout=StringIO())
    before = (Organisation.objects.count(), Establishment.objects.count(), Relation.objects.count())

    out = StringIO()
    call_command("demo", "--scale", "0.01", "--no-sirene", "--no-techonmap", stdout=out)

    assert (Organisation.objects.count(), Establishment.objects.count(), Relation.objects.count()) == before
    assert "Rien à faire" in out.getvalue()
    apps = [line for line in out.getvalue().splitlines() if line.startswith("Démonstration ")]
    assert len(apps) >= 10 and all(  # counted, or the object the app set up, named
        re.search(r" : (\d+ objets à jour|à jour — \S.*) \(\d+\.\d s\)\.$", line) for line in apps
    ), apps
    assert "Bourgogne-Franche-Comté (27)" in out.getvalue()


def test_a_new_scale_regenerates_only_the_generated_companies(
    small_world: Any, commune_index: CommuneIndex
) -> None:
    # The module's world is the first run, at scale 0.01.
    seed_ids = set(Organisation.objects.filter(source=Source.SEED).values_list("pk", flat=True))

    report = small_demo(scale=0.02, communes=commune_index)

    assert report.generated_created == sum(line.rows for line in report.plan)
    assert Establishment.objects.filter(source=Source.GENERATED).count() == report.generated_created
    assert set(Organisation.objects.filter(source=Source.SEED).values_list("pk", flat=True)) == seed_ids
    assert Relation.objects.filter(target=org("TESC Force"), source__is_generated=True).count() == round(
        95 * 0.02
    )


def test_reset_removes_demo_data_only(small_world: Any, commune_index: CommuneIndex) -> None:
    manual = Organisation.objects.create(name="Saisie manuelle", source=Source.MANUAL)

    report = small_demo(reset=True, communes=commune_index)

    assert report.deleted > 0
    assert Organisation.objects.filter(pk=manual.pk).exists()
    assert Organisation.objects.filter(source=Source.SEED, name="BFC numérique").count() == 1


def test_demo_users(small_world: Any, commune_index: CommuneIndex) -> None:
    report = small_demo(with_users=True, communes=commune_index)

    passwords = {username: password for username, password, _ in report.users}
    assert set(passwords) == {"admin", "region-bfc", "bfc-numerique", "entreprise"} and all(
        passwords.values()
    )
    from filiere.accounts.models import User

    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="region-bfc").regional_roles.get().region_id == "27"
    membership = User.objects.get(username="bfc-numerique").memberships.get()
    assert membership.organisation.name == "BFC numérique" and membership.role == "editor"
    assert (
        small_demo(with_users=True, communes=commune_index).users[0][1] is None
    )  # existing account: password untouched


def test_no_users_without_debug_or_flag(small_world: Any, commune_index: CommuneIndex) -> None:
    assert small_demo(with_users=False, communes=commune_index).users == []


# --- TechOnMap -------------------------------------------------------------------------------


def test_techonmap_maps_categories_and_communes(demo_territories: None, commune_index: CommuneIndex) -> None:
    result = load_techonmap(commune_index)

    assert result.created == 2120
    assert result.by_kind == {
        Kind.COMPANY: 1753,
        Kind.THIRD_PLACE: 120,
        Kind.INCUBATOR: 79,
        Kind.SCHOOL: 77,
        Kind.INVESTOR: 39,
        Kind.COMMUNITY: 32,
        Kind.PUBLIC_BODY: 20,
    }
    assert result.unplaced < 2120 * 0.02
    school = Establishment.objects.get(source=Source.TECHONMAP, name="42")
    assert school.kind == Kind.SCHOOL and school.commune_id == "75117"  # 75017 → Paris 17e
    assert school.latitude == pytest.approx(48.896229)
    assert "ODbL" in school.organisation.description and school.organisation.website == "http://www.42.fr"
    assert school.organisation.creation_date.year == 2013
    assert load_techonmap(commune_index).unchanged == 2120


def test_techonmap_companies_count_in_the_digital_sector_on_the_home_page(
    demo_territories: None, commune_index: CommuneIndex
) -> None:
    from filiere.organisations.selectors import region_counts

    load_techonmap(commune_index)
    Establishment.objects.filter(source=Source.TECHONMAP).update(is_digital=False)  # an older load
    Organisation.objects.filter(source=Source.TECHONMAP).update(is_digital=False)
    load_techonmap(commune_index)  # records unchanged upstream: the flag is still fixed

    companies = Establishment.objects.filter(source=Source.TECHONMAP, kind=Kind.COMPANY)
    assert companies.filter(is_digital=True).count() == companies.count() == 1753
    assert not Establishment.objects.filter(
        source=Source.TECHONMAP, kind=Kind.SCHOOL, is_digital=True
    ).exists()
    idf = next(r for r in region_counts() if r.code == "11")
    assert idf.digital_establishments > 1700 and idf.organisations > 2000


@pytest.mark.parametrize(
    ("postcode", "city", "address", "expected"),
    [
        ("75116", "Paris", "", "75116"),
        ("75002 Paris", "", "", "75102"),
        ("75784", "Paris Cedex 16", "", "75116"),
        ("92130", "Issy-les-Moulineaux", "", "92040"),
        ("95011", "Cergy-Pontoise cedex", "", "95127"),
        ("rue du Temple 75004 Paris", "", "", "75104"),
    ],
)
def test_commune_matching(
    commune_index: CommuneIndex, postcode: str, city: str, address: str, expected: str
) -> None:
    index = commune_index
    code, name = split_place(postcode, city, address)

    assert index.match(code, name).code == expected
