import subprocess
import sys
from pathlib import Path

import pytest

from filiere import cli

VENV_BIN = Path(sys.executable).parent


def test_filiere_console_script_is_installed_and_lists_commands():
    script = VENV_BIN / "filiere"
    assert script.exists(), "the `filiere` console script is not installed (pip install -e .)"
    result = subprocess.run(
        [str(script), "help"],
        capture_output=True,
        text=True,
        env={"SECRET_KEY": "x", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    assert "migrate" in result.stdout


def test_import_word_maps_to_the_import_data_command(monkeypatch):
    seen = []
    monkeypatch.setattr("django.core.management.execute_from_command_line", lambda argv: seen.append(argv))
    cli.main(["filiere", "import", "sirene", "x.csv"])
    assert seen == [["filiere", "import_data", "sirene", "x.csv"]]


def test_import_training_maps_to_the_training_importer(monkeypatch):
    seen = []
    monkeypatch.setattr("django.core.management.execute_from_command_line", lambda argv: seen.append(argv))
    cli.main(["filiere", "import", "training", "offre.xml", "--format", "lheo"])
    assert seen == [["filiere", "import_training", "offre.xml", "--format", "lheo"]]


def test_settings_refuse_to_start_without_secret_key_when_debug_is_off():
    result = subprocess.run(
        [sys.executable, "-c", "import filiere.settings"],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "DEBUG": "0"},
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize("value", ["maybe", "2x"])
def test_boolean_settings_reject_nonsense(value):
    result = subprocess.run(
        [sys.executable, "-c", "import filiere.settings"],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "DEBUG": value},
    )
    assert "DEBUG must be a boolean" in result.stderr


def test_empty_database_url_means_the_default_sqlite_database():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from filiere import settings; print(settings.DATABASES['default']['ENGINE'])",
        ],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "SECRET_KEY": "x", "DATABASE_URL": ""},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.sqlite3"
