"""Consultations: a region co-builds a plan of `roadmaps` with the people it concerns.

A `Process` is attached to one plan (its draft) and runs through `Phase`s (interviews, workshops,
online consultation, analysis, vote, follow-up), each with dates and what participants may do in
it. A person takes part once per process through a `Participation` (pseudonym or name, the kind
of actor they speak for, a firm checked against the directory, consent): every contribution,
support and report hangs on it, so erasing a person removes the identity and keeps the texts.

`Contribution`s target one section of the plan's tree by `node_type` + `node_id` (the plan, an
axis, an objective or an action). The tree stays roadmaps' (no foreign key to it: a section
deleted from the plan keeps its contributions, with the label they were written against).
An amendment keeps the text it changes and the text proposed, so its diff never drifts.

`PlanVersion`s are snapshots of the plan's tree; each `VersionChange` between two versions names
the contributions behind it, or the team's reason.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from filiere.core.models import TimeStampedModel


class PhaseKind(models.TextChoices):
    INTERVIEWS = "interviews", _("Entretiens")
    WORKSHOPS = "workshops", _("Ateliers")
    ONLINE = "online", _("Consultation en ligne")
    ANALYSIS = "analysis", _("Analyse des contributions")
    VOTE = "vote", _("Vote")
    FOLLOW_UP = "follow_up", _("Suivi")


class ActorKind(models.TextChoices):
    ENTREPRENEUR = "entrepreneur", _("Entrepreneur")
    CLUSTER = "cluster", _("Cluster ou réseau")
    SCHOOL = "school", _("École ou organisme de formation")
    LAB = "lab", _("Laboratoire de recherche")
    INVESTOR = "investor", _("Investisseur")
    CITIZEN = "citizen", _("Citoyen")


class NodeType(models.TextChoices):
    PLAN = "plan", pgettext_lazy("consultation section", "Plan")
    AXIS = "axis", pgettext_lazy("consultation section", "Axe")
    OBJECTIVE = "objective", pgettext_lazy("consultation section", "Objectif")
    ACTION = "action", pgettext_lazy("consultation section", "Action")


class Process(TimeStampedModel):
    plan = models.ForeignKey(
        "roadmaps.Plan", on_delete=models.PROTECT, related_name="+", verbose_name=_("plan consulté")
    )
    title = models.CharField(_("titre"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    is_published = models.BooleanField(_("publiée"), default=False)
    moderators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="moderated_consultations",
        verbose_name=_("modérateurs"),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")

    def __str__(self) -> str:
        return self.title


class Phase(models.Model):
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="phases")
    kind = models.CharField(_("type"), max_length=12, choices=PhaseKind.choices)
    title = models.CharField(_("titre"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("début"))
    ends_on = models.DateField(_("fin"))
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    may_amend = models.BooleanField(_("amendements"), default=False)
    may_propose = models.BooleanField(_("nouvelles propositions"), default=False)
    may_argue = models.BooleanField(_("arguments et commentaires"), default=False)
    may_support = models.BooleanField(_("soutiens"), default=False)

    class Meta:
        ordering = ["position", "starts_on", "pk"]
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="phase_period_ok"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("La fin de la phase précède son début.")})

    def is_open(self, day: dt.date) -> bool:
        return self.starts_on <= day <= self.ends_on

    def allowed(self) -> list[str]:
        """What participants may do in this phase, as labels."""
        flags = [
            (self.may_amend, _("amender le projet")),
            (self.may_propose, _("proposer une action")),
            (self.may_argue, _("argumenter et commenter")),
            (self.may_support, _("soutenir")),
        ]
        return [str(label) for on, label in flags if on]


class Visibility(models.TextChoices):
    PSEUDONYM = "pseudonym", _("Sous pseudonyme")
    NAME = "name", _("Sous mon nom")


class Participation(TimeStampedModel):
    """One person in one process: how they appear and for whom they speak."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="participations")
    # Null once the person asked to be erased: their texts stay, their identity goes.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    pseudonym = models.CharField(_("pseudonyme"), max_length=60)
    display_name = models.CharField(_("nom affiché"), max_length=150, blank=True)
    visibility = models.CharField(
        _("publication"), max_length=10, choices=Visibility.choices, default=Visibility.PSEUDONYM
    )
    actor_kind = models.CharField(_("je m'exprime en tant que"), max_length=12, choices=ActorKind.choices)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("structure"),
    )
    # True when the person belongs to the organisation in the directory (accounts memberships).
    organisation_verified = models.BooleanField(_("structure vérifiée"), default=False)
    department = models.ForeignKey(
        "territories.Department",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("département"),
    )
    consent_at = models.DateTimeField(_("consentement le"))
    erased_at = models.DateTimeField(_("effacée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(
                fields=["process", "user"],
                condition=models.Q(user__isnull=False),
                name="one_participation_per_person",
            ),
            models.UniqueConstraint(fields=["process", "pseudonym"], name="pseudonym_unique_in_process"),
        ]

    def __str__(self) -> str:
        return self.public_name

    @property
    def public_name(self) -> str:
        if self.erased_at:
            return str(_("Participant effacé"))
        if self.visibility == Visibility.NAME and self.display_name:
            return self.display_name
        return self.pseudonym


