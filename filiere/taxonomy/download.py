"""Fetch the official reference files and turn them into what the loaders read (``filiere reference download``).

The manifest names, per dataset, each official file (where it comes from, where it is stored under
the destination) and how it becomes the files ``filiere reference load`` reads:

- territories: the npm package ``@etalab/decoupage-administratif`` 6.0.0 (COG 2026), fetched as
  its tarball from registry.npmjs.org (integrity checked against the registry's sha512); its
  ``package/data/{regions,departements,communes,epci}.json`` are extracted into ``cog/``. GeoJSON
  outlines come from france-geojson into ``geo/``; the department → pre-2016 region table
  ``geo/departements_anciennes_regions_2015_derived.csv`` is then written from ``FORMER_REGIONS``
  (below) and the downloaded COG names.
- naf: INSEE's two XLS workbooks, read as they are by ``load_naf``; the c1385 digital list is
  a constant of the code (``filiere.taxonomy.importers.C1385_ICT_SUBSECTORS``).
- rome: France Travail's ``RefRomeCsv.zip``; its ``*.csv`` members are extracted into ``rome/``
  (``unix_<name>_v<NNN>_utf8.csv``, the loader takes the highest version present).
- esco: the ESCO portal builds downloads on request, with no stable file URL: these files come
  only from a mirror (``--base-url``) holding the layout of the data directory.

With a mirror, every file is fetched from ``<base-url>/<path>`` (the path of the manifest).
Every file is written to a temporary name, checked (gzip integrity, CSV header, JSON/GeoJSON/XLS/zip
magic, sha512 for the npm tarball from the registry) and only then renamed into place; archive
members are extracted the same way, all of them to temporary files first, then renamed.
"""

from __future__ import annotations

import base64
import csv
import gzip
import hashlib
import io
import json
import os
import re
import tarfile
import tempfile
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

USER_AGENT = "filiere-reference-download/1.0"
TIMEOUT = 60
MAX_MEMBER_BYTES = 1 << 30  # no single extracted file over 1 GiB (zip bombs)
_DECOUPAGE_VERSION = "6.0.0"
_DECOUPAGE_TARBALL = (
    "https://registry.npmjs.org/@etalab/decoupage-administratif/-/"
    f"decoupage-administratif-{_DECOUPAGE_VERSION}.tgz"
)
# ``npm view @etalab/decoupage-administratif@6.0.0 dist.integrity``
_DECOUPAGE_SHA512 = "XavYsFlbcM/prKr8hNHPKER94IHw/dsxNM4nxjWMYk6PLFACpEedvn/7wK8Baozm0dCYhWWcf+7bcWpA5pmCaQ=="
_GEOJSON = "https://raw.githubusercontent.com/gregoiredavid/france-geojson/master"
_INSEE = "https://www.insee.fr/fr/statistiques/fichier/2120875"
_ROME_ZIP = (
    "https://www.francetravail.org/files/live/sites/peorg/files/documents/Statistiques-et-analyses/"
    "Open-data/ROME/RefRomeCsv.zip"
)
ESCO_PORTAL = "https://esco.ec.europa.eu/fr/use-esco/download"
FORMER_REGIONS_TABLE = "geo/departements_anciennes_regions_2015_derived.csv"

# The 22 metropolitan regions before the 2016 merger (law 2015-29), with their departments (COG 2015).
FORMER_REGIONS: dict[str, tuple[str, str]] = {
    "11": ("Île-de-France", "75 77 78 91 92 93 94 95"),
    "21": ("Champagne-Ardenne", "08 10 51 52"),
    "22": ("Picardie", "02 60 80"),
    "23": ("Haute-Normandie", "27 76"),
    "24": ("Centre", "18 28 36 37 41 45"),
    "25": ("Basse-Normandie", "14 50 61"),
    "26": ("Bourgogne", "21 58 71 89"),
    "31": ("Nord-Pas-de-Calais", "59 62"),
    "41": ("Lorraine", "54 55 57 88"),
    "42": ("Alsace", "67 68"),
    "43": ("Franche-Comté", "25 39 70 90"),
    "52": ("Pays de la Loire", "44 49 53 72 85"),
    "53": ("Bretagne", "22 29 35 56"),
    "54": ("Poitou-Charentes", "16 17 79 86"),
    "72": ("Aquitaine", "24 33 40 47 64"),
    "73": ("Midi-Pyrénées", "09 12 31 32 46 65 81 82"),
    "74": ("Limousin", "19 23 87"),
    "82": ("Rhône-Alpes", "01 07 26 38 42 69 73 74"),
    "83": ("Auvergne", "03 15 43 63"),
    "91": ("Languedoc-Roussillon", "11 30 34 48 66"),
    "93": ("Provence-Alpes-Côte d'Azur", "04 05 06 13 83 84"),
    "94": ("Corse", "2A 2B"),
}


