"""Account pages: the personal space, sign-up and e-mail verification, accepting an invitation,
deactivation (the members page, join requests and regional administration are the
organisations app's, `organisations.views`). Login, logout and passwords are
Django's views (see urls.py) with our forms and templates."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _

from filiere.territories.models import Region

from . import selectors, services
from . import space as space_sections
from .forms import (
    DeactivateForm,
    InvitedAccountForm,
    SignUpForm,
)
from .models import Invitation, User
from .permissions import administered_region_codes, is_signed_in, memberships_of

# Accounts created or verified here sign in without a password check (the link proved the mailbox).
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _error(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


@login_required
def my_organisations(request: HttpRequest) -> HttpResponse:
    """The signed-in user's memberships, with the role in each organisation."""

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


# --- Join requests ---------------------------------------------------------------------------


# --- Region administration, deactivation ----------------------------------------------------


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
