"""Pages of the observatory: France map, territory pages, pre-2016 regions, comparison, downloads.

Every page reads the selectors once, builds its `tables.Table`s, and either renders them or,
with ``?format=csv|xlsx|ods&table=<key>``, sends one of them as a file. The URL holds everything
that defines a figure (level, code, measure, period), so it can be cited as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypedDict
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from filiere.core.charts import ranked_bar_svg, yearly_line_svg
from filiere.observatory import selectors, tables
from filiere.observatory.models import Level
from filiere.observatory.selectors import LEVEL_SLUGS, REFORM_YEAR, Period, Territory
from filiere.territories.maps import choropleth_svg, map_table_rows
from filiere.territories.selectors import region_list

MAP_SLUGS = {"region": Level.REGION, "departement": Level.DEPARTMENT, "ancienne-region": Level.OLD_REGION}


class ChartTexts(TypedDict):
    description: str
    empty_text: str


def _chart_texts() -> ChartTexts:
    """The observatory's wording of its charts: each is followed by its data table."""
    return {
        "description": _("Les données figurent dans le tableau qui suit."),
        "empty_text": _("Pas encore de données"),
    }


def territory_url(level: str, code: str) -> str:
    """The page of a territory (its citable address without a period)."""
    return reverse("observatory:territory", args=[LEVEL_SLUGS[level], code])


def _citable(request: HttpRequest, params: dict[str, Any]) -> str:
    query = urlencode([(k, v) for k, v in params.items() if v not in (None, "")], doseq=True)
    return request.build_absolute_uri(request.path + (f"?{query}" if query else ""))


def _download_or_none(
    request: HttpRequest, all_tables: Sequence[tables.Table], stem: str
) -> HttpResponse | None:
    fmt = request.GET.get("format")
    if not fmt:
        return None
    if fmt not in tables.formats():
        raise Http404
    table = tables.pick(all_tables, request.GET.get("table"))
    if table is None:
        raise Http404
    return tables.download(table, fmt, stem=stem)


