"""Demo of the talent app: Numéric Emploi Grand Est (seed 001).

The article gives three figures for NEGE: 500 files a year, 200 trainees, 90 % back to work. The
demo builds the programme run by a "Numéric Emploi Grand Est" structure with France Travail, a
Mission locale and the Rhénatic cluster as partners, three yearly cohorts (2023–2025) of about 500
generated files each whose pipeline reproduces those figures (≈200 enter training, ≈90 % of those
who finish are in work 6 months later), about 200 job offers of Grand Est companies of the
directory demo, advisers of each structure, and a few named people in reconversion from banking
and the car industry. People are fictitious (generated names, "exemple.org" addresses).

Demo login: user ``conseiller-nege``, password ``nege-demo-2026`` (adviser of the NEGE structure).
Loading twice changes nothing.

Length (just past 500 lines), on purpose: one loader telling one programme's story in order,
each step using the objects of the previous one.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.db.models import Value
from django.db.models.functions import Replace
from django.utils import timezone
from django.utils.text import slugify

from filiere.accounts.models import Membership, Role
from filiere.core.loading import insert_rows
from filiere.organisations import services as organisation_services
from filiere.organisations.models import Kind, Organisation, Source, State
from filiere.taxonomy.models import RomeMetier, Skill
from filiere.territories.models import Commune, Region

from . import indexing, selectors, services
from .models import (
    Application,
    ApplicationStatus,
    Consent,
    ConsentPurpose,
    Contract,
    File,
    FileState,
    FileTransition,
    Gender,
    JobOffer,
    JobSeeker,
    OfferStatus,
    Outcome,
    OutcomeStatus,
    Programme,
    RefusalReason,
    SeekerDepartment,
    age_band,
)

SEED = 1_2013
REGION = "44"
PROGRAMME = "Numéric Emploi Grand Est"
DEMO_PASSWORD = "nege-demo-2026"
# The recruiter who answers the demo applications: editor of the company of the first one.
DEMO_RECRUITER = ("recruteuse-demo", "recruteuse d'une entreprise qui a reçu des candidatures")
# Listed on the development site's demo-accounts page (core) and in the README.
DEMO_ADVISERS = (
    ("conseiller-nege", "conseiller du dispositif Numéric Emploi Grand Est"),
    ("conseillere-france-travail", "conseillère de France Travail Strasbourg Meinau"),
    ("conseiller-mission-locale", "conseiller de la Mission locale de Mulhouse"),
    ("chargee-rhenatic", "chargée de mission du cluster Rhénatic"),
)


def demo_accounts() -> list[tuple[str, str, str]]:
    """(username, password, description) of the programme's demo advisers (registered as
    `demo_accounts` in the AppConfig, listed by the development site's demo-accounts page)."""
    return [(username, DEMO_PASSWORD, label) for username, label in (*DEMO_ADVISERS, DEMO_RECRUITER)]


YEARS = (2023, 2024, 2025)
FILES_PER_YEAR = 500
OFFERS = 200
PLACES = {"67": ("67482", "Strasbourg"), "68": ("68224", "Mulhouse"), "57": ("57463", "Metz"),
          "54": ("54395", "Nancy"), "51": ("51454", "Reims"), "10": ("10387", "Troyes"),
          "08": ("08105", "Charleville-Mézières"), "88": ("88160", "Épinal"), "55": ("55029", "Bar-le-Duc"),
          "52": ("52121", "Chaumont")}  # fmt: skip
# Alsace first: NEGE was born there in 2013.
DEPARTMENT_WEIGHTS = {
    "67": 30,
    "68": 18,
    "57": 16,
    "54": 12,
    "51": 9,
    "10": 4,
    "08": 3,
    "88": 4,
    "55": 2,
    "52": 2,
}
FIRST = ["Camille", "Léa", "Inès", "Manon", "Sarah", "Julie", "Emma", "Chloé", "Lucas", "Hugo", "Thomas",
         "Nicolas", "Mehdi", "Kevin", "Julien", "Maxime", "Antoine", "Yanis", "Romain", "Sébastien"]  # fmt: skip
LAST = ["Muller", "Schmitt", "Meyer", "Weber", "Klein", "Wagner", "Fischer", "Schneider", "Martin", "Bernard",
        "Dubois", "Moreau", "Keller", "Roth", "Haas", "Becker", "Zimmermann", "Hoffmann", "Lang", "Koch"]  # fmt: skip
