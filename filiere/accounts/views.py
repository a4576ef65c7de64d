"""Account pages: the personal space, sign-up and e-mail verification, invitations, members,
join requests, regional administration, deactivation. Login, logout and passwords are
Django's views (see urls.py) with our forms and templates."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from filiere.organisations.permissions import may_administer_organisation

from . import selectors, services
from . import space as space_sections
from .forms import (
    DeactivateForm,
    DecisionForm,
    InvitationForm,
    InvitedAccountForm,
    JoinRequestForm,
    RoleForm,
    SignUpForm,
)
from .models import Invitation, Role, User
from .permissions import administered_region_codes, is_platform_staff, is_signed_in, memberships_of

# Accounts created or verified here sign in without a password check (the link proved the mailbox).
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _error(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


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
    return render(request, "accounts/space.html", space_sections.space_context(request.user))


# --- Sign-up and verification ----------------------------------------------------------------


def signup(request: HttpRequest) -> HttpResponse:
    """Self sign-up (buyers, job seekers, event participants); the account waits for the link
    in the mail. The answer is the same whether or not the address had an account."""
    if is_signed_in(request.user):
        return redirect("accounts:space")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.sign_up(
            email=data["email"],
            password=data["password1"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            profile=data["profile"],
        )
        request.session["signup_email"] = services.normalise_email(data["email"])
        return redirect("accounts:signup_sent")
    return render(request, "accounts/signup.html", {"form": form})


def signup_sent(request: HttpRequest) -> HttpResponse:
    """ "Check your mailbox" after a sign-up."""
    return render(request, "accounts/signup_sent.html", {"email": request.session.get("signup_email", "")})


def verify_email(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The link of the verification mail: activates the account and signs the person in."""
    try:
        user = User.objects.filter(pk=int(force_str(urlsafe_base64_decode(uidb64)))).first()
    except (ValueError, TypeError, OverflowError):
        user = None
    if user is not None and user.email_verified_at is not None and user.is_active:
        messages.info(request, _("Votre adresse est déjà confirmée. Connectez-vous."))
        return redirect("accounts:login")
    if user is None or not services.verify_email(user=user, token=token):
        return render(request, "accounts/verify_invalid.html", status=400)
    login(request, user, backend=MODEL_BACKEND)
    messages.success(request, _("Votre adresse est confirmée. Bienvenue !"))
    return redirect("accounts:space")


# --- Invitations -----------------------------------------------------------------------------


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The invitation link: a newcomer sets a name and password; an existing account signs in
    (then accepts with one click)."""
    found = Invitation.objects.select_related("organisation").filter(token=token).first()
    problem = services.invitation_problem(found)
    if problem:
        status = 404 if found is None else 410
        return render(request, "accounts/invitation_invalid.html", {"problem": problem}, status=status)
    assert found is not None
    existing = selectors.find_user_by_email(found.email)
    has_account = existing is not None and (
        existing.is_active or existing.email_verified_at is not None or existing.deactivated_at is not None
    )
    form = None
    if request.user.is_authenticated:
        if request.method == "POST":
            try:
                services.accept_invitation(invitation=found, user=request.user)
            except ValidationError as error:
                _error(request, error)
            else:
                messages.success(
                    request, _("Vous avez rejoint %(name)s.") % {"name": found.organisation.name}
                )
                return redirect("accounts:space")
    elif not has_account:
        form = InvitedAccountForm(request.POST or None, email=found.email)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                user, _membership = services.create_invited_account(
                    invitation=found,
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    password=data["password1"],
                )
            except ValidationError as error:
                _error(request, error)
            else:
                login(request, user, backend=MODEL_BACKEND)
                messages.success(
                    request, _("Bienvenue ! Vous avez rejoint %(name)s.") % {"name": found.organisation.name}
                )
                return redirect("accounts:space")
    context = {
        "invitation": found,
        "form": form,
        "has_account": has_account,
        "email_matches": request.user.is_authenticated
        and services.normalise_email(request.user.email) == found.email,
    }
    return render(request, "accounts/invitation.html", context)


@login_required
def members(request: HttpRequest, org_id: int) -> HttpResponse:
    """An organisation's admins manage its people: members and roles, invitations, join requests."""
    organisation = selectors.get_administered_organisation(request.user, org_id)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invite(
                by=request.user,
                organisation=organisation,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
            )
        except ValidationError as error:
            _error(request, error)
        else:
            messages.success(
                request, _("Invitation envoyée à %(email)s.") % {"email": form.cleaned_data["email"]}
            )
            return redirect("accounts:members", org_id=organisation.pk)
    context = {
        "organisation": organisation,
        "form": form,
        "memberships": list(selectors.organisation_members(organisation)),
        "invitations": list(selectors.pending_invitations(organisation)),
        "join_requests": list(selectors.pending_join_requests(organisation)),
        "roles": Role.choices,
        "admin_count": selectors.admin_count(organisation),
    }
    return render(request, "accounts/members.html", context)


