"""HTML pages of the territories."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from filiere.territories import selectors


def region_list(request: HttpRequest) -> HttpResponse:
    """Regions with their departments, and links to the GeoJSON outlines."""
    return render(
        request, "territories/region_list.html", {"regions": selectors.region_list(with_departments=True)}
    )
