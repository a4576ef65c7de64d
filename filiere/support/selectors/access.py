"""Rights and access functions: who files a request for a firm, who answers a referral,
who manages a provider's services; the requests and referrals a user sees, and the
`get_<thing>_for_user` functions (hidden → Http404, visible but not allowed → PermissionDenied)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from filiere.accounts import permissions
from filiere.organisations import permissions as organisation_permissions
from filiere.organisations.models import Kind, Organisation

from ..models import OPEN_STATUSES, Referral, Service, SupportRequest, Survey


def provider_ids() -> QuerySet:
    """Ids of organisations that offer at least one published service."""
    return Service.objects.published().values("provider_id")


def is_support_adviser(user: Any) -> bool:
    """An adviser of the network: a member (any role) of a provider of a published service, or
    platform staff. They may file a request for any firm."""
    if permissions.is_platform_staff(user):
        return True
    ids = permissions.organisation_ids_of(user)
    return bool(ids) and Service.objects.published().filter(provider_id__in=ids).exists()


def may_file_for(user: Any, organisation: Organisation) -> bool:
    """File a request for `organisation`: its editors and admins, or an adviser of the network."""
    return permissions.has_role(user, organisation, permissions.EDITING_ROLES) or is_support_adviser(user)


def may_answer_for(user: Any, provider: Any) -> bool:
    """Answer a referral (take it in charge, close it) for `provider`: its members, platform staff."""
    return permissions.is_platform_staff(user) or permissions.has_role(
        user, provider, permissions.ADVISER_ROLES
    )


def may_manage_services_of(user: Any, provider: Any) -> bool:
    """Create and change a provider's services: who may edit the organisation."""
    return organisation_permissions.may_edit_organisation(user, provider)


def requests_visible_to(user: Any) -> QuerySet[SupportRequest]:
    """Requests `user` may read: those they filed, their firm's, those routed to their structure."""
    if not permissions.is_signed_in(user):
        return SupportRequest.objects.none()
    if permissions.is_platform_staff(user):
        return SupportRequest.objects.all()
    ids = permissions.organisation_ids_of(user)
    return SupportRequest.objects.filter(
        Q(created_by=user) | Q(organisation_id__in=ids) | Q(referrals__provider_id__in=ids)
    ).distinct()


def get_request_for_user(user: Any, pk: Any) -> SupportRequest:
    """The request `pk` if `user` may read it, else Http404."""
    try:
        return requests_visible_to(user).select_related("organisation", "created_by").get(pk=pk)
    except (SupportRequest.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("Demande inconnue") from None


def get_referral_for_user(user: Any, pk: Any) -> Referral:
    """A referral `user` may act on (its provider's members): 404 if its request is hidden from
    them, 403 if they see the request but do not answer for that provider."""
    try:
        referral = Referral.objects.select_related("request", "service", "provider").get(pk=pk)
    except (Referral.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("Orientation inconnue") from None
    if not requests_visible_to(user).filter(pk=referral.request_id).exists():
        raise Http404("Orientation inconnue")
    if not may_answer_for(user, referral.provider_id):
        raise PermissionDenied
    return referral


def get_service_for_user(user: Any, pk: Any, *, manage: bool = False) -> Service:
    """A published service (or one the user manages); with `manage`, 403 unless they manage it."""
    try:
        service = Service.objects.select_related("provider").get(pk=pk)
    except (Service.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("Service inconnu") from None
    manages = may_manage_services_of(user, service.provider)
    if not service.is_published and not manages:
        raise Http404("Service inconnu")
    if manage and not manages:
        raise PermissionDenied
    return service


def get_survey_by_token(token: str) -> Survey:
    """The survey behind a private link (the link is the right), or Http404."""
    try:
        return Survey.objects.select_related("referral__request__organisation", "referral__service").get(
            token=token, sent_at__isnull=False
        )
    except Survey.DoesNotExist:
        raise Http404("Lien inconnu") from None


def referrals_to_answer(user: Any) -> QuerySet[Referral]:
    """Referrals of the structures `user` answers for (all for platform staff), open ones first."""
    if not permissions.is_signed_in(user):
        return Referral.objects.none()
    referrals = Referral.objects.select_related("request__organisation", "service", "provider")
    if not permissions.is_platform_staff(user):
        referrals = referrals.filter(provider_id__in=permissions.organisation_ids_of(user))
    return referrals


def open_referral_count(user: Any) -> int:
    return referrals_to_answer(user).filter(status__in=OPEN_STATUSES).count()


def managed_providers(user: Any) -> QuerySet[Organisation]:
    """Providers whose services `user` manages: organisations they edit that offer services, or
    that are not companies (a cluster, a technopole… starting its first service)."""
    edited = organisation_permissions.organisations_with_role(user, permissions.EDITING_ROLES)
    return edited.filter(Q(support_services__isnull=False) | ~Q(kind=Kind.COMPANY)).distinct()