class DownloadError(Exception):
    """A file could not be fetched or is not what was expected."""


@dataclass(frozen=True)
class RemoteFile:
    """One file of the manifest: where it goes, where it comes from, what its start must look like.

    ``extract`` names how an archive becomes loader files (``"npm-data"``, ``"rome-zip"``); an
    archive itself is not kept. ``mirror_only`` files have no official file URL (``url`` is the
    page to get them by hand) and are fetched only from a mirror.
    """

    path: str
    url: str
    expect: str = ""  # for CSV: a column that must appear in the header line
    extract: str = ""
    sha512: str = ""  # base64, checked when fetched from the official URL
    mirror_only: bool = False

    @property
    def kind(self) -> str:
        name = self.path.removesuffix(".gz")
        return name.rsplit(".", 1)[-1]


def _geojson(name: str) -> RemoteFile:
    return RemoteFile(f"geo/{name}", f"{_GEOJSON}/{name}")


def _esco(name: str, expect: str) -> RemoteFile:
    return RemoteFile(f"esco/{name}", ESCO_PORTAL, expect=expect, mirror_only=True)


MANIFEST: dict[str, list[RemoteFile]] = {
    "territories": [
        RemoteFile(
            f"cog/decoupage-administratif-{_DECOUPAGE_VERSION}.tgz",
            _DECOUPAGE_TARBALL,
            extract="npm-data",
            sha512=_DECOUPAGE_SHA512,
        ),
        _geojson("regions-avec-outre-mer.geojson"),
        _geojson("departements-avec-outre-mer.geojson"),
        _geojson("regions-avant-redecoupage-2015.geojson"),
        _geojson("regions-version-simplifiee.geojson"),
        _geojson("departements-version-simplifiee.geojson"),
    ],
    # INSEE publishes NAF as two BIFF workbooks: load_naf reads them directly.
    "naf": [
        RemoteFile("naf/naf2008_5_niveaux.xls", f"{_INSEE}/naf2008_5_niveaux.xls"),
        RemoteFile("naf/int_courts_naf_rev_2.xls", f"{_INSEE}/int_courts_naf_rev_2.xls"),
    ],
    # France Travail publishes ROME 4.0 as one zip of CSVs (Licence Ouverte).
    "rome": [RemoteFile("rome/RefRomeCsv.zip", _ROME_ZIP, extract="rome-zip")],
    # ESCO's portal builds downloads on request (no stable file URL): a mirror (--base-url) only.
    "esco": [
        _esco("skills_fr_v1.2.0_merged.csv.gz", "conceptUri"),
        _esco("occupations_fr_v1.2.0_merged.csv.gz", "conceptUri"),
        _esco("occupation_skill_relations_v1.2.0_derived.csv.gz", "occupationUri"),
        _esco("digitalSkillsCollection_en.csv.gz", "conceptUri"),
        _esco("transversalSkillsCollection_en.csv.gz", "conceptUri"),
        _esco("broaderRelationsOccPillar_en.csv.gz", "conceptUri"),
    ],
}


