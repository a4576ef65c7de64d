"""Governance of a cluster: colleges and their rules, memberships and fees, the merger of
associations, bodies and decisions, public money.

The directory keeps the cluster (`organisations.Organisation` of kind cluster) and its colleges
(`organisations.College`); this app adds what running the association needs:

- `CollegeRules`: who may join a college (NAF prefixes, headcount bands, kinds of actor), whether
  an officer approves, its board seats and the weight the statutes give its votes; `FeeBand` its
  yearly fee grid by headcount or turnover;
- `Membership`: one member (a firm of the directory, or a person) of one cluster in one college,
  with a status (pending → active → lapsed / resigned / excluded) and every change logged in
  `MembershipEvent`; `MemberContact` the people the member names; `FeeCall` one year's fee and
  `Payment` what came in (typed or imported from a bank CSV), with a receipt number;
- `Merger`: associations (`predecessors`) merged into one cluster; their member files are read into
  `MergerRecord` rows, the same firm across files is found (`DuplicatePair` for doubtful pairs,
  reviewed by a person), then applied: each record becomes a membership of its former association
  (the history, kept) and each firm one membership of the new cluster;
- `Body`, `Meeting`, `Attendance`, `Decision`, `CollegeVote`: assemblies, boards, colleges and
  the consultative body, their meetings, quorum, proxies and votes weighted per college;
- `FundingLine` (subsidies: requested / granted / paid, frozen) and `LedgerEntry` (income and
  expenses) behind the working capital.

Length (about 580 lines), on purpose: the app's schema in the one module Django and a reader
expect; every model is short, grouped by the sections listed above.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from filiere.core.models import ImportRun, TimeStampedModel
from filiere.organisations.models import College, Organisation

ZERO = Decimal("0")


# --- Colleges ------------------------------------------------------------------------------


class CollegeRules(models.Model):
    """The rules a college keeps for itself (the LR colleges stay autonomous, seed 003)."""

    college = models.OneToOneField(College, on_delete=models.CASCADE, related_name="rules")
    naf_prefixes = models.JSONField(
        _("codes NAF admis (préfixes)"), default=list, blank=True, help_text=_("Vide : tous.")
    )
    headcount_bands = models.JSONField(
        _("tranches d'effectif admises"), default=list, blank=True, help_text=_("Vide : toutes.")
    )
    kinds = models.JSONField(
        _("types d'acteurs admis"), default=list, blank=True, help_text=_("Vide : tous.")
    )
    accepts_people = models.BooleanField(_("ouvert aux personnes"), default=False)
    approval_required = models.BooleanField(_("adhésion validée par le collège"), default=True)
    board_seats = models.PositiveSmallIntegerField(_("sièges au conseil d'administration"), default=0)
    vote_weight = models.DecimalField(
        _("poids des voix (statuts)"), max_digits=5, decimal_places=2, default=Decimal("1")
    )
    grace_days = models.PositiveSmallIntegerField(_("délai de grâce après l'échéance (jours)"), default=60)
    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="college_offices", verbose_name=_("responsables")
    )

    class Meta:
        verbose_name = _("règles du collège")
        verbose_name_plural = _("règles des collèges")

    def __str__(self) -> str:
        return str(self.college)


class FeeBasis(models.TextChoices):
    HEADCOUNT = "headcount", _("Effectif salarié")
    TURNOVER = "turnover", _("Chiffre d'affaires")


class FeeBand(models.Model):
    """One line of a college's fee grid: members whose headcount (or turnover) falls in
    [minimum, maximum] pay `amount` a year. `maximum` empty: no upper bound. `year` empty: the
    grid of every year that has no grid of its own (`services.grid_for_year`)."""

    college = models.ForeignKey(College, on_delete=models.CASCADE, related_name="fee_bands")
    basis = models.CharField(
        _("assiette"), max_length=10, choices=FeeBasis.choices, default=FeeBasis.HEADCOUNT
    )
    minimum = models.DecimalField(_("de"), max_digits=14, decimal_places=0, default=ZERO)
    maximum = models.DecimalField(_("à"), max_digits=14, decimal_places=0, null=True, blank=True)
    amount = models.DecimalField(_("cotisation annuelle (€)"), max_digits=10, decimal_places=2)
    year = models.PositiveSmallIntegerField(
        _("année"), null=True, blank=True, help_text=_("Vide : toute année sans grille propre.")
    )

    class Meta:
        ordering = ["college", "year", "basis", "minimum"]
        verbose_name = _("tranche de cotisation")
        verbose_name_plural = _("grille de cotisation")

    def __str__(self) -> str:
        return f"{self.college} {self.minimum}–{self.maximum or '∞'}: {self.amount} €"

    def covers(self, value: Decimal) -> bool:
        return value >= self.minimum and (self.maximum is None or value <= self.maximum)


# --- Memberships ---------------------------------------------------------------------------


class MembershipStatus(models.TextChoices):
    PENDING = "pending", _("En attente de validation")
    ACTIVE = "active", pgettext_lazy("adhésion", "Active")
    LAPSED = "lapsed", _("Échue (cotisation impayée)")
    RESIGNED = "resigned", _("Démission")
    EXCLUDED = "excluded", _("Exclusion")
    REFUSED = "refused", _("Refusée")
    # A membership of a former association, carried into the cluster it merged into.
    MERGED = "merged", _("Reprise par la fusion")


CURRENT_STATUSES = (MembershipStatus.ACTIVE,)


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> MembershipQuerySet:
        return self.filter(status=MembershipStatus.ACTIVE)


class Membership(TimeStampedModel):
    """A firm (or a person) member of a cluster, in one college. A membership of a former
    association is kept as it was (`cluster` is that association) and shown in the history of
    the cluster it merged into."""

    cluster = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="cluster_memberships", verbose_name=_("cluster")
    )
    college = models.ForeignKey(
        College, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships",
        verbose_name=_("collège"),
    )  # fmt: skip
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="governance_memberships",
        verbose_name=_("membre"),
    )  # fmt: skip
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="governance_memberships", verbose_name=_("personne"),
    )  # fmt: skip
    status = models.CharField(
        _("statut"), max_length=10, choices=MembershipStatus.choices, default=MembershipStatus.PENDING,
        db_index=True,
    )  # fmt: skip
    joined_on = models.DateField(_("adhérent depuis"), null=True, blank=True)
    ended_on = models.DateField(_("jusqu'au"), null=True, blank=True)
    headcount = models.PositiveIntegerField(_("effectif déclaré"), null=True, blank=True)
    turnover = models.DecimalField(
        _("chiffre d'affaires déclaré (€)"), max_digits=14, decimal_places=0, null=True, blank=True
    )
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="former_memberships",
        verbose_name=_("reprise dans"),
    )  # fmt: skip
    note = models.CharField(_("précision"), max_length=255, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["cluster", "college", "-joined_on"]
        verbose_name = _("adhésion")
        verbose_name_plural = _("adhésions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(organisation__isnull=False) | models.Q(person__isnull=False),
                name="governance_membership_has_member",
            ),
            # One open membership of a firm in a cluster at a time.
            models.UniqueConstraint(
                fields=["cluster", "organisation"],
                condition=models.Q(status__in=["pending", "active"]),
                name="governance_one_open_membership",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_name} — {self.cluster}"

    @property
    def member_name(self) -> str:
        if self.organisation_id:
            return self.organisation.name  # type: ignore[union-attr]
        return self.person.get_full_name() or self.person.username  # type: ignore[union-attr]

    @property
    def is_open(self) -> bool:
        return self.status in (MembershipStatus.PENDING, MembershipStatus.ACTIVE)


class MembershipEvent(models.Model):
    """One change of a membership (status, college, merger), with who and why."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("le"))
    from_status = models.CharField(max_length=10, blank=True, choices=MembershipStatus.choices)
    to_status = models.CharField(max_length=10, choices=MembershipStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("motif"), max_length=255, blank=True)

    class Meta:
        ordering = ["membership", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.membership_id}: {self.from_status} → {self.to_status}"


