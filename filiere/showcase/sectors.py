"""The buyer-facing application sectors, loaded by migration 0002 and refreshed by the demo.

Each row: code, French label, NAF rév. 2 divisions (for transferability roll-ups) and folded
keywords that name the sector in a buyer's query.
"""

from __future__ import annotations

SECTORS: list[tuple[str, str, list[str], list[str]]] = [
    (
        "rail",
        "Ferroviaire",
        ["30", "49"],
        ["ferroviaire", "rail", "train", "trains", "sncf", "tramway", "metro"],
    ),
    (
        "autonomous_vehicle",
        "Véhicule autonome",
        ["29"],
        ["vehicule autonome", "vehicules autonomes", "conduite autonome", "voiture autonome", "adas"],
    ),
    (
        "aeronautics",
        "Aéronautique",
        ["30", "51"],
        ["aeronautique", "avion", "avions", "aerien", "avionique", "aviation"],
    ),
    ("space", "Spatial", ["30"], ["spatial", "satellite", "satellites", "lanceur"]),
    ("maritime", "Maritime et naval", ["30", "50"], ["maritime", "naval", "navale", "navire", "portuaire"]),
    (
        "health",
        "Santé",
        ["86", "21", "32", "87"],
        ["sante", "hopital", "hopitaux", "medical", "medicale", "pharmaceutique"],
    ),
    (
        "retail",
        "Commerce et distribution",
        ["46", "47"],
        ["retail", "commerce", "distribution", "e-commerce", "magasin"],
    ),
    (
        "finance",
        "Banque, assurance, fintech",
        ["64", "65", "66"],
        ["fintech", "fintechs", "banque", "bancaire", "assurance", "finance"],
    ),
    (
        "energy",
        "Énergie",
        ["35", "19", "06"],
        ["energie", "electricite", "nucleaire", "renouvelable", "hydrogene"],
    ),
    ("defence", "Défense", ["25", "30", "84"], ["defense", "militaire", "armement"]),
    (
        "public",
        "Secteur public",
        ["84", "85"],
        ["secteur public", "collectivite", "collectivites", "administration"],
    ),
    (
        "industry",
        "Industrie",
        ["22", "24", "25", "26", "27", "28"],
        ["industrie", "industriel", "industrielle", "usine"],
    ),
    ("automotive", "Automobile", ["29", "45"], ["automobile", "automobiles", "constructeur automobile"]),
    ("logistics", "Transport et logistique", ["49", "52", "53"], ["logistique", "transport", "supply chain"]),
    (
        "agriculture",
        "Agriculture et agroalimentaire",
        ["01", "10", "11"],
        ["agriculture", "agricole", "agroalimentaire"],
    ),
]


#: English labels of the sectors (stored labels are French), read by `selectors.sector_label`.
LABELS_EN: dict[str, str] = {
    "rail": "Rail",
    "autonomous_vehicle": "Autonomous vehicles",
    "aeronautics": "Aeronautics",
    "space": "Space",
    "maritime": "Maritime and naval",
    "health": "Health",
    "retail": "Retail and distribution",
    "finance": "Banking, insurance, fintech",
    "energy": "Energy",
    "defence": "Defence",
    "public": "Public sector",
    "industry": "Manufacturing",
    "automotive": "Automotive",
    "logistics": "Transport and logistics",
    "agriculture": "Agriculture and food",
}


def sync_sectors(sector_model: type) -> int:
    """Create or update the sector rows from SECTORS; returns how many rows were written."""
    written = 0
    for order, (code, label, divisions, keywords) in enumerate(SECTORS):
        sector_model.objects.update_or_create(
            code=code,
            defaults={"label": label, "naf_divisions": divisions, "keywords": keywords, "order": order},
        )
        written += 1
    return written