class Kind(models.TextChoices):
    AMENDMENT = "amendment", _("Amendement")
    PROPOSAL = "proposal", _("Proposition")
    ARGUMENT_FOR = "for", _("Argument pour")
    ARGUMENT_AGAINST = "against", _("Argument contre")
    COMMENT = "comment", _("Commentaire")
    CONCLUSION = "conclusion", _("Conclusion d'atelier")


class Field(models.TextChoices):
    TITLE = "title", _("Titre")
    DESCRIPTION = "description", _("Description")


class Moderation(models.TextChoices):
    VISIBLE = "visible", _("Visible")
    HIDDEN = "hidden", _("Masquée")


class HideReason(models.TextChoices):
    SPAM = "spam", _("Publicité ou spam")
    ABUSE = "abuse", _("Propos injurieux ou discriminatoires")
    OFF_TOPIC = "off_topic", _("Hors sujet")
    PERSONAL_DATA = "personal_data", _("Données personnelles")
    DUPLICATE = "duplicate", _("Doublon")


class Answer(models.TextChoices):
    PENDING = "pending", _("En attente de réponse")
    ACCEPTED = "accepted", _("Retenue")
    PARTLY = "partly", _("Retenue en partie")
    REJECTED = "rejected", _("Non retenue")
    PLANNED = "planned", _("Déjà prévue")


class ContributionQuerySet(models.QuerySet["Contribution"]):
    def visible(self) -> ContributionQuerySet:
        return self.filter(moderation=Moderation.VISIBLE)

    def main(self) -> ContributionQuerySet:
        """Amendments, proposals and conclusions: what the team answers."""
        return self.filter(kind__in=ANSWERABLE)


