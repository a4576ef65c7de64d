"""Pages of consultations: the process and its phases, a section of the draft with its amendments
(as diffs), proposals, arguments and supports; moderation, answers, versions, the trace of an
action, the results report and its exports."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from filiere.core.forms import run_service, service_messages
from filiere.core.params import parse_int

from . import reports, selectors, services
from .forms import (
    AnswerForm,
    ConclusionForm,
    ContributionForm,
    JoinForm,
    MeetingForm,
    ModerateForm,
    PhaseForm,
    ProcessForm,
    ReportForm,
    VersionForm,
)
from .models import Answer, Field, HideReason, Kind, NodeType

PER_PAGE = 20


def _safe_next(request: HttpRequest, value: str | None, default: str) -> str:
    """`value` when it is a path of this site, else `default` (no open redirect)."""
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return default


def process_list(request: HttpRequest) -> HttpResponse:
    processes = selectors.processes_for_user(request.user)
    may_create = selectors.plans_open_to_consultation(request.user).exists()
    return render(
        request, "consultations/process_list.html", {"processes": processes, "may_create": may_create}
    )


@login_required
def process_create(request: HttpRequest) -> HttpResponse:
    """Open a consultation on a plan the person edits as a whole; then its phases are added."""
    plans = selectors.plans_open_to_consultation(request.user)
    if not plans.exists():
        raise PermissionDenied
    form = ProcessForm(request.POST or None, plans=plans)
    if request.method == "POST":
        process = run_service(form, lambda d: services.create_process(by=request.user, **d))
        if process is not None:
            messages.success(
                request, _("Consultation créée en brouillon : ajoutez ses phases, puis publiez-la.")
            )
            return redirect("consultations:phases", pk=process.pk)
    return render(request, "consultations/process_form.html", {"form": form})


@login_required
def phases(request: HttpRequest, pk: int) -> HttpResponse:
    """The team adds the phases of its process and publishes or withdraws it."""
    process = selectors.get_process_for_user(request.user, pk)
    if not selectors.is_team(request.user, process):
        raise PermissionDenied
    form = PhaseForm(request.POST or None)
    if request.method == "POST":
        phase = run_service(form, lambda d: services.add_phase(by=request.user, process=process, **d))
        if phase is not None:
            messages.success(request, _("Phase « %(title)s » ajoutée.") % {"title": phase.title})
            return redirect("consultations:phases", pk=process.pk)
    context = {"process": process, "form": form, "phases": process.phases.all()}
    return render(request, "consultations/phases.html", context)


@login_required
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    process = selectors.get_process_for_user(request.user, pk)
    published = request.POST.get("published") == "1"
    services.set_published(by=request.user, process=process, published=published)
    messages.success(
        request, _("Consultation publiée.") if published else _("Consultation retirée (brouillon).")
    )
    return redirect("consultations:phases", pk=process.pk)


def process_detail(request: HttpRequest, pk: int) -> HttpResponse:
    process = selectors.get_process_for_user(request.user, pk)
    context = {
        "process": process,
        "phases": process.phases.all(),
        "current": selectors.current_phase(process),
        "today": timezone.localdate(),
        "sections": selectors.sections_with_counts(process),
        "participation": selectors.participation_of(request.user, process),
        "is_team": selectors.is_team(request.user, process),
        "is_moderator": selectors.is_moderator(request.user, process),
        "meetings": selectors.meetings(process),
        "versions": selectors.versions(process),
    }
    return render(request, "consultations/process_detail.html", context)


@login_required
def join(request: HttpRequest, pk: int) -> HttpResponse:
    process = selectors.get_process_for_user(request.user, pk)
    current = selectors.participation_of(request.user, process)
    initial: dict[str, Any] = {}
    if current:
        initial = {
            "pseudonym": current.pseudonym,
            "visibility": current.visibility,
            "actor_kind": current.actor_kind,
            "siren": current.organisation.siren if current.organisation else "",
            "department": current.department_id,
            "consent": True,
        }
    form = JoinForm(request.POST or None, initial=initial)
    if request.method == "POST":
        done = run_service(form, lambda d: services.join(by=request.user, process=process, **d))
        if done is not None:
            messages.success(request, _("Votre participation est enregistrée."))
            return redirect(
                _safe_next(
                    request, request.GET.get("next"), reverse("consultations:detail", args=[process.pk])
                )
            )
    return render(
        request, "consultations/join.html", {"process": process, "form": form, "participation": current}
    )


@login_required
@require_POST
def erase(request: HttpRequest, pk: int) -> HttpResponse:
    process = selectors.get_process_for_user(request.user, pk)
    participation = selectors.participation_of(request.user, process)
    if participation is None:
        raise Http404
    services.erase_participation(by=request.user, participation=participation)
    messages.success(request, _("Votre identité a été effacée ; vos textes restent publiés sans nom."))
    return redirect("consultations:detail", pk=process.pk)


def _node_type(value: str) -> str:
    if value not in NodeType.values:
        raise Http404
    return value


def section(request: HttpRequest, pk: int, node_type: str, node_id: int) -> HttpResponse:
    process = selectors.get_process_for_user(request.user, pk)
    current_section = selectors.find_section(process, _node_type(node_type), node_id)
    participation = selectors.participation_of(request.user, process)
    moderator = selectors.is_moderator(request.user, process)
    form = ContributionForm(request.POST or None, initial={"field": Field.DESCRIPTION})
    if request.method == "POST":
        if participation is None:
            raise PermissionDenied
        parent = None
        if parent_id := parse_int(request.POST.get("parent")):
            parent = selectors.get_contribution_for_user(request.user, parent_id)

        def call(d: dict[str, Any]) -> Any:
            return services.contribute(
                by=request.user,
                process=process,
                kind=d["kind"],
                node_type=node_type,
                node_id=node_id,
                body=d["body"],
                title=d["title"] or "",
                field=d["field"] or "",
                parent=parent,
            )

        contribution = run_service(form, call, field="body")
        if contribution is not None:
            messages.success(request, _("Votre contribution est publiée."))
            return redirect(f"{request.path}#c{contribution.pk}")
    rows = selectors.section_contributions(process, node_type, node_id, show_hidden=moderator)
    page = Paginator(rows, PER_PAGE).get_page(parse_int(request.GET.get("page")) or 1)
    items = list(page.object_list)
    context = {
        "process": process,
        "section": current_section,
        "page": page,
        "items": [
            (c, selectors.diff_html(c.original_text, c.body) if c.kind == Kind.AMENDMENT else None)
            for c in items
        ],
        "replies": selectors.replies_by_parent(items, show_hidden=moderator),
        "comments": selectors.section_comments(process, node_type, node_id),
        "supported": selectors.supported_ids(participation, items),
        "participation": participation,
        "phase": selectors.current_phase(process),
        "form": form,
        "report_form": ReportForm(),
        "is_moderator": moderator,
        "hide_reasons": HideReason.choices,
    }
    return render(request, "consultations/section.html", context)


def _back(request: HttpRequest, contribution: Any) -> HttpResponse:
    url = reverse(
        "consultations:section", args=[contribution.process_id, contribution.node_type, contribution.node_id]
    )
    return redirect(f"{url}#c{contribution.parent_id or contribution.pk}")


@login_required
@require_POST
def support(request: HttpRequest, pk: int) -> HttpResponse:
    contribution = selectors.get_contribution_for_user(request.user, pk)
    try:
        if request.POST.get("withdraw"):
            services.withdraw_support(by=request.user, contribution=contribution)
        else:
            services.support(by=request.user, contribution=contribution)
            messages.success(request, _("Votre soutien est enregistré."))
    except ValidationError as error:
        messages.error(request, " ".join(service_messages(error)))
    return _back(request, contribution)


@login_required
@require_POST
def report(request: HttpRequest, pk: int) -> HttpResponse:
    contribution = selectors.get_contribution_for_user(request.user, pk)
    form = ReportForm(request.POST)
    if run_service(form, lambda d: services.report(by=request.user, contribution=contribution, **d)):
        messages.success(request, _("Merci : l'équipe de modération examinera ce signalement."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return _back(request, contribution)


@login_required
@require_POST
def moderate(request: HttpRequest, pk: int) -> HttpResponse:
    contribution = selectors.get_contribution_for_user(request.user, pk)
    if not selectors.is_moderator(request.user, contribution.process):
        raise PermissionDenied
    form = ModerateForm(request.POST)
    if run_service(form, lambda d: services.moderate(by=request.user, contribution=contribution, **d)):
        messages.success(request, _("Modération enregistrée."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(
        request.POST.get("next") or reverse("consultations:moderation", args=[contribution.process_id])
    )


@login_required
def moderation_queue(request: HttpRequest, pk: int) -> HttpResponse:
    process = selectors.get_process_for_user(request.user, pk)
    if not selectors.is_moderator(request.user, process):
        raise PermissionDenied
    page = Paginator(selectors.moderation_queue(process), PER_PAGE).get_page(
        parse_int(request.GET.get("page")) or 1
    )
    context = {
        "process": process,
        "page": page,
        "reports": selectors.open_reports(page.object_list),
        "hide_reasons": HideReason.choices,
    }
    return render(request, "consultations/moderation.html", context)


@login_required
def answers(request: HttpRequest, pk: int) -> HttpResponse:
    process = selectors.get_process_for_user(request.user, pk)
    if not selectors.is_team(request.user, process):
        raise PermissionDenied
    form = AnswerForm(request.POST or None)
    if request.method == "POST":
        ids = [i for i in (parse_int(v) for v in request.POST.getlist("ids")) if i]
        done = run_service(
            form,
            lambda d: services.answer(by=request.user, process=process, contribution_ids=ids, **d),
            field="reason",
        )
        if done is not None:
            messages.success(request, _("%(n)s contribution(s) répondue(s).") % {"n": done})
            return redirect("consultations:answers", pk=process.pk)
    version_form = VersionForm()
    context = {
        "process": process,
        "groups": selectors.similar_groups(process),
        "form": form,
        "version_form": version_form,
        "accepted_waiting": process.contributions.filter(answer=Answer.ACCEPTED, applied_in=None).count(),
    }
    return render(request, "consultations/answers.html", context)


def version_list(request: HttpRequest, pk: int) -> HttpResponse:
    process = selectors.get_process_for_user(request.user, pk)
    team = selectors.is_team(request.user, process)
    form = VersionForm(request.POST or None)
    if request.method == "POST":
        if not team:
            raise PermissionDenied
        version = run_service(
            form, lambda d: services.publish_version(by=request.user, process=process, **d), field="reason"
        )
        if version is not None:
            messages.success(request, _("Version %(n)s publiée.") % {"n": version.number})
            return redirect("consultations:version", pk=process.pk, number=version.number)
    context = {"process": process, "versions": selectors.versions(process), "form": form, "is_team": team}
    return render(request, "consultations/versions.html", context)


def version_detail(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    process = selectors.get_process_for_user(request.user, pk)
    version = selectors.get_version(process, number)
    changes = [(c, selectors.diff_html(c.before, c.after)) for c in selectors.version_changes(version)]
    return render(
        request, "consultations/version.html", {"process": process, "version": version, "changes": changes}
    )


def action_trace(request: HttpRequest, pk: int, action_id: int) -> HttpResponse:
    process = selectors.get_process_for_user(request.user, pk)
    current = selectors.find_section(process, NodeType.ACTION, action_id)
    contributions, changes = selectors.action_trace(process, action_id)
    context = {
        "process": process,
        "section": current,
        "contributions": contributions,
        "changes": [(c, selectors.diff_html(c.before, c.after)) for c in changes],
    }
    return render(request, "consultations/action.html", context)


@login_required
def meeting_link(request: HttpRequest, pk: int) -> HttpResponse:
    process = selectors.get_process_for_user(request.user, pk)
    if not selectors.is_team(request.user, process):
        raise PermissionDenied
    form = MeetingForm(request.POST or None, process=process)
    if request.method == "POST":

        def call(d: dict[str, Any]) -> Any:
            try:
                return services.link_meeting(
                    by=request.user, process=process, phase=d["phase"], event_id=d["event"]
                )
            except Http404 as exc:
                raise ValidationError({"event": _("Aucun événement visible ne porte ce numéro.")}) from exc

        meeting = run_service(form, call)
        if meeting is not None:
            return redirect("consultations:meeting", pk=process.pk, meeting_id=meeting.pk)
    return render(
        request,
        "consultations/meeting_link.html",
        {"process": process, "form": form, "meetings": selectors.meetings(process)},
    )


def meeting_detail(request: HttpRequest, pk: int, meeting_id: int) -> HttpResponse:
    process = selectors.get_process_for_user(request.user, pk)
    meeting = selectors.get_meeting(process, meeting_id)
    team = selectors.is_team(request.user, process)
    sections = selectors.plan_sections(process.plan)
    form = ConclusionForm(request.POST or None, sections=sections)
    if request.method == "POST":
        if not team:
            raise PermissionDenied

        def call(d: dict[str, Any]) -> Any:
            node_type, node_id = d["section"].split(":")
            return services.record_conclusion(
                by=request.user,
                meeting=meeting,
                node_type=node_type,
                node_id=int(node_id),
                title=d["title"],
                body=d["body"],
            )

        if run_service(form, call, field="body") is not None:
            messages.success(
                request, _("Conclusion enregistrée : elle sera répondue comme les autres contributions.")
            )
            return redirect("consultations:meeting", pk=process.pk, meeting_id=meeting.pk)
    context = {
        "process": process,
        "meeting": meeting,
        "attendance": selectors.meeting_attendance(meeting),
        "conclusions": meeting.conclusions.visible().order_by("pk"),
        "form": form if team else None,
    }
    return render(request, "consultations/meeting.html", context)


def results(request: HttpRequest, pk: int) -> HttpResponse:
    process = selectors.get_process_for_user(request.user, pk)
    return render(
        request, "consultations/results.html", {"process": process, "r": selectors.results(process)}
    )


def results_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    process = selectors.get_process_for_user(request.user, pk)
    if fmt not in reports.FORMATS:
        raise Http404
    content, content_type = reports.render_results(selectors.results(process), fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="consultation-{process.pk}-resultats.{fmt}"'
    return response


def open_data(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    process = selectors.get_process_for_user(request.user, pk)
    # Streamed: 200,000 contributions never sit in memory as one file.
    response = StreamingHttpResponse(reports.open_data_lines(process), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="consultation-{process.pk}-contributions.csv"'
    return response
