"""Generated demo companies: fictitious, flagged `is_generated`, sized on the seed articles' figures.

`plan_generation` is a pure function. For each territory it takes a published figure (active
digital establishments and salaried jobs at the end of a year), subtracts what the real, seed and
TechOnMap actors already give that year, and simulates the generated stock year by year: the
stock grows at the territory's rate (the seeds' own growth where they give one), about
`CLOSURE_RATE` of it closes every year and creations make up the rest. `generate_bucket` then
draws the companies of that history with a deterministic random generator (same inputs → same
companies); headcount bands are dealt by quota (`band_mix`) so that the estimated jobs of the
observatory (midpoint of each INSEE band) meet the published jobs figure.

Why not a random age per company, as before: ages drawn from one exponential put most of the
stock after the figure's year (Languedoc-Roussillon had 1,434 establishments in 2014 for 4,200
published), only 5 % of companies ever closed (0.3 % a year) and every closure drawn after the
last day was moved onto it (a jump in the last year).

Length (about 670 lines), on purpose: one pipeline (plan the history → draw the companies →
write them) whose steps are already small functions reading the same simulation constants; a
split would only part them from those constants.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from filiere.organisations.demo.common import CommuneRow, build_establishment
from filiere.organisations.models import BAND_MIDPOINTS, Establishment, Organisation, Source, State

RANDOM_SEED = 20190308  # the day the BFC contract was signed

#: The generated history starts with the stock at the end of FIRST_YEAR - 1 (the observatory's
#: series start in 2008, OBSERVATORY_FIRST_YEAR) and ends on 31 December of the last full year.
FIRST_YEAR = 2008

#: Share of the active stock that closes each year (establishments of the digital sector, most
#: of them micro-firms): about 5 %, higher after 2008 and in 2023–2024 when failures came back
#: after the state-guaranteed loans, lower in 2020–2021 (aid during the pandemic). Closures hit
#: firms under 50 employees only.
CLOSURE_RATE = 0.05
CLOSURE_RATES: dict[int, float] = {
    2008: 0.055, 2009: 0.062, 2010: 0.058, 2011: 0.054, 2012: 0.056, 2013: 0.055, 2014: 0.052,
    2015: 0.05, 2016: 0.048, 2017: 0.046, 2018: 0.047, 2019: 0.046, 2020: 0.038, 2021: 0.036,
    2022: 0.044, 2023: 0.053, 2024: 0.058, 2025: 0.056,
}  # fmt: skip


def closure_rate(year: int) -> float:
    """Share of the previous year's stock that closes during `year`."""
    return CLOSURE_RATES.get(year, CLOSURE_RATE)


#: Growth of the stock each year where a seed gives none (the sector's establishments grew a few
#: percent a year over the period).
DEFAULT_GROWTH = 0.04

#: Share of non-employer establishments (bands NN and 00) among generated ones.
NON_EMPLOYER_SHARE = 0.55

#: Bands closures may hit: under 50 employees.
CLOSING_BANDS = ("NN", "00", "01", "02", "03", "11", "12")
#: Bands new companies are created in: under 50 employees (larger firms are in the
#: stock from before the series: they grew there).
CREATION_BANDS = ("NN", "00", "01", "02", "03", "11", "12")

LR_DEPARTMENTS = ("11", "30", "34", "48", "66")
MP_DEPARTMENTS = ("09", "12", "31", "32", "46", "65", "81", "82")
#: Haute-Garonne: Toulouse and its agglomeration (004: « plus de 50 % des effectifs régionaux »).
TOULOUSE_DEPARTMENTS = ("31",)
MP_OTHER_DEPARTMENTS = tuple(d for d in MP_DEPARTMENTS if d not in TOULOUSE_DEPARTMENTS)

#: Grand Est is large and has no published figure: we generate a representative half of it.
LARGE_REGION_SAMPLE = 0.5

#: Occitanie (004): 45,000 jobs in 2020, more than half of them in Toulouse and its agglomeration.
OCCITANIE_JOBS_2020 = 45_000
TOULOUSE_JOBS_2020 = 24_000  # 53 % of 45,000
LR_GROWTH = ((FIRST_YEAR, 0.06), (2010, 0.1025), (2013, 0.02))  # 003: +34 % from 2009 to 2012


