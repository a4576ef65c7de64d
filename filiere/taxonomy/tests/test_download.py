"""`filiere reference download` against a local HTTP mirror (never the internet): every dataset
becomes the files `filiere reference load` reads."""

from __future__ import annotations

import csv
import functools
import gzip
import io
import json
import shutil
import tarfile
import zipfile
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from filiere.core.loading import read_text
from filiere.taxonomy import download
from filiere.taxonomy.importers import load_naf, load_rome, rome_file, rome_version, rome_versions
from filiere.taxonomy.models import NafCode, RomeAppellation, RomeMetier, RomeMetierCompetence
from filiere.territories.importers import FORMER_REGIONS_TABLE

SHARED = Path(settings.FILIERE_DATA_DIR)
ROME_FILES = (
    "referentiel_code_rome",
    "referentiel_appellation",
    "referentiel_competence",
    "referentiel_savoir",
    "coherence_item",
    "secteur_naf",
    "arborescence_secteur_naf",
    "rubrique_mobilite",
)
METIERS = {"M1805", "M1806", "M1810"}


def run(*args: str) -> str:
    out = StringIO()
    call_command("reference", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def _write_gz(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(text.encode()))


def _shared_text(relative: str) -> str:
    path = SHARED / relative
    return read_text(path if path.exists() else path.with_name(f"{path.name}.gz"))


@functools.cache  # read once for the module: the real files are large, the extract never changes
def _small_rome() -> dict[str, str]:
    """A consistent extract of the real ROME files: three digital métiers and what they point to."""
    tables: dict[str, list[dict[str, str]]] = {}
    headers: dict[str, list[str]] = {}
    for name in ROME_FILES:
        reader = csv.DictReader(io.StringIO(_shared_text(f"rome/unix_{name}_v460_utf8.csv")))
        headers[name] = list(reader.fieldnames or [])
        tables[name] = list(reader)
    skills = {r["code_ogr"] for r in tables["referentiel_competence"]}
    skills |= {r["code_ogr_savoir"] for r in tables["referentiel_savoir"]}
    links = [r for r in tables["coherence_item"] if r["code_rome"] in METIERS and r["code_ogr"] in skills][
        :40
    ]
    items = {r["code_ogr"] for r in links}
    keep = {
        "referentiel_code_rome": [r for r in tables["referentiel_code_rome"] if r["code_rome"] in METIERS],
        "referentiel_appellation": [
            r for r in tables["referentiel_appellation"] if r["code_rome"] in METIERS
        ],
        "referentiel_competence": [r for r in tables["referentiel_competence"] if r["code_ogr"] in items],
        "referentiel_savoir": [r for r in tables["referentiel_savoir"] if r["code_ogr_savoir"] in items],
        "coherence_item": links,
        "secteur_naf": tables["secteur_naf"],
        "arborescence_secteur_naf": [
            r for r in tables["arborescence_secteur_naf"] if r["code_rome"] in METIERS
        ],
        "rubrique_mobilite": [r for r in tables["rubrique_mobilite"] if r["code_rome"] in METIERS],
    }
    files = {}
    for name, rows in keep.items():
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=headers[name], quoting=csv.QUOTE_ALL)
        writer.writeheader()
        writer.writerows(rows)
        files[name] = out.getvalue()
    return files


def _rome_zip(
    path: Path, version: int, *, folder: str = "RefRomeCsv/", extra: dict[str, bytes] | None = None
) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in _small_rome().items():
            zf.writestr(f"{folder}unix_{name}_v{version}_utf8.csv", text)
        zf.writestr(f"{folder}Lisez-moi.pdf", b"%PDF-1.4")
        for name, data in (extra or {}).items():
            zf.writestr(name, data)


# ROME ------------------------------------------------------------------------------------------


def test_rome_zip_is_extracted_and_loaded(reference_territories, mirror, tmp_path, settings):
    base_url, root = mirror
    _rome_zip(root / "rome/RefRomeCsv.zip", 461)
    dest = tmp_path / "data"

    output = run("download", "--dest", str(dest), "--base-url", base_url, "--only", "rome")

    assert output.count("OK ") == 8
    assert sorted(p.name for p in (dest / "rome").iterdir()) == sorted(
        f"unix_{name}_v461_utf8.csv" for name in ROME_FILES
    )  # the archive, the PDF and no temporary file left
    settings.FILIERE_DATA_DIR = dest
    assert rome_version() == 461
    counts = load_rome()
    assert counts.tables["metiers"]["created"] == 3
    assert set(RomeMetier.objects.filter(code__in=METIERS).values_list("code", flat=True)) == METIERS
    assert RomeAppellation.objects.filter(metier_id="M1805").count() > 10
    assert RomeMetierCompetence.objects.filter(metier_id__in=METIERS).count() == 40
    status = json.loads(run("status", "--json"))
    assert status["datasets"]["rome"]["source"] == "v461"


