"""`filiere reference load|status|download`."""

from __future__ import annotations

import gzip
import json
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from filiere.taxonomy.models import ReferenceLoad


def run(*args: str) -> str:
    out = StringIO()
    call_command("reference", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_load_prints_a_table_and_records_the_load(reference_territories):
    output = run("load", "--only", "naf")
    assert "jeu de données" in output and "inchangés" in output
    assert "naf.naf" in output and "1728" in output
    load = ReferenceLoad.objects.get(dataset="naf")
    assert (load.created, load.updated, load.unchanged) == (0, 0, 1728)


def test_unknown_dataset_is_refused(db):
    with pytest.raises(CommandError, match="inconnu"):
        run("load", "--only", "naf,nope")


def test_missing_data_dir_is_a_clear_error(db, settings, tmp_path):
    settings.FILIERE_DATA_DIR = tmp_path / "absent"
    with pytest.raises(CommandError, match=r"absent.*FILIERE_DATA_DIR"):
        run("load", "--only", "naf")


def test_status_json(reference_territories, settings):
    run("load", "--only", "naf")
    data = json.loads(run("status", "--json"))
    assert data["data_dir"] == str(settings.FILIERE_DATA_DIR)
    assert set(data["datasets"]) == {"territories", "naf", "rome", "esco"}
    naf = data["datasets"]["naf"]
    assert naf["rows"] == {"nafcode": 1728}
    assert naf["loaded_at"]
    assert naf["last_counts"] == {"created": 0, "updated": 0, "unchanged": 1728}
    territories = data["datasets"]["territories"]
    assert territories["rows"]["region"] == 26
    assert territories["rows"]["commune"] == 37590


def test_status_text(db):
    assert "FILIERE_DATA_DIR" in run("status")


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def mirror(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A local HTTP server on 127.0.0.1 serving a temporary directory."""
    root = tmp_path / "mirror"
    root.mkdir()
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", root
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _write_gz(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(text.encode()))


def test_download_from_a_mirror(mirror, tmp_path):
    base_url, root = mirror
    _write_gz(root / "esco/skills_fr_v1.2.0_merged.csv.gz", "conceptUri,preferredLabel_fr\nhttp://x,y\n")
    _write_gz(root / "esco/occupations_fr_v1.2.0_merged.csv.gz", "conceptUri,code\nhttp://x,1\n")
    dest = tmp_path / "data"

    output = run("download", "--dest", str(dest), "--base-url", base_url, "--only", "esco")

    assert output.count("OK ") == 2
    with gzip.open(dest / "esco/skills_fr_v1.2.0_merged.csv.gz", "rt") as fh:
        assert fh.readline().startswith("conceptUri")
    assert not list(dest.rglob("*.part"))


def test_download_404_is_reported(mirror, tmp_path):
    base_url, _ = mirror
    dest = tmp_path / "data"
    with pytest.raises(
        CommandError, match=r"2 téléchargement\(s\) en échec.*HTTP 404.*naf2008_5_niveaux\.xls"
    ):
        run("download", "--dest", str(dest), "--base-url", base_url, "--only", "naf")
    assert not dest.exists() or not any(p.is_file() for p in dest.rglob("*"))


def test_download_refuses_a_file_that_is_not_what_was_expected(mirror, tmp_path):
    base_url, root = mirror
    (root / "esco").mkdir()
    (root / "esco/skills_fr_v1.2.0_merged.csv.gz").write_text("<html>Not found</html>")
    _write_gz(root / "esco/occupations_fr_v1.2.0_merged.csv.gz", "uri;label\nx;y\n")
    dest = tmp_path / "data"
    with pytest.raises(CommandError) as excinfo:
        run("download", "--dest", str(dest), "--base-url", base_url, "--only", "esco")
    message = str(excinfo.value)
    assert "not a gzip file" in message and "lacks column 'conceptUri'" in message
    assert not (dest / "esco/skills_fr_v1.2.0_merged.csv.gz").exists()
    assert not list(dest.rglob("*.part"))


def test_download_of_json_and_geojson_checks_the_content(mirror, tmp_path):
    base_url, root = mirror
    for name in ("regions.json", "departements.json", "communes.json", "epci.json"):
        (root / "cog").mkdir(exist_ok=True)
        (root / "cog" / name).write_text("[]")
    (root / "geo").mkdir()
    for name in (
        "regions-avec-outre-mer.geojson",
        "departements-avec-outre-mer.geojson",
        "regions-avant-redecoupage-2015.geojson",
    ):
        (root / "geo" / name).write_text('{"type": "FeatureCollection", "features": []}')
    output = run(
        "download", "--dest", str(tmp_path / "data"), "--base-url", base_url, "--only", "territories"
    )
    assert output.count("OK ") == 7
