"""Reads of the accounts app.

Rights live in `filiere.accounts.permissions`, the one answer to who may do what. The names
below are thin re-exports kept because the accounts views (owned by the invitations work) and
older callers import them from here; new code imports `permissions`.
"""

from __future__ import annotations

from .permissions import (  # noqa: F401 (re-exports, see the docstring)
    EDITING_ROLES,
    administered_region_codes,
    is_cluster_staff,
    is_regional_admin,
    memberships_of,
    organisations_editable_by,
)