@dataclass(frozen=True)
class Target:
    """A figure for one territory: `establishments` active digital establishments and `jobs`
    salaried jobs at the end of `year`; `growth` gives the stock's yearly growth from a year on."""

    key: str
    label: str
    region: str
    departments: tuple[str, ...]
    year: int
    establishments: int
    jobs: int
    sample: float
    basis: str
    growth: tuple[tuple[int, float], ...] = ()

    @property
    def figure(self) -> int:
        return self.establishments

    def growth_in(self, year: int) -> float:
        """Growth of the stock during `year`."""
        rate = DEFAULT_GROWTH
        for start, value in self.growth:
            if year >= start:
                rate = value
        return rate


def _stock_ratio(growth: tuple[tuple[int, float], ...], start: int, end: int) -> float:
    probe = Target("", "", "", (), start, 0, 0, 1.0, "", growth)
    return math.prod(1 + probe.growth_in(year) for year in range(start + 1, end + 1))


#: Languedoc-Roussillon's 15,000 jobs of 2014 carried to 2020 at its growth: the rest of
#: Midi-Pyrénées gets what 45,000 leaves after Toulouse and Languedoc-Roussillon.
MP_OTHER_JOBS_2020 = round(
    OCCITANIE_JOBS_2020 - TOULOUSE_JOBS_2020 - 15_000 * _stock_ratio(LR_GROWTH, 2014, 2020)
)

TARGETS: tuple[Target, ...] = (
    Target(
        "bfc",
        "Bourgogne-Franche-Comté",
        "27",
        (),
        2019,
        1500,
        8000,
        1.0,
        "000 : « 1 500 entreprises », « 8 000 salariés », « croissance de ses effectifs de 14 % par an » (2019)",
        # Jobs grow 14 % a year around 2019: new firms have fewer than 50 employees, so the
        # stock has to grow faster than the jobs.
        ((2017, 0.23), (2020, DEFAULT_GROWTH)),
    ),
    Target(
        "lr",
        "Occitanie — ex-Languedoc-Roussillon (11, 30, 34, 48, 66)",
        "76",
        LR_DEPARTMENTS,
        2014,
        4200,
        15_000,
        1.0,
        "003 : « plus de 4 200 établissements », « 15 000 salariés » (2014), +34 % de 2009 à 2012",
        LR_GROWTH,
    ),
    Target(
        "tlse",
        "Occitanie — Haute-Garonne (Toulouse et son agglomération)",
        "76",
        TOULOUSE_DEPARTMENTS,
        2020,
        6000,
        TOULOUSE_JOBS_2020,
        1.0,
        "004 : « plus de 50 % des effectifs régionaux » à Toulouse et dans son agglomération : "
        "24 000 des 45 000 emplois (2020) ; 6 000 établissements (estimation)",
    ),
    Target(
        "mp",
        "Occitanie — reste de l'ex-Midi-Pyrénées",
        "76",
        MP_OTHER_DEPARTMENTS,
        2020,
        1500,
        MP_OTHER_JOBS_2020,
        1.0,
        "004 : 45 000 emplois (2020) moins Toulouse (24 000) et le Languedoc-Roussillon (15 000 en "
        "2014 portés à 2020) ; 1 500 établissements (estimation)",
    ),
    Target(
        "na",
        "Nouvelle-Aquitaine",
        "75",
        (),
        2018,
        21_000,
        60_000,
        1.0,
        "002 : « 60 000 personnes réparties dans 21 000 établissements » (2018)",
    ),
    Target(
        "ge",
        "Grand Est",
        "44",
        (),
        2019,
        19_000,
        54_000,
        LARGE_REGION_SAMPLE,
        "estimation : pas de chiffre dans 001 ; densité et emplois par établissement de la "
        "Nouvelle-Aquitaine × 5,5 M d'habitants ≈ 19 000 établissements ; échantillon à la moitié",
    ),
)


@dataclass(frozen=True)
class Existing:
    """Active digital establishments (and their estimated jobs) not generated by the demo, in a
    target's territory at the end of the target's year."""

    establishments: int = 0
    jobs: float = 0.0


