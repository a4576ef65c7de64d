"""Demo of the observatory: the seed articles' published figures, then the aggregates.

The figures are quoted from the five seed articles (`/work/shared/seeds`), each with its
article as source; the directory's demo already gives establishments with creation and closure
dates, so the aggregates are simply recomputed from it. Loading twice changes nothing.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from filiere.observatory.aggregates import recompute_aggregates
from filiere.observatory.models import Indicator, Level, OfficialFigure

QUOTE = "Courte citation d'un article de presse"
BFC = "K6 FM, « Un contrat pour accélérer la compétitivité de la filière numérique de Bourgogne-Franche-Comté », 8 mars 2019"
NA = "Région Nouvelle-Aquitaine, « Feuille de route de soutien à l'économie numérique », délibération du 25 juin 2018"
LR = "« Création d'un grand cluster numérique régional » (Languedoc-Roussillon), novembre 2014"
OCC = "« Covid-19 : le Syntec Numérique Occitanie lance sa plateforme Tesc Force », 2020"

#: (indicator, level, code, year, end year, value, unit, source, note)
FIGURES: tuple[tuple[str, str, str, int, int | None, str, str, str, str], ...] = (
    (Indicator.COMPANIES, Level.REGION, "27", 2019, None, "1500", "entreprises", BFC,
     "« La filière numérique régionale compte 1 500 entreprises, en grande majorité des TPE. »"),
    (Indicator.EMPLOYMENT, Level.REGION, "27", 2019, None, "8000", "salariés", BFC, "« Elle emploie 8 000 salariés. »"),
    (Indicator.EMPLOYMENT_GROWTH, Level.REGION, "27", 2019, None, "14", "% par an", BFC,
     "« Elle affiche un taux de croissance de ses effectifs de 14 % par an. »"),
    (Indicator.WOMEN_SHARE, Level.REGION, "27", 2019, None, "16", "%", BFC,
     "« les femmes ne représentent que 12 % des effectifs de formation au numérique et 16 % des emplois »"),
    (Indicator.EMPLOYMENT, Level.REGION, "75", 2018, None, "60000", "personnes", NA,
     "« L'économie numérique en Nouvelle-Aquitaine emploie 60 000 personnes réparties dans 21 000 établissements »"),
    (Indicator.ESTABLISHMENTS, Level.REGION, "75", 2018, None, "21000", "établissements", NA,
     "« 60 000 personnes réparties dans 21 000 établissements »"),
    (Indicator.ESTABLISHMENTS, Level.OLD_REGION, "91", 2014, None, "4200", "établissements", LR,
     "« plus de 4 200 établissements du secteur numérique sont présents en région »"),
    (Indicator.EMPLOYMENT, Level.OLD_REGION, "91", 2014, None, "15000", "salariés", LR,
     "« … et représentent 15 000 salariés »"),
    (Indicator.ESTABLISHMENT_GROWTH, Level.OLD_REGION, "91", 2009, 2012, "34", "%", LR,
     "« Entre 2009 et 2012, le nombre d'établissements a augmenté de 34 %. »"),
    (Indicator.EMPLOYMENT, Level.REGION, "76", 2020, None, "45000", "emplois", OCC,
     "« … sur un effectif global de 45 000 emplois » (Syntec Numérique Occitanie)"),
)  # fmt: skip


def load_observatory_demo() -> list[OfficialFigure]:
    """Create or refresh the seed figures, then recompute the aggregates from the directory."""
    figures = []
    with transaction.atomic():
        for indicator, level, code, year, end_year, value, unit, source, note in FIGURES:
            figure, _created = OfficialFigure.objects.update_or_create(
                indicator=indicator,
                territory_level=level,
                territory_code=code,
                year=year,
                source=source,
                defaults={
                    "end_year": end_year,
                    "value": Decimal(value),
                    "unit": unit,
                    "licence": QUOTE,
                    "note": note,
                },
            )
            figures.append(figure)
    recompute_aggregates()
    return figures
