"""The TESC Force demo (seed 004): about a hundred Occitanie firms expose aeronautics-heavy skills.

"Nous avons à Toulouse des savoir-faire bien identifiés dans le traitement de la data, le machine
learning, l'ingénierie, le management de projets, qui peuvent être transférables très rapidement
de l'aéronautique vers des secteurs tels que le ferroviaire, le véhicule autonome terrestre ou
maritime, la santé, le retail ou les fintech." Entre 8 000 et 10 000 emplois menacés sur 45 000.

Only generated organisations get a showcase: the Occitanie companies the directory demo
generated (`is_generated`), topped up with firms this demo generates (flagged the same way,
`source_hash` "showcase-demo-N"). Real SIRENE companies never get invented competences.
Skills are real ESCO/ROME items found by label; a label the loaded taxonomy lacks becomes a
local skill (so the demo also runs before `filiere reference load`). Idempotent: a rerun updates
the same rows.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from filiere.organisations import services as organisation_services
from filiere.organisations.models import (
    Kind,
    Organisation,
    Relation,
    RelationKind,
    Source,
    State,
)
from filiere.taxonomy.models import Skill, SkillKind

from .capacity import check_declared_people, headcount_ceiling
from .indexing import reindex_organisations
from .models import (
    Certification,
    CompetenceDeclaration,
    DeclarationStatus,
    Level,
    Reference,
    Sector,
    ShowcaseProfile,
)
from .sectors import sync_sectors
from .services import refresh_profiles

FIRMS = 100
SEED = 4004
REGION = "76"
DEMO_HASH = "showcase-demo-"

# (skill label candidates, best first; weight in aeronautics-heavy profiles; pitch phrase)
CATALOGUE: list[tuple[tuple[str, ...], int, str]] = [
    (
        ("machine learning", "apprentissage automatique", "utiliser l’apprentissage automatique"),
        9,
        "machine learning",
    ),
    (("exploration de données",), 6, "exploration de données"),
    (("data science", "science des données"), 6, "data science"),
    (("statistiques",), 4, "statistiques"),
    (("analyser des mégadonnées",), 4, "big data"),
    (("Python (programmation informatique)",), 6, "Python"),
    (("principes de l’intelligence artificielle",), 5, "intelligence artificielle"),
    (("gestion de projets",), 9, "management de projets"),
    (("gestion de projets par méthode Agile",), 4, "agilité"),
    (("génie aéronautique",), 8, "ingénierie aéronautique"),
    (("systèmes embarqués",), 7, "systèmes embarqués"),
    (("C++",), 5, "C++"),
    (("MATLAB",), 3, "MATLAB"),
    (("DevOps",), 3, "DevOps"),
    (("cybersécurité",), 4, "cybersécurité"),
    (("modélisation scientifique",), 4, "modélisation"),
    (("effectuer des simulations",), 4, "simulation"),
    (("gestion des risques",), 3, "gestion des risques"),
    (("Gestion de projet",), 4, "pilotage de projets"),
    (("Exploiter des solutions de Data Science ou d'Intelligence Artificielle",), 4, "solutions data et IA"),
]
TARGETS = [
    "rail",
    "autonomous_vehicle",
    "maritime",
    "health",
    "retail",
    "finance",
    "space",
    "energy",
    "defence",
]
TARGET_WEIGHTS = [8, 7, 4, 7, 5, 6, 3, 3, 2]
CLIENTS = [
    ("Avionneur toulousain", "aeronautics", "Traitement des données de vol et maintenance prédictive."),
    ("Équipementier aéronautique", "aeronautics", "Logiciel embarqué certifié DO-178C."),
    ("Motoriste", "aeronautics", "Modèles de machine learning pour l'usure des moteurs."),
    ("Constructeur de satellites", "space", "Chaîne de traitement d'images satellitaires."),
    ("Opérateur ferroviaire", "rail", "Maintenance prédictive du matériel roulant."),
    ("Centre hospitalier universitaire", "health", "Entrepôt de données de santé."),
    ("Enseigne de distribution", "retail", "Prévision de la demande en magasin."),
    ("Banque régionale", "finance", "Détection de fraude par apprentissage automatique."),
    ("Constructeur automobile", "autonomous_vehicle", "Validation de fonctions de conduite autonome."),
]
CERTIFICATIONS = [
    ("EN 9100", "Bureau Veritas"),
    ("ISO 9001", "AFNOR"),
    ("ISO 27001", "LSTI"),
    ("CIR / CII", "MESRI"),
]
NAMES_A = [
    "Aéro",
    "Garonne",
    "Occi",
    "Pastel",
    "Capitole",
    "Lauragais",
    "Midi",
    "Pyrène",
    "Canal",
    "Violette",
]
NAMES_B = [
    "Data",
    "Systèmes",
    "Ingénierie",
    "Logic",
    "Analytics",
    "Conseil",
    "Tech",
    "Labs",
    "Numérique",
    "Solutions",
]
HEADCOUNTS = ["03", "11", "12", "12", "21", "21", "22", "31", "32", "41"]
TOULOUSE_DEPARTMENT = "31"
#: Bands of firms with at least 3 employees.
EMPLOYER_BANDS = ("02", "03", "11", "12", "21", "22", "31", "32", "41", "42", "51", "52", "53")
TOULOUSE = ("31555", "31000", "Toulouse", "31")
OTHER_PLACES = [
    ("31069", "31700", "Blagnac", "31"),
    ("34172", "34000", "Montpellier", "34"),
    ("65440", "65000", "Tarbes", "65"),
]


@dataclass
class DemoResult:
    firms: int = 0
    created_firms: int = 0
    declarations: int = 0
    capacity_now: int = 0
    skills_found: list[str] = field(default_factory=list)
    skills_local: list[str] = field(default_factory=list)
    indexed: int = 0

    def __len__(self) -> int:  # `filiere demo` reports len() of each app's demo
        return self.firms


def _skill(candidates: tuple[str, ...], result: DemoResult) -> Skill:
    for label in candidates:
        skill = (
            Skill.objects.filter(label__iexact=label)
            .exclude(kind=SkillKind.LOCAL)
            .order_by("kind", "pk")
            .first()
        )
        if skill is not None:
            result.skills_found.append(skill.label)
            return skill
    label = candidates[0]
    skill, _ = Skill.objects.get_or_create(label=label, kind=SkillKind.LOCAL, owner_organisation_id=None)
    result.skills_local.append(label)
    return skill


def _firms(rng: random.Random, result: DemoResult) -> list[Organisation]:
    # Toulouse first (004: « à Toulouse et dans sa proche agglomération, où sont concentrés plus
    # de 50 % des effectifs régionaux du numérique »): TESC Force members, then other generated
    # firms of Haute-Garonne; only firms with employees, whose engineers are what a showcase shows.
    existing = list(
        Organisation.objects.filter(
            kind=Kind.COMPANY,
            is_generated=True,
            state=State.ACTIVE,
            establishments__department_code=TOULOUSE_DEPARTMENT,
            headcount_band__in=EMPLOYER_BANDS,
        )
        .exclude(source_hash__startswith=DEMO_HASH)
        .annotate(
            in_tesc=Exists(
                Relation.objects.filter(
                    source=OuterRef("pk"), kind=RelationKind.MEMBER_OF, target__name="TESC Force"
                )
            )
        )
        .distinct()
        .order_by("-in_tesc", "-is_digital", "pk")[:FIRMS]
    )
    ours = {o.source_hash: o for o in Organisation.objects.filter(source_hash__startswith=DEMO_HASH)}
    needed = FIRMS - len(existing)
    firms = list(existing)
    for n in range(max(needed, 0)):
        key = f"{DEMO_HASH}{n}"
        organisation = ours.get(key)
        if organisation is None:
            name = f"{NAMES_A[n % 10]} {NAMES_B[(n // 10) % 10]}"
            code, postcode, city, department = TOULOUSE if n % 3 else OTHER_PLACES[n % len(OTHER_PLACES)]
            organisation = organisation_services.create_organisation(
                name=name,
                kind=Kind.COMPANY,
                naf_code="71.12B" if n % 2 else "62.02A",
                is_digital=not n % 2,
                headcount_band=HEADCOUNTS[n % len(HEADCOUNTS)],
                is_generated=True,
                source=Source.GENERATED,
                source_hash=key,
                description="Entreprise fictive de démonstration (TESC Force).",
                head_office={
                    "postcode": postcode, "city": city, "commune_code": code,
                    "department_code": department, "region_code": REGION,
                },
            )  # fmt: skip
            result.created_firms += 1
        firms.append(organisation)
    return firms


DeclarationFields = tuple[str, int, int, "dt.date | None", str]  # level, people, free now, from, status


@transaction.atomic
def load_showcase_demo(*, seed: int = SEED) -> DemoResult:
    """Create or refresh the TESC Force showcase: ~100 Occitanie firms, profiles, declarations.

    The random draws are the same on every run; what a firm already holds is read in a few
    queries and compared, and only a firm whose declarations, profile, references or
    certifications differ is written (a rerun writes nothing; it rewrote the 100 firms, 1.6 s).
    """
    rng = random.Random(seed)
    result = DemoResult()
    sync_sectors(Sector)
    catalogue = [(_skill(labels, result), weight, phrase) for labels, weight, phrase in CATALOGUE]
    sectors = {s.code: s for s in Sector.objects.all()}
    firms = _firms(rng, result)
    firm_ids = [o.pk for o in firms]
    held_declarations: dict[int, dict[int, tuple[DeclarationFields, bool]]] = defaultdict(dict)
    for row in CompetenceDeclaration.objects.filter(organisation_id__in=firm_ids).values_list(
        "organisation_id", "skill_id", "level", "people_count", "capacity_available_now",
        "available_from", "status", "validated_at",
    ):  # fmt: skip
        held_declarations[row[0]][row[1]] = (row[2:7], row[7] is not None)
    profiles = {p.pk: p for p in ShowcaseProfile.objects.filter(pk__in=firm_ids)}
    held_sectors: dict[int, set[str]] = defaultdict(set)
    for profile_id, code in ShowcaseProfile.target_sectors.through.objects.filter(
        showcaseprofile_id__in=firm_ids
    ).values_list("showcaseprofile_id", "sector__code"):
        held_sectors[profile_id].add(code)
    held_references: dict[int, list[tuple[str, int | None, int | None, str]]] = defaultdict(list)
    for organisation_id, *reference in Reference.objects.filter(organisation_id__in=firm_ids).values_list(
        "organisation_id", "client", "year", "sector_id", "description"
    ):
        held_references[organisation_id].append(tuple(reference))  # type: ignore[arg-type]
    held_certifications: dict[int, list[tuple[str, str, int | None]]] = defaultdict(list)
    for organisation_id, *certification in Certification.objects.filter(
        organisation_id__in=firm_ids
    ).values_list("organisation_id", "name", "issuer", "year"):
        held_certifications[organisation_id].append(tuple(certification))  # type: ignore[arg-type]
    new_declarations: list[CompetenceDeclaration] = []
    new_references: list[Reference] = []
    new_certifications: list[Certification] = []
    to_refresh: list[int] = []
    today = timezone.localdate()
    now = timezone.now()
    for organisation in firms:
        picks: list[tuple[Skill, str]] = []
        while len(picks) < rng.randint(3, 7):
            skill, _weight, phrase = rng.choices(catalogue, weights=[w for _, w, _ in catalogue])[0]
            if skill not in [s for s, _ in picks]:
                picks.append((skill, phrase))
        targets = list(dict.fromkeys(rng.choices(TARGETS, weights=TARGET_WEIGHTS, k=rng.randint(2, 4))))
        between_assignments = rng.random() < 0.75  # intercontrats after the aeronautics stop
        wanted: dict[int, tuple[DeclarationFields, bool]] = {}
        ceiling = headcount_ceiling(organisation.headcount_band) or 80
        for skill, _phrase in picks:
            # Never more people than the firm employs (showcase.capacity, checked by the service).
            people = rng.randint(min(3, ceiling), min(80, ceiling))
            capacity = rng.randint(1, max(1, people // 3)) if between_assignments else 0
            check_declared_people(
                band=organisation.headcount_band, people_count=people, capacity_available_now=capacity
            )
            validated = rng.random() < 0.6
            level: str = rng.choice([Level.OPERATIONAL, Level.EXPERT, Level.EXPERT])
            available_from = None if capacity else today + dt.timedelta(days=rng.choice([30, 60, 90, 180]))
            status: str = DeclarationStatus.VALIDATED if validated else DeclarationStatus.DRAFT
            wanted[skill.pk] = ((level, people, capacity, available_from, status), validated)
            result.declarations += 1
        held = held_declarations.get(organisation.pk, {})
        declarations_changed = wanted != held
        if declarations_changed and not held:
            new_declarations += [
                CompetenceDeclaration(
                    organisation=organisation, skill_id=skill_id, level=level, people_count=people,
                    capacity_available_now=capacity, available_from=available_from, note="",
                    status=status, validated_at=now if validated else None,
                )
                for skill_id, ((level, people, capacity, available_from, status), validated) in wanted.items()
            ]  # fmt: skip
        elif declarations_changed:
            for skill_id, ((level, people, capacity, available_from, status), validated) in wanted.items():
                if held.get(skill_id) == wanted[skill_id]:
                    continue
                CompetenceDeclaration.objects.update_or_create(
                    organisation=organisation,
                    skill_id=skill_id,
                    defaults={
                        "level": level,
                        "people_count": people,
                        "capacity_available_now": capacity,
                        "available_from": available_from,
                        "note": "",
                        "status": status,
                        "validated_at": now if validated else None,
                    },
                )
            CompetenceDeclaration.objects.filter(organisation=organisation).exclude(
                skill_id__in=list(wanted)
            ).delete()
        phrases = ", ".join(phrase for _, phrase in picks)
        target_labels = ", ".join(sectors[code].label.lower() for code in targets)
        pitch = (
            f"Ingénieurs et techniciens toulousains issus de l'aéronautique : {phrases}. "
            f"Nos équipes en intercontrat sont prêtes pour de nouveaux marchés : {target_labels}."
            if between_assignments
            else f"Expertise aéronautique : {phrases}. Nous ouvrons nos savoir-faire à de nouveaux secteurs : {target_labels}."
        )
        profile = profiles.get(organisation.pk)
        profile_changed = profile is None or (profile.pitch, profile.is_published) != (pitch, True)
        if profile is None:
            profile = ShowcaseProfile.objects.create(
                organisation=organisation, pitch=pitch, is_published=True, published_at=now
            )
        elif profile_changed:
            profile.pitch, profile.is_published, profile.published_at = pitch, True, now
            profile.save()
        if profile_changed or held_sectors.get(organisation.pk, set()) != set(targets):
            profile.target_sectors.set([sectors[code] for code in targets])
        references = [
            Reference(
                organisation=organisation,
                client=client,
                year=rng.randint(2015, 2020),
                sector=sectors[sector_code],
                description=description,
            )
            for client, sector_code, description in rng.sample(CLIENTS[:4], 2)
            + rng.sample(CLIENTS[4:], rng.randint(0, 1))
        ]
        if sorted(held_references.get(organisation.pk, []), key=repr) != sorted(
            ((r.client, r.year, r.sector_id, r.description) for r in references), key=repr
        ):
            if organisation.pk in held_references:
                Reference.objects.filter(organisation=organisation).delete()
            new_references += references
        certifications = [
            Certification(organisation=organisation, name=name, issuer=issuer, year=rng.randint(2012, 2020))
            for name, issuer in rng.sample(CERTIFICATIONS, rng.randint(0, 2))
        ]
        if sorted(held_certifications.get(organisation.pk, []), key=repr) != sorted(
            ((c.name, c.issuer, c.year) for c in certifications), key=repr
        ):
            if organisation.pk in held_certifications:
                Certification.objects.filter(organisation=organisation).delete()
            new_certifications += certifications
        if declarations_changed or profile_changed:
            to_refresh.append(organisation.pk)
        else:
            result.capacity_now += profile.capacity_now
    CompetenceDeclaration.objects.bulk_create(new_declarations)
    Reference.objects.bulk_create(new_references)
    Certification.objects.bulk_create(new_certifications)
    result.capacity_now += sum(p.capacity_now for p in refresh_profiles(to_refresh, reindex=False))
    result.firms = len(firms)
    result.indexed = reindex_organisations(firm_ids)
    return result
