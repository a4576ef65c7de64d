"""Services proposed for a firm's need: those it is eligible for, ranked by the engine's
text match, the themes its words name (`THEME_WORDS`) and the most local coverage, with reasons."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from filiere.core.text import fold

from .. import indexing
from ..models import Service, Theme
from .eligibility import services_for_firm
from .firms import FirmFacts

# Words of a need (folded) that name a theme: a service of that theme ranks higher, and the
# proposal says which words made the link.
THEME_WORDS: dict[str, tuple[str, ...]] = {
    Theme.TRANSFORMATION: ("numerique", "digital", "erp", "crm", "logiciel", "outil", "dematerialis", "site"),
    Theme.CYBERSECURITY: ("cyber", "securite", "piratage", "rancon", "attaque", "rgpd", "sauvegarde"),
    Theme.DATA_AI: ("donnee", "data", "intelligence artificielle", "ia ", "algorithme", "machine learning"),
    Theme.INNOVATION: ("innov", "prototype", "r&d", "recherche", "brevet", "proto"),
    Theme.FUNDING: ("financ", "subvention", "aide", "pret", "lever", "levee", "fonds", "investis"),
    Theme.EXPORT: ("export", "international", "etranger", "salon", "ces", "marche"),
    Theme.SKILLS: ("recrut", "competence", "former", "formation", "embauch", "alternan"),
    Theme.CREATION: ("creer", "creation", "start", "startup", "incub", "accelera", "jeune pousse"),
    Theme.INDUSTRY: ("industri", "usine", "production", "4.0", "atelier", "robot", "capteur"),
    Theme.MARKETING: (
        "vente en ligne",
        "e-commerce",
        "ecommerce",
        "marketing",
        "client",
        "boutique",
        "reseaux sociaux",
    ),
}


def themes_in(text: str) -> dict[str, list[str]]:
    """Themes named by a need, each with the words that named it."""
    folded = f" {fold(text)} "
    found: dict[str, list[str]] = {}
    for theme, words in THEME_WORDS.items():
        hits = [word.strip() for word in words if word in folded]
        if hits:
            found[theme] = hits
    return found


@dataclass
class Proposal:
    """A service proposed for a need, with why (the engine's reading, theme, eligibility)."""

    service: Service
    score: float
    reasons: list[str]


def propose_services(
    facts: FirmFacts, need: str, *, limit: int = 5, today: dt.date | None = None
) -> list[Proposal]:
    """The services a firm is eligible for, ranked for its need: the engine's text match, the
    themes its words name, then the most local coverage. Raises `indexing.UserTextError` on an
    empty need."""
    eligible, _blocked = services_for_firm(facts, today=today)
    if not eligible:
        indexing.search(need, restrict_ids=[], limit=1)  # still refuse an empty or binary need
        return []
    by_id = {e.service.pk: e for e in eligible}
    hits = {hit.doc_id: hit for hit in indexing.search(need, restrict_ids=list(by_id), limit=len(by_id))}
    themes = themes_in(need)
    best = max((hit.score for hit in hits.values()), default=0.0) or 1.0
    proposals = []
    for service_id, eligibility in by_id.items():
        service = eligibility.service
        hit = hits.get(service_id)
        reasons: list[str] = []
        score = 0.0
        if hit is not None:
            score += hit.score / best
            if hit.explanation:
                reasons.append(_("Votre besoin : %(why)s") % {"why": " ; ".join(hit.explanation)})
        if service.theme in themes:
            score += 0.6
            reasons.append(
                _("Thème %(theme)s (« %(words)s »)")
                % {"theme": service.get_theme_display(), "words": ", ".join(themes[service.theme])}
            )
        if score == 0:
            continue
        score += 0.1 * eligibility.territory_level
        proposals.append(Proposal(service, score, reasons + eligibility.reasons))
    proposals.sort(key=lambda p: (-p.score, p.service.title))
    return proposals[:limit]
