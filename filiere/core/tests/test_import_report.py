"""`core.imports.ImportReport`, the one report every importer returns."""

from __future__ import annotations

from filiere.core.imports import ImportReport, Rejection


def test_counts_read_as_attributes_and_share_the_dict():
    report = ImportReport()
    report.created += 2
    report.count("read", 5)
    assert report.counts == {"created": 2, "updated": 0, "unchanged": 0, "rejected": 0, "read": 5}
    assert report.ok and report.run_id is None


def test_reject_counts_every_line_but_keeps_only_the_first_ones():
    report = ImportReport(max_stored=2)
    for line in (3, 4, 7):
        report.reject(line=line, field="siret", message="SIRET invalide", excerpt="x" * 300)
    assert report.rejected == 3 and not report.ok
    assert [r.line for r in report.rejections] == [3, 4]
    assert len(report.rejections[0].excerpt) == 200
    assert report.rejections_as_dicts()[0] == {
        "line": 3,
        "field": "siret",
        "message": "SIRET invalide",
        "where": "",
        "key": "",
        "excerpt": "x" * 200,
    }


def test_keep_stores_a_rejection_counted_elsewhere_and_warnings_do_not_refuse():
    report = ImportReport()
    report.keep(Rejection(None, "places", "nombre de places invalide", where="formation[1]/session[2]"))
    report.warn(line=4, field="Porteur", message="conservé comme texte", where="Actions")
    assert report.rejected == 0 and len(report.rejections) == 1
    assert report.warnings[0].where == "Actions"


def test_add_sums_tables_and_keeps_their_detail():
    total, rome = ImportReport(), ImportReport()
    rome.created, rome.unchanged = 10, 5
    total.add("metiers", rome)
    total.add("appellations", rome)
    assert (total.created, total.unchanged) == (20, 10)
    assert total.tables["metiers"] == {"created": 10, "updated": 0, "unchanged": 5}