@dataclass
class PlanLine:
    target: Target
    total: int  # active digital establishments wanted at the end of the target's year
    existing: int  # real (SIRENE) + seed + TechOnMap ones there that year
    jobs: int  # estimated jobs wanted that year
    existing_jobs: float
    first_year: int = FIRST_YEAR
    horizon: int = FIRST_YEAR
    stock: list[int] = field(default_factory=list)  # generated actives at the end of first_year-1..horizon
    creations: list[int] = field(default_factory=list)  # per year first_year..horizon
    closures: list[int] = field(default_factory=list)
    bands: dict[str, float] = field(default_factory=dict)  # headcount band -> share

    @property
    def to_generate(self) -> int:
        """Generated companies active at the horizon."""
        return self.stock[-1] if self.stock else 0

    @property
    def closed(self) -> int:
        """Generated companies closed between first_year and the horizon."""
        return sum(self.closures)

    @property
    def rows(self) -> int:
        return self.to_generate + self.closed

    def generated_at(self, year: int) -> int:
        """Generated companies active at the end of `year`."""
        return self.stock[min(max(year - self.first_year + 1, 0), len(self.stock) - 1)] if self.stock else 0

    def created_by(self, year: int) -> int:
        """Generated companies created by the end of `year` (the initial stock included)."""
        upto = max(0, min(year, self.horizon) - self.first_year + 1)
        return (self.stock[0] if self.stock else 0) + sum(self.creations[:upto])

    def closed_by(self, year: int) -> int:
        upto = max(0, min(year, self.horizon) - self.first_year + 1)
        return sum(self.closures[:upto])


# --- Headcount bands --------------------------------------------------------------------------

#: The shape of the employer bands among digital establishments (before tilting to a target).
EMPLOYER_SHAPE: dict[str, float] = {
    "01": 15,
    "02": 10,
    "03": 7,
    "11": 6,
    "12": 4.5,
    "21": 1.6,
    "22": 0.9,
    "31": 0.25,
    "32": 0.35,
    "41": 0.1,
}

#: The untilted mix as weights (the benchmarks draw their establishments from it).
HEADCOUNT_WEIGHTS: dict[str, float] = {"NN": 38, "00": 16, **EMPLOYER_SHAPE}


def _midpoints() -> Mapping[str, float]:
    # The observatory's estimate (midpoint of each INSEE band): the demo is sized on the very
    # method that will count it.
    return BAND_MIDPOINTS


def band_mix(tilt: float) -> dict[str, float]:
    """Shares of each band: NON_EMPLOYER_SHARE split over NN/00, employer bands tilted by
    midpoint ** -tilt (a positive tilt favours small firms)."""
    mid = _midpoints()
    employer = {band: weight * mid[band] ** -tilt for band, weight in EMPLOYER_SHAPE.items()}
    total = sum(employer.values())
    mix = {"NN": NON_EMPLOYER_SHARE * 0.7, "00": NON_EMPLOYER_SHARE * 0.3}
    mix.update({band: (1 - NON_EMPLOYER_SHARE) * weight / total for band, weight in employer.items()})
    return mix


def _mean(mix: Mapping[str, float], bands: Sequence[str] | None = None) -> float:
    mid = _midpoints()
    chosen = [b for b in mix if bands is None or b in bands]
    weight = sum(mix[b] for b in chosen)
    return sum(mix[b] * mid[b] for b in chosen) / weight if weight else 0.0


def _restricted(mix: Mapping[str, float], bands: Sequence[str]) -> dict[str, float]:
    total = sum(share for band, share in mix.items() if band in bands)
    return {band: share / total for band, share in mix.items() if band in bands and total}


def fit_bands(*, initial: int, created: int, closed: int, jobs: float) -> dict[str, float]:
    """The band mix of the initial stock (`initial` companies) such that, with `created` later
    companies (its bands under 50 employees) and `closed` closures (the same bands), the
    companies active at the target's year give `jobs`: bisection on the tilt."""
    if initial + created <= 0 or jobs <= 0:
        return band_mix(6.0)

    def estimate(tilt: float) -> float:
        mix = band_mix(tilt)
        return (
            _mean(mix) * initial
            + _mean(mix, CREATION_BANDS) * created
            - _mean(_creation_mix(mix), CLOSING_BANDS) * closed
        )

    low, high = -3.0, 8.0
    for _ in range(60):
        middle = (low + high) / 2
        if estimate(middle) > jobs:
            low = middle
        else:
            high = middle
    return band_mix((low + high) / 2)