class Contribution(TimeStampedModel):
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="contributions")
    phase = models.ForeignKey(Phase, on_delete=models.PROTECT, related_name="contributions")
    participation = models.ForeignKey(
        Participation, on_delete=models.PROTECT, null=True, blank=True, related_name="contributions"
    )
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    node_type = models.CharField(_("section"), max_length=10, choices=NodeType.choices)
    node_id = models.PositiveBigIntegerField(_("identifiant de la section"))
    # The section's title when the contribution was written (the plan may change afterwards).
    section_label = models.CharField(_("intitulé de la section"), max_length=255)
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("en réponse à"),
    )
    # Amendments: which field of the section, its text then, the text proposed.
    field = models.CharField(_("champ amendé"), max_length=12, choices=Field.choices, blank=True)
    original_text = models.TextField(_("texte d'origine"), blank=True)
    title = models.CharField(_("titre"), max_length=255, blank=True)
    body = models.TextField(_("texte"))
    meeting = models.ForeignKey(
        "Meeting", on_delete=models.SET_NULL, null=True, blank=True, related_name="conclusions"
    )
    supports_count = models.PositiveIntegerField(_("soutiens"), default=0)
    moderation = models.CharField(
        _("modération"), max_length=8, choices=Moderation.choices, default=Moderation.VISIBLE
    )
    hide_reason = models.CharField(_("motif"), max_length=14, choices=HideReason.choices, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    moderated_at = models.DateTimeField(_("modérée le"), null=True, blank=True)
    answer = models.CharField(_("réponse"), max_length=10, choices=Answer.choices, default=Answer.PENDING)
    answer_reason = models.TextField(_("motif de la réponse"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("répondue le"), null=True, blank=True)
    # Set when an accepted amendment has been written into a new version of the plan.
    applied_in = models.ForeignKey(
        "PlanVersion", on_delete=models.SET_NULL, null=True, blank=True, related_name="applied"
    )

    objects = ContributionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        indexes = [
            models.Index(
                fields=["process", "node_type", "node_id", "moderation", "-supports_count"],
                name="contrib_section",
            ),
            models.Index(fields=["process", "kind", "answer"], name="contrib_answer"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.section_label}"

    @property
    def author_name(self) -> str:
        return self.participation.public_name if self.participation else str(_("Équipe de la consultation"))


ANSWERABLE = (Kind.AMENDMENT, Kind.PROPOSAL, Kind.CONCLUSION)


class Support(models.Model):
    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="supports")
    participation = models.ForeignKey(Participation, on_delete=models.CASCADE, related_name="supports")
    created_at = models.DateTimeField(_("le"), auto_now_add=True)

    class Meta:
        verbose_name = _("soutien")
        verbose_name_plural = _("soutiens")
        constraints = [
            models.UniqueConstraint(fields=["contribution", "participation"], name="one_support_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.participation_id} → {self.contribution_id}"


class Report(models.Model):
    """A participant reports a contribution as abusive; moderators work through the open ones."""

    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(_("motif"), max_length=14, choices=HideReason.choices)
    note = models.CharField(_("précision"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("le"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("traité le"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("signalement")
        verbose_name_plural = _("signalements")
        constraints = [
            models.UniqueConstraint(
                fields=["contribution", "reporter"],
                condition=models.Q(reporter__isnull=False),
                name="one_report_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} · {self.contribution_id}"


class PlanVersion(models.Model):
    """A snapshot of the plan's tree: version 1 is the draft put to consultation."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("numéro"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    snapshot = models.JSONField(_("contenu"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("le"), auto_now_add=True)

    class Meta:
        ordering = ["process", "number"]
        verbose_name = _("version du plan")
        verbose_name_plural = _("versions du plan")
        constraints = [models.UniqueConstraint(fields=["process", "number"], name="version_number_unique")]

    def __str__(self) -> str:
        return f"v{self.number}"


class VersionChange(models.Model):
    """One field of one section that differs from the previous version, and why."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="changes")
    node_type = models.CharField(_("section"), max_length=10, choices=NodeType.choices)
    node_id = models.PositiveBigIntegerField()
    section_label = models.CharField(_("intitulé de la section"), max_length=255)
    field = models.CharField(_("champ"), max_length=12)
    before = models.TextField(_("avant"), blank=True)
    after = models.TextField(_("après"), blank=True)
    contributions = models.ManyToManyField(Contribution, blank=True, related_name="changes")
    reason = models.TextField(_("motif de l'équipe"), blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("modification")
        verbose_name_plural = _("modifications")

    def __str__(self) -> str:
        return f"{self.section_label} · {self.field}"


class Meeting(models.Model):
    """A workshop or the co-construction day of the process, registered through `events`."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="meetings")
    phase = models.ForeignKey(Phase, on_delete=models.PROTECT, related_name="meetings")
    event = models.ForeignKey("events.Event", on_delete=models.PROTECT, related_name="+")
    # The sections the workshop worked on, for its conclusions.
    node_type = models.CharField(_("section"), max_length=10, choices=NodeType.choices, default=NodeType.PLAN)
    node_id = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("atelier ou réunion")
        verbose_name_plural = _("ateliers et réunions")
        constraints = [models.UniqueConstraint(fields=["process", "event"], name="meeting_event_unique")]

    def __str__(self) -> str:
        return str(self.event)
