"""Fetch the official reference files into a data directory (``filiere reference download``).

The manifest names, per dataset, each file as it is laid out under ``FILIERE_DATA_DIR`` and the
official URL it comes from. With a mirror (``--base-url``), files are fetched from
``<base-url>/<relative path>`` instead. Every file is written to a temporary name, checked
(gzip integrity, CSV header, JSON/GeoJSON/XLS magic) and only then renamed into place.
"""

from __future__ import annotations

import gzip
import os
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

USER_AGENT = "filiere-reference-download/1.0"
TIMEOUT = 60
_DECOUPAGE = "https://unpkg.com/@etalab/decoupage-administratif@6.0.0/data"
_GEOJSON = "https://raw.githubusercontent.com/gregoiredavid/france-geojson/master"
_INSEE = "https://www.insee.fr/fr/statistiques/fichier/2120875"


@dataclass(frozen=True)
class RemoteFile:
    """One file of the manifest: where it goes, where it comes from, what its start must look like."""

    path: str
    url: str
    expect: str = ""  # for CSV: a column that must appear in the header line

    @property
    def kind(self) -> str:
        name = self.path.removesuffix(".gz")
        return name.rsplit(".", 1)[-1]


MANIFEST: dict[str, list[RemoteFile]] = {
    "territories": [
        RemoteFile("cog/regions.json", f"{_DECOUPAGE}/regions.json"),
        RemoteFile("cog/departements.json", f"{_DECOUPAGE}/departements.json"),
        RemoteFile("cog/communes.json", f"{_DECOUPAGE}/communes.json"),
        RemoteFile("cog/epci.json", f"{_DECOUPAGE}/epci.json"),
        RemoteFile("geo/regions-avec-outre-mer.geojson", f"{_GEOJSON}/regions-avec-outre-mer.geojson"),
        RemoteFile(
            "geo/departements-avec-outre-mer.geojson", f"{_GEOJSON}/departements-avec-outre-mer.geojson"
        ),
        RemoteFile(
            "geo/regions-avant-redecoupage-2015.geojson", f"{_GEOJSON}/regions-avant-redecoupage-2015.geojson"
        ),
    ],
    # INSEE publishes NAF as XLS; the loader reads the CSV conversions kept in the data directory.
    "naf": [
        RemoteFile("naf/naf2008_5_niveaux.xls", f"{_INSEE}/naf2008_5_niveaux.xls"),
        RemoteFile("naf/int_courts_naf_rev_2.xls", f"{_INSEE}/int_courts_naf_rev_2.xls"),
    ],
    # France Travail publishes ROME 4.0 as one zip of CSVs (Licence Ouverte).
    "rome": [
        RemoteFile(
            "rome/RefRomeCsv.zip",
            "https://www.francetravail.org/files/live/sites/peorg/files/documents/Statistiques-et-analyses/"
            "Open-data/ROME/RefRomeCsv.zip",
        ),
    ],
    # ESCO's portal builds downloads on request (no stable file URL): use a mirror with --base-url.
    "esco": [
        RemoteFile(
            "esco/skills_fr_v1.2.0_merged.csv.gz",
            "https://esco.ec.europa.eu/fr/use-esco/download",
            expect="conceptUri",
        ),
        RemoteFile(
            "esco/occupations_fr_v1.2.0_merged.csv.gz",
            "https://esco.ec.europa.eu/fr/use-esco/download",
            expect="conceptUri",
        ),
    ],
}


class DownloadError(Exception):
    """A file could not be fetched or is not what was expected."""


def _check(path: Path, remote: RemoteFile) -> None:
    """Raise DownloadError unless the file at ``path`` looks like ``remote`` should."""
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if not head:
        raise DownloadError(f"{remote.path}: empty file")
    if remote.path.endswith(".gz"):
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


def fetch(remote: RemoteFile, dest: Path, *, base_url: str | None = None) -> Path:
    """Download one file into ``dest`` atomically and check it; returns the final path."""
    url = f"{base_url.rstrip('/')}/{remote.path}" if base_url else remote.url
    target = dest / remote.path
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    tmp = Path(tmp_name)
    try:
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            while chunk := response.read(1 << 16):
                out.write(chunk)
        _check(tmp, remote)
        os.replace(tmp, target)
    except urllib.error.HTTPError as exc:
        exc.close()
        raise DownloadError(f"{remote.path}: HTTP {exc.code} {exc.reason} for {url}") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise DownloadError(f"{remote.path}: cannot fetch {url} ({exc})") from exc
    finally:
        tmp.unlink(missing_ok=True)
    return target