def _creation_mix(mix: Mapping[str, float]) -> dict[str, float]:
    return _restricted(mix, CREATION_BANDS)


def plan_generation(
    existing: Mapping[str, Existing | int], *, scale: float = 1.0, horizon: int | None = None
) -> list[PlanLine]:
    """The generated history of each territory so that the totals meet the seed figures.

    `existing` maps a target key to what is already there at the target's year (an `Existing`,
    or a number of establishments). The generated stock at the end of the target's year is
    `establishments × sample × scale − existing`; earlier and later years follow the growth
    rates; each year CLOSURE_RATE of the previous stock closes and creations make up the rest.
    The band mix gives `jobs × sample × scale − existing jobs` at the target's year.
    """
    last = horizon or dt.date.today().year - 1
    lines = []
    for target in TARGETS:
        known = existing.get(target.key, Existing())
        if isinstance(known, int):
            known = Existing(known, 0.0)
        total = round(target.establishments * target.sample * scale)
        jobs = round(target.jobs * target.sample * scale)
        at_year = max(0, total - known.establishments)
        line = PlanLine(target, total, known.establishments, jobs, known.jobs, FIRST_YEAR, last)
        # Stock at the end of FIRST_YEAR - 1 .. last, anchored on the target's year.
        years = range(FIRST_YEAR - 1, last + 1)
        anchor = min(max(target.year, FIRST_YEAR - 1), last)
        level: dict[int, float] = {anchor: float(at_year)}
        for year in range(anchor, FIRST_YEAR - 1, -1):
            level[year - 1] = level[year] / (1 + target.growth_in(year))
        for year in range(anchor + 1, last + 1):
            level[year] = level[year - 1] * (1 + target.growth_in(year))
        line.stock = [round(level[year]) for year in years]
        for index in range(1, len(line.stock)):
            closures = round(closure_rate(FIRST_YEAR + index - 1) * line.stock[index - 1])
            line.closures.append(closures)
            line.creations.append(line.stock[index] - line.stock[index - 1] + closures)
        initial = line.stock[0] if line.stock else 0
        line.bands = fit_bands(
            initial=initial,
            created=line.created_by(target.year) - initial,
            closed=line.closed_by(target.year),
            jobs=max(0.0, jobs - known.jobs),
        )
        lines.append(line)
    return lines


# --- Drawing companies -----------------------------------------------------------------------

#: The 25 c1385 sous-classes, weighted like the real stock (programming and IT consulting first).
NAF_WEIGHTS: dict[str, float] = {
    "62.01Z": 30,
    "62.02A": 22,
    "62.09Z": 8,
    "58.29C": 6,
    "95.11Z": 6,
    "63.11Z": 5,
    "46.51Z": 4,
    "62.02B": 3,
    "63.12Z": 3,
    "61.90Z": 3,
    "62.03Z": 2,
    "58.21Z": 2,
    "46.52Z": 2,
    "95.12Z": 2,
    "61.20Z": 1.2,
    "61.10Z": 1,
    "58.29A": 1,
    "58.29B": 1,
    "26.11Z": 0.8,
    "26.12Z": 0.8,
    "26.30Z": 0.6,
    "26.20Z": 0.4,
    "26.40Z": 0.3,
    "61.30Z": 0.2,
    "26.80Z": 0.1,
}

LEGAL_FORMS: tuple[tuple[str, str, float], ...] = (
    ("SAS", "5710", 42),
    ("SARL", "5499", 28),
    ("SASU", "5720", 18),
    ("EURL", "5498", 9),
    ("SA", "5599", 3),
)