PREVIOUS = [
    ("conseiller bancaire", "Conseiller clientèle en agence bancaire pendant 12 ans : relation client, analyse de risques, Excel, tableaux de bord."),
    ("opérateur de production automobile", "Opérateur puis chef d'équipe sur ligne d'assemblage automobile : qualité, lean management, maintenance de premier niveau."),
    ("technicien de maintenance industrielle", "Maintenance d'automates programmables, électrotechnique, diagnostic de pannes."),
    ("sans qualification", "Jeune sans diplôme, autodidacte en informatique : montage de PC, un peu de HTML et de JavaScript."),
    ("informaticien en reconversion", "Développeur COBOL pendant 15 ans, bases de données SQL, souhaite passer au développement web Java."),
    ("assistante administrative", "Gestion administrative, bureautique, accueil ; intéressée par le support informatique."),
]  # fmt: skip
SKILL_LABELS = ["JavaScript", "SQL", "Java (programmation informatique)", "Python (programmation informatique)",
                "développement web", "cybersécurité", "administration de systèmes", "DevOps", "gestion de projets",
                "analyse de données", "HTML", "support informatique", "réseaux informatiques", "Linux"]  # fmt: skip
OLD_OFFER_MARK = "\n[démo NEGE]"
OFFER_TITLES = [
    ("Développeur web Java", "Développement d'applications web en Java et JavaScript, bases de données SQL, méthode agile."),
    ("Technicien support informatique", "Support utilisateurs, administration de postes Windows et Linux, réseaux informatiques."),
    ("Administrateur systèmes et réseaux", "Administration de systèmes Linux, virtualisation, sécurité des réseaux, scripts Python."),
    ("Développeur Python", "Développement Python, API web, SQL, tests automatisés."),
    ("Analyste cybersécurité", "Surveillance de la sécurité, cybersécurité, analyse d'incidents, normes ISO 27001."),
    ("Data analyst", "Analyse de données, SQL, Python, tableaux de bord, informatique décisionnelle."),
    ("Chef de projet numérique", "Gestion de projets numériques, méthode agile, relation client."),
    ("Ingénieur DevOps", "DevOps, intégration continue, conteneurs, administration de systèmes Linux."),
]  # fmt: skip
RECONVERSION = [
    ("Nathalie", "Kieffer", Gender.FEMALE, 1976, "67", "conseillère bancaire",
     "Conseillère clientèle en banque de détail depuis 20 ans, agence fermée en 2024. Excel, analyse de données clients, "
     "relation client. Formation souhaitée : data analyst, SQL et Python.", ["M1805", "M1403"]),
    ("Stéphane", "Brunner", Gender.MALE, 1979, "68", "opérateur de production automobile",
     "Chef d'équipe sur ligne d'assemblage automobile (Mulhouse), plan social 2024. Automates programmables, "
     "maintenance, lean. Souhaite devenir technicien support informatique ou administrateur systèmes Linux.", ["M1810"]),
    ("Karima", "Benali", Gender.FEMALE, 1988, "57", "gestionnaire back-office bancaire",
     "Back-office crédits dans une banque mutualiste, réorganisation numérique du réseau. SQL débutant, "
     "intérêt pour le développement web JavaScript.", ["M1805"]),
]  # fmt: skip


def _structure(name: str, kind: str, dep: str, description: str) -> Organisation:

    org = Organisation.objects.filter(name=name).order_by("pk").first()
    if org is None:
        org = organisation_services.create_organisation(
            name=name, kind=kind, source=Source.SEED, is_generated=False, description=description,
            head_office={
                "department_code": dep, "region_code": REGION, "commune_code": PLACES[dep][0],
                "city": PLACES[dep][1],
            },
        )  # fmt: skip
    return org


def _adviser(username: str, first: str, last: str, structure: Organisation) -> Any:
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, first_name=first, last_name=last, email=f"{username}@exemple.org")
        # A known password only on a development site (`make run` sets DEBUG): these accounts
        # see job seekers' files, so a demo loaded in production gets no usable password.
        if settings.DEBUG:
            user.set_password(DEMO_PASSWORD)
        else:
            user.set_unusable_password()
        user.save()
    elif settings.DEBUG and not user.check_password(DEMO_PASSWORD):
        # A development database loaded once without DEBUG: give the documented password back.
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    Membership.objects.get_or_create(user=user, organisation=structure, defaults={"role": Role.EDITOR})
    return user


