"""Skill families: the one grouping of skills that regional tables count in.

The needs gap table (demand against supply) and the training-offer map (places by family and
department) both read it, so their rows are the same families. Our own grouping, documented in
docs/needs.md.

ESCO's hierarchy is too fine and too uneven for a regional table (its "ICT" branch mixes
programming, networks and ICT law), and ROME's domains are about occupations, not skills. So we
group by keywords read in the folded label of the skill or occupation a need was resolved to
(or of the respondent's own words when the engine found nothing): the first family whose
keyword appears wins, in the order below, and everything else is "Autres compétences". Supply
is grouped the same way from the labels of the skills courses teach, so both sides meet.
"Aéronautique et industrie" comes last: the Occitanie aeronautics reconversion case needs it,
and a software or data skill that mentions industry stays in its own family.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from filiere.core.text import fold


@dataclass(frozen=True)
class Family:
    code: str
    label: str | Promise
    keywords: tuple[str, ...]


OTHER = "other"

# Order matters: "sécurité du cloud" is security, "data engineer" is data, "chef de projet web" is project.
FAMILIES: tuple[Family, ...] = (
    Family(
        "cyber",
        _("Cybersécurité"),
        (
            "cybersecurite",
            "securite informatique",
            "securite des systemes",
            "securite des tic",
            "securite des reseaux",
            "securite de l information",
            "pentest",
            "test d intrusion",
            "soc",
            "rssi",
            "cryptograph",
            "forensic",
            "menaces informatiques",
            "vulnerabilit",
        ),
    ),
    Family(
        "data_ai",
        _("Données et intelligence artificielle"),
        (
            "donnees",
            "data",
            "intelligence artificielle",
            "apprentissage automatique",
            "machine learning",
            "deep learning",
            "apprentissage profond",
            "statisti",
            "big data",
            "exploration de donnees",
            "science des donnees",
            "analyse de donnees",
            "ia",
            "llm",
            "traitement automatique du langage",
            "vision par ordinateur",
            "decisionnel",
            "business intelligence",
        ),
    ),
    Family(
        "cloud_devops",
        _("Cloud, DevOps et infrastructures"),
        (
            "cloud",
            "devops",
            "kubernetes",
            "docker",
            "conteneur",
            "administration systeme",
            "administrateur systeme",
            "administration des systemes",
            "administrateur reseau",
            "systemes et reseaux",
            "administration reseau",
            "reseaux informatiques",
            "reseau informatique",
            "telecom",
            "linux",
            "infrastructure",
            "virtualisation",
            "integration continue",
            "deploiement continu",
            "aws",
            "azure",
            "sre",
            "exploitation informatique",
            "serveur",
        ),
    ),
    Family(
        "project",
        _("Gestion de projet, produit et conseil"),
        (
            "gestion de projet",
            "gestion des projets",
            "chef de projet",
            "cheffe de projet",
            "conduite de projet",
            "management de projet",
            "agile",
            "scrum",
            "product owner",
            "product manager",
            "gestion de produit",
            "maitrise d ouvrage",
            "amoa",
            "consultant",
            "conseil en",
            "pilotage",
            "conduite du changement",
        ),
    ),
    Family(
        "sales",
        _("Commercial, avant-vente et marketing"),
        (
            "commercial",
            "vente",
            "avant vente",
            "avant-vente",
            "ingenieur d affaires",
            "business developer",
            "developpement commercial",
            "relation client",
            "marketing",
            "negociation",
            "prospection",
            "account manager",
            "grands comptes",
            "communication digitale",
        ),
    ),
    Family(
        "design",
        _("Design, UX et contenus numériques"),
        (
            "ux",
            "ui",
            "design",
            "ergonom",
            "experience utilisateur",
            "interface utilisateur",
            "graphis",
            "infographi",
            "webdesign",
            "motion",
            "3d",
            "jeu video",
            "audiovisuel",
        ),
    ),
    Family(
        "software",
        _("Développement logiciel et web"),
        (
            "developpement",
            "developpeur",
            "developpeuse",
            "programmation",
            "programmeur",
            "logiciel",
            "python",
            "java",
            "javascript",
            "typescript",
            "php",
            "c++",
            "c#",
            ".net",
            "rust",
            "golang",
            "react",
            "angular",
            "vue.js",
            "node",
            "django",
            "symfony",
            "web",
            "mobile",
            "android",
            "ios",
            "full stack",
            "fullstack",
            "back end",
            "backend",
            "front end",
            "frontend",
            "test logiciel",
            "sql",
            "api",
            "embarque",
            "informatique industrielle",
            "architecte logiciel",
        ),
    ),
    Family(
        "industry",
        _("Aéronautique et industrie"),
        ("aeronaut", "aeronef", "avion", "mecaniq", "industri", "usinage"),
    ),
)
BY_CODE = {f.code: f for f in FAMILIES}


def family_choices() -> list[tuple[str, str]]:
    """(code, label) of every family, "Autres compétences" last."""
    return [(f.code, str(f.label)) for f in FAMILIES] + [(OTHER, str(_("Autres compétences")))]


def family_label(code: str) -> str:
    family = BY_CODE.get(code)
    return str(family.label) if family else str(_("Autres compétences"))


def _pattern(keyword: str) -> re.Pattern[str]:
    # Whole words for short keywords ("ia", "ux", "soc"), prefixes for stems ("statisti").
    escaped = re.escape(keyword)
    if len(keyword) <= 4:
        return re.compile(rf"(?<![a-z0-9]){escaped}(?![a-z0-9])")
    return re.compile(rf"(?<![a-z0-9]){escaped}")


_PATTERNS: tuple[tuple[str, tuple[re.Pattern[str], ...]], ...] = tuple(
    (f.code, tuple(_pattern(k) for k in f.keywords)) for f in FAMILIES
)


@lru_cache(maxsize=50_000)
def family_for(label: str) -> str:
    """The family code of a skill or occupation label (or a respondent's words); "other" if none."""
    text = " ".join(fold(label).replace("'", " ").replace("’", " ").replace("-", " ").split())
    for code, patterns in _PATTERNS:
        if any(p.search(text) for p in patterns):
            return code
    return OTHER
