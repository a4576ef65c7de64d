"""Generate StockEtablissement files at scale, in the exact INSEE 53-column format.

Distributions meant to look like the real stock: communes weighted by population (COG 2026),
real NAF rév. 2 sous-classes with about 3 % in the digital sector, ~15 % closed establishments,
INSEE headcount bands, 1 to 3 establishments per SIREN, some quoted fields holding commas.
Deterministic for a given seed. Files go to bench/data/ (git-ignored).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import random
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
STREET_TYPES = ["RUE", "AV", "BD", "PL", "CHE", "ALL", "RTE", "IMP", "QUAI", "CRS"]
STREET_NAMES = [
    "DE LA REPUBLIQUE", "VICTOR HUGO", "JEAN JAURES", "DU GENERAL DE GAULLE", "PASTEUR", "DE LA GARE",
    "DES ECOLES", "DU MOULIN", "GAMBETTA", "DE L'EGLISE", "DES TILLEULS", "DU CHATEAU", "NATIONALE",
    "DE BOURGOGNE", "DES ARTS, ET METIERS", "SAINT-MARTIN", "DE LA LIBERATION", "DES LILAS",
]  # fmt: skip
COMPLEMENTS = ["", "", "", "", "", "", "BATIMENT A", "ZA DU PARC, LOT 4", "RESIDENCE LES PINS", "CS 30012"]
SIGNS = ["", "", "", "", "", "", "", "NUMERIQUE SERVICES", "ATELIER DU CODE", "BOULANGERIE DUPONT",
         "GARAGE CENTRAL", "CABINET MARTIN, CONSEIL", "LE BISTROT", "INFORMATIQUE 21"]  # fmt: skip
BANDS = ["", "", "", "", "", "NN", "00", "01", "01", "02", "03", "11", "12", "21", "22", "31", "32", "41"]


def header(data_dir: Path) -> list[str]:
    """The exact header of the real INSEE sample."""
    with (data_dir / "sirene" / "StockEtablissement_utf8_sample.csv").open(encoding="utf-8") as handle:
        return next(csv.reader(handle))


def _communes(data_dir: Path) -> tuple[list[tuple[str, str, str]], list[float]]:
    with gzip.open(data_dir / "cog" / "communes.json.gz", "rt", encoding="utf-8") as handle:
        communes = [
            c for c in json.load(handle) if c.get("type") == "commune-actuelle" and c.get("population")
        ]
    items = [(c["code"], (c.get("codesPostaux") or [""])[0], c["nom"].upper()) for c in communes]
    total, cumulative = 0.0, []
    for c in communes:
        total += c["population"]
        cumulative.append(total)
    return items, cumulative


def _naf_codes(data_dir: Path) -> tuple[list[str], list[str]]:
    with (data_dir / "naf" / "secteur_numerique_tic_insee_c1385.csv").open(encoding="utf-8") as handle:
        digital = [row["sous_classe"] for row in csv.DictReader(handle)]
    with (data_dir / "naf" / "naf_rev2_sous_classes_5_niveaux.csv").open(encoding="utf-8") as handle:
        others = [row["sous_classe"] for row in csv.DictReader(handle) if row["sous_classe"] not in digital]
    return digital, others


def _date(rng: random.Random, start: int = 1975, end: int = 2024) -> str:
    return f"{rng.randint(start, end)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def generate(
    path: Path, rows: int, *, data_dir: Path, seed: int = 20260401, digital_share: float = 0.03
) -> Path:
    """Write `rows` establishments to `path` and return it."""
    rng = random.Random(seed)
    columns = header(data_dir)
    ix = {name: i for i, name in enumerate(columns)}
    communes, cumulative = _communes(data_dir)
    digital, others = _naf_codes(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    siren = 300_000_000
    nic = 1
    chunk = 10_000
    with tmp.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for offset in range(0, rows, chunk):
            n = min(chunk, rows - offset)
            places = rng.choices(communes, cum_weights=cumulative, k=n)
            out = []
            for commune_code, postcode, city in places:
                if rng.random() < 0.7 or nic > 3:
                    siren += rng.randint(1, 97)
                    nic = 1
                else:
                    nic += 1
                row = [""] * len(columns)
                siren_s = f"{siren:09d}"
                nic_s = f"{nic:05d}"
                closed = rng.random() < 0.15
                created = _date(rng)
                row[ix["siren"]] = siren_s
                row[ix["nic"]] = nic_s
                row[ix["siret"]] = siren_s + nic_s
                row[ix["statutDiffusionEtablissement"]] = "O" if rng.random() < 0.97 else "P"
                row[ix["dateCreationEtablissement"]] = created
                band = rng.choice(BANDS)
                row[ix["trancheEffectifsEtablissement"]] = band
                row[ix["anneeEffectifsEtablissement"]] = "2022" if band and band != "NN" else ""
                row[ix["dateDernierTraitementEtablissement"]] = (
                    f"{_date(rng, 2019, 2024)}T0{rng.randint(0, 9)}:12:31"
                )
                row[ix["etablissementSiege"]] = "true" if nic == 1 else "false"
                row[ix["nombrePeriodesEtablissement"]] = str(rng.randint(1, 6))
                row[ix["complementAdresseEtablissement"]] = rng.choice(COMPLEMENTS)
                row[ix["numeroVoieEtablissement"]] = str(rng.randint(1, 180))
                row[ix["typeVoieEtablissement"]] = rng.choice(STREET_TYPES)
                row[ix["libelleVoieEtablissement"]] = rng.choice(STREET_NAMES)
                row[ix["codePostalEtablissement"]] = postcode
                row[ix["libelleCommuneEtablissement"]] = city
                row[ix["codeCommuneEtablissement"]] = commune_code
                row[ix["dateDebut"]] = _date(rng, int(created[:4]), 2024) if closed else created
                row[ix["etatAdministratifEtablissement"]] = "F" if closed else "A"
                row[ix["enseigne1Etablissement"]] = rng.choice(SIGNS)
                is_digital = rng.random() < digital_share
                row[ix["activitePrincipaleEtablissement"]] = rng.choice(digital if is_digital else others)
                row[ix["nomenclatureActivitePrincipaleEtablissement"]] = "NAFRev2"
                row[ix["caractereEmployeurEtablissement"]] = "O" if band not in ("", "NN", "00") else "N"
                out.append(row)
            writer.writerows(out)
    tmp.replace(path)
    return path


def ensure(rows: int, *, data_dir: Path, out_dir: Path = DATA_DIR, seed: int = 20260401) -> Path:
    """The generated file for (rows, seed), generated once and reused."""
    path = out_dir / f"StockEtablissement_bench_{rows}_{seed}.csv"
    if not path.exists():
        generate(path, rows, data_dir=data_dir, seed=seed)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20260401)
    parser.add_argument(
        "--data-dir", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data"
    )
    args = parser.parse_args()
    print(ensure(args.rows, data_dir=args.data_dir, seed=args.seed))


if __name__ == "__main__":
    main()
