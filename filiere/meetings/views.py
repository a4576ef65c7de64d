"""Pages of the B2B meetings: the marketplace, requests, agenda (page, ICS and PDF), the organiser's
pages (participants' import, planning runs, publication, table plan and its PDF, check-in,
no-shows, figures)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from filiere.core.forms import service_messages
from filiere.core.params import parse_int
from filiere.events import selectors as events_selectors

from . import ics, importers, pdf, selectors, services
from .forms import JoinForm, ProgrammeForm
from .models import Attendance, Participant, RequestStatus


def _refused(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(service_messages(error)))


def _slot_choices(programme: Any) -> list[tuple[int, str]]:
    return [
        (
            s,
            f"{timezone.localtime(programme.slot_start(s)):%H:%M}–{timezone.localtime(programme.slot_end(s)):%H:%M}",
        )
        for s in range(programme.slots)
    ]


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "meetings/mine.html",
        {
            "taking_part": selectors.programmes_of(request.user),
            "managed": selectors.programmes_managed_by(request.user),
        },
    )


@login_required
def programme_create(request: HttpRequest, event_pk: int) -> HttpResponse:
    event = events_selectors.get_event_for_user(request.user, event_pk, manage=True)
    existing = selectors.programme_for_event(event)
    if existing is not None:
        return redirect("meetings:manage", existing.pk)
    form = ProgrammeForm(
        request.POST or None, initial={"first_slot_at": event.starts_at, "requests_close_at": event.starts_at}
    )
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.create_programme(by=request.user, event=event, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("meetings:manage", programme.pk)
    return render(request, "meetings/programme_form.html", {"form": form, "event": event})


@login_required
def programme(request: HttpRequest, pk: int) -> HttpResponse:
    programme = selectors.get_programme_for_user(request.user, pk)
    me = selectors.participant_of(request.user, programme)
    q = request.GET.get("q", "").strip()[:100]
    others = selectors.active_participants(programme)
    if me is not None:
        others = others.exclude(pk=me.pk)
    if q:
        others = others.filter(
            Q(organisation__name__icontains=q)
            | Q(presentation__icontains=q)
            | Q(user__last_name__icontains=q)
        )
    asked: set[int] = set()
    requests = []
    if me is not None:
        requests = list(selectors.requests_of(me))
        asked = {r.recipient_id if r.sender_id == me.pk else r.sender_id for r in requests}
    join_form = None
    if me is None:
        join_form = JoinForm(
            organisations=events_selectors.firms_for_registration(request.user),
            slots=_slot_choices(programme),
        )
    context = {
        "programme": programme,
        "event": programme.event,
        "me": me,
        "others": others[:200],
        "q": q,
        "asked": asked,
        "received": [r for r in requests if me is not None and r.recipient_id == me.pk],
        "sent": [r for r in requests if me is not None and r.sender_id == me.pk],
        "open": timezone.now() <= programme.requests_close_at,
        "can_manage": selectors.may_manage(request.user, programme),
        "join_form": join_form,
        "registered": events_selectors.active_registration(request.user, programme.event) is not None,
    }
    return render(request, "meetings/programme.html", context)


@login_required
@require_POST
def join(request: HttpRequest, pk: int) -> HttpResponse:
    programme = selectors.get_programme_for_user(request.user, pk)
    organisations = events_selectors.firms_for_registration(request.user)
    form = JoinForm(request.POST, organisations=organisations, slots=_slot_choices(programme))
    if not form.is_valid():
        messages.error(request, _("Vérifiez le formulaire."))
        return redirect("meetings:programme", pk)
    data = form.cleaned_data
    try:
        services.join(
            programme=programme,
            user=request.user,
            role=data["role"],
            organisation=organisations.filter(pk=data["organisation"]).first()
            if data["organisation"]
            else None,
            presentation=data["presentation"],
            unavailable_slots=data["unavailable_slots"],
        )
    except ValidationError as error:
        _refused(request, error)
    return redirect("meetings:programme", pk)


@login_required
@require_POST
def send_request(request: HttpRequest, pk: int) -> HttpResponse:
    programme = selectors.get_programme_for_user(request.user, pk)
    recipient = Participant.objects.filter(
        programme=programme, pk=parse_int(request.POST.get("recipient")) or 0
    ).first()
    if recipient is None:
        raise Http404
    try:
        services.send_request(
            programme=programme, by=request.user, recipient=recipient, reason=request.POST.get("reason", "")
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("Demande envoyée."))
    return redirect("meetings:programme", pk)


@login_required
@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.get_request_for_user(request.user, pk)
    try:
        services.answer_request(request=found, by=request.user, accept=request.POST.get("accept") == "1")
    except ValidationError as error:
        _refused(request, error)
    return redirect("meetings:programme", found.programme_id)


@login_required
def agenda(request: HttpRequest, pk: int) -> HttpResponse:
    programme = selectors.get_programme_for_user(request.user, pk)
    me = selectors.participant_of(request.user, programme)
    if me is None:
        raise Http404
    rows = [
        (
            m,
            programme.slot_start(m.slot),
            programme.slot_end(m.slot),
            m.request.recipient if m.request.sender_id == me.pk else m.request.sender,
        )
        for m in selectors.agenda(me)
    ]
    return render(
        request,
        "meetings/agenda.html",
        {"programme": programme, "event": programme.event, "me": me, "rows": rows},
    )


@login_required
def agenda_ics(request: HttpRequest, pk: int) -> HttpResponse:
    programme = selectors.get_programme_for_user(request.user, pk)
    me = selectors.participant_of(request.user, programme)
    if me is None:
        raise Http404
    response = HttpResponse(
        ics.agenda(programme, me, selectors.agenda(me)), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="rendez-vous.ics"'
    return response


@login_required
def agenda_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    programme = selectors.get_programme_for_user(request.user, pk)
    me = selectors.participant_of(request.user, programme)
    if me is None:
        raise Http404
    response = HttpResponse(
        pdf.agenda_pdf(programme, me, selectors.agenda(me)), content_type="application/pdf"
    )
    response["Content-Disposition"] = 'attachment; filename="rendez-vous.pdf"'
    return response


@login_required
@require_POST
def rate(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.get_meeting_for_user(request.user, pk)
    try:
        services.rate(meeting=meeting, by=request.user, rating=parse_int(request.POST.get("rating")) or 0)
    except ValidationError as error:
        _refused(request, error)
    return redirect("meetings:agenda", meeting.request.programme_id)


# --- Organisers ----------------------------------------------------------------------------


@login_required
def manage(request: HttpRequest, pk: int) -> HttpResponse:
    programme = selectors.get_programme_for_user(request.user, pk, manage=True)
    context = {
        "programme": programme,
        "event": programme.event,
        "figures": selectors.figures(programme),
        "participants": selectors.active_participants(programme),
        "requests": selectors.programme_requests(programme)[:500],
        "statuses": RequestStatus,
    }
    return render(request, "meetings/manage.html", context)


@login_required
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    programme = selectors.get_programme_for_user(request.user, pk, manage=True)
    rows = [
        (slot, label, cells)
        for (slot, cells), (_s, label) in zip(
            selectors.table_plan(programme), _slot_choices(programme), strict=True
        )
    ]
    return render(
        request,
        "meetings/plan.html",
        {
            "programme": programme,
            "event": programme.event,
            "rows": rows,
            "tables": range(programme.tables),
            "attendance": Attendance,
        },
    )


@login_required
def plan_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    programme = selectors.get_programme_for_user(request.user, pk, manage=True)
    response = HttpResponse(
        pdf.plan_pdf(programme, list(selectors.programme_meetings(programme))), content_type="application/pdf"
    )
    response["Content-Disposition"] = 'attachment; filename="plan-de-tables.pdf"'
    return response


MAX_UPLOAD = 5 * 1024 * 1024


@login_required
def import_participants(request: HttpRequest, pk: int) -> HttpResponse:
    """The organisers' import of participants and requests (CSV or XLSX, importers/); the
    report is shown on the page, and a rerun of the same file changes nothing. The registrations
    for the event are made by a task after the import: the page shows the last pass's state
    (polled while pending) and, once done, its counts and notes."""
    programme = selectors.get_programme_for_user(request.user, pk, manage=True)
    report = None
    if request.method == "POST":
        upload = request.FILES.get("fichier")
        if upload is None or not upload.size or upload.size > MAX_UPLOAD:
            messages.error(request, _("Choisissez un fichier CSV ou XLSX (5 Mo au plus)."))
        else:
            report = importers.import_participants(
                programme=programme, by=request.user, filename=upload.name or "", data=upload.read()
            )
    context = {
        "programme": programme,
        "event": programme.event,
        "report": report,
        "runs": importers.runs_of(programme),
        "registrations": importers.registrations_of(programme),
        "max_rows": importers.MAX_ROWS,
    }
    return render(request, "meetings/import.html", context)


@login_required
@require_POST
def action(request: HttpRequest, pk: int) -> HttpResponse:
    """Run the scheduler, publish, unpublish, lock, unlock."""
    programme = selectors.get_programme_for_user(request.user, pk, manage=True)
    what = request.POST.get("action", "")
    try:
        if what == "run":
            services.request_schedule(programme=programme, by=request.user)
            messages.success(request, _("Calcul du planning lancé."))
        elif what == "publish":
            services.publish(programme=programme, by=request.user)
            messages.success(request, _("Planning publié : chaque participant a reçu son agenda."))
        elif what == "unpublish":
            services.unpublish(programme=programme, by=request.user)
        elif what in ("lock", "unlock"):
            services.set_locked(programme=programme, by=request.user, locked=what == "lock")
    except ValidationError as error:
        _refused(request, error)
    return redirect("meetings:manage", pk)


@login_required
@require_POST
def add_request(request: HttpRequest, pk: int) -> HttpResponse:
    programme = selectors.get_programme_for_user(request.user, pk, manage=True)
    people = Participant.objects.filter(programme=programme)
    sender = people.filter(pk=parse_int(request.POST.get("sender")) or 0).first()
    recipient = people.filter(pk=parse_int(request.POST.get("recipient")) or 0).first()
    if sender is None or recipient is None:
        messages.error(request, _("Choisissez deux participants du programme."))
        return redirect("meetings:manage", pk)
    try:
        services.add_request(
            programme=programme, by=request.user, sender=sender, recipient=recipient,
            reason=request.POST.get("reason", ""), priority=parse_int(request.POST.get("priority")) or 0,
        )  # fmt: skip
    except ValidationError as error:
        _refused(request, error)
    return redirect("meetings:manage", pk)


@login_required
@require_POST
def check_in(request: HttpRequest, pk: int, participant_pk: int) -> HttpResponse:
    programme = selectors.get_programme_for_user(request.user, pk, manage=True)
    participant = Participant.objects.filter(programme=programme, pk=participant_pk).first()
    if participant is None:
        raise Http404
    services.check_in(participant=participant, by=request.user)
    return redirect("meetings:manage", pk)


@login_required
@require_POST
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.get_meeting_for_user(request.user, pk)
    try:
        services.mark_attendance(
            meeting=meeting, by=request.user, attendance=request.POST.get("attendance", "")
        )
    except ValidationError as error:
        _refused(request, error)
    return redirect("meetings:plan", meeting.request.programme_id)