_PREFIXES = (
    "Data",
    "Cyber",
    "Net",
    "Web",
    "Soft",
    "Info",
    "Cloud",
    "Digi",
    "Logi",
    "Tekn",
    "Code",
    "Pixel",
    "Numé",
    "Lumi",
    "Axi",
    "Ori",
    "Néo",
    "Alti",
    "Quanti",
    "Syst",
    "Optim",
    "Vect",
    "Kali",
    "Ondi",
    "Inno",
    "Smart",
    "Open",
    "Arka",
    "Novi",
    "Synap",
    "Terra",
    "Delta",
    "Alpha",
    "Lyra",
    "Orbi",
)
_SUFFIXES = (
    "lis",
    "ra",
    "sys",
    "ware",
    "ix",
    "éo",
    "ia",
    "tek",
    "nova",
    "line",
    "log",
    "com",
    "sphère",
    "flow",
    "mind",
    "lab",
    "data",
    "net",
    "is",
    "on",
    "up",
    "way",
    "gram",
    "dev",
    "nexus",
)
_ACTIVITY: dict[str, tuple[str, ...]] = {
    "62": (
        "Conseil",
        "Solutions",
        "Informatique",
        "Services",
        "Développement",
        "Ingénierie",
        "Systèmes",
        "Digital",
        "Technologies",
        "Consulting",
    ),
    "58": ("Software", "Éditions", "Studio", "Games", "Logiciels"),
    "63": ("Hébergement", "Data", "Cloud", "Web", "Médias"),
    "61": ("Télécom", "Réseaux", "Fibre", "Connect"),
    "95": ("Informatique", "Dépannage", "Réparation", "Services"),
    "46": ("Distribution", "Informatique", "Équipements"),
    "26": ("Électronique", "Industries", "Composants"),
}
_STREETS = (
    "rue de la République",
    "avenue Jean Jaurès",
    "rue Victor Hugo",
    "boulevard Gambetta",
    "rue Pasteur",
    "rue du Général de Gaulle",
    "avenue de la Gare",
    "rue des Écoles",
    "place de la Mairie",
    "rue de l'Industrie",
    "allée des Tilleuls",
    "rue Lavoisier",
    "avenue Pierre Mendès France",
    "rue du Commerce",
    "chemin des Vignes",
    "rue Ampère",
    "parc technologique",
    "rue de la Paix",
)
_TAGS: dict[str, tuple[str, ...]] = {
    "62.01Z": ("développement logiciel", "applications web", "applications mobiles"),
    "62.02A": ("conseil", "intégration", "transformation numérique"),
    "62.02B": ("maintenance applicative", "infogérance"),
    "62.03Z": ("infogérance", "exploitation"),
    "62.09Z": ("services informatiques", "cybersécurité"),
    "58.21Z": ("jeu vidéo",),
    "58.29A": ("logiciel système", "réseaux"),
    "58.29B": ("outils de développement",),
    "58.29C": ("éditeur de logiciels", "SaaS"),
    "63.11Z": ("hébergement", "cloud", "données"),
    "63.12Z": ("portail internet", "plateforme"),
}


def _weighted(rng: random.Random, weights: Mapping[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def company_name(rng: random.Random, naf_code: str) -> tuple[str, str, str]:
    """A plausible French company name ("Datalis Conseil SAS"), its legal form and category code."""
    form, category, _ = rng.choices(LEGAL_FORMS, weights=[w for _, _, w in LEGAL_FORMS])[0]
    brand = rng.choice(_PREFIXES) + rng.choice(_SUFFIXES)
    if rng.random() < 0.7:
        brand = f"{brand} {rng.choice(_ACTIVITY[naf_code[:2]])}"
    return f"{brand} {form}", form, category


def _day_in(rng: random.Random, year: int) -> dt.date:
    return dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))


def _initial_creation_date(rng: random.Random) -> dt.date:
    # The stock before the series: an exponential age (mean ~8 years) before its first day, from 1975.
    first = dt.date(FIRST_YEAR, 1, 1)
    age_days = min(int(rng.expovariate(1 / 8) * 365.25), (first - dt.date(1975, 1, 1)).days)
    return first - dt.timedelta(days=age_days + 1)


class _BandDealer:
    """Deals headcount bands so that every prefix of the sequence follows the mix (largest deficit
    first): the jobs of any year's stock then meet the plan, without random drift."""

    def __init__(self, mix: Mapping[str, float]) -> None:
        self.mix = {band: share for band, share in mix.items() if share > 0}
        self.dealt = dict.fromkeys(self.mix, 0)
        self.count = 0

    def __call__(self) -> str:
        self.count += 1
        band = max(self.mix, key=lambda b: self.mix[b] * self.count - self.dealt[b])
        self.dealt[band] += 1
        return band


