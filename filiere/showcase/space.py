"""The showcase in the personal space (core.space `space_facts`): whether the person validates
competence declarations (the link to the validation queue)."""

from __future__ import annotations

from typing import Any

from filiere.accounts.permissions import is_platform_staff
from filiere.organisations.permissions import is_cluster_staff


def facts(user: Any) -> dict[str, Any]:
    """`may_validate`: platform staff and cluster staff open the validation queue."""
    return {"may_validate": is_platform_staff(user) or is_cluster_staff(user)}