def _check(path: Path, remote: RemoteFile) -> None:
    """Raise DownloadError unless the file at ``path`` looks like ``remote`` should."""
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if not head:
        raise DownloadError(f"{remote.path}: empty file")
    if remote.path.endswith((".gz", ".tgz")):
        if head[:2] != b"\x1f\x8b":
            raise DownloadError(f"{remote.path}: not a gzip file")
        try:
            with gzip.open(path, "rb") as fh:
                head = fh.read(4096)
                while fh.read(1 << 20):  # read to the end: checks the CRC
                    pass
        except (OSError, EOFError) as exc:
            raise DownloadError(f"{remote.path}: corrupt gzip ({exc})") from exc
    kind = remote.kind
    if kind == "csv":
        first = head.split(b"\n", 1)[0].decode("utf-8", "replace")
        if "," not in first and ";" not in first:
            raise DownloadError(f"{remote.path}: no CSV header line")
        if remote.expect and remote.expect not in first:
            raise DownloadError(f"{remote.path}: CSV header lacks column {remote.expect!r}")
    elif kind in {"json", "geojson"}:
        if head.lstrip()[:1] not in (b"[", b"{"):
            raise DownloadError(f"{remote.path}: not JSON (got {head[:40]!r})")
    elif kind == "xls":
        if head[:4] != b"\xd0\xcf\x11\xe0":
            raise DownloadError(f"{remote.path}: not an XLS file")
    elif kind == "zip":
        if head[:2] != b"PK":
            raise DownloadError(f"{remote.path}: not a zip file")


def _sha512(path: Path) -> str:
    digest = hashlib.sha512()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return base64.b64encode(digest.digest()).decode()


