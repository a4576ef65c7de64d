"""Backup → restore and dumpdata → loaddata round trips, and `filiere reindex` after them.

What must come back: the rows, the directory's full-text search, the matching engine's index.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from filiere.matching import services as engine
from filiere.organisations.models import Establishment
from filiere.organisations.search import search_establishments, search_text_for
from filiere.organisations.tests.factories import EstablishmentFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

DOC_TYPE = "backup-test"


@pytest.fixture(autouse=True)
def fresh_engine() -> None:
    engine.reset_caches()
    yield
    engine.reset_caches()


def make_content() -> None:
    UserFactory(email="admin@example.org")
    organisation = OrganisationFactory(name="Rail Data")
    EstablishmentFactory(
        organisation=organisation, search_text=search_text_for("Rail Data", "ferroviaire", "Dijon")
    )
    engine.index_documents(DOC_TYPE, [(7, "Maintenance prédictive des trains")])


def directory_finds() -> bool:
    return search_establishments("ferroviaire", Establishment.objects.all()).exists()


def engine_finds() -> bool:
    engine.reset_caches()  # as a freshly started process would
    return [hit.doc_id for hit in engine.search_documents("maintenance des trains", doc_type=DOC_TYPE)] == [7]


def test_dumpdata_loaddata_then_reindex_finds_everything_again(tmp_path: Path) -> None:
    # Start empty, but for the reference rows an earlier test of this worker may have left: the
    # test flush keeps them (root conftest, `_keep_reference_through_flush`). They stay out of the
    # dump: 37,590 communes with their outlines made it take 29 s and prove nothing more.
    call_command("flush", interactive=False, verbosity=0)
    make_content()
    assert directory_finds() and engine_finds()
    dump = tmp_path / "dump.json"
    call_command(
        "dumpdata", "--natural-foreign", "--exclude=contenttypes", "--exclude=auth.permission",
        "--exclude=territories", "--exclude=taxonomy.NafCode", output=str(dump), verbosity=0,
    )  # fmt: skip
    call_command("flush", interactive=False, verbosity=0)
    call_command("loaddata", str(dump), verbosity=0)

    assert directory_finds()  # its SQLite triggers index the loaded rows
    assert engine_finds()  # ranking reads Document.terms, loaded with the rows

    call_command("reindex", verbosity=0)
    assert directory_finds() and engine_finds()


@pytest.mark.django_db
def test_reindex_reports_every_app(capsys: pytest.CaptureFixture[str]) -> None:
    make_content()
    call_command("reindex")
    out = capsys.readouterr().out
    for label in ("organisations", "matching", "showcase", "talent"):
        assert f"{label} :" in out
    assert "establishments 1" in out and "documents 1" in out


def test_backup_then_restore_brings_everything_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_content()
    path = tmp_path / "filiere.backup"
    call_command("backup", str(path))
    assert path.stat().st_size > 0 and "Sauvegarde écrite" in capsys.readouterr().out
    call_command("flush", interactive=False, verbosity=0)
    assert not directory_finds()

    call_command("restore", str(path))
    assert "Base restaurée" in capsys.readouterr().out
    assert Establishment.objects.count() == 1
    assert directory_finds() and engine_finds()


def test_restore_refuses_a_database_with_data_unless_forced(tmp_path: Path) -> None:
    make_content()
    path = tmp_path / "filiere.backup"
    call_command("backup", str(path))
    Establishment.objects.all().delete()
    with pytest.raises(CommandError, match="n'est pas vide .*--force"):
        call_command("restore", str(path))
    assert Establishment.objects.count() == 0  # untouched
    call_command("restore", str(path), "--force", verbosity=0)
    assert Establishment.objects.count() == 1 and directory_finds()


@pytest.mark.django_db
def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("bonjour")
    with pytest.raises(CommandError, match="n'est pas une sauvegarde"):
        call_command("restore", str(path))
    with pytest.raises(CommandError, match="introuvable"):
        call_command("restore", str(tmp_path / "absent.backup"))
