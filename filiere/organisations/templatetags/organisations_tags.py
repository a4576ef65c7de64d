"""`{% join_link organisation %}`: the "Demander à rejoindre" link of an organisation page,
and the "Membres" link for those who administer it."""

from __future__ import annotations

from typing import Any

from django import template

from filiere.accounts.models import Membership

from ..permissions import may_administer_organisation

register = template.Library()


@register.inclusion_tag("organisations/_join_link.html", takes_context=True)
def join_link(context: dict[str, Any], organisation: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    signed_in = bool(user is not None and user.is_authenticated)
    is_member = signed_in and Membership.objects.filter(user=user, organisation=organisation).exists()
    return {
        "organisation": organisation,
        "show_join": not is_member and organisation.is_diffusible,
        "may_administer": signed_in and may_administer_organisation(user, organisation),
    }
