"""The UI shell: home and sources pages.

The home view lives in core (its URL name is `core:home`) but takes its figures from
`filiere.organisations.selectors`: core's *models* depend on no app, while the shell's views
compose what the apps publish through their selectors. Importing inside the function keeps
`filiere.core` importable on its own (the URLconf of core loads before the apps' selectors).
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def home(request: HttpRequest) -> HttpResponse:
    """Per-region cards (active digital establishments, active organisations) and a search box."""
    from filiere.organisations.selectors import region_counts

    return render(request, "core/home.html", {"regions": region_counts()})


def sources(request: HttpRequest) -> HttpResponse:
    return render(request, "core/sources.html", {})