def _render(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    if request.htmx and not request.htmx.history_restore_request:
        template = f"{template}#content"
    return render(request, template, context)


def overview(request: HttpRequest) -> HttpResponse:
    """France: a choropleth map by region, department or pre-2016 region, and its table."""
    run = selectors.latest_run()
    bounds = selectors.year_bounds(run)
    slug = request.GET.get("niveau", "region")
    level = MAP_SLUGS.get(slug, Level.REGION)
    slug = LEVEL_SLUGS[level]
    measure = request.GET.get("mesure", "active")
    if measure not in selectors.MEASURES:
        measure = "active"
    period = selectors.parse_period(request.GET.get("from"), request.GET.get("to"), bounds=bounds)
    values = selectors.map_values(level, measure=measure, period=period)
    measure_label = tables.measure_labels()[measure]
    unit = tables.measure_units()[measure]
    when = (
        _("%(start)s → %(end)s") % {"start": period.start, "end": period.end}
        if measure == "growth"
        else str(period.end)
    )
    title = f"{measure_label} — {Level(level).label} — {when}"
    rows = map_table_rows(values, level, link=lambda code: territory_url(level, code))
    table = tables.map_table(
        rows, level_label=str(Level(level).label), measure_label=measure_label, caption=title
    )
    stem = f"observatoire-france-{slug}-{measure}-{period.start}-{period.end}"
    if response := _download_or_none(request, [table], stem):
        return response
    svg = choropleth_svg(
        values,
        level=level,
        title=title,
        unit=unit,
        link=lambda code: territory_url(level, code),
        diverging=measure == "growth",
        uid="obs-map",
        table_id="table-map",
    )
    params = {"niveau": slug, "mesure": measure, "from": period.start, "to": period.end}
    context = {
        "run": run,
        "bounds": bounds,
        "years": list(range(bounds[0], bounds[1] + 1)),
        "period": period,
        "slug": slug,
        "measure": measure,
        "measures": tables.measure_labels(),
        "map_levels": [(s, Level(lvl).label) for s, lvl in MAP_SLUGS.items()],
        "map": svg,
        "tables": [table],
        "title": title,
        "citation_url": _citable(request, params),
        "params": params,
        "france": selectors.territory_series(
            Territory(Level.FRANCE, "FR", _("France")), Period(period.end, period.end)
        )[0],
    }
    return _render(request, "observatory/overview.html", context)


def territory(request: HttpRequest, level: str, code: str) -> HttpResponse:
    """One territory over a period: series, NAF and headcount breakdowns, official figures."""
    place = selectors.get_territory(level, code)
    if level != place.slug:
        raise Http404
    run = selectors.latest_run()
    bounds = selectors.year_bounds(run)
    raw_to = request.GET.get("to")
    if place.level == Level.OLD_REGION and not raw_to:
        raw_to = str(REFORM_YEAR - 1)  # a pre-2016 region is shown up to its last year by default
    period = selectors.parse_period(request.GET.get("from"), raw_to, bounds=bounds)
    series = selectors.territory_series(place, period)
    all_sectors = selectors.territory_series(place, period, digital_only=False)
    naf = selectors.naf_breakdown(place, period.end)
    naf_detail = selectors.naf_breakdown(place, period.end, detail=True)
    bands = selectors.band_breakdown(place)
    figures = selectors.official_figures(place)
    page_tables = [
        tables.series_table(place, series),
        tables.naf_table(place, naf, period.end, detail=False),
        tables.naf_table(place, naf_detail, period.end, detail=True),
        tables.band_table(place, bands),
        tables.figures_table(place, figures),
        tables.series_table(place, all_sectors, digital_only=False),
    ]
    former_series: list[tuple[Territory, list[selectors.YearRow]]] = []
    old_map = None
    old_period = Period(period.start, min(period.end, REFORM_YEAR - 1))
    if place.former_regions and period.start < REFORM_YEAR:
        for former in place.former_regions:
            rows = selectors.territory_series(former, old_period)
            former_series.append((former, rows))
            page_tables.append(tables.series_table(former, rows))
            page_tables[-1].key = f"series_{former.code}"
    if place.level == Level.OLD_REGION or former_series:
        old_values = selectors.map_values(Level.OLD_REGION, measure="active", period=old_period)
        old_map = choropleth_svg(
            old_values,
            level=Level.OLD_REGION,
            title=_("Établissements numériques actifs fin %(year)s, régions d'avant 2016")
            % {"year": old_period.end},
            unit=_("établissements"),
            link=lambda c: territory_url(Level.OLD_REGION, c),
            uid="obs-old-map",
        )
    stem = f"observatoire-{place.slug}-{place.code}-{period.start}-{period.end}"
    if response := _download_or_none(request, page_tables, stem):
        return response
    years = [r.year for r in series]
    chart_active = yearly_line_svg(
        **_chart_texts(),
        title=_("Établissements numériques actifs et emplois estimés, %(start)s–%(end)s — %(name)s")
        % {"start": period.start, "end": period.end, "name": place.name},
        years=years,
        series={
            _("Établissements actifs"): {r.year: r.active for r in series},
            _("Emplois estimés"): {r.year: r.jobs for r in series},
        },
        uid="chart-series",
    )
    chart_flows = yearly_line_svg(
        **_chart_texts(),
        title=_("Créations et fermetures par année — %(name)s") % {"name": place.name},
        years=years,
        series={
            _("Créations"): {r.year: r.creations for r in series},
            _("Fermetures"): {r.year: r.closures for r in series},
        },
        uid="chart-flows",
    )
    chart_former = None
    if former_series:
        chart_former = yearly_line_svg(
            **_chart_texts(),
            title=_("Avant 2016 : établissements numériques actifs par ancienne région"),
            years=list(range(old_period.start, old_period.end + 1)),
            series={f.name: {r.year: r.active for r in rows} for f, rows in former_series},
            uid="chart-former",
        )
    params = {"from": period.start, "to": period.end}
    context = {
        "place": place,
        "run": run,
        "bounds": bounds,
        "years": list(range(bounds[0], bounds[1] + 1)),
        "period": period,
        "series": series,
        "growth": selectors.period_growth(series),
        "margin": round(selectors.AGREEMENT_MARGIN * 100),
        "last": series[-1] if series else None,
        "tables": {t.key: t for t in page_tables},
        "former_tables": [t for t in page_tables if t.key.startswith("series_") and t.key != "series_all"],
        "chart_active": chart_active,
        "chart_flows": chart_flows,
        "chart_naf": ranked_bar_svg(
            **_chart_texts(),
            title=page_tables[1].caption,
            bars=[(f"{r.code} {r.label}", r.active) for r in naf],
            uid="chart-naf",
        ),
        "chart_bands": ranked_bar_svg(
            **_chart_texts(),
            title=page_tables[3].caption,
            bars=[(r.label, r.active) for r in bands],
            uid="chart-bands",
        ),
        "chart_former": chart_former,
        "old_map": old_map,
        "figures": figures,
        "citation_url": _citable(request, params),
        "params": params,
        "compare_url": reverse("observatory:compare") + "?" + urlencode([("r", place.code)])
        if place.level == Level.REGION
        else "",
    }
    return _render(request, "observatory/territory.html", context)


def compare(request: HttpRequest) -> HttpResponse:
    """Regions side by side: ``?r=27&r=76&r=75`` (up to six), over a period."""
    run = selectors.latest_run()
    bounds = selectors.year_bounds(run)
    period = selectors.parse_period(request.GET.get("from"), request.GET.get("to"), bounds=bounds)
    codes = request.GET.getlist("r")
    comparison = selectors.compare_regions(codes, period)
    page_tables = [tables.comparison_table(comparison), tables.comparison_table(comparison, jobs=True)]
    stem = "observatoire-comparaison-{}-{}-{}".format(
        "-".join(t.code for t in comparison.territories) or "vide", period.start, period.end
    )
    if response := _download_or_none(request, page_tables, stem):
        return response
    chart = yearly_line_svg(
        **_chart_texts(),
        title=_("Établissements numériques actifs au 31/12, %(start)s–%(end)s")
        % {"start": period.start, "end": period.end},
        years=comparison.years,
        series={t.name: comparison.active[t.code] for t in comparison.territories},
        uid="chart-compare",
    )
    chart_jobs = yearly_line_svg(
        **_chart_texts(),
        title=_("Emplois estimés, %(start)s–%(end)s") % {"start": period.start, "end": period.end},
        years=comparison.years,
        series={t.name: comparison.jobs[t.code] for t in comparison.territories},
        uid="chart-compare-jobs",
    )
    chosen = [t.code for t in comparison.territories]
    params = {"r": chosen, "from": period.start, "to": period.end}
    context = {
        "run": run,
        "bounds": bounds,
        "years": list(range(bounds[0], bounds[1] + 1)),
        "period": period,
        "comparison": comparison,
        "chosen": chosen,
        "regions": _regions(),
        "chart": chart,
        "chart_jobs": chart_jobs,
        "tables": {t.key: t for t in page_tables},
        "citation_url": _citable(request, params),
        "params": params,
        "max_compared": selectors.MAX_COMPARED,
    }
    return _render(request, "observatory/compare.html", context)


def _regions() -> list[tuple[str, str]]:

    # Regions with establishments in SIRENE: metropolitan and overseas regions (DROM), not the COM.
    return list(region_list().filter(zone__in=("metro", "drom")).values_list("code", "name"))


def changes(request: HttpRequest) -> HttpResponse:
    """What the last SIRENE update changed (or `?run=`), per region or per department of
    `?region=`, optionally for one department or one cluster's members (`?groupement=`)."""
    from filiere.observatory.changes import CHANGE_LIMIT, change_report
    from filiere.observatory.models import ChangeKind

    report = change_report(
        request.user,
        run_id=request.GET.get("run", ""),
        region=request.GET.get("region", ""),
        department=request.GET.get("departement", ""),
        cluster_id=request.GET.get("groupement", ""),
    )
    context = {
        "run": report.run,
        "runs": report.runs,
        "cluster": report.cluster,
        "region": report.region,
        "region_name": selectors.territory_names(Level.REGION, [report.region]).get(
            report.region, report.region
        ),
        "kinds": ChangeKind.choices,
        "territories": [
            (code, name or _("Non renseigné"), [counts[k] for k in ChangeKind.values])
            for code, name, counts in report.territories
        ],
        "changes": report.changes,
        "truncated": report.truncated,
        "limit": CHANGE_LIMIT,
    }
    return render(request, "observatory/changes.html", context)
