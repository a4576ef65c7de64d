"""Services of consultations: phases, participation, contributions, supports, moderation, answers,
versions and their traceability, on the real database."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from filiere.consultations import selectors, services
from filiere.consultations.models import (
    Answer,
    Contribution,
    Kind,
    Moderation,
    NodeType,
    Participation,
    PhaseKind,
    Support,
)
from filiere.roadmaps import selectors as roadmaps_selectors
from filiere.roadmaps.tests.factories import MembershipFactory, OrganisationFactory, UserFactory

from .factories import participant, world

pytestmark = pytest.mark.django_db


def amend(user, w, body="Animer et fédérer l'écosystème numérique dans chaque département.", **kw):
    return services.contribute(
        by=user,
        process=w.process,
        kind=Kind.AMENDMENT,
        node_type=NodeType.ACTION,
        node_id=w.action.pk,
        field="description",
        body=body,
        **kw,
    )


def test_process_starts_with_the_draft_as_version_1_and_phases_in_order():
    w = world()
    assert [p.kind for p in w.process.phases.all()] == [
        PhaseKind.INTERVIEWS,
        PhaseKind.WORKSHOPS,
        PhaseKind.ONLINE,
        PhaseKind.ANALYSIS,
        PhaseKind.VOTE,
    ]
    v1 = w.process.versions.get()
    assert v1.number == 1
    assert v1.snapshot[f"action:{w.action.pk}"]["title"] == w.action.title
    current = selectors.current_phase(w.process)
    assert current is not None and current.kind == PhaseKind.ONLINE


def test_overlapping_phase_refused_and_nothing_written():
    w = world()
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        services.add_phase(
            by=w.team,
            process=w.process,
            kind=PhaseKind.FOLLOW_UP,
            title="Suivi",
            starts_on=today,
            ends_on=today,
        )
    assert "starts_on" in error.value.message_dict
    assert w.process.phases.count() == 5


def test_only_the_team_opens_a_process():
    w = world()
    with pytest.raises(PermissionDenied):
        services.create_process(by=UserFactory(), plan=w.plan, title="X")


def test_join_needs_consent_and_checks_the_firm_against_the_directory():
    w = world()
    user = UserFactory()
    with pytest.raises(ValidationError) as error:
        services.join(by=user, process=w.process, pseudonym="Léa", actor_kind="entrepreneur", consent=False)
    assert "consent" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.join(
            by=user,
            process=w.process,
            pseudonym="Léa",
            actor_kind="entrepreneur",
            consent=True,
            siren="999999999",
        )
    assert "siren" in error.value.message_dict
    firm = OrganisationFactory(siren="123456789")
    p = services.join(
        by=user,
        process=w.process,
        pseudonym="Léa",
        actor_kind="entrepreneur",
        consent=True,
        siren="123 456 789",
    )
    assert (p.organisation, p.organisation_verified) == (firm, False)
    MembershipFactory(user=user, organisation=firm)
    p = services.join(
        by=user,
        process=w.process,
        pseudonym="Léa",
        actor_kind="entrepreneur",
        consent=True,
        siren="123456789",
    )
    assert p.organisation_verified is True
    assert Participation.objects.filter(process=w.process, user=user).count() == 1


def test_amendment_keeps_the_original_and_shows_a_word_diff():
    w = world()
    c = amend(participant(w.process), w)
    assert c.original_text == "Animer l'écosystème numérique à l'échelle de la région."
    html = selectors.diff_html(c.original_text, c.body)
    assert "<ins>et fédérer</ins>" in html
    assert "<del>" in html


def test_bad_input_is_refused_with_the_field_named():
    w = world()
    user = participant(w.process)
    for body, expected in [
        ("   ", "vide"),
        ("x" * 6000, "trop long"),
        ("<script>alert(1)</script>", "vide"),
        ("texte\x00nul", "binaire"),
    ]:
        with pytest.raises(ValidationError) as error:
            amend(user, w, body=body)
        assert expected in " ".join(error.value.message_dict["body"])
    c = amend(user, w, body="<b>Fédérer</b> les clusters <script>alert(1)</script> du territoire")
    assert "<" not in c.body and "alert" not in c.body
    assert Contribution.objects.count() == 1


def test_contributing_requires_a_participation_and_an_open_phase():
    w = world()
    with pytest.raises(ValidationError):
        amend(UserFactory(), w)
    user = participant(w.process)
    later = timezone.localdate() + dt.timedelta(days=15)
    with pytest.raises(ValidationError) as error:
        amend(user, w, today=later)
    assert "close" in error.value.messages[0]
    assert Contribution.objects.count() == 0


def test_proposal_goes_under_an_objective_with_a_title():
    w = world()
    user = participant(w.process)
    with pytest.raises(ValidationError):
        services.contribute(
            by=user,
            process=w.process,
            kind=Kind.PROPOSAL,
            node_type=NodeType.ACTION,
            node_id=w.action.pk,
            title="X",
            body="Y",
        )
    c = services.contribute(
        by=user,
        process=w.process,
        kind=Kind.PROPOSAL,
        node_type=NodeType.OBJECTIVE,
        node_id=w.objective.pk,
        title="Un tiers-lieu par département",
        body="Ouvrir des tiers-lieux.",
    )
    assert c.section_label.startswith("Objectif 1")


def test_one_support_per_person_and_none_after_the_phase():
    w = world()
    c = amend(participant(w.process), w)
    fan = participant(w.process)
    services.support(by=fan, contribution=c)
    with pytest.raises(ValidationError) as error:
        services.support(by=fan, contribution=c)
    assert "déjà" in error.value.messages[0]
    with pytest.raises(ValidationError) as error:
        services.support(
            by=participant(w.process), contribution=c, today=timezone.localdate() + dt.timedelta(days=30)
        )
    assert "close" in error.value.messages[0]
    c.refresh_from_db()
    assert c.supports_count == 1 == Support.objects.count()


def test_rate_limit_stops_a_flood(monkeypatch):
    w = world()
    user = participant(w.process)
    # The spam brake reads its limit where it is defined, the package's `contributions` module.
    monkeypatch.setattr(services.contributions, "MAX_PER_HOUR", 2)
    amend(user, w, body="Premier texte")
    amend(user, w, body="Deuxième texte")
    with pytest.raises(ValidationError) as error:
        amend(user, w, body="Troisième texte")
    assert "attendez" in error.value.messages[0]
    assert Contribution.objects.count() == 2


def test_report_then_hide_and_restore():
    w = world()
    c = amend(participant(w.process), w)
    reporter = participant(w.process)
    services.report(by=reporter, contribution=c, reason="abuse")
    with pytest.raises(ValidationError):
        services.report(by=reporter, contribution=c, reason="abuse")
    assert list(selectors.moderation_queue(w.process)) == [c]
    with pytest.raises(PermissionDenied):
        services.moderate(by=reporter, contribution=c, hide=True, reason="abuse")
    with pytest.raises(ValidationError):
        services.moderate(by=w.team, contribution=c, hide=True, reason="")
    services.moderate(by=w.team, contribution=c, hide=True, reason="abuse")
    c.refresh_from_db()
    assert c.moderation == Moderation.HIDDEN and c.reports.get().resolved_at is not None
    assert not selectors.section_contributions(w.process, NodeType.ACTION, w.action.pk).exists()
    services.moderate(by=w.team, contribution=c, hide=False)
    assert selectors.section_contributions(w.process, NodeType.ACTION, w.action.pk).get() == c


def test_near_duplicates_grouped_and_answered_in_bulk():
    w = world()
    a = amend(
        participant(w.process),
        w,
        body="Créer un réseau régional des clusters numériques dans chaque département",
    )
    b = amend(
        participant(w.process),
        w,
        body="Créer un réseau des clusters numériques régionaux dans chaque département",
    )
    other = amend(participant(w.process), w, body="Financer des bourses pour les étudiants en cybersécurité")
    groups = selectors.similar_groups(w.process)
    assert sorted(c.pk for c in groups[0].contributions) == sorted([a.pk, b.pk])
    assert [c.pk for c in groups[1].contributions] == [other.pk]
    with pytest.raises(ValidationError):
        services.answer(
            by=w.team, process=w.process, contribution_ids=[a.pk, b.pk], answer=Answer.REJECTED, reason=""
        )
    n = services.answer(
        by=w.team,
        process=w.process,
        contribution_ids=[a.pk, b.pk],
        answer=Answer.PLANNED,
        reason="Prévu dans l'action 3.",
    )
    assert n == 2
    assert set(Contribution.objects.filter(answer=Answer.PLANNED).values_list("pk", flat=True)) == {
        a.pk,
        b.pk,
    }
    with pytest.raises(PermissionDenied):
        services.answer(
            by=UserFactory(),
            process=w.process,
            contribution_ids=[other.pk],
            answer=Answer.ACCEPTED,
            reason="x",
        )


def test_accepted_amendment_and_proposal_make_a_new_version_traced_to_them():
    w = world()
    c = amend(participant(w.process), w)
    p = services.contribute(
        by=participant(w.process),
        process=w.process,
        kind=Kind.PROPOSAL,
        node_type=NodeType.OBJECTIVE,
        node_id=w.objective.pk,
        title="Un tiers-lieu par département",
        body="Ouvrir des tiers-lieux.",
    )
    services.answer(
        by=w.team,
        process=w.process,
        contribution_ids=[c.pk, p.pk],
        answer=Answer.ACCEPTED,
        reason="Bonne idée.",
    )
    version = services.publish_version(by=w.team, process=w.process, note="Après consultation")
    assert version.number == 2
    w.action.refresh_from_db()
    assert w.action.description == c.body
    changes = {(ch.node_type, ch.node_id, ch.field): ch for ch in version.changes.all()}
    assert list(changes[("action", w.action.pk, "description")].contributions.all()) == [c]
    created = [ch for ch in version.changes.all() if ch.contributions.filter(pk=p.pk).exists()]
    assert created and created[0].after in ("Un tiers-lieu par département", "Ouvrir des tiers-lieux.")
    # the plan's own activity log shows the edit, made through roadmaps' services
    assert w.plan.activity.filter(verb="updated", object_id=w.action.pk).exists()
    contributions, trace = selectors.action_trace(w.process, w.action.pk)
    assert contributions == [c] and trace[0].version == version
    c.refresh_from_db()
    assert c.applied_in == version
    with pytest.raises(ValidationError):
        services.publish_version(by=w.team, process=w.process)


def test_a_change_no_contribution_explains_needs_the_teams_reason():
    w = world()
    w.objective.title = "Fédérer et animer l'écosystème"
    w.objective.save()
    with pytest.raises(ValidationError) as error:
        services.publish_version(by=w.team, process=w.process)
    assert "reason" in error.value.message_dict
    assert w.process.versions.count() == 1
    version = services.publish_version(
        by=w.team, process=w.process, reason="Demande du comité d'entrepreneurs"
    )
    change = version.changes.get()
    assert change.reason == "Demande du comité d'entrepreneurs" and not change.contributions.exists()


def test_erasure_keeps_the_text_and_removes_the_identity():
    w = world()
    user = participant(w.process, pseudonym="Camille33")
    c = amend(user, w)
    p = Participation.objects.get(user=user)
    services.erase_participation(by=user, participation=p)
    c.refresh_from_db()
    assert c.body.startswith("Animer et fédérer")
    assert c.author_name == "Participant effacé"
    p.refresh_from_db()
    assert p.user is None and p.organisation is None and "Camille33" not in p.pseudonym


def test_results_count_by_phase_actor_and_answer():
    w = world()
    c = amend(participant(w.process, actor_kind="lab"), w)
    services.support(by=participant(w.process, actor_kind="citizen"), contribution=c)
    r = selectors.results(w.process)
    assert r.participants == 2 and r.contributions == 1 and r.supports == 1
    assert ("Consultation en ligne", 1, 1) in r.by_phase
    assert dict(r.by_actor) == {"Laboratoire de recherche": 1, "Citoyen": 1}
    assert r.top == [c]


def test_unpublished_process_hidden_from_the_public():
    w = world(published=False)
    with pytest.raises(Exception) as error:
        selectors.get_process_for_user(UserFactory(), w.process.pk)
    assert error.typename == "Http404"
    assert selectors.get_process_for_user(w.team, w.process.pk) == w.process
    assert roadmaps_selectors.can_edit_plan(w.team, w.plan)
