"""Pages of a cluster's bodies, for its board secretary: the bodies (general assembly, board,
colleges, consultative body) with their seats, quorum and proxy cap; a body's meetings (convened
by mail, attendance and proxies, quorum, minutes); a meeting's decisions and their vote per
college. People seated in a body read its pages; the public reads the register only."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from filiere.accounts.models import User
from filiere.core.forms import run_service, service_messages
from filiere.organisations.models import College

from .. import selectors, services
from ..models import Body, Meeting, Membership, MembershipStatus, Seat
from ..models import Decision as DecisionModel
from . import selectors as bodies
from . import services as bodies_services
from .forms import (
    ABSENT,
    PRESENT,
    PROXY,
    AttendanceForm,
    BodyForm,
    DecisionForm,
    MeetingForm,
    MinutesForm,
    SeatForm,
    SeatOrganisationForm,
    VoteForm,
)


def _user(request: HttpRequest) -> User:
    # Every view here is behind login_required: the user is an account.
    return cast(User, request.user)


def _body_form(request: HttpRequest, owner_id: int, body: Body | None = None) -> BodyForm:
    initial = {}
    if body is not None:
        initial = {
            "kind": body.kind,
            "name": body.name,
            "college": body.college_id,
            "quorum_percent": int(body.quorum * 100),
            "max_proxies": body.max_proxies,
        }
    return BodyForm(
        request.POST or None,
        colleges=College.objects.filter(cluster_id=owner_id).order_by("name"),
        initial=initial,
    )


@login_required
def body_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The owner's bodies, and a form to create one."""
    owner = bodies.get_owner_for_board(request.user, pk)
    form = _body_form(request, owner.pk)
    if request.method == "POST":
        body = run_service(
            form, lambda d: bodies_services.save_body(by=_user(request), owner=owner, **form.service_data())
        )
        if body is not None:
            messages.success(request, _("Instance créée : ajoutez-y ses sièges."))
            return redirect("governance:body", body.pk)
    context = {"owner": owner, "bodies": bodies.bodies_of(owner), "form": form}
    return render(request, "governance/bodies/list.html", context)


@login_required
def body_edit(request: HttpRequest, pk: int) -> HttpResponse:
    body = bodies.get_body_for_user(request.user, pk, manage=True)
    form = _body_form(request, body.cluster_id, body)
    if request.method == "POST":
        if run_service(
            form,
            lambda d: bodies_services.save_body(
                by=_user(request), owner=body.cluster, body=body, **form.service_data()
            ),
        ):
            messages.success(request, _("Instance modifiée."))
            return redirect("governance:body", body.pk)
    return render(request, "governance/bodies/edit.html", {"body": body, "form": form})


def _seat_form(request: HttpRequest, body: Body) -> SeatForm:
    memberships = (
        Membership.objects.filter(cluster_id=body.cluster_id, status=MembershipStatus.ACTIVE)
        .select_related("organisation", "person")
        .order_by("organisation__name")
    )
    colleges = College.objects.filter(cluster_id=body.cluster_id).order_by("name")
    return SeatForm(request.POST or None, memberships=memberships, colleges=colleges)


@login_required
def body(request: HttpRequest, pk: int) -> HttpResponse:
    """A body: its seats and meetings. The board adds seats here (POST)."""
    body = bodies.get_body_for_user(request.user, pk, manage=request.method == "POST")
    board = selectors.is_board(request.user, body.cluster_id)
    seat_form = _seat_form(request, body) if board else None
    if request.method == "POST" and seat_form is not None:
        seat = run_service(
            seat_form,
            lambda d: bodies_services.add_seat(
                by=_user(request), body=body, email=d["email"], membership=d["membership"],
                college=d["college"], role=d["role"],
            ),
        )  # fmt: skip
        if seat is not None:
            messages.success(request, _("Siège ajouté."))
            return redirect("governance:body", body.pk)
    rows = bodies.seat_rows(body)
    context = {
        "body": body,
        "board": board,
        "rows": rows,
        "seat_rows": [(row, _seat_organisation_form(None, row.seat) if board else None) for row in rows],
        "meetings": body.meetings.order_by("-starts_at"),
        "seat_form": seat_form,
        "quorum_percent": int(body.quorum * 100),
    }
    return render(request, "governance/bodies/body.html", context)


def _seat_organisation_form(data: Any, seat: Seat) -> SeatOrganisationForm:
    return SeatOrganisationForm(
        data,
        organisations=bodies_services.person_organisations(seat.user),
        initial={"organisation": seat.organisation_id},
        prefix=f"seat-{seat.pk}",
    )


