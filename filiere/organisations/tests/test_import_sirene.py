"""SIRENE stock importer: real INSEE samples and small hand-written files in the exact format."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from filiere.core.models import ImportRun
from filiere.organisations.importers import SireneFormatError, import_sirene, import_sirene_file, scan_sirene
from filiere.organisations.importers.sirene import (
    ETABLISSEMENT_COLUMNS,
    UNITE_LEGALE_COLUMNS,
    RowWriter,
    department_of,
)
from filiere.organisations.models import Establishment, Organisation, State
from filiere.territories.models import EPCI, Commune, Department, FormerRegion, Region

pytestmark = pytest.mark.django_db

SAMPLES = Path(settings.FILIERE_DATA_DIR) / "sirene"
ETAB_SAMPLE = SAMPLES / "StockEtablissement_utf8_sample.csv"
UL_SAMPLE = SAMPLES / "StockUniteLegale_utf8_sample.csv"


def etab(siret: str = "12345678900011", **values: str) -> dict[str, str]:
    row = dict.fromkeys(ETABLISSEMENT_COLUMNS, "")
    row.update(
        siren=siret[:9],
        nic=siret[9:],
        siret=siret,
        statutDiffusionEtablissement="O",
        dateCreationEtablissement="2015-03-02",
        trancheEffectifsEtablissement="11",
        anneeEffectifsEtablissement="2021",
        etablissementSiege="true",
        numeroVoieEtablissement="12",
        typeVoieEtablissement="RUE",
        libelleVoieEtablissement="DE LA LIBERTE",
        codePostalEtablissement="21000",
        libelleCommuneEtablissement="DIJON",
        codeCommuneEtablissement="21231",
        dateDebut="2015-03-02",
        etatAdministratifEtablissement="A",
        enseigne1Etablissement="CODE ET CAFÉ",
        activitePrincipaleEtablissement="62.01Z",
        nomenclatureActivitePrincipaleEtablissement="NAFRev2",
        caractereEmployeurEtablissement="O",
    )
    row.update(values)
    return row


def unit(siren: str = "123456789", **values: str) -> dict[str, str]:
    row = dict.fromkeys(UNITE_LEGALE_COLUMNS, "")
    row.update(
        siren=siren,
        statutDiffusionUniteLegale="O",
        dateCreationUniteLegale="2015-03-02",
        dateDebut="2015-03-02",
        etatAdministratifUniteLegale="A",
        denominationUniteLegale="CODE ET CAFE SAS",
        categorieJuridiqueUniteLegale="5710",
        activitePrincipaleUniteLegale="62.01Z",
        nomenclatureActivitePrincipaleUniteLegale="NAFRev2",
        categorieEntreprise="PME",
    )
    row.update(values)
    return row


def write_csv(path: Path, columns: list[str], rows: list[dict[str, str]]) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row[c] for c in columns])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


@pytest.fixture
def territories() -> None:
    """Three regions, three departments, three communes, and no others: a worker that ran a test
    with the real reference loaded keeps those rows committed, so they are removed first (inside
    this test's transaction, hence restored after it). One DELETE per table: the ORM's collector
    spent 6 s a test on the reference's 37,590 communes, and nothing else refers to them here."""
    with connection.cursor() as cursor:
        for model in (Commune, EPCI, Department, FormerRegion, Region):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
    bfc = Region.objects.create(code="27", name="Bourgogne-Franche-Comté")
    idf = Region.objects.create(code="11", name="Île-de-France")
    cor = Region.objects.create(code="94", name="Corse")
    cote_dor = Department.objects.create(code="21", name="Côte-d'Or", region=bfc)
    paris = Department.objects.create(code="75", name="Paris", region=idf)
    corse_sud = Department.objects.create(code="2A", name="Corse-du-Sud", region=cor)
    Commune.objects.create(code="21231", name="Dijon", department=cote_dor, region=bfc)
    Commune.objects.create(code="75056", name="Paris", department=paris, region=idf)
    Commune.objects.create(code="2A004", name="Ajaccio", department=corse_sud, region=cor)


def test_department_of_handles_corsica_and_overseas() -> None:
    assert [department_of(c) for c in ("21231", "2A004", "97411", "")] == ["21", "2A", "974", ""]


def test_real_establishment_sample_imports_every_row_with_naf_all() -> None:
    [result] = import_sirene(ETAB_SAMPLE, naf_codes=None)
    assert result.counts["read"] == 299
    assert result.counts["created"] == 299
    assert result.counts["rejected"] == 0
    assert Establishment.objects.count() == 299
    closed = Establishment.objects.get(siret="00032517500016")
    assert closed.state == State.CLOSED
    assert closed.closure_date == date(2009, 5, 27)
    assert closed.organisation.siren == "000325175"
    assert closed.raw["codeCommuneEtablissement"] == "98727"


def test_real_samples_name_organisations_and_keep_nd_units_unnamed() -> None:
    import_sirene([UL_SAMPLE, ETAB_SAMPLE], naf_codes=None)  # establishments first whatever the order
    org = Organisation.objects.get(siren="000325175")
    assert org.name == "Non diffusible"
    assert org.is_diffusible is False
    assert ImportRun.objects.filter(status=ImportRun.Status.DONE).count() == 2


def test_digital_filter_keeps_only_digital_establishments(tmp_path: Path, territories: None) -> None:
    path = write_csv(
        tmp_path / "StockEtablissement_utf8.csv",
        ETABLISSEMENT_COLUMNS,
        [etab("12345678900011"), etab("98765432100012", activitePrincipaleEtablissement="47.89Z")],
    )
    [result] = import_sirene(path)
    assert (result.counts["created"], result.counts["rejected"]) == (1, 0)
    assert (result.counts["read"], result.counts["kept"], result.counts["filtered"]) == (2, 1, 1)
    est = Establishment.objects.get()
    assert est.siret == "12345678900011"
    assert est.is_digital and est.is_head_office
    assert (est.commune_id, est.department_code, est.region_code) == ("21231", "21", "27")
    assert est.address == "12 RUE DE LA LIBERTE"
    assert est.headcount_band == "11" and est.headcount_year == 2021 and est.is_employer is True
    assert est.creation_date == date(2015, 3, 2)
    assert "code et cafe" in est.search_text and "dijon" in est.search_text
    assert est.organisation.name == "CODE ET CAFÉ"  # until the unit file names it
    assert est.source == "sirene" and len(est.source_hash) == 32


def test_unknown_commune_keeps_code_and_department(tmp_path: Path, territories: None) -> None:
    path = write_csv(tmp_path / "e.csv", ETABLISSEMENT_COLUMNS, [etab(codeCommuneEtablissement="21999")])
    import_sirene_file(path)
    est = Establishment.objects.get()
    assert (est.commune_id, est.commune_code, est.department_code, est.region_code) == (
        None,
        "21999",
        "21",
        "27",
    )


def test_region_and_department_filters(tmp_path: Path, territories: None) -> None:
    rows = [
        etab("11111111100011"),
        etab("22222222200012", codeCommuneEtablissement="75056", codePostalEtablissement="75001"),
        etab("33333333300013", codeCommuneEtablissement="2A004"),
    ]
    path = write_csv(tmp_path / "e.csv", ETABLISSEMENT_COLUMNS, rows)
    assert import_sirene_file(path, regions=["27"]).counts["created"] == 1
    assert import_sirene_file(path, departments="2A").counts["created"] == 1
    assert set(Establishment.objects.values_list("department_code", flat=True)) == {"21", "2A"}


def test_explicit_naf_list(tmp_path: Path) -> None:
    rows = [etab("11111111100011"), etab("22222222200012", activitePrincipaleEtablissement="47.89Z")]
    path = write_csv(tmp_path / "e.csv", ETABLISSEMENT_COLUMNS, rows)
    assert import_sirene_file(path, naf_codes="47.89Z").counts["created"] == 1
    assert Establishment.objects.get().naf_code == "47.89Z"


def test_zip_containing_the_csv(tmp_path: Path) -> None:
    csv_path = write_csv(tmp_path / "StockEtablissement_utf8.csv", ETABLISSEMENT_COLUMNS, [etab()])
    zip_path = tmp_path / "StockEtablissement_utf8.zip"
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(csv_path, csv_path.name)
    assert import_sirene_file(zip_path).counts["created"] == 1


def test_quoted_fields_with_commas_and_newlines(tmp_path: Path) -> None:
    rows = [
        etab("11111111100011", libelleVoieEtablissement="DES ARTS, ET METIERS"),
        etab("22222222200012", complementAdresseEtablissement="BAT A\nETAGE 2"),
        etab("33333333300013"),
    ]
    path = write_csv(tmp_path / "e.csv", ETABLISSEMENT_COLUMNS, rows)
    result = import_sirene_file(path)
    assert result.counts["created"] == 3 and result.counts["read"] == 3
    assert Establishment.objects.get(siret="11111111100011").address == "12 RUE DES ARTS, ET METIERS"
    assert Establishment.objects.get(siret="22222222200012").address.startswith("BAT A\nETAGE 2")


def test_malformed_lines_are_rejected_with_line_number_and_valid_lines_kept(tmp_path: Path) -> None:
    rows = [
        etab("11111111100011"),
        etab("2222222220001X"),
        etab("33333333300013", dateCreationEtablissement="2015-02-30"),
        etab("44444444400014", siren="444444449"),
        etab("55555555500015"),
    ]
    path = write_csv(tmp_path / "e.csv", ETABLISSEMENT_COLUMNS, rows)
    with path.open("a", encoding="utf-8") as handle:
        handle.write("66666666600016,00016,66666666600016,O,62.01Z,NAFRev2\n")  # line 7: too few columns
    report = tmp_path / "rejets.csv"
    result = import_sirene_file(path, report_path=report)
    assert result.counts["created"] == 2
    assert result.counts["rejected"] == 4
    lines = {r.line: r.message for r in result.rejections}
    assert set(lines) == {3, 4, 5, 7}
    assert "SIRET invalide" in lines[3]
    assert {r.line: r.field for r in result.rejections}[4] == "dateCreationEtablissement"
    assert "date invalide" in lines[4]
    assert "SIRET invalide" in lines[5]
    assert "colonnes" in lines[7]
    run = ImportRun.objects.get(pk=result.run_id)
    assert run.counts["rejected"] == 4 and len(run.rejections) == 4
    assert len(report.read_text(encoding="utf-8").splitlines()) == 5


def test_non_sirene_csv_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "autre.csv"
    path.write_text("code,libelle\n62.01Z,Programmation\n", encoding="utf-8")
    with pytest.raises(SireneFormatError, match="n'est pas un stock SIRENE : colonnes attendues"):
        import_sirene_file(path)
    assert ImportRun.objects.get().status == ImportRun.Status.FAILED


def test_command_exits_non_zero_for_non_sirene_file(tmp_path: Path) -> None:
    path = tmp_path / "autre.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(CommandError, match="n'est pas un stock SIRENE"):
        call_command("import_data", "sirene", str(path))


def test_command_json_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_csv(tmp_path / "e.csv", ETABLISSEMENT_COLUMNS, [etab()])
    call_command("import_data", "sirene", str(path), "--json", "--naf", "62.01Z,62.02A")
    payload = json.loads(capsys.readouterr().out)
    assert payload["counts"]["created"] == 1
    assert payload["rejected"] == 0
    assert ImportRun.objects.filter(pk=payload["import_run_id"]).exists()


def test_command_prints_a_summary_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_csv(tmp_path / "e.csv", ETABLISSEMENT_COLUMNS, [etab()])
    call_command("import_data", "sirene", str(path), "--region", "27")
    out = capsys.readouterr().out
    assert "created" in out and "Import terminé" in out


def test_unit_file_names_organisations_and_handles_nd_and_closures(tmp_path: Path) -> None:
    etabs = write_csv(
        tmp_path / "e.csv", ETABLISSEMENT_COLUMNS, [etab("12345678900011"), etab("99999999900019")]
    )
    units = write_csv(
        tmp_path / "u.csv",
        UNITE_LEGALE_COLUMNS,
        [
            unit("123456789", sigleUniteLegale="C&C"),
            unit(
                "999999999",
                denominationUniteLegale="",
                nomUniteLegale="[ND]",
                prenom1UniteLegale="[ND]",
                etatAdministratifUniteLegale="C",
                dateDebut="2020-06-30",
            ),  # fmt: skip
            unit(
                "555555555", denominationUniteLegale="", nomUniteLegale="MARTIN", prenom1UniteLegale="ALICE"
            ),
        ],
    )
    results = import_sirene([units, etabs])
    assert [r.kind for r in results] == ["sirene_etablissement", "sirene_unite_legale"]
    named = Organisation.objects.get(siren="123456789")
    assert (named.name, named.acronym, named.naf_code, named.is_digital) == (
        "CODE ET CAFE SAS",
        "C&C",
        "62.01Z",
        True,
    )
    hidden = Organisation.objects.get(siren="999999999")
    assert (hidden.name, hidden.is_diffusible) == ("Non diffusible", False)
    assert (hidden.state, hidden.closure_date) == (State.CLOSED, date(2020, 6, 30))
    assert Organisation.objects.get(siren="555555555").name == "ALICE MARTIN"
    # Establishments index the organisation's new name.
    assert "code et cafe sas" in Establishment.objects.get(siret="12345678900011").search_text


def test_unit_file_with_digital_filter_updates_known_units_only(tmp_path: Path) -> None:
    Organisation.objects.create(siren="111111111", name="SIREN 111111111")
    units = write_csv(
        tmp_path / "u.csv",
        UNITE_LEGALE_COLUMNS,
        [
            unit("111111111", activitePrincipaleUniteLegale="47.89Z", denominationUniteLegale="BOUTIQUE"),
            unit("222222222", activitePrincipaleUniteLegale="47.89Z"),
            unit("333333333"),
        ],
    )
    result = import_sirene_file(units)
    assert (result.counts["created"], result.counts["updated"], result.counts["filtered"]) == (1, 1, 1)
    assert Organisation.objects.get(siren="111111111").name == "BOUTIQUE"


def test_rerun_reports_unchanged_and_changes_are_updated(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "e.csv", ETABLISSEMENT_COLUMNS, [etab("11111111100011"), etab("22222222200012")]
    )
    import_sirene_file(path)
    again = import_sirene_file(path)
    assert (again.counts["created"], again.counts["updated"], again.counts["unchanged"]) == (0, 0, 2)
    changed = write_csv(
        tmp_path / "e2.csv",
        ETABLISSEMENT_COLUMNS,
        [
            etab("11111111100011"),
            etab("22222222200012", etatAdministratifEtablissement="F", dateDebut="2023-01-31"),
        ],
    )
    third = import_sirene_file(changed)
    assert (third.counts["updated"], third.counts["unchanged"]) == (1, 1)
    closed = Establishment.objects.get(siret="22222222200012")
    assert (closed.state, closed.closure_date) == (State.CLOSED, date(2023, 1, 31))


def test_edited_fields_are_never_overwritten(tmp_path: Path) -> None:
    import_sirene_file(write_csv(tmp_path / "e.csv", ETABLISSEMENT_COLUMNS, [etab()]))
    est = Establishment.objects.get()
    est.name = "Code & Café (nom choisi)"
    est.headcount_band = "12"
    est.edited_fields = ["name", "headcount_band"]
    est.save()
    org = est.organisation
    org.name = "Code et Café"
    org.edited_fields = ["name"]
    org.save()
    moved = etab(libelleCommuneEtablissement="DIJON CEDEX", trancheEffectifsEtablissement="21",
                 denominationUsuelleEtablissement="AUTRE NOM")  # fmt: skip
    result = import_sirene_file(write_csv(tmp_path / "e2.csv", ETABLISSEMENT_COLUMNS, [moved]))
    import_sirene_file(write_csv(tmp_path / "u.csv", UNITE_LEGALE_COLUMNS, [unit(categorieEntreprise="ETI")]))
    assert result.counts["updated"] == 1
    est.refresh_from_db()
    assert (est.name, est.headcount_band, est.city) == ("Code & Café (nom choisi)", "12", "DIJON CEDEX")
    assert "nom choisi" in est.search_text
    org.refresh_from_db()
    assert (org.name, org.company_category) == ("Code et Café", "ETI")


def test_interrupted_import_is_recorded_and_a_rerun_finishes_the_job(tmp_path: Path) -> None:
    rows = [etab(f"{i:09d}00011") for i in range(100000001, 100000011)]
    path = write_csv(tmp_path / "e.csv", ETABLISSEMENT_COLUMNS, rows)
    batches = []

    def stop_after_first_batch(result: object) -> None:
        batches.append(result)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_sirene_file(path, batch_size=3, on_batch=stop_after_first_batch)
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.INTERRUPTED
    assert run.counts["created"] == 3
    assert Establishment.objects.count() == 3

    rerun = import_sirene_file(path, batch_size=3)
    assert (rerun.counts["created"], rerun.counts["unchanged"], rerun.counts["updated"]) == (7, 3, 0)
    assert Establishment.objects.count() == 10
    assert ImportRun.objects.get(pk=rerun.run_id).status == ImportRun.Status.DONE


def test_a_failing_batch_is_not_half_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [etab(f"{i:09d}00011") for i in range(100000001, 100000006)]
    path = write_csv(tmp_path / "e.csv", ETABLISSEMENT_COLUMNS, rows)
    original = RowWriter.insert
    calls = []

    def failing_insert(self: RowWriter, rows: list, **kwargs: object) -> list:
        calls.append(1)
        if len(calls) == 4:  # batch 2: its organisations are inserted, then its establishments fail
            raise RuntimeError("disk full")
        return original(self, rows, **kwargs)

    monkeypatch.setattr(RowWriter, "insert", failing_insert)
    with pytest.raises(RuntimeError):
        import_sirene_file(path, batch_size=2)
    assert Establishment.objects.count() == 2
    assert Organisation.objects.count() == 2  # the second batch's organisations were rolled back too
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.INTERRUPTED and "disk full" in run.error
    assert run.counts["created"] == 2


def test_scan_reads_without_writing(tmp_path: Path) -> None:
    rows = [etab("11111111100011"), etab("22222222200012", activitePrincipaleEtablissement="47.89Z")]
    result = scan_sirene(write_csv(tmp_path / "e.csv", ETABLISSEMENT_COLUMNS, rows))
    assert (result.counts["read"], result.counts["kept"]) == (2, 1)
    assert not Establishment.objects.exists() and not ImportRun.objects.exists()


def test_a_line_that_is_not_utf8_is_rejected(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "e.csv", ETABLISSEMENT_COLUMNS, [etab("11111111100011"), etab("22222222200012")]
    )
    content = path.read_bytes().replace(b"CODE ET CAF\xc3\x89", b"CODE ET CAF\xc9", 1)
    path.write_bytes(content)
    result = import_sirene_file(path)
    assert (result.counts["created"], result.counts["rejected"]) == (1, 1)
    assert result.rejections[0].line == 2 and "UTF-8" in result.rejections[0].message


# --- the writer's fast paths and the read-ahead thread ---------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        {"siren": "123456789", "libelle": "CAFÉ « Œuvre » d'Île"},
        {"quote": 'a "b" \\ c', "control": "tab\there\nline", "empty": ""},
        {"nested": {"a": 1}},
        {"number": 3, "none": None},
        ["a", "list"],
        "a string",
    ],
)
def test_fast_json_encoding_reads_back_as_json_dumps(value: object) -> None:
    from filiere.organisations.importers.sirene import dump_json

    assert json.loads(dump_json(value)) == json.loads(json.dumps(value)) == value


