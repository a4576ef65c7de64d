"""Account pages (login and logout are Django's views, see urls.py)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .selectors import administered_region_codes, memberships_of


@login_required
def my_organisations(request: HttpRequest) -> HttpResponse:
    """The signed-in user's memberships, with the role in each organisation."""
    from filiere.territories.models import Region

    context = {
        "memberships": memberships_of(request.user),
        "regions": Region.objects.filter(code__in=administered_region_codes(request.user)),
    }
    return render(request, "accounts/my_organisations.html", context)


@login_required
def space(request: HttpRequest) -> HttpResponse:
    """The signed-in person's space: links to every page their roles use."""
    from filiere.territories.models import Region

    context = {
        "memberships": memberships_of(request.user),
        "regions": Region.objects.filter(code__in=administered_region_codes(request.user)),
    }
    return render(request, "accounts/space.html", context)