def _companies(rng: random.Random) -> list[Organisation]:
    firms = list(
        Organisation.objects.filter(kind=Kind.COMPANY, state=State.ACTIVE, establishments__region_code=REGION)
        .distinct()
        .order_by("-is_digital", "pk")[:120]
    )
    if not firms:
        firms = [
            _structure(
                f"Alsace Numérique {n}", Kind.COMPANY, dep, "Entreprise fictive de démonstration (talents)."
            )
            for n, dep in enumerate(["67", "68", "57", "54", "51"])
        ]
    return firms


def _skills() -> list[int]:
    ids = []
    for label in SKILL_LABELS:
        skill = Skill.objects.filter(label__iexact=label).order_by("kind", "pk").first()
        if skill is not None:
            ids.append(skill.pk)
    return ids


def _pick_department(rng: random.Random) -> str:
    return rng.choices(list(DEPARTMENT_WEIGHTS), weights=list(DEPARTMENT_WEIGHTS.values()))[0]


def _commune(dep: str) -> Commune | None:
    return Commune.objects.filter(code=PLACES[dep][0]).first()


def _path(rng: random.Random) -> list[str]:
    """A file's route through the pipeline, tuned on the seed's figures (≈41 % enter training)."""
    r = rng.random()
    if r < 0.34:
        return [FileState.NOT_RETAINED]
    if r < 0.42:
        return [FileState.WITHDRAWN]
    if r < 0.55:
        return [FileState.PRESELECTED, FileState.NOT_RETAINED]
    if r < 0.585:
        return [FileState.PRESELECTED, FileState.WITHDRAWN]
    if r < 0.59:
        return [FileState.PRESELECTED, FileState.SELECTED, FileState.WITHDRAWN]
    if rng.random() < 0.04:
        return [FileState.PRESELECTED, FileState.SELECTED, FileState.IN_TRAINING, FileState.WITHDRAWN]
    if rng.random() < 0.9:
        return [
            FileState.PRESELECTED,
            FileState.SELECTED,
            FileState.IN_TRAINING,
            FileState.TRAINED,
            FileState.PLACED,
        ]
    return [FileState.PRESELECTED, FileState.SELECTED, FileState.IN_TRAINING, FileState.TRAINED]


class DemoCounts(dict):
    """Counts of the demo's objects; `filiere demo` prints len(), the number of objects."""

    def __len__(self) -> int:
        return sum(self.values())


def load_talent_demo(*, seed: int = SEED) -> DemoCounts:
    """Load the NEGE demo (idempotent); returns counts of what exists afterwards."""
    rng = random.Random(seed)
    region = Region.objects.filter(code=REGION).first()
    if region is None:
        return DemoCounts()
    nege = _structure(PROGRAMME, Kind.PUBLIC_BODY, "67",
                      "Dispositif partenarial né en Alsace en 2013 : sélectionner, former et réinsérer des demandeurs "
                      "d'emploi dans le numérique (Région, Pôle emploi / France Travail, clusters, entreprises).")  # fmt: skip
    france_travail = _structure(
        "France Travail Strasbourg Meinau", Kind.PUBLIC_BODY, "67", "Agence France Travail."
    )
    mission_locale = _structure(
        "Mission locale de Mulhouse", Kind.PUBLIC_BODY, "68", "Mission locale (16–25 ans)."
    )
    cluster = _structure("Rhénatic", Kind.CLUSTER, "67", "Cluster numérique alsacien.")
    advisers = {
        nege.pk: _adviser("conseiller-nege", "Marc", "Walter", nege),
        france_travail.pk: _adviser("conseillere-france-travail", "Sophie", "Ehrhart", france_travail),
        mission_locale.pk: _adviser("conseiller-mission-locale", "Yacine", "Haddad", mission_locale),
        cluster.pk: _adviser("chargee-rhenatic", "Claire", "Stoll", cluster),
    }
    programme, _created = Programme.objects.get_or_create(
        name=PROGRAMME,
        defaults={
            "structure": nege,
            "region": region,
            "description": "Sélection, formation et placement de demandeurs d'emploi (jeunes sans qualification, "
            "informaticiens et salariés en reconversion) vers les métiers du numérique en tension.",
        },
    )
    programme.partners.add(france_travail, mission_locale, cluster)
    skill_ids = _skills()
    with transaction.atomic():
        if not File.objects.filter(cohort__programme=programme).exists():
            _load_pipeline(
                rng, programme, [nege, france_travail, mission_locale, cluster], advisers, skill_ids
            )
    # Older demo databases marked their offers with a note in the description, which pages
    # showed: it is removed, and the offers are recognised by their titles (and no author).
    JobOffer.objects.filter(description__contains=OLD_OFFER_MARK).update(
        description=Replace("description", Value(OLD_OFFER_MARK), Value(""))
    )
    titles = [title for title, _description in OFFER_TITLES]
    if not JobOffer.objects.filter(title__in=titles, created_by=None).exists():
        _load_offers(rng)
    if not JobSeeker.objects.filter(email="nathalie.kieffer@exemple.org").exists():
        _load_reconversion(france_travail, advisers[france_travail.pk])
    if not Application.objects.filter(seeker__email="nathalie.kieffer@exemple.org").exists():
        _load_applications(advisers[france_travail.pk])
    return DemoCounts(
        programmes=Programme.objects.filter(pk=programme.pk).count(),
        files=File.objects.filter(cohort__programme=programme).count(),
        job_seekers=JobSeeker.objects.count(),
        job_offers=JobOffer.objects.count(),
    )