def test_rows_are_built_in_column_order_with_defaults_and_the_writers_timestamps() -> None:
    writer = RowWriter(Organisation)
    rows = writer._rows(
        [
            {"siren": "111111111", "name": "Un", "raw": {"k": "v"}},
            {"siren": "222222222", "name": "Deux", "raw": None},
            {"name": "Trois", "siren": "333333333", "updated_at": "ignored"},  # another key order
        ],
        "NOW",
    )
    column = {name: i for i, name in enumerate(writer.names)}
    assert [r[column["siren"]] for r in rows] == ["111111111", "222222222", "333333333"]
    assert [r[column["name"]] for r in rows] == ["Un", "Deux", "Trois"]
    raw = rows[0][column["raw"]]  # adapted: JSON text on SQLite, psycopg's Jsonb on PostgreSQL
    assert (json.loads(raw) if isinstance(raw, str) else raw.obj) == {"k": "v"}
    assert rows[1][column["raw"]] is None
    assert {r[column["updated_at"]] for r in rows} == {r[column["created_at"]] for r in rows} == {"NOW"}
    assert rows[2][column["kind"]] == Organisation._meta.get_field("kind").get_default()
    assert all(len(r) == len(writer.names) for r in rows)


def test_read_ahead_keeps_the_order_and_raises_the_readers_error() -> None:
    from filiere.organisations.importers.sirene import read_ahead

    assert list(read_ahead(iter(range(50)), depth=2)) == list(range(50))

    def failing():
        yield 1
        raise ValueError("ligne 3 : boom")

    reader = read_ahead(failing())
    assert next(reader) == 1
    with pytest.raises(ValueError, match="boom"):
        next(reader)