@contextmanager
def _temporary(target: Path) -> Iterator[tuple[IO[bytes], Path]]:
    """A temporary file next to ``target`` (same file system, so the final rename is atomic)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as out:
            yield out, tmp
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _copy_limited(source: IO[bytes], out: IO[bytes], label: str) -> None:
    total = 0
    while chunk := source.read(1 << 20):
        total += len(chunk)
        if total > MAX_MEMBER_BYTES:
            raise DownloadError(f"{label}: member larger than {MAX_MEMBER_BYTES} bytes")
        out.write(chunk)


def _install(staged: list[tuple[Path, Path]]) -> list[Path]:
    """Rename every staged temporary file to its target; on failure, remove the temporary files."""
    try:
        for tmp, target in staged:
            os.replace(tmp, target)
    finally:
        for tmp, _target in staged:
            tmp.unlink(missing_ok=True)
    return [target for _tmp, target in staged]


def _stage(
    target: Path, source: IO[bytes], check: RemoteFile, label: str, staged: list[tuple[Path, Path]]
) -> None:
    with _temporary(target) as (out, tmp):
        staged.append((tmp, target))
        _copy_limited(source, out, label)
    _check(tmp, check)


def _safe_member_name(name: str, archive: str) -> str:
    """The base name of an archive member, refusing absolute paths and ``..`` (path traversal)."""
    parts = PurePosixPath(name.replace("\\", "/"))
    if parts.is_absolute() or ".." in parts.parts or re.match(r"^[A-Za-z]:", name):
        raise DownloadError(f"{archive}: unsafe member path {name!r}")
    return parts.name


ROME_MEMBER = re.compile(r"^[A-Za-z0-9_.-]+\.csv$", re.IGNORECASE)


def extract_rome_zip(archive: Path, remote: RemoteFile, dest: Path) -> list[Path]:
    """Extract the ``*.csv`` members of ``RefRomeCsv.zip`` (any folder inside) into ``rome/``."""
    folder = (dest / remote.path).parent
    staged: list[tuple[Path, Path]] = []
    try:
        with zipfile.ZipFile(archive) as zf:
            members = []
            for info in zf.infolist():
                if info.is_dir():
                    continue
                name = _safe_member_name(info.filename, remote.path)
                if ROME_MEMBER.match(name):
                    members.append((info, name))
            if not members:
                raise DownloadError(f"{remote.path}: no CSV file in the archive")
            names = [name for _info, name in members]
            if len(set(names)) != len(names):
                raise DownloadError(f"{remote.path}: two CSV members have the same name")
            for info, name in members:
                with zf.open(info) as source:
                    _stage(folder / name, source, RemoteFile(f"rome/{name}", ""), remote.path, staged)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
        for tmp, _target in staged:
            tmp.unlink(missing_ok=True)
        raise DownloadError(f"{remote.path}: corrupt zip ({exc})") from exc
    except BaseException:
        for tmp, _target in staged:
            tmp.unlink(missing_ok=True)
        raise
    return _install(staged)


NPM_DATA_FILES = ("regions", "departements", "communes", "epci")


def extract_npm_data(archive: Path, remote: RemoteFile, dest: Path) -> list[Path]:
    """Extract ``package/data/{regions,departements,communes,epci}.json`` (+ LICENSE) into ``cog/``."""
    folder = (dest / remote.path).parent
    wanted = {f"package/data/{name}.json": f"{name}.json" for name in NPM_DATA_FILES}
    wanted["package/LICENSE"] = "LICENSE_decoupage_administratif.txt"
    staged: list[tuple[Path, Path]] = []
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar:
                if member.name not in wanted or not member.isfile():
                    continue
                name = wanted.pop(member.name)
                source = tar.extractfile(member)
                if source is None:  # pragma: no cover - isfile() members always have data
                    continue
                with source:
                    _stage(folder / name, source, RemoteFile(f"cog/{name}", ""), remote.path, staged)
        missing = sorted(m for m in wanted if m.endswith(".json"))
        if missing:
            raise DownloadError(f"{remote.path}: missing from the package: {', '.join(missing)}")
    except (tarfile.TarError, OSError, EOFError) as exc:
        for tmp, _target in staged:
            tmp.unlink(missing_ok=True)
        raise DownloadError(f"{remote.path}: corrupt tarball ({exc})") from exc
    except BaseException:
        for tmp, _target in staged:
            tmp.unlink(missing_ok=True)
        raise
    return _install(staged)


EXTRACTORS: dict[str, Callable[[Path, RemoteFile, Path], list[Path]]] = {
    "npm-data": extract_npm_data,
    "rome-zip": extract_rome_zip,
}


def fetch(remote: RemoteFile, dest: Path, *, base_url: str | None = None) -> list[Path]:
    """Download one manifest file into ``dest`` atomically, check it, extract it; returns the files written."""
    if remote.mirror_only and not base_url:
        raise DownloadError(
            f"{remote.path}: no stable official file URL (get it from {remote.url}); "
            "give a mirror of the data directory with --base-url"
        )
    url = f"{base_url.rstrip('/')}/{remote.path}" if base_url else remote.url
    target = dest / remote.path
    try:
        with _temporary(target) as (out, tmp):
            request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                while chunk := response.read(1 << 16):
                    out.write(chunk)
        try:
            _check(tmp, remote)
            if remote.sha512 and not base_url and _sha512(tmp) != remote.sha512:
                raise DownloadError(f"{remote.path}: sha512 differs from the registry's integrity")
            if remote.extract:
                return EXTRACTORS[remote.extract](tmp, remote, dest)
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
    except urllib.error.HTTPError as exc:
        exc.close()
        raise DownloadError(f"{remote.path}: HTTP {exc.code} {exc.reason} for {url}") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise DownloadError(f"{remote.path}: cannot fetch {url} ({exc})") from exc
    return [target]


def _read_json(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    return json.loads(gzip.decompress(raw) if path.suffix == ".gz" else raw)


def _cog_file(dest: Path, name: str) -> Path:
    for candidate in (dest / "cog" / name, dest / "cog" / f"{name}.gz"):
        if candidate.is_file():
            return candidate
    raise DownloadError(f"cog/{name}: missing, cannot write {FORMER_REGIONS_TABLE}")


def write_former_regions(dest: Path) -> Path:
    """Write the department → pre-2016 region → current region table from ``FORMER_REGIONS`` and the COG."""
    try:
        departments = {d["code"]: d for d in _read_json(_cog_file(dest, "departements.json"))}
        regions = {r["code"]: r["nom"] for r in _read_json(_cog_file(dest, "regions.json"))}
    except (ValueError, KeyError, TypeError, OSError) as exc:
        raise DownloadError(f"cog: unreadable COG JSON ({exc})") from exc
    former = {dep: (code, name) for code, (name, deps) in FORMER_REGIONS.items() for dep in deps.split()}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        [
            "code_departement",
            "nom_departement",
            "code_ancienne_region",
            "nom_ancienne_region",
            "code_region_2016",
            "nom_region_2016",
        ]
    )
    for dep in sorted(former):
        if dep not in departments:
            raise DownloadError(f"cog/departements.json: department {dep} missing")
        current = departments[dep]["region"]
        writer.writerow([dep, departments[dep]["nom"], *former[dep], current, regions.get(current, "")])
    target = dest / FORMER_REGIONS_TABLE
    with _temporary(target) as (out, tmp):
        out.write(buffer.getvalue().encode())
    os.replace(tmp, target)
    return target


# Files written after a dataset's downloads, from what was downloaded.
AFTER: dict[str, Callable[[Path], Path]] = {"territories": write_former_regions}