@login_required
@require_POST
def invitation_resend(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.get_invitation_for_admin(request.user, pk)
    try:
        services.resend_invitation(by=request.user, invitation=found)
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(request, _("Invitation renvoyée à %(email)s.") % {"email": found.email})
    return redirect("accounts:members", org_id=found.organisation_id)


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.get_invitation_for_admin(request.user, pk)
    try:
        services.revoke_invitation(by=request.user, invitation=found)
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(request, _("Invitation de %(email)s annulée.") % {"email": found.email})
    return redirect("accounts:members", org_id=found.organisation_id)


def _back_to_members(request: HttpRequest, organisation: Any) -> HttpResponse:
    """The members page, or the personal space for an admin who just stepped down or left."""
    if may_administer_organisation(request.user, organisation):
        return redirect("accounts:members", org_id=organisation.pk)
    return redirect("accounts:space")


@login_required
@require_POST
def membership_role(request: HttpRequest, pk: int) -> HttpResponse:
    membership = selectors.get_membership_for_admin(request.user, pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez un rôle dans la liste."))
    else:
        try:
            services.change_role(by=request.user, membership=membership, role=form.cleaned_data["role"])
        except ValidationError as error:
            _error(request, error)
        else:
            messages.success(request, _("Rôle modifié."))
    return _back_to_members(request, membership.organisation)


@login_required
@require_POST
def membership_remove(request: HttpRequest, pk: int) -> HttpResponse:
    membership = selectors.get_membership_for_admin(request.user, pk)
    try:
        services.remove_member(by=request.user, membership=membership)
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(request, _("Personne retirée de l'organisation."))
    return _back_to_members(request, membership.organisation)


# --- Join requests ---------------------------------------------------------------------------


@login_required
def join(request: HttpRequest, org_id: int) -> HttpResponse:
    """A signed-in person asks to join an organisation of the directory."""
    from filiere.organisations.selectors import can_see_identity, get_organisation_for_user

    organisation = get_organisation_for_user(request.user, org_id)
    if not can_see_identity(request.user, organisation):
        # Non-diffusible units (often individuals) are joined by invitation only: a request
        # page would reveal the name INSEE does not publish.
        raise Http404
    form = JoinRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_to_join(
                user=request.user, organisation=organisation, message=form.cleaned_data["message"]
            )
        except ValidationError as error:
            _error(request, error)
        else:
            messages.success(
                request,
                _("Votre demande a été transmise aux administrateurs de %(name)s.")
                % {"name": organisation.name},
            )
            return redirect("accounts:space")
    return render(request, "accounts/join.html", {"organisation": organisation, "form": form})


@login_required
@require_POST
def join_request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    join_request = selectors.get_join_request_for_admin(request.user, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez d'accepter ou de refuser la demande."))
    else:
        approve = form.cleaned_data["decision"] == "approve"
        try:
            services.decide_join_request(
                by=request.user,
                join_request=join_request,
                approve=approve,
                role=form.cleaned_data["role"] or Role.MEMBER,
            )
        except ValidationError as error:
            _error(request, error)
        else:
            messages.success(request, _("Demande acceptée.") if approve else _("Demande refusée."))
    return redirect("accounts:members", org_id=join_request.organisation_id)


# --- Region administration, deactivation ----------------------------------------------------


@login_required
def region_admin(request: HttpRequest) -> HttpResponse:
    """Regional staff: the organisations of their regions with their admins; each links to its
    members page, where they invite an admin."""
    from filiere.territories.models import Region

    regions = administered_region_codes(request.user)
    if not regions and not is_platform_staff(request.user):
        raise Http404
    q = request.GET.get("q", "").strip()[:100]
    page = Paginator(selectors.region_organisations(request.user, q=q), 50).get_page(request.GET.get("page"))
    context = {
        "regions": Region.objects.filter(code__in=regions).order_by("name"),
        "page": page,
        "q": q,
    }
    return render(request, "accounts/region_admin.html", context)


@login_required
def deactivate(request: HttpRequest) -> HttpResponse:
    """The person closes their own account, after typing their password."""
    form = DeactivateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.deactivate_account(user=request.user)
        except ValidationError as error:
            _error(request, error)
        else:
            logout(request)
            messages.success(request, _("Votre compte est désactivé. Au revoir !"))
            return redirect("core:home")
    return render(
        request,
        "accounts/deactivate.html",
        {"form": form, "sole_admin_of": selectors.sole_admin_organisations(request.user)},
    )