def test_read_ahead_stops_its_thread_when_the_consumer_stops() -> None:
    import threading

    from filiere.organisations.importers.sirene import read_ahead

    produced = []

    def endless():
        n = 0
        while True:
            produced.append(n)
            yield n
            n += 1

    reader = read_ahead(endless(), depth=2)
    assert next(reader) == 0
    reader.close()
    assert not any(t.name == "sirene-reader" for t in threading.enumerate())
    assert len(produced) <= 4  # never more than `depth` items ahead (+ the one being handed over)


def test_row_writer_inserts_given_columns_and_fills_the_others_with_defaults() -> None:
    writer = RowWriter(Organisation)
    rows = [
        {"siren": "111111111", "name": "Un", "raw": {"k": "v"}},
        {"siren": "222222222", "name": "Deux", "raw": None},
        {"name": "Trois", "siren": "333333333"},  # another shape: another statement
    ]
    returned = writer.insert(rows, returning=("siren", "id"))
    saved = {o.siren: o for o in Organisation.objects.all()}
    assert set(saved) == {"111111111", "222222222", "333333333"}
    if connection.vendor == "sqlite":  # PostgreSQL's COPY returns nothing; the caller re-reads
        assert {siren: pk for siren, pk in returned} == {s: o.pk for s, o in saved.items()}
    assert saved["111111111"].raw == {"k": "v"} and saved["222222222"].raw is None
    assert saved["333333333"].name == "Trois"
    assert {o.kind for o in saved.values()} == {Organisation._meta.get_field("kind").get_default()}
    assert all(o.edited_fields == [] and o.created_at == o.updated_at for o in saved.values())