def commune_weights(communes: Sequence[CommuneRow]) -> list[float]:
    """Population ** 1.3: digital activity concentrates in cities more than the population does."""
    return [max(c.population, 1) ** 1.3 for c in communes]


@dataclass(frozen=True)
class Company:
    band: str
    created: dt.date
    closed: dt.date | None


def simulate(line: PlanLine, rng: random.Random) -> list[Company]:
    """The companies of a plan line's history: the initial stock, created before FIRST_YEAR (all
    bands), then each year `closures[i]` active companies under 50 employees close (bands in
    proportion to the mix) and `creations[i]` are created (bands under 50 employees)."""
    initial = _BandDealer(line.bands)
    later = _BandDealer(_creation_mix(line.bands))
    closing = _BandDealer(_restricted(_creation_mix(line.bands), CLOSING_BANDS))
    companies: list[dict] = []
    active: dict[str, list[int]] = {band: [] for band in line.bands}

    def create(band: str, created: dt.date) -> None:
        active[band].append(len(companies))
        companies.append({"band": band, "created": created, "closed": None})

    for _ in range(line.stock[0] if line.stock else 0):
        create(initial(), _initial_creation_date(rng))
    for offset, (creations, closures) in enumerate(zip(line.creations, line.closures, strict=True)):
        year = line.first_year + offset
        for _ in range(closures):
            band = closing()
            pool = active.get(band) or next((active[b] for b in CLOSING_BANDS if active.get(b)), [])
            if not pool:
                break
            position = rng.randrange(len(pool))
            pool[position], pool[-1] = pool[-1], pool[position]
            company = companies[pool.pop()]
            company["closed"] = max(_day_in(rng, year), company["created"] + dt.timedelta(days=1))
        for _ in range(creations):
            create(later(), _day_in(rng, year))
    return [Company(c["band"], c["created"], c["closed"]) for c in companies]


def bucket_rng(line: PlanLine) -> random.Random:
    """The random generator of a plan line's companies (same line → same companies)."""
    return random.Random(f"{RANDOM_SEED}:{line.target.key}:{line.rows}:{line.horizon}")


def generate_bucket(
    line: PlanLine, communes: Sequence[CommuneRow]
) -> list[tuple[Organisation, Establishment, list[str]]]:
    """Draw the companies of a plan line's history (`simulate`) in its territory; deterministic
    per line."""
    target = line.target
    rng = bucket_rng(line)
    cumulative = list(itertools.accumulate(commune_weights(communes)))
    names: set[str] = set()
    companies = simulate(line, rng)
    rows = []
    for index, company in enumerate(companies):
        naf = _weighted(rng, NAF_WEIGHTS)
        name, form, category = company_name(rng, naf)
        while name in names:
            name, form, category = company_name(rng, naf)
        names.add(name)
        band, closure = company.band, company.closed
        commune = rng.choices(communes, cum_weights=cumulative)[0]
        tags = list(_TAGS.get(naf, ()))
        org = Organisation(
            source=Source.GENERATED,
            is_generated=True,
            name=name,
            legal_category=category,
            company_category="ETI" if band in {"32", "41"} else "PME",
            naf_code=naf,
            headcount_band=band,
            is_digital=True,
            creation_date=company.created,
            state=State.CLOSED if closure else State.ACTIVE,
            closure_date=closure,
            description=(
                "Entreprise fictive générée pour la démonstration de Filière : ce n'est pas un acteur "
                f"réel. Forme juridique : {form}."
            ),
            tags=tags,
            raw={"demo_bucket": target.key, "index": index},
        )
        postcode = rng.choice(commune.postcodes) if commune.postcodes else ""
        establishment = build_establishment(
            org,
            commune=commune,
            address=f"{rng.randint(1, 120)} {rng.choice(_STREETS)}",
            postcode=postcode,
            tags=tags,
            raw={"demo_bucket": target.key},
        )
        establishment.is_employer = band not in {"NN", "00"}
        establishment.headcount_year = 2023 if establishment.is_employer else None
        rows.append((org, establishment, tags))
    return rows