def _insert(model: type[models.Model], objects: list[Any]) -> None:
    """Store unsaved instances as `bulk_create` would, through `insert_rows` (no per-value SQL
    compilation: most of a first load's time went there). Their keys are not read back: the
    pipeline reads the rows it needs again. Timestamps are stamped by `insert_rows`."""
    fields = [
        f.attname
        for f in model._meta.concrete_fields
        if not f.primary_key
        and not f.generated
        and not getattr(f, "auto_now", False)
        and not getattr(f, "auto_now_add", False)
    ]
    insert_rows(model, [{name: getattr(obj, name) for name in fields} for obj in objects])


def _load_pipeline(
    rng: random.Random,
    programme: Programme,
    structures: list[Organisation],
    advisers: dict[int, Any],
    skill_ids: list[int],
) -> None:
    from .models import Cohort

    now = timezone.now()
    today = timezone.localdate()
    communes = {dep: _commune(dep) for dep in PLACES}  # read once: 1,500 files share a dozen communes
    reaches: dict[tuple[str, int | None, tuple[str, ...]], list[str]] = {}

    def reach_of(seeker: JobSeeker) -> list[str]:
        """`services.reach_of`, computed once per place and radius (a hundred distances each)."""
        key = (seeker.department_code, seeker.mobility_radius_km, tuple(seeker.mobility_departments))
        if key not in reaches:
            reaches[key] = services.reach_of(seeker)
        return reaches[key]

    for year in YEARS:
        cohort, _created = Cohort.objects.get_or_create(
            programme=programme,
            name=f"Promotion {year}",
            defaults={
                "year": year,
                "start_date": dt.date(year, 3, 1),
                "end_date": dt.date(year, 9, 30),
                "places": 220,
            },
        )
        seekers = []
        for n in range(FILES_PER_YEAR + rng.randint(-15, 15)):
            dep = _pick_department(rng)
            structure = rng.choices(structures, weights=[2, 5, 2, 1])[0]
            job, cv = rng.choice(PREVIOUS)
            first = rng.choice(FIRST)
            gender = Gender.FEMALE if first in FIRST[:8] else Gender.MALE
            birth = year - (rng.randint(18, 25) if job == "sans qualification" else rng.randint(24, 56))
            commune = communes[dep] if dep in communes else _commune(dep)
            seekers.append(
                JobSeeker(
                    first_name=first,
                    last_name=rng.choice(LAST),
                    email=f"demo-nege-{year}-{n}@exemple.org",
                    gender=gender,
                    birth_year=birth,
                    commune=commune,
                    department_code=dep,
                    region_code=REGION,
                    previous_occupation=job,
                    summary=cv,
                    structure=structure,
                    adviser=advisers[structure.pk],
                    mobility_radius_km=rng.choice([20, 30, 50, 80]),
                    contract_wishes=[Contract.CDI, Contract.CDD],
                    last_activity_at=now,
                    extracted_skill_ids=rng.sample(skill_ids, min(3, len(skill_ids))),
                )  # fmt: skip
            )
        _insert(JobSeeker, seekers)
        seekers = list(JobSeeker.objects.filter(email__startswith=f"demo-nege-{year}-").order_by("pk"))
        consenting = [s for s in seekers if rng.random() < 0.3]
        shared = {s.pk for s in consenting}
        _insert(
            SeekerDepartment,
            [
                SeekerDepartment(seeker=s, department_code=d, shareable=s.pk in shared)
                for s in seekers
                for d in reach_of(s)
            ],
        )
        _insert(
            Consent, [Consent(seeker=s, purpose=p, given_at=now) for s in consenting
             for p in (ConsentPurpose.SHARE_WITH_COMPANIES, ConsentPurpose.MATCHING)]
        )  # fmt: skip
        files, routes = [], []
        for seeker in seekers:
            applied = dt.date(year - 1, 10, 1) + dt.timedelta(days=rng.randint(0, 120))
            route = _path(rng)
            last = route[-1]
            files.append(
                File(
                    cohort=cohort,
                    seeker=seeker,
                    state=last,
                    applied_on=applied,
                    entered_training=FileState.IN_TRAINING in route,
                    placed_on=cohort.end_date + dt.timedelta(days=rng.randint(5, 90))
                    if last == FileState.PLACED
                    else None,
                    gender=seeker.gender,
                    age_band=age_band(seeker.birth_year, on=applied),
                    department_code=seeker.department_code,
                )  # fmt: skip
            )
            routes.append(route)
        _insert(File, files)
        files = list(File.objects.filter(cohort=cohort).order_by("pk"))
        by_seeker = {f.seeker_id: f for f in files}
        transitions, outcomes = [], []
        for seeker, route in zip(seekers, routes, strict=True):
            file = by_seeker[seeker.pk]
            adviser = advisers[programme.structure_id]
            at = dt.datetime.combine(file.applied_on, dt.time(9), tzinfo=dt.UTC)
            previous = ""
            for state in [FileState.APPLIED, *route]:
                reason = ""
                if state == FileState.NOT_RETAINED:
                    reason = "Projet professionnel à consolider."
                elif state == FileState.WITHDRAWN:
                    reason = (
                        "A retrouvé un emploi hors programme."
                        if rng.random() < 0.5
                        else "Raisons personnelles."
                    )
                if state == FileState.IN_TRAINING:
                    at = dt.datetime.combine(cohort.start_date, dt.time(9), tzinfo=dt.UTC)
                elif state == FileState.TRAINED:
                    at = dt.datetime.combine(cohort.end_date, dt.time(17), tzinfo=dt.UTC)
                elif state == FileState.PLACED and file.placed_on:
                    at = dt.datetime.combine(file.placed_on, dt.time(9), tzinfo=dt.UTC)
                else:
                    at += dt.timedelta(days=rng.randint(7, 30))
                transitions.append(
                    FileTransition(
                        file=file,
                        from_state=previous,
                        to_state=state,
                        at=at,
                        by=adviser if previous else None,
                        reason=reason,
                    )
                )
                previous = state
            if file.state in (FileState.TRAINED, FileState.PLACED):
                for months in (3, 6, 12):
                    observed = cohort.end_date + dt.timedelta(days=30 * months)
                    if observed > today:
                        continue
                    outcomes.append(
                        Outcome(
                            file=file, months=months, status=_outcome(rng, file, months), observed_on=observed
                        )
                    )
        _insert(FileTransition, transitions)
        _insert(Outcome, outcomes)
    indexing.reindex_seekers(
        JobSeeker.objects.filter(files__cohort__programme=programme, consents__isnull=False)
        .values_list("pk", flat=True)
        .distinct()
    )


