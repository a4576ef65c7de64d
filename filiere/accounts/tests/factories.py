"""factory-boy factories of the accounts app (users and memberships live in the directory's
factories, re-exported here), with traits: expired, revoked, accepted."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from filiere.accounts.models import Invitation, JoinRequest, Role
from filiere.organisations.tests.factories import (
    PASSWORD,
    EstablishmentFactory,
    MembershipFactory,
    OrganisationFactory,
    RegionalRoleFactory,
    RegionFactory,
    UserFactory,
)

__all__ = [
    "PASSWORD",
    "EstablishmentFactory",
    "InvitationFactory",
    "JoinRequestFactory",
    "MembershipFactory",
    "OrganisationFactory",
    "RegionFactory",
    "RegionalRoleFactory",
    "UserFactory",
    "admin_of",
]


class InvitationFactory(DjangoModelFactory):
    class Meta:
        model = Invitation

    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.Sequence(lambda n: f"invite{n}@example.org")
    role = Role.MEMBER
    token = factory.LazyFunction(lambda: secrets.token_urlsafe(32))
    expires_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=14))

    class Params:
        expired = factory.Trait(
            expires_at=factory.LazyFunction(lambda: timezone.now() - dt.timedelta(minutes=1))
        )
        revoked = factory.Trait(revoked_at=factory.LazyFunction(timezone.now))
        accepted = factory.Trait(accepted_at=factory.LazyFunction(timezone.now))


class JoinRequestFactory(DjangoModelFactory):
    class Meta:
        model = JoinRequest

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    message = "Je travaille ici."


def admin_of(organisation: Any, **user: Any) -> Any:
    """A user who is admin of `organisation`."""
    return MembershipFactory(organisation=organisation, role=Role.ADMIN, user=UserFactory(**user)).user
