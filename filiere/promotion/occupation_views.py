"""Digital occupations for young people, parents and teachers: list, page, orientation quiz.

No account needed; pages a teacher can project (large type, no JavaScript required). The region
(`?region=<code>`) chooses whose courses, offers, figures and portraits are shown."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import occupations, selectors
from .views import NAV, public_cache


def _region(request: HttpRequest) -> tuple[str, object | None]:
    code = request.GET.get("region", "").strip()[:3]
    if not code:
        return "", None
    region = next((r for r, _slug, _n in selectors.public_regions() if r.code == code), None)
    return (region.code, region) if region else ("", None)


@public_cache
def occupation_list(request: HttpRequest) -> HttpResponse:
    region_code, region = _region(request)
    context = {
        **NAV,
        "featured": occupations.featured_occupations(),
        "others": occupations.other_digital_occupations(),
        "region": region,
        "regions": selectors.public_regions(),
    }
    return render(request, "promotion/occupation_list.html", context)


@public_cache
def occupation_detail(request: HttpRequest, code: str) -> HttpResponse:
    occupation = occupations.get_occupation(code)
    region_code, region = _region(request)
    women = selectors.key_figures(region_code).women_share if region_code else None
    page = occupations.occupation_page(occupation, region_code=region_code, women_share=women)
    context = {**NAV, "page": page, "region": region, "regions": selectors.public_regions()}
    return render(request, "promotion/occupation_detail.html", context)


@public_cache
def quiz(request: HttpRequest) -> HttpResponse:
    interests = occupations.quiz_interests()
    known = {i.code for i in interests}
    chosen = [c for c in request.GET.getlist("interet") if c in known]
    results = occupations.quiz_results(chosen) if chosen else []
    region_code, region = _region(request)
    context = {
        **NAV,
        "interests": interests,
        "chosen": chosen,
        "results": results,
        "answered": "interet" in request.GET,
        "region": region,
    }
    return render(request, "promotion/quiz.html", context)