def _outcome(rng: random.Random, file: File, months: int) -> str:
    if file.state == FileState.PLACED:
        if months == 3 and rng.random() < 0.15:
            return OutcomeStatus.SEEKING
        return rng.choices(
            [OutcomeStatus.CDI, OutcomeStatus.CDD_LONG, OutcomeStatus.CDD_SHORT, OutcomeStatus.ALTERNANCE, OutcomeStatus.BUSINESS,
             OutcomeStatus.SEEKING],
            weights=[55, 20, 6, 12, 2, 1],
        )[0]  # fmt: skip
    if rng.random() < 0.08:
        return OutcomeStatus.UNKNOWN
    return rng.choices(
        [OutcomeStatus.SEEKING, OutcomeStatus.TRAINING, OutcomeStatus.CDD_SHORT, OutcomeStatus.CDI],
        weights=[50, 30, 12, 8],
    )[0]


def _load_offers(rng: random.Random) -> None:
    firms = _companies(rng)
    # Read once per firm and per place (200 offers share 120 firms and a dozen communes), and
    # saved and indexed together (`save_offers`) rather than one offer at a time.
    departments: dict[int, str | None] = {}
    placed: dict[str, bool] = {}
    drafts = []
    for n in range(OFFERS):
        firm = firms[n % len(firms)]
        title, description = OFFER_TITLES[n % len(OFFER_TITLES)]
        if firm.pk not in departments:
            departments[firm.pk] = (
                firm.establishments.filter(region_code=REGION)
                .values_list("department_code", flat=True)
                .first()
            )
        dep = departments[firm.pk] or _pick_department(rng)
        place = dep if dep in PLACES else "67"
        if place not in placed:
            placed[place] = _commune(place) is not None
        drafts.append(
            services.OfferFields(
                organisation=firm,
                title=title,
                description=description,
                commune_code=PLACES.get(dep, PLACES["67"])[0] if placed[place] else "",
                contract=rng.choices([Contract.CDI, Contract.CDD, Contract.ALTERNANCE], weights=[6, 2, 2])[0],
                positions=rng.randint(1, 3),
            )
        )
    services.save_offers(offers=drafts, by=None)


