"""The import page hands the file to the task worker: the request stores it and queues one task,
the task imports it under the run the page then shows (pending, then its report)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tasks import task_backends
from django_tasks.backends.dummy import DummyBackend

from filiere.accounts.models import Role
from filiere.core.models import ImportRun
from filiere.training import tasks
from filiere.training.models import Course

from .factories import EstablishmentFactory, MembershipFactory, TrainingBodyFactory, UserFactory

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data"
DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def editor(reference_territories: Any) -> Any:
    body = TrainingBodyFactory(name="Campus Numérique Occitanie", siren="130000001")
    EstablishmentFactory(organisation=body, siret="13000000100011", department_code="31", region_code="76")
    return MembershipFactory(organisation=body, role=Role.EDITOR).user


def upload(name: str, content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content if content is not None else (DATA / name).read_bytes())


def stored_files(settings: Any) -> list[Path]:
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


def queue(client: Any, settings: Any, capture: Any, file: SimpleUploadedFile) -> ImportRun:
    """Post the file with the dummy backend: the request queues, the task does not run."""
    settings.TASKS = DUMMY_TASKS
    with capture(execute=True):
        response = client.post(reverse("training:import"), {"file": file, "format": ""})
    assert response.status_code == 302
    run = ImportRun.objects.get(kind="training")
    assert response["Location"] == f"{reverse('training:import')}?run={run.pk}"
    return run


def test_the_request_stores_the_file_and_queues_one_task_without_importing(
    client: Any, editor: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(editor)
    run = queue(client, settings, django_capture_on_commit_callbacks, upload("offre.xml"))
    backend = task_backends["default"]
    assert isinstance(backend, DummyBackend)
    results = backend.results
    assert [(r.task.name, r.args) for r in results] == [("import_training_file", [run.pk])]
    assert not Course.objects.exists()
    assert run.status == ImportRun.Status.QUEUED and run.files == ["offre.xml"]
    assert run.options["format"] == "lheo" and run.options["user_id"] == editor.pk
    assert [p.read_bytes() for p in stored_files(settings)] == [(DATA / "offre.xml").read_bytes()]
    # Queued, with no process yet: the cleanup of killed imports leaves it alone.
    assert ImportRun.objects.mark_abandoned() == 0


@pytest.mark.parametrize(
    ("language", "pending", "created"),
    [("fr", "Import en cours…", "Créées"), ("en", "Import in progress…", "Created")],
)
def test_the_page_shows_the_run_pending_then_its_report(
    client: Any,
    editor: Any,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
    language: str,
    pending: str,
    created: str,
) -> None:
    client.force_login(editor)
    client.cookies["django_language"] = language
    run = queue(client, settings, django_capture_on_commit_callbacks, upload("offre.xml"))
    url = f"{reverse('training:import')}?run={run.pk}"
    page = client.get(url).text
    assert pending in page and 'hx-trigger="every 5s"' in page
    partial = client.get(url, headers={"HX-Request": "true"}).text
    assert partial.startswith('<div id="training-import-status"') and pending in partial
    assert tasks.import_training_file.call(run.pk) == ImportRun.Status.DONE
    page = client.get(url).text
    assert pending not in page and "every 5s" not in page
    assert created in page and 'id="import-counts"' in page
    run.refresh_from_db()
    assert run.status == ImportRun.Status.DONE and run.counts["created"] == 2
    assert Course.objects.count() == 2
    assert not stored_files(settings)


def test_a_rerun_of_the_same_file_changes_nothing(
    client: Any, editor: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(editor)
    first = queue(client, settings, django_capture_on_commit_callbacks, upload("offre.xml"))
    tasks.import_training_file.call(first.pk)
    tasks.import_training_file.call(first.pk)  # delivered twice: the second finds it claimed
    first.delete()
    second = queue(client, settings, django_capture_on_commit_callbacks, upload("offre.xml"))
    tasks.import_training_file.call(second.pk)
    second.refresh_from_db()
    assert (second.counts["created"], second.counts["unchanged"]) == (0, 2)
    assert Course.objects.count() == 2


def test_refused_records_are_shown_with_their_element_and_field(
    client: Any, editor: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(editor)
    run = queue(client, settings, django_capture_on_commit_callbacks, upload("offre_erreurs.xml"))
    tasks.import_training_file.call(run.pk)
    page = client.get(f"{reverse('training:import')}?run={run.pk}").text
    assert 'id="import-rejections"' in page
    assert "<td>intitule-formation</td><td>intitulé manquant</td>" in page
    assert "code-INSEE-commune" in page and "99999" in page
    assert not stored_files(settings)


def test_a_file_broken_after_its_first_bytes_fails_its_run_with_the_reason(
    client: Any, editor: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # Larger than what the request reads (HEAD_BYTES): the break is found by the task.
    content = (DATA / "offre_tronquee.xml").read_bytes()
    padded = content.replace(b"<offres>", b"<offres>" + b"<!--" + b" " * 300_000 + b"-->", 1)
    client.force_login(editor)
    run = queue(client, settings, django_capture_on_commit_callbacks, upload("gros.xml", padded))
    assert tasks.import_training_file.call(run.pk) == ImportRun.Status.FAILED
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED and "XML mal formé" in run.error
    assert run.counts["created"] == 1  # the course read before the break is kept
    page = client.get(f"{reverse('training:import')}?run={run.pk}").text
    assert "Fichier refusé" in page and "XML mal formé" in page
    assert not stored_files(settings)


def test_a_missing_stored_file_fails_the_run_and_says_why(
    client: Any, editor: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(editor)
    run = queue(client, settings, django_capture_on_commit_callbacks, upload("offre.xml"))
    for path in stored_files(settings):
        path.unlink()
    with pytest.raises(FileNotFoundError):  # raised again for the worker's log
        tasks.import_training_file.call(run.pk)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED and "MEDIA_ROOT" in run.error and run.finished_at is not None


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("pas_lheo.xml", None, "pas au format LHÉO"),
        ("entites.xml", None, "DTD"),
        ("offre.csv", b"titre;siret\nx;y\n", "colonnes manquantes"),
    ],
)
def test_an_unreadable_file_is_refused_in_the_request_and_nothing_queued(
    client: Any,
    editor: Any,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
    name: str,
    content: bytes | None,
    message: str,
) -> None:
    settings.TASKS = DUMMY_TASKS
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("training:import"), {"file": upload(name, content)})
    assert response.status_code == 200
    assert "Fichier refusé" in response.text and message in response.text
    assert not ImportRun.objects.exists() and not stored_files(settings)
    backend = task_backends["default"]
    assert isinstance(backend, DummyBackend) and not backend.results


def test_with_the_immediate_backend_the_post_imports_before_the_redirect(
    client: Any, editor: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("training:import"), {"file": upload("offre.csv")})
    page = client.get(response["Location"]).text
    run = ImportRun.objects.get(kind="training")
    assert run.status == ImportRun.Status.DONE and run.options["format"] == "csv"
    assert "Import en cours…" not in page and 'id="import-counts"' in page


def test_only_who_may_import_posts_and_sees_the_runs(
    client: Any, editor: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(editor)
    run = queue(client, settings, django_capture_on_commit_callbacks, upload("offre.xml"))
    other = ImportRun.objects.create(kind="sirene", status=ImportRun.Status.DONE)
    assert client.get(f"{reverse('training:import')}?run={other.pk}").status_code == 404
    assert client.get(f"{reverse('training:import')}?run=x").status_code == 404
    client.force_login(UserFactory())
    url = reverse("training:import")
    assert client.get(f"{url}?run={run.pk}").status_code == 403
    assert client.post(url, {"file": upload("offre.xml")}).status_code == 403
    client.logout()
    assert client.get(f"{url}?run={run.pk}").status_code == 302  # to the login page
    assert ImportRun.objects.filter(kind="training").count() == 1


@pytest.mark.parametrize(
    ("language", "line"),
    [
        (
            "fr",
            "formations : 2 créées, 0 mises à jour, 0 rejetées ; sessions : 3 créées, 0 mises à jour, 2 rejetées",
        ),
        ("en", "courses: 2 created, 0 updated, 0 rejected; sessions: 3 created, 0 updated, 2 rejected"),
    ],
)
def test_the_latest_imports_list_counts_courses_and_sessions(
    client: Any, editor: Any, settings: Any, django_capture_on_commit_callbacks: Any, language: str, line: str
) -> None:
    """offre.xml's rejected records are two sessions: the list of runs says so rather than
    "0 rejetées", which counted the courses only."""
    client.force_login(editor)
    client.cookies["django_language"] = language
    run = queue(client, settings, django_capture_on_commit_callbacks, upload("offre.xml"))
    tasks.import_training_file.call(run.pk)
    assert line in client.get(reverse("training:import")).text


@pytest.mark.parametrize(
    ("language", "title", "label"),
    [
        ("fr", "Offre de formation", "Importer une offre de formation"),
        ("en", "Training offer", "Import a training offer"),
    ],
)
def test_the_personal_space_links_the_import_and_counts_waiting_runs(
    client: Any,
    editor: Any,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
    language: str,
    title: str,
    label: str,
) -> None:
    """An editor of a training body finds the import page (and adding a course) in the personal
    space, with the imports still waiting counted; someone who may not import does not."""
    from filiere.training.space import section

    client.force_login(editor)
    client.cookies["django_language"] = language
    queue(client, settings, django_capture_on_commit_callbacks, upload("offre.xml"))
    page = client.get(reverse("accounts:space")).text
    assert title in page and label in page
    assert f'href="{reverse("training:import")}"' in page
    assert f'href="{reverse("training:course_create")}"' in page
    editor_section = section(editor)
    assert editor_section is not None
    import_link = editor_section.links[0]
    assert (import_link.url, import_link.count) == (reverse("training:import"), 1)
    assert section(UserFactory()) is None