@login_required
@require_POST
def seat_organisation(request: HttpRequest, pk: int, seat_pk: int) -> HttpResponse:
    """The board names the organisation a seat represents (one of the person's)."""
    body = bodies.get_body_for_user(request.user, pk, manage=True)
    seat = get_object_or_404(body.seats.select_related("body", "user"), pk=seat_pk)
    form = _seat_organisation_form(request.POST, seat)
    done = run_service(
        form,
        lambda d: bodies_services.set_seat_organisation(
            by=_user(request), seat=seat, organisation=d["organisation"]
        ),
    )
    if done is not None:
        messages.success(request, _("Organisation du siège enregistrée."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("governance:body", body.pk)


@login_required
@require_POST
def seat_remove(request: HttpRequest, pk: int, seat_pk: int) -> HttpResponse:
    body = bodies.get_body_for_user(request.user, pk, manage=True)
    seat = body.seats.filter(pk=seat_pk).select_related("body").first()
    if seat is not None:
        try:
            bodies_services.remove_seat(by=_user(request), seat=seat)
            messages.success(request, _("Siège retiré."))
        except ValidationError as error:
            messages.error(request, " ".join(service_messages(error)))
    return redirect("governance:body", body.pk)


@login_required
def meeting_create(request: HttpRequest, pk: int) -> HttpResponse:
    body = bodies.get_body_for_user(request.user, pk, manage=True)
    form = MeetingForm(request.POST or None)
    if request.method == "POST":
        meeting = run_service(
            form,
            lambda d: bodies_services.save_meeting(
                by=_user(request), body=body, starts_at=d["starts_at"], place=d["place"], agenda=d["agenda"]
            ),
        )
        if meeting is not None:
            messages.success(
                request, _("Réunion créée : convoquez ses membres quand l'ordre du jour est prêt.")
            )
            return redirect("governance:meeting", meeting.pk)
    return render(
        request, "governance/bodies/meeting_form.html", {"body": body, "form": form, "meeting": None}
    )


@login_required
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = bodies.get_meeting_for_user(request.user, pk, manage=True)
    form = MeetingForm(
        request.POST or None,
        initial={"starts_at": meeting.starts_at, "place": meeting.place, "agenda": meeting.agenda},
    )
    if request.method == "POST":
        if run_service(
            form,
            lambda d: bodies_services.save_meeting(
                by=_user(request), body=meeting.body, meeting=meeting, starts_at=d["starts_at"],
                place=d["place"], agenda=d["agenda"],
            ),
        ):  # fmt: skip
            messages.success(request, _("Réunion modifiée."))
            return redirect("governance:meeting", meeting.pk)
    context = {"body": meeting.body, "form": form, "meeting": meeting}
    return render(request, "governance/bodies/meeting_form.html", context)


def _meeting_page(
    request: HttpRequest, meeting: Meeting, minutes_form: MinutesForm | None = None
) -> HttpResponse:
    board = selectors.is_board(request.user, meeting.body.cluster_id)
    attendance = bodies.attendance_by_seat(meeting)
    rows = bodies.seat_rows(meeting.body)
    names = {row.seat.pk: row.name for row in rows}
    sheet = [
        (
            row,
            attendance.get(row.seat.pk),
            names.get(attendance[row.seat.pk].proxy_to_id or 0, "") if row.seat.pk in attendance else "",
        )
        for row in rows
    ]
    if board and minutes_form is None:
        minutes_form = MinutesForm(initial={"minutes": meeting.minutes})
    context = {
        "meeting": meeting,
        "body": meeting.body,
        "board": board,
        "sheet": sheet,
        "quorum": bodies.quorum(meeting),
        "decisions": bodies.decisions_of(meeting),
        "minutes_form": minutes_form,
        "minutes_visible": bodies.minutes_visible(request.user, meeting),
    }
    return render(request, "governance/bodies/meeting.html", context)


@login_required
def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    """A meeting: agenda, convocation, attendance and quorum, decisions, minutes."""
    return _meeting_page(request, bodies.get_meeting_for_user(request.user, pk))


@login_required
@require_POST
def meeting_convene(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = bodies.get_meeting_for_user(request.user, pk, manage=True)
    sent = services.convene(meeting=meeting, by=_user(request))
    messages.success(request, _("Convocation envoyée à %(n)d membre(s).") % {"n": sent})
    return redirect("governance:meeting", meeting.pk)


@login_required
@require_POST
def meeting_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = bodies.get_meeting_for_user(request.user, pk, manage=True)
    form = MinutesForm(request.POST)
    publish = request.POST.get("publish") == "1"
    sent = run_service(
        form,
        lambda d: bodies_services.save_minutes(
            by=_user(request), meeting=meeting, minutes=d["minutes"], publish=publish
        ),
    )
    if sent is None:
        return _meeting_page(request, meeting, minutes_form=form)
    if publish:
        messages.success(request, _("Procès-verbal publié et envoyé à %(n)d membre(s).") % {"n": sent})
    else:
        messages.success(request, _("Procès-verbal enregistré."))
    return redirect("governance:meeting", meeting.pk)


@login_required
def meeting_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """The attendance sheet: a row per seat (present, absent, proxy to someone present)."""
    meeting = bodies.get_meeting_for_user(request.user, pk, manage=True)
    rows = bodies.seat_rows(meeting.body)
    recorded = bodies.attendance_by_seat(meeting)
    initial = {
        seat: PRESENT if a.present else (f"{PROXY}{a.proxy_to_id}" if a.proxy_to_id else ABSENT)
        for seat, a in recorded.items()
    }
    form = AttendanceForm(
        request.POST or None, rows=rows, max_proxies=meeting.body.max_proxies, initial_values=initial
    )
    if request.method == "POST":
        done = run_service(
            form,
            lambda d: (
                services.record_attendance(meeting=meeting, by=_user(request), **form.service_data()) or True
            ),
        )
        if done:
            messages.success(request, _("Feuille de présence enregistrée."))
            return redirect("governance:meeting", meeting.pk)
    context = {"meeting": meeting, "body": meeting.body, "form": form, "quorum": bodies.quorum(meeting)}
    return render(request, "governance/bodies/attendance.html", context)


@login_required
def decision_create(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = bodies.get_meeting_for_user(request.user, pk, manage=True)
    form = DecisionForm(request.POST or None)
    if request.method == "POST":
        decision = run_service(
            form, lambda d: bodies_services.create_decision(by=_user(request), meeting=meeting, **d)
        )
        if decision is not None:
            messages.success(request, _("Décision ajoutée : saisissez le vote de chaque collège."))
            return redirect("governance:decision", decision.pk)
    return render(request, "governance/bodies/decision_form.html", {"meeting": meeting, "form": form})


def _initial_counts(decision: DecisionModel) -> dict[int | None, tuple[int, int, int]]:
    return {v.college_id: (v.yes, v.no, v.abstain) for v in decision.college_votes.all()}


@login_required
def decision(request: HttpRequest, pk: int) -> HttpResponse:
    """A decision: its text, the vote per college and the weighted result; the board edits the
    text and records the vote (POST `action` = `text` or `vote`)."""
    decision = bodies.get_decision_for_user(request.user, pk, manage=request.method == "POST")
    meeting = decision.meeting
    board = selectors.is_board(request.user, meeting.body.cluster_id)
    colleges = bodies.vote_colleges(meeting.body.cluster)
    action = request.POST.get("action") if request.method == "POST" else None
    text_form = DecisionForm(
        request.POST if action == "text" else None,
        initial={"title": decision.title, "text": decision.text, "is_public": decision.is_public},
    )
    vote_form = VoteForm(
        request.POST if action == "vote" else None,
        colleges=colleges,
        initial_counts=_initial_counts(decision),
    )
    if action == "text":
        updated = run_service(
            text_form, lambda d: bodies_services.update_decision(by=_user(request), decision=decision, **d)
        )
        if updated is not None:
            messages.success(request, _("Décision modifiée."))
            return redirect("governance:decision", decision.pk)
    if action == "vote":
        counted = run_service(
            vote_form,
            lambda d: services.record_vote(decision=decision, by=_user(request), counts=vote_form.counts()),
        )
        if counted is not None:
            verdict = _("adoptée") if counted.adopted else _("rejetée")
            messages.success(request, _("Vote enregistré : décision %(verdict)s.") % {"verdict": verdict})
            return redirect("governance:decision", decision.pk)
    context = {
        "decision": decision,
        "meeting": meeting,
        "body": meeting.body,
        "board": board,
        "result": bodies.decision_result(decision),
        "quorum": bodies.quorum(meeting),
        "text_form": text_form if board else None,
        "vote_form": vote_form if board else None,
    }
    return render(request, "governance/bodies/decision.html", context)