def test_the_highest_rome_version_is_used_for_every_file(db, tmp_path, settings):
    rome = tmp_path / "rome"
    rome.mkdir()
    for name in ("referentiel_code_rome", "coherence_item"):
        (rome / f"unix_{name}_v460_utf8.csv").write_text("a,b\n")
    _write_gz(rome / "unix_referentiel_code_rome_v461_utf8.csv.gz", "a,b\n")
    (rome / "unix_referentiel_code_rome_v99_utf8.csv").write_text("a,b\n")
    (rome / "notes_v999.csv").write_text("a,b\n")
    settings.FILIERE_DATA_DIR = tmp_path

    assert rome_versions() == [461, 460, 99]
    assert rome_file("coherence_item") == "rome/unix_coherence_item_v461_utf8.csv"
    with pytest.raises(CommandError, match=r"introuvable.*unix_referentiel_appellation_v461_utf8\.csv"):
        load_rome()


def test_no_rome_file_is_a_clear_error(db, tmp_path, settings):
    settings.FILIERE_DATA_DIR = tmp_path
    with pytest.raises(CommandError, match=r"Aucun fichier ROME"):
        load_rome()


def test_shared_rome_files_are_v460(db):
    assert rome_versions() == [460]


@pytest.mark.parametrize(
    "member",
    [
        "../evil_v461_utf8.csv",
        "/tmp/evil_v461_utf8.csv",
        "RefRomeCsv/../../evil_v461_utf8.csv",
        "C:/evil.csv",
    ],
)
def test_a_zip_with_an_unsafe_path_is_refused_and_nothing_is_written(mirror, tmp_path, member):
    base_url, root = mirror
    _rome_zip(root / "rome/RefRomeCsv.zip", 461, extra={member: b"a,b\n1,2\n"})
    dest = tmp_path / "data"

    with pytest.raises(CommandError, match=r"unsafe member path"):
        run("download", "--dest", str(dest), "--base-url", base_url, "--only", "rome")

    assert not [p for p in tmp_path.rglob("*") if p.is_file() and "mirror" not in p.parts]


def test_a_zip_without_csv_or_corrupt_is_refused(mirror, tmp_path):
    base_url, root = mirror
    (root / "rome").mkdir()
    with zipfile.ZipFile(root / "rome/RefRomeCsv.zip", "w") as zf:
        zf.writestr("Lisez-moi.txt", "rien")
    dest = tmp_path / "data"
    with pytest.raises(CommandError, match=r"no CSV file in the archive"):
        run("download", "--dest", str(dest), "--base-url", base_url, "--only", "rome")
    (root / "rome/RefRomeCsv.zip").write_bytes(b"PK\x03\x04" + b"\x00" * 50)
    with pytest.raises(CommandError, match=r"corrupt zip"):
        run("download", "--dest", str(dest), "--base-url", base_url, "--only", "rome")
    assert not [p for p in dest.rglob("*") if p.is_file()]


def test_a_csv_member_that_is_not_csv_leaves_nothing_half_extracted(mirror, tmp_path):
    base_url, root = mirror
    _rome_zip(
        root / "rome/RefRomeCsv.zip", 461, extra={"RefRomeCsv/unix_zz_v461_utf8.csv": b"\x00\x01binary"}
    )
    dest = tmp_path / "data"
    with pytest.raises(CommandError, match=r"unix_zz_v461_utf8\.csv: no CSV header line"):
        run("download", "--dest", str(dest), "--base-url", base_url, "--only", "rome")
    assert not [p for p in dest.rglob("*") if p.is_file()]


# Territories -----------------------------------------------------------------------------------