def _load_applications(adviser: Any) -> None:
    """The people in reconversion apply to their two best offers (else the first open ones); the
    company that received the most gets a recruiter, who examines the first and (when it has
    three or more) refuses the second."""
    people = JobSeeker.objects.filter(email__in=[
        f"{slugify(first)}.{slugify(last)}@exemple.org" for first, last, *_rest in RECONVERSION
    ]).order_by("pk")  # fmt: skip
    fallback = list(JobOffer.objects.filter(status=OfferStatus.OPEN).order_by("pk")[:2])
    sent = []
    for seeker in people:
        offers = [m.offer for m in selectors.best_offers_for_seeker(seeker, limit=2)] or fallback
        for offer in offers:
            if offer is not None and not Application.objects.filter(seeker=seeker, offer=offer).exists():
                sent.append(services.apply(seeker=seeker, offer=offer, by=adviser))
    if not sent:
        return
    counts = Counter(a.offer.organisation_id for a in sent)
    company = next(
        a.offer.organisation for a in sent if counts[a.offer.organisation_id] == max(counts.values())
    )
    recruiter = _adviser("recruteuse-demo", "Julie", "Hertz", company)  # editor of the company
    received = [a for a in sent if a.offer.organisation_id == company.pk]
    services.move_application(
        application=received[0], to_status=ApplicationStatus.PROCESSING, by=recruiter, notify=False
    )
    if len(received) > 2:  # one examined, one refused, the others still new
        services.move_application(
            application=received[1], to_status=ApplicationStatus.REFUSED, by=recruiter, notify=False,
            refusal_reason=RefusalReason.POSITION_FILLED, reason="Le poste vient d'être pourvu en interne.",
        )  # fmt: skip


def _load_reconversion(structure: Organisation, adviser: Any) -> None:
    for first, last, gender, birth, dep, job, cv, metiers in RECONVERSION:
        known = list(RomeMetier.objects.filter(code__in=metiers).values_list("code", flat=True))
        seeker = services.save_seeker(
            structure=structure, by=adviser, adviser=adviser,
            first_name=first, last_name=last, email=f"{slugify(first)}.{slugify(last)}@exemple.org", gender=gender,
            birth_year=birth, commune_code=PLACES[dep][0] if _commune(dep) else "", previous_occupation=job,
            summary=cv, wished_metier_codes=known, mobility_radius_km=60,
            contract_wishes=[Contract.CDI], available_from=timezone.localdate() + dt.timedelta(days=30),
        )  # fmt: skip
        for purpose in (
            ConsentPurpose.MATCHING,
            ConsentPurpose.SHARE_WITH_COMPANIES,
            ConsentPurpose.PROGRAMME_FOLLOWUP,
        ):
            services.set_consent(seeker=seeker, purpose=purpose, given=True, by=adviser)