class MemberContact(TimeStampedModel):
    """A person the member names for the cluster (invoices, votes, newsletters)."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("nom"), max_length=150)
    email = models.EmailField(_("courriel"))
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    role = models.CharField(_("rôle"), max_length=100, blank=True)
    receives_fee_calls = models.BooleanField(_("reçoit les appels de cotisation"), default=True)

    class Meta:
        ordering = ["membership", "name"]

    def __str__(self) -> str:
        return self.name


class FeeCall(TimeStampedModel):
    """One year's fee of a membership: the amount called (pro rata for late joiners), the due
    date, the reminders sent. What was paid is the sum of its payments."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="fee_calls")
    year = models.PositiveSmallIntegerField(_("année"))
    amount = models.DecimalField(_("montant appelé (€)"), max_digits=10, decimal_places=2)
    paid = models.DecimalField(_("montant payé (€)"), max_digits=10, decimal_places=2, default=ZERO)
    due_on = models.DateField(_("échéance"))
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    last_reminder_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-year", "membership"]
        constraints = [
            models.UniqueConstraint(fields=["membership", "year"], name="governance_one_call_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.membership} {self.year}"

    @property
    def balance(self) -> Decimal:
        return self.amount - self.paid

    @property
    def is_paid(self) -> bool:
        return self.paid >= self.amount


class PaymentMethod(models.TextChoices):
    TRANSFER = "transfer", _("Virement")
    CHEQUE = "cheque", _("Chèque")
    CARD = "card", _("Carte")
    HISTORY = "history", _("Reprise d'historique")


class Payment(models.Model):
    """Money received for a fee call. `reference` (the bank's) makes a re-imported bank file
    change nothing; `receipt_number` is given once, in order, per cluster and year."""

    fee_call = models.ForeignKey(FeeCall, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(_("montant (€)"), max_digits=10, decimal_places=2)
    paid_on = models.DateField(_("date"))
    method = models.CharField(
        _("moyen"), max_length=10, choices=PaymentMethod.choices, default=PaymentMethod.TRANSFER
    )
    reference = models.CharField(_("référence bancaire"), max_length=80, blank=True)
    receipt_number = models.CharField(_("n° de reçu"), max_length=30, unique=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["paid_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["fee_call", "reference"],
                condition=~models.Q(reference=""),
                name="governance_payment_ref_once",
            )
        ]

    def __str__(self) -> str:
        return self.receipt_number


# --- The merger ----------------------------------------------------------------------------


class MergerStatus(models.TextChoices):
    DRAFT = "draft", _("En préparation")
    DONE = "done", _("Fusion réalisée")


class Merger(TimeStampedModel):
    """Associations merged into one cluster (rather than dissolved: their history stays)."""

    cluster = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="mergers_into")
    predecessors = models.ManyToManyField(
        Organisation, related_name="merged_in", verbose_name=_("associations fusionnées")
    )
    effective_on = models.DateField(_("date d'effet"))
    status = models.CharField(
        _("statut"), max_length=10, choices=MergerStatus.choices, default=MergerStatus.DRAFT
    )
    #: Former association id (as a string) → the college of the cluster its members join.
    college_map = models.JSONField(default=dict, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-effective_on"]

    def __str__(self) -> str:
        return f"{self.cluster} ({self.effective_on:%Y})"


class MergerRecord(models.Model):
    """One row of a former association's member file, as read (`raw`) and as understood."""

    merger = models.ForeignKey(Merger, on_delete=models.CASCADE, related_name="records")
    association = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    run = models.ForeignKey(ImportRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    line = models.PositiveIntegerField()
    key = models.CharField(max_length=64, help_text="SIREN, or the folded name and postcode")
    siren = models.CharField(max_length=9, blank=True)
    name = models.CharField(max_length=255)
    address = models.CharField(max_length=255, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    city = models.CharField(max_length=100, blank=True)
    college_name = models.CharField(max_length=120, blank=True)
    joined_on = models.DateField(null=True, blank=True)
    fees = models.JSONField(default=dict, blank=True, help_text="year → amount paid")
    raw = models.JSONField(default=dict)
    entity = models.PositiveIntegerField(null=True, blank=True, help_text="Records of one firm share it.")

    class Meta:
        ordering = ["merger", "association", "line"]
        constraints = [
            models.UniqueConstraint(fields=["merger", "association", "key"], name="governance_record_once")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.line})"


class PairDecision(models.TextChoices):
    PENDING = "pending", _("À examiner")
    SAME = "same", _("Même entreprise")
    DIFFERENT = "different", _("Entreprises différentes")


class DuplicatePair(models.Model):
    """Two records that may be the same firm (similar names at one postcode, or one name at two
    addresses): a person decides before the merger is applied."""

    merger = models.ForeignKey(Merger, on_delete=models.CASCADE, related_name="pairs")
    left = models.ForeignKey(MergerRecord, on_delete=models.CASCADE, related_name="+")
    right = models.ForeignKey(MergerRecord, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    reason = models.CharField(max_length=120)
    decision = models.CharField(max_length=10, choices=PairDecision.choices, default=PairDecision.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-score", "pk"]
        constraints = [models.UniqueConstraint(fields=["left", "right"], name="governance_pair_once")]

    def __str__(self) -> str:
        return f"{self.left_id} ~ {self.right_id}"


# --- Bodies and decisions ------------------------------------------------------------------


class BodyKind(models.TextChoices):
    ASSEMBLY = "assembly", _("Assemblée générale")
    BOARD = "board", _("Conseil d'administration")
    COLLEGE = "college", pgettext_lazy("instance", "Collège")
    CONSULTATIVE = "consultative", _("Instance consultative")


class Body(models.Model):
    cluster = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="bodies")
    kind = models.CharField(_("type"), max_length=15, choices=BodyKind.choices)
    name = models.CharField(_("nom"), max_length=150)
    college = models.ForeignKey(College, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    quorum = models.DecimalField(
        _("quorum (part des membres présents ou représentés)"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.5"),
    )
    max_proxies = models.PositiveSmallIntegerField(_("pouvoirs par personne présente"), default=2)

    class Meta:
        ordering = ["cluster", "kind", "name"]

    def __str__(self) -> str:
        return self.name


class Seat(models.Model):
    """A person sitting in a body, for a member firm (and its college) or in their own name."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="seats")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="governance_seats"
    )
    membership = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    college = models.ForeignKey(College, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    #: The organisation the person represents (a member firm's, or theirs when seated in their
    #: own name, as in a Region's consultative body); none: the person alone.
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation représentée"),
    )
    role = models.CharField(_("fonction"), max_length=80, blank=True)

    class Meta:
        ordering = ["body", "pk"]
        constraints = [models.UniqueConstraint(fields=["body", "user"], name="governance_one_seat")]

    def __str__(self) -> str:
        return f"{self.body_id}: {self.user_id}"


class Meeting(TimeStampedModel):
    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="meetings")
    starts_at = models.DateTimeField(_("date"))
    place = models.CharField(_("lieu"), max_length=200, blank=True)
    agenda = models.TextField(_("ordre du jour"))
    convened_at = models.DateTimeField(_("convocation envoyée le"), null=True, blank=True)
    minutes = models.TextField(_("procès-verbal"), blank=True)
    #: None: the minutes are a draft only the board reads; set when published to the seats.
    minutes_published_at = models.DateTimeField(_("procès-verbal publié le"), null=True, blank=True)

    class Meta:
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return f"{self.body_id} {self.starts_at:%Y-%m-%d}"


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    seat = models.ForeignKey(Seat, on_delete=models.CASCADE, related_name="+")
    present = models.BooleanField(default=False)
    proxy_to = models.ForeignKey(Seat, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "seat"], name="governance_attend_once")]

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.seat_id}"


class Decision(TimeStampedModel):
    """A resolution put to the vote; the counts are per college and weighted by the statutes."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    title = models.CharField(_("intitulé"), max_length=200)
    text = models.TextField(_("texte"), blank=True)
    adopted = models.BooleanField(null=True)
    weighted_yes = models.DecimalField(max_digits=7, decimal_places=4, default=ZERO)
    is_public = models.BooleanField(_("publiée au registre"), default=True)

    class Meta:
        ordering = ["-meeting__starts_at", "pk"]

    def __str__(self) -> str:
        return self.title


class CollegeVote(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="college_votes")
    college = models.ForeignKey(College, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    yes = models.PositiveIntegerField(default=0)
    no = models.PositiveIntegerField(default=0)
    abstain = models.PositiveIntegerField(default=0)
    weight = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("1"))

    def __str__(self) -> str:
        return f"{self.decision_id}: {self.college_id}"


# --- Public money --------------------------------------------------------------------------


class FundingStatus(models.TextChoices):
    REQUESTED = "requested", _("Demandée")
    GRANTED = "granted", _("Accordée")
    FROZEN = "frozen", _("Gelée")
    PAID = "paid", _("Versée")
    REFUSED = "refused", _("Refusée")


class FundingLine(TimeStampedModel):
    """A subsidy or funding line of a cluster, optionally for one roadmap action (its id: the
    roadmaps app is read through its selectors only)."""

    cluster = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="funding_lines")
    funder = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="funded_lines", verbose_name=_("financeur")
    )
    title = models.CharField(_("objet"), max_length=200)
    year = models.PositiveSmallIntegerField(_("exercice"))
    requested = models.DecimalField(_("demandé (€)"), max_digits=12, decimal_places=2, default=ZERO)
    granted = models.DecimalField(_("accordé (€)"), max_digits=12, decimal_places=2, default=ZERO)
    paid = models.DecimalField(_("versé (€)"), max_digits=12, decimal_places=2, default=ZERO)
    status = models.CharField(
        _("statut"), max_length=10, choices=FundingStatus.choices, default=FundingStatus.REQUESTED
    )
    conditions = models.TextField(_("conditions"), blank=True)
    requested_on = models.DateField(_("demandée le"), null=True, blank=True)
    decided_on = models.DateField(_("décidée le"), null=True, blank=True)
    paid_on = models.DateField(_("versée le"), null=True, blank=True)
    action_id = models.PositiveIntegerField(
        _("action de la feuille de route"), null=True, blank=True, db_index=True
    )
    history = models.JSONField(default=list, blank=True, help_text="[{at, status, by, note}]")

    class Meta:
        ordering = ["cluster", "-year", "title"]

    def __str__(self) -> str:
        return self.title


class LedgerEntry(models.Model):
    """One income (positive) or expense (negative) of a cluster; `reference` keeps an imported
    line from being counted twice."""

    cluster = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="ledger_entries")
    date = models.DateField(_("date"))
    label = models.CharField(_("libellé"), max_length=200)
    category = models.CharField(_("catégorie"), max_length=60, blank=True)
    amount = models.DecimalField(_("montant (€)"), max_digits=12, decimal_places=2)
    reference = models.CharField(_("référence"), max_length=80)

    class Meta:
        ordering = ["cluster", "-date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cluster", "reference"], name="governance_ledger_ref_once")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.label}"