def _npm_tarball(path: Path, *, without: str = "") -> None:
    """A tarball laid out like the npm package, with the shared COG JSON files."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_npm_tarball_bytes(without))


@functools.cache  # built once per variant for the module (the communes file is 40 MB)
def _npm_tarball_bytes(without: str) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name in ("regions", "departements", "communes", "epci", "ept"):
            if name == without:
                continue
            source = SHARED / "cog" / f"{name}.json"
            data = source.read_bytes() if source.exists() else b"[]"
            if name in ("communes", "epci"):
                data = gzip.decompress((SHARED / "cog" / f"{name}.json.gz").read_bytes())
            info = tarfile.TarInfo(f"package/data/{name}.json")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        licence = (SHARED / "cog/LICENSE_decoupage_administratif.txt").read_bytes()
        info = tarfile.TarInfo("package/LICENSE")
        info.size = len(licence)
        tar.addfile(info, io.BytesIO(licence))
    return buffer.getvalue()


def _geo_mirror(root: Path) -> None:
    for remote in download.MANIFEST["territories"]:
        if remote.path.startswith("geo/"):
            target = root / remote.path
            target.parent.mkdir(parents=True, exist_ok=True)
            source = SHARED / remote.path
            if source.exists():
                shutil.copy(source, target)
            else:
                target.write_bytes(gzip.decompress((SHARED / f"{remote.path}.gz").read_bytes()))


def test_territories_become_what_the_loader_reads(mirror, tmp_path):
    base_url, root = mirror
    _npm_tarball(root / "cog/decoupage-administratif-6.0.0.tgz")
    _geo_mirror(root)
    dest = tmp_path / "data"

    output = run("download", "--dest", str(dest), "--base-url", base_url, "--only", "territories")

    for name in ("regions", "departements", "communes", "epci"):
        assert json.loads((dest / f"cog/{name}.json").read_text()) == json.loads(
            _shared_text(f"cog/{name}.json")
        )
    assert not (dest / "cog/ept.json").exists()
    assert not (dest / "cog/decoupage-administratif-6.0.0.tgz").exists()
    assert (dest / "cog/LICENSE_decoupage_administratif.txt").is_file()
    # The derived department → former region table is rebuilt exactly.
    assert (dest / FORMER_REGIONS_TABLE).read_text() == (SHARED / FORMER_REGIONS_TABLE).read_text()
    assert output.count("OK ") == 5 + 5 + 1
    assert not list(dest.rglob("*.part"))


def test_a_package_missing_a_data_file_is_refused(mirror, tmp_path):
    base_url, root = mirror
    _npm_tarball(root / "cog/decoupage-administratif-6.0.0.tgz", without="epci")
    _geo_mirror(root)
    dest = tmp_path / "data"
    with pytest.raises(CommandError, match=r"missing from the package: package/data/epci\.json"):
        run("download", "--dest", str(dest), "--base-url", base_url, "--only", "territories")
    assert not (dest / "cog").exists() or not any((dest / "cog").iterdir())
    assert not (dest / FORMER_REGIONS_TABLE).exists()


def test_the_official_tarball_url_is_the_npm_registry_with_its_integrity():
    (remote,) = [r for r in download.MANIFEST["territories"] if r.extract == "npm-data"]
    assert remote.url == (
        "https://registry.npmjs.org/@etalab/decoupage-administratif/-/decoupage-administratif-6.0.0.tgz"
    )
    assert len(remote.sha512) == 88


def test_a_tarball_with_the_wrong_integrity_is_refused(monkeypatch, mirror, tmp_path):
    base_url, root = mirror
    _npm_tarball(root / "cog/decoupage-administratif-6.0.0.tgz")
    (remote,) = [r for r in download.MANIFEST["territories"] if r.extract == "npm-data"]
    # Point the "official" URL at the local server: the sha512 is checked when no mirror is used.
    official = download.RemoteFile(
        remote.path, f"{base_url}/{remote.path}", extract="npm-data", sha512=remote.sha512
    )
    with pytest.raises(download.DownloadError, match="sha512"):
        download.fetch(official, tmp_path / "data")
    good = download.RemoteFile(
        remote.path, official.url, extract="npm-data", sha512=download._sha512(root / remote.path)
    )
    written = download.fetch(good, tmp_path / "data")
    assert sorted(p.name for p in written) == [
        "LICENSE_decoupage_administratif.txt",
        "communes.json",
        "departements.json",
        "epci.json",
        "regions.json",
    ]


def test_every_file_the_territory_loaders_read_is_produced():
    produced = {r.path for r in download.MANIFEST["territories"] if not r.extract}
    produced |= {f"cog/{name}.json" for name in download.NPM_DATA_FILES} | {download.FORMER_REGIONS_TABLE}
    from filiere.territories import importers, maps

    read = {
        importers.REGIONS_OUTLINES,
        importers.DEPARTMENTS_OUTLINES,
        importers.FORMER_REGIONS_OUTLINES,
        importers.FORMER_REGIONS_TABLE,
        *maps.METRO_FILES.values(),
        maps.OVERSEAS_FILE,
        "cog/regions.json",
        "cog/departements.json",
        "cog/communes.json",
        "cog/epci.json",
    }
    assert read <= produced


# NAF -------------------------------------------------------------------------------------------


def test_naf_workbooks_are_downloaded_and_loaded(reference_territories, mirror, tmp_path, settings):
    base_url, root = mirror
    (root / "naf").mkdir()
    for name in ("naf2008_5_niveaux.xls", "int_courts_naf_rev_2.xls"):
        shutil.copy(SHARED / "naf" / name, root / "naf" / name)
    dest = tmp_path / "data"

    output = run("download", "--dest", str(dest), "--base-url", base_url, "--only", "naf")

    assert output.count("OK ") == 2
    settings.FILIERE_DATA_DIR = dest
    counts = load_naf()
    assert (counts.created, counts.updated, counts.unchanged) == (0, 0, 1728)
    assert NafCode.objects.filter(is_digital=True).count() == 25
    assert json.loads(run("status", "--json"))["datasets"]["naf"]["source"] == "xls"


def test_download_404_is_reported(mirror, tmp_path):
    base_url, _ = mirror
    dest = tmp_path / "data"
    with pytest.raises(
        CommandError, match=r"2 téléchargement\(s\) en échec.*HTTP 404.*naf2008_5_niveaux\.xls"
    ):
        run("download", "--dest", str(dest), "--base-url", base_url, "--only", "naf")
    assert not dest.exists() or not any(p.is_file() for p in dest.rglob("*"))


# ESCO ------------------------------------------------------------------------------------------

ESCO_HEADERS = {
    "skills_fr_v1.2.0_merged.csv.gz": "conceptUri,preferredLabel_fr\nhttp://x,y\n",
    "occupations_fr_v1.2.0_merged.csv.gz": "conceptUri,code\nhttp://x,1\n",
    "occupation_skill_relations_v1.2.0_derived.csv.gz": "occupationUri,relationType,skillUri\nx,essential,y\n",
    "digitalSkillsCollection_en.csv.gz": "conceptType,conceptUri\nSkill,http://x\n",
    "transversalSkillsCollection_en.csv.gz": "conceptType,conceptUri\nSkill,http://x\n",
    "broaderRelationsOccPillar_en.csv.gz": "conceptType,conceptUri,broaderType,broaderUri\nO,x,I,y\n",
}


def test_esco_from_a_mirror(mirror, tmp_path):
    base_url, root = mirror
    for name, text in ESCO_HEADERS.items():
        _write_gz(root / "esco" / name, text)
    dest = tmp_path / "data"

    output = run("download", "--dest", str(dest), "--base-url", base_url, "--only", "esco")

    assert output.count("OK ") == 6
    with gzip.open(dest / "esco/skills_fr_v1.2.0_merged.csv.gz", "rt") as fh:
        assert fh.readline().startswith("conceptUri")
    assert not list(dest.rglob("*.part"))


def test_every_file_the_esco_loader_reads_is_in_the_manifest():
    from filiere.taxonomy import importers

    produced = {r.path.removesuffix(".gz") for r in download.MANIFEST["esco"]}
    read = {
        importers.ESCO_SKILLS,
        importers.ESCO_OCCUPATIONS,
        importers.ESCO_RELATIONS,
        "esco/digitalSkillsCollection_en.csv",
        "esco/transversalSkillsCollection_en.csv",
        "esco/broaderRelationsOccPillar_en.csv",
    }
    assert read == produced
    for relative in produced:  # the mirror layout is the shared data directory's
        assert (SHARED / f"{relative}.gz").is_file()


def test_esco_without_a_mirror_says_why_and_fetches_nothing(mirror, tmp_path, monkeypatch):
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("no request expected")

    monkeypatch.setattr(download.urllib.request, "urlopen", no_network)
    err = StringIO()
    with pytest.raises(CommandError, match=r"esco : le portail officiel.*URL stable.*--base-url"):
        call_command("reference", "download", "--dest", str(tmp_path / "d"), "--only", "esco", stderr=err)
    assert "esco.ec.europa.eu" in err.getvalue()


def test_download_refuses_a_file_that_is_not_what_was_expected(mirror, tmp_path):
    base_url, root = mirror
    for name, text in ESCO_HEADERS.items():
        _write_gz(root / "esco" / name, text)
    (root / "esco/skills_fr_v1.2.0_merged.csv.gz").write_text("<html>Not found</html>")
    _write_gz(root / "esco/occupations_fr_v1.2.0_merged.csv.gz", "uri;label\nx;y\n")
    dest = tmp_path / "data"
    with pytest.raises(CommandError) as excinfo:
        run("download", "--dest", str(dest), "--base-url", base_url, "--only", "esco")
    message = str(excinfo.value)
    assert "2 téléchargement(s)" in message
    assert "not a gzip file" in message and "lacks column 'conceptUri'" in message
    assert not (dest / "esco/skills_fr_v1.2.0_merged.csv.gz").exists()
    assert not list(dest.rglob("*.part"))
