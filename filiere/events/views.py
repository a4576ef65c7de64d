"""Pages of the events app: public list and page, organiser's edit pages and lists, registration,
ticket, check-in at the door, yearly figures, calendar feeds."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from filiere.accounts import permissions
from filiere.core.params import parse_int
from filiere.organisations import permissions as organisation_permissions
from filiere.organisations.models import Organisation

from . import ics, selectors, services
from .forms import CheckInForm, EventForm, RegistrationForm
from .models import EventKind, RegistrationStatus
from .tickets import check_in_url, qr_svg, ticket_code

PER_PAGE = 20


def event_list(request: HttpRequest) -> HttpResponse:
    g = request.GET
    filters = selectors.EventFilters(
        when="past" if g.get("quand") == "passes" else "upcoming",
        q=g.get("q", "").strip()[:100],
        theme=g.get("theme", "").strip()[:60],
        kind=g.get("type", "") if g.get("type", "") in EventKind.values else "",
        department=g.get("departement", "").strip()[:3],
        organiser=parse_int(g.get("organisateur")),
        online=g.get("en_ligne") == "1",
    )
    page = Paginator(selectors.public_events(filters), PER_PAGE).get_page(parse_int(g.get("page")) or 1)
    params = g.copy()
    params.pop("page", None)
    context = {
        "page": page,
        "filters": filters,
        "kinds": EventKind.choices,
        "themes": selectors.theme_choices(),
        "querystring": params.urlencode(),
        "can_create": selectors.organisations_for_events(request.user).exists(),
    }
    return render(request, "events/event_list.html", context)


def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.get_event_for_user(request.user, pk)
    registration = selectors.active_registration(request.user, event)
    staff = selectors.may_check_in(request.user, event)
    context = {
        "event": event,
        "registration": registration,
        "form": RegistrationForm(user=request.user) if permissions.is_signed_in(request.user) else None,
        "seats_left": selectors.seats_left(event),
        "partners": event.partners.order_by("name"),
        "can_edit": selectors.may_edit_event(request.user, event),
        "is_staff": staff,
        "show_online_link": bool(event.online_url)
        and (staff or (registration is not None and registration.status == RegistrationStatus.CONFIRMED)),
        "attendance": selectors.event_attendance(event) if staff else None,
    }
    return render(request, "events/event_detail.html", context)


@login_required
def event_create(request: HttpRequest) -> HttpResponse:
    if not selectors.organisations_for_events(request.user).exists():
        raise PermissionDenied
    form = EventForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.create_event(
                by=request.user, organiser=form.cleaned_data["organiser"], **form.service_fields()
            )
        except services.ServiceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Événement créé."))
            return redirect("events:detail", pk=event.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "events/event_form.html", {"form": form, "event": None}, status=status)


@login_required
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.get_event_for_user(request.user, pk, manage=True)
    form = EventForm(request.POST or None, instance=event, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_event(by=request.user, event=event, **form.service_fields())
        except services.ServiceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Événement enregistré."))
            return redirect("events:detail", pk=event.pk)
    status = 400 if request.method == "POST" else 200
    # The form's instance may carry unsaved values: reload the event for the page's header.
    event = selectors.get_event_for_user(request.user, pk, manage=True)
    return render(request, "events/event_form.html", {"form": form, "event": event}, status=status)


@login_required
@require_POST
def event_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.get_event_for_user(request.user, pk, manage=True)
    try:
        services.cancel_event(by=request.user, event=event)
    except services.ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Événement annulé : les inscrits sont prévenus par e-mail."))
    return redirect("events:detail", pk=event.pk)


@login_required
@require_POST
def register(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.get_event_for_user(request.user, pk)
    form = RegistrationForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, _("Choisissez une de vos organisations, ou aucune."))
        return redirect("events:detail", pk=event.pk)
    try:
        registration = services.register(
            event=event, user=request.user, organisation=form.cleaned_data["organisation"]
        )
    except services.ServiceError as error:
        messages.error(request, str(error))
        return redirect("events:detail", pk=event.pk)
    if registration.status == RegistrationStatus.CONFIRMED:
        messages.success(
            request, _("Inscription confirmée : votre billet est ci-dessous, et dans l'e-mail envoyé.")
        )
        return redirect("events:ticket", pk=registration.pk)
    messages.info(request, _("L'événement est complet : vous êtes en liste d'attente."))
    return redirect("events:my_registrations")


@login_required
@require_POST
def registration_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    registration = selectors.get_registration_for_user(request.user, pk)
    try:
        services.cancel_registration(registration=registration, by=request.user)
    except services.ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Inscription annulée."))
    return redirect("events:my_registrations")


@login_required
@require_POST
def registration_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    registration = selectors.get_registration_for_user(request.user, pk)
    try:
        registration = services.confirm_offer(registration=registration, by=request.user)
    except services.ServiceError as error:
        messages.error(request, str(error))
        return redirect("events:my_registrations")
    messages.success(request, _("Place confirmée : votre billet est ci-dessous, et dans l'e-mail envoyé."))
    return redirect("events:ticket", pk=registration.pk)


@login_required
def ticket(request: HttpRequest, pk: int) -> HttpResponse:
    registration = selectors.get_registration_for_user(request.user, pk)
    context: dict[str, Any] = {"registration": registration, "event": registration.event}
    if registration.status == RegistrationStatus.CONFIRMED:
        code = ticket_code(registration.pk, registration.event_id)
        context |= {"code": code, "qr": qr_svg(check_in_url(registration.event_id, code))}
    return render(request, "events/ticket.html", context)


@login_required
def my_registrations(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    registrations = list(selectors.registrations_of(request.user))
    context = {
        "upcoming": [r for r in registrations if r.event.ends_at >= now],
        "past": [r for r in registrations if r.event.ends_at < now],
        "feed": services.feed_for_user(request.user),
    }
    return render(request, "events/my_registrations.html", context)


@login_required
def my_events(request: HttpRequest) -> HttpResponse:
    events = selectors.events_organised_by(request.user)
    organisations = selectors.organisations_for_events(request.user).filter(
        pk__in=permissions.organisation_ids_of(request.user)
    )
    context = {"events": events, "organisations": organisations, "can_create": organisations.exists()}
    return render(request, "events/my_events.html", context)


@login_required
def event_registrations(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.get_event_for_user(request.user, pk, door=True)
    context = {
        "event": event,
        "registrations": selectors.event_registrations(event),
        "attendance": selectors.event_attendance(event),
        "can_edit": selectors.may_edit_event(request.user, event),
    }
    return render(request, "events/event_registrations.html", context)


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@login_required
def check_in(request: HttpRequest, pk: int) -> HttpResponse:
    """The door: GET shows the form (pre-filled by a scanned QR code), POST records one code
    or, from the list, one registration. JSON when asked (the offline queue's retries)."""
    event = selectors.get_event_for_user(request.user, pk, door=True)
    form = CheckInForm(request.POST or None, initial={"code": request.GET.get("code", "")[:300]})
    result = error = None
    status = 200
    if request.method == "POST":
        registration_id = parse_int(request.POST.get("registration"))
        try:
            if registration_id:
                result = services.check_in(event=event, registration_id=registration_id, by=request.user)
            elif form.is_valid():
                result = services.check_in_code(event=event, code=form.cleaned_data["code"], by=request.user)
            else:
                raise services.ServiceError(_("Saisissez ou scannez le code du billet."))
        except services.ServiceError as exc:
            error, status = str(exc), 400
        if _wants_json(request):
            return JsonResponse(_check_in_json(result, error), status=status)
        if registration_id and result is not None:
            messages.success(request, _check_in_message(result))
            return redirect("events:registrations", pk=event.pk)
        if result is not None:
            form = CheckInForm()  # ready for the next ticket
    context = {
        "event": event,
        "form": form,
        "result": result,
        "message": _check_in_message(result) if result else "",
        "error": error,
        "attendance": selectors.event_attendance(event),
    }
    return render(request, "events/check_in.html", context, status=status)


def _check_in_message(result: services.CheckIn) -> str:
    person = result.registration.user.get_full_name() or result.registration.user.email
    if result.already:
        when = date_format(timezone.localtime(result.registration.checked_in_at), "TIME_FORMAT")
        return _("%(person)s : arrivée déjà enregistrée à %(when)s (comptée une fois).") % {
            "person": person,
            "when": when,
        }
    return _("%(person)s : bienvenue, arrivée enregistrée.") % {"person": person}


def _check_in_json(result: services.CheckIn | None, error: str | None) -> dict[str, Any]:
    if result is None:
        return {"ok": False, "message": error or ""}
    return {"ok": True, "already": result.already, "message": _check_in_message(result)}


@login_required
def organiser_figures(request: HttpRequest, pk: int) -> HttpResponse:
    """Attendance per year of an organisation's events: for whoever may edit it."""
    organisation = Organisation.objects.filter(pk=pk).first()
    if organisation is None:
        raise Http404
    if not organisation_permissions.may_edit_organisation(request.user, organisation):
        raise PermissionDenied  # the directory is public: the organisation is not hidden
    context = {
        "organisation": organisation,
        "years": selectors.yearly_figures(organisation),
        "feed": services.feed_for_organisation(organisation),
    }
    return render(request, "events/organiser_figures.html", context)


def feed(request: HttpRequest, token: str) -> HttpResponse:
    """A private ICS feed: an organisation's events or a person's confirmed registrations."""
    calendar_feed = selectors.get_feed(token)
    organisation = calendar_feed.organisation
    name = organisation.name if organisation is not None else _("Mes événements")
    body = ics.calendar(selectors.feed_events(calendar_feed), name=str(name))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=900"
    return response
