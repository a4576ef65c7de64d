"""Job seekers, their advisers' programmes (NEGE-like pipeline), job offers and applications.

A person's identity lives only on `JobSeeker`; a programme `File` copies the few facts the
dashboard needs (gender, age band, department) when it is opened, so erasing a person (GDPR)
blanks the `JobSeeker` row and leaves the programme's figures unchanged.

Length (just past 500 lines), on purpose: the app's schema in the one module Django and a
reader expect; every model is short.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from filiere.core.models import TimeStampedModel


class Gender(models.TextChoices):
    FEMALE = "F", _("Femme")
    MALE = "M", _("Homme")
    OTHER = "X", _("Autre / non précisé")


class AgeBand(models.TextChoices):
    UNDER_26 = "under_26", _("Moins de 26 ans")
    FROM_26_TO_44 = "26_44", _("26 à 44 ans")
    FROM_45 = "45_plus", _("45 ans et plus")
    UNKNOWN = "unknown", _("Âge inconnu")


def age_band(birth_year: int | None, *, on: dt.date | None = None) -> str:
    """The age band of someone born in `birth_year`, on `on` (today by default)."""
    if not birth_year:
        return AgeBand.UNKNOWN
    age = (on or dt.date.today()).year - birth_year
    if age < 26:
        return AgeBand.UNDER_26
    if age < 45:
        return AgeBand.FROM_26_TO_44
    return AgeBand.FROM_45


class Contract(models.TextChoices):
    CDI = "cdi", _("CDI")
    CDD = "cdd", _("CDD")
    ALTERNANCE = "alternance", _("Alternance")
    INTERIM = "interim", _("Intérim")
    FREELANCE = "freelance", _("Indépendant / freelance")
    INTERNSHIP = "stage", _("Stage")


class JobSeeker(TimeStampedModel):
    """A person looking for work, followed by a structure (France Travail, Mission locale, cluster)."""

    first_name = models.CharField(_("prénom"), max_length=100, blank=True)
    last_name = models.CharField(_("nom"), max_length=100, blank=True)
    email = models.EmailField(_("courriel"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    gender = models.CharField(_("genre"), max_length=1, choices=Gender.choices, default=Gender.OTHER)
    birth_year = models.PositiveSmallIntegerField(_("année de naissance"), null=True, blank=True)
    commune = models.ForeignKey(
        "territories.Commune", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    department_code = models.CharField(_("département"), max_length=3, blank=True, db_index=True)
    region_code = models.CharField(_("région"), max_length=3, blank=True, db_index=True)
    summary = models.TextField(_("parcours et compétences (CV)"), blank=True)
    skills = models.ManyToManyField(
        "taxonomy.Skill", blank=True, related_name="+", verbose_name=_("compétences")
    )
    extracted_skill_ids = models.JSONField(_("compétences extraites du CV"), default=list, blank=True)
    wished_appellations = models.ManyToManyField(
        "taxonomy.RomeAppellation", blank=True, related_name="+", verbose_name=_("métiers recherchés (ROME)")
    )
    wished_metiers = models.ManyToManyField(
        "taxonomy.RomeMetier", blank=True, related_name="+", verbose_name=_("fiches métiers recherchées")
    )
    wished_occupations = models.ManyToManyField(
        "taxonomy.EscoOccupation",
        blank=True,
        related_name="+",
        verbose_name=_("professions recherchées (ESCO)"),
    )
    previous_occupation = models.CharField(_("métier précédent"), max_length=200, blank=True)
    mobility_radius_km = models.PositiveSmallIntegerField(_("rayon de mobilité (km)"), null=True, blank=True)
    mobility_departments = models.JSONField(_("départements acceptés"), default=list, blank=True)
    contract_wishes = models.JSONField(_("contrats souhaités"), default=list, blank=True)
    available_from = models.DateField(_("disponible à partir du"), null=True, blank=True)
    structure = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="followed_job_seekers",
        verbose_name=_("structure d'accompagnement"),
    )
    adviser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="advised_job_seekers",
        verbose_name=_("conseiller"),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="job_seeker",
        verbose_name=_("compte personnel"),
    )
    last_activity_at = models.DateTimeField(_("dernière activité"), db_index=True)
    anonymised_at = models.DateTimeField(_("anonymisé le"), null=True, blank=True)

    class Meta:
        ordering = ["last_name", "first_name", "pk"]
        verbose_name = _("demandeur d'emploi")
        verbose_name_plural = _("demandeurs d'emploi")

    def __str__(self) -> str:
        if self.anonymised_at:
            return str(_("Personne anonymisée n° %(pk)s") % {"pk": self.pk})
        return f"{self.first_name} {self.last_name}".strip() or f"#{self.pk}"

    @property
    def age_band(self) -> str:
        return age_band(self.birth_year)


class SeekerDepartment(models.Model):
    """One department a job seeker accepts to work in (own department, radius or list): the
    SQL filter of an offer's candidates."""

    seeker = models.ForeignKey(JobSeeker, on_delete=models.CASCADE, related_name="reach")
    department_code = models.CharField(max_length=3)
    # Copied from the person's consent (shown to companies, not anonymised) so an offer's
    # candidates come from one covering index, without joining people and consents.
    shareable = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["seeker", "department_code"], name="talent_reach_uniq")
        ]
        indexes = [models.Index(fields=["department_code", "shareable", "seeker"], name="talent_reach_dep")]

    def __str__(self) -> str:
        return f"{self.seeker_id} → {self.department_code}"


class ConsentPurpose(models.TextChoices):
    SHARE_WITH_COMPANIES = "share_with_companies", _("Montrer mon profil aux entreprises qui recrutent")
    MATCHING = "matching", _("Me proposer des offres et des formations adaptées")
    PROGRAMME_FOLLOWUP = (
        "programme_followup",
        _("Suivre mon parcours dans un programme (enquêtes à 3, 6, 12 mois)"),
    )


class Consent(models.Model):
    """A person's consent for one purpose, with its date; withdrawing keeps the record."""

    seeker = models.ForeignKey(JobSeeker, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("finalité"), max_length=30, choices=ConsentPurpose.choices)
    given_at = models.DateTimeField(_("donné le"))
    withdrawn_at = models.DateTimeField(_("retiré le"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["purpose", "-given_at"]
        constraints = [models.UniqueConstraint(fields=["seeker", "purpose"], name="talent_consent_uniq")]
        verbose_name = _("consentement")
        verbose_name_plural = _("consentements")

    def __str__(self) -> str:
        return f"{self.seeker_id} {self.purpose}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class AccessLog(models.Model):
    """Who opened what about a person, when (every adviser or company access is logged)."""

    seeker = models.ForeignKey(JobSeeker, on_delete=models.CASCADE, related_name="access_logs")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("le"), auto_now_add=True, db_index=True)
    what = models.CharField(_("quoi"), max_length=100)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("accès à un profil")
        verbose_name_plural = _("accès aux profils")

    def __str__(self) -> str:
        return f"{self.user_id} → {self.seeker_id} ({self.what})"


class OfferStatus(models.TextChoices):
    OPEN = "open", _("Ouverte")
    FILLED = "filled", _("Pourvue")
    CLOSED = "closed", _("Fermée")


class JobOffer(TimeStampedModel):
    """A job offer published by a company, linked to ROME/ESCO through occupation linking."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="job_offers"
    )
    title = models.CharField(_("intitulé"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    rome_appellation = models.ForeignKey(
        "taxonomy.RomeAppellation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rome_metier = models.ForeignKey(
        "taxonomy.RomeMetier", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    esco_occupation = models.ForeignKey(
        "taxonomy.EscoOccupation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    skill_ids = models.JSONField(_("compétences"), default=list, blank=True)
    commune = models.ForeignKey(
        "territories.Commune", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    department_code = models.CharField(_("département"), max_length=3, blank=True, db_index=True)
    region_code = models.CharField(_("région"), max_length=3, blank=True)
    contract = models.CharField(_("contrat"), max_length=12, choices=Contract.choices, default=Contract.CDI)
    positions = models.PositiveSmallIntegerField(_("postes"), default=1)
    status = models.CharField(
        _("statut"), max_length=8, choices=OfferStatus.choices, default=OfferStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "department_code"], name="talent_offer_status_dep")]
        verbose_name = _("offre d'emploi")
        verbose_name_plural = _("offres d'emploi")

    def __str__(self) -> str:
        return self.title


class ApplicationStatus(models.TextChoices):
    SENT = "sent", _("Nouvelle")
    PROCESSING = "processing", _("En cours d'examen")
    ACCEPTED = "accepted", _("Retenue")
    REFUSED = "refused", _("Non retenue")
    WITHDRAWN = "withdrawn", _("Retirée")


# An application's life, as in les emplois de l'inclusion: the company examines it, then accepts
# or refuses it (with a reason); the candidate or their adviser may withdraw it until then.
APPLICATION_TRANSITIONS: dict[str, tuple[str, ...]] = {
    ApplicationStatus.SENT: (
        ApplicationStatus.PROCESSING,
        ApplicationStatus.ACCEPTED,
        ApplicationStatus.REFUSED,
        ApplicationStatus.WITHDRAWN,
    ),
    ApplicationStatus.PROCESSING: (
        ApplicationStatus.ACCEPTED,
        ApplicationStatus.REFUSED,
        ApplicationStatus.WITHDRAWN,
    ),
    ApplicationStatus.ACCEPTED: (),
    ApplicationStatus.REFUSED: (),
    ApplicationStatus.WITHDRAWN: (),
}
# Who makes each move: the company's editors answer, the candidate's side withdraws.
COMPANY_MOVES = frozenset(
    {ApplicationStatus.PROCESSING, ApplicationStatus.ACCEPTED, ApplicationStatus.REFUSED}
)
CANDIDATE_MOVES = frozenset({ApplicationStatus.WITHDRAWN})


class RefusalReason(models.TextChoices):
    """Why a company does not retain an application (the list les emplois de l'inclusion uses,
    trimmed to what applies to any employer)."""

    POSITION_FILLED = "position_filled", _("Le poste a été pourvu")
    SKILLS = "skills", _("Compétences insuffisantes pour le poste")
    EXPERIENCE = "experience", _("Expérience insuffisante pour le poste")
    CONTRACT = "contract", _("Contrat, horaires ou lieu incompatibles")
    UNREACHABLE = "unreachable", _("Candidat injoignable")
    NO_SHOW = "no_show", _("Candidat absent à l'entretien")
    HIRED_ELSEWHERE = "hired_elsewhere", _("Candidat déjà en emploi ailleurs")
    OTHER = "other", _("Autre motif (précisé)")


class Application(TimeStampedModel):
    """A candidate's application to an offer (one per candidate and offer); its status moves
    along `APPLICATION_TRANSITIONS`, each move logged (`ApplicationTransition`)."""

    seeker = models.ForeignKey(JobSeeker, on_delete=models.CASCADE, related_name="applications")
    offer = models.ForeignKey(JobOffer, on_delete=models.CASCADE, related_name="applications")
    status = models.CharField(
        _("statut"), max_length=10, choices=ApplicationStatus.choices, default=ApplicationStatus.SENT
    )
    message = models.TextField(_("message"), blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    refusal_reason = models.CharField(
        _("motif du refus"), max_length=20, choices=RefusalReason.choices, blank=True
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["seeker", "offer"], name="talent_application_uniq")]
        indexes = [models.Index(fields=["offer", "status"], name="talent_application_offer")]
        verbose_name = _("candidature")
        verbose_name_plural = _("candidatures")

    def __str__(self) -> str:
        return f"{self.seeker_id} → {self.offer_id}"

    @property
    def next_statuses(self) -> tuple[str, ...]:
        return APPLICATION_TRANSITIONS.get(self.status, ())


class ApplicationTransition(models.Model):
    """One move of an application's status: who, when, why (a reason from the list for a
    refusal, and free text)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(_("de"), max_length=10, choices=ApplicationStatus.choices, blank=True)
    to_status = models.CharField(_("vers"), max_length=10, choices=ApplicationStatus.choices)
    at = models.DateTimeField(_("le"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    refusal_reason = models.CharField(
        _("motif du refus"), max_length=20, choices=RefusalReason.choices, blank=True
    )
    reason = models.TextField(_("motif"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("changement de statut d'une candidature")
        verbose_name_plural = _("changements de statut des candidatures")

    def __str__(self) -> str:
        return f"{self.application_id}: {self.from_status} → {self.to_status}"


class Programme(TimeStampedModel):
    """A selection–training–placement programme (NEGE), run by a structure in a region."""

    name = models.CharField(_("nom"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    structure = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="talent_programmes",
        verbose_name=_("structure porteuse"),
    )
    partners = models.ManyToManyField(
        "organisations.Organisation", blank=True, related_name="+", verbose_name=_("partenaires")
    )
    region = models.ForeignKey("territories.Region", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["name"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self) -> str:
        return self.name


class Cohort(TimeStampedModel):
    """One intake of a programme (a promotion): year, dates, places."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="cohorts")
    name = models.CharField(_("nom"), max_length=120)
    year = models.PositiveSmallIntegerField(_("année"))
    start_date = models.DateField(_("début de la formation"))
    end_date = models.DateField(_("fin de la formation"))
    places = models.PositiveIntegerField(_("places"))

    class Meta:
        ordering = ["-year", "name"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="talent_cohort_uniq"),
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="talent_cohort_dates"
            ),
        ]
        verbose_name = _("promotion")
        verbose_name_plural = _("promotions")

    def __str__(self) -> str:
        return f"{self.programme} — {self.name}"


class FileState(models.TextChoices):
    APPLIED = "applied", _("Candidature reçue")
    PRESELECTED = "preselected", _("Présélectionné")
    SELECTED = "selected", _("Sélectionné")
    IN_TRAINING = "in_training", _("En formation")
    TRAINED = "trained", _("Formé")
    PLACED = "placed", _("En emploi")
    WITHDRAWN = "withdrawn", _("Abandon")
    NOT_RETAINED = "not_retained", _("Non retenu")


# The pipeline: which moves are allowed from each state (anything else is refused).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    FileState.APPLIED: (FileState.PRESELECTED, FileState.NOT_RETAINED, FileState.WITHDRAWN),
    FileState.PRESELECTED: (FileState.SELECTED, FileState.NOT_RETAINED, FileState.WITHDRAWN),
    FileState.SELECTED: (FileState.IN_TRAINING, FileState.WITHDRAWN),
    FileState.IN_TRAINING: (FileState.TRAINED, FileState.WITHDRAWN),
    FileState.TRAINED: (FileState.PLACED,),
    FileState.PLACED: (),
    FileState.WITHDRAWN: (),
    FileState.NOT_RETAINED: (),
}


class File(TimeStampedModel):
    """A person's dossier in a cohort; its state moves along `TRANSITIONS`, each move logged.

    Gender, age band and department are copied when the file opens: the dashboard reads them
    here, so they survive the erasure of the person.
    """

    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="files")
    seeker = models.ForeignKey(JobSeeker, on_delete=models.PROTECT, related_name="files")
    state = models.CharField(_("état"), max_length=12, choices=FileState.choices, default=FileState.APPLIED)
    applied_on = models.DateField(_("candidature le"))
    entered_training = models.BooleanField(_("est entré en formation"), default=False)
    placed_on = models.DateField(_("en emploi le"), null=True, blank=True)
    gender = models.CharField(_("genre"), max_length=1, choices=Gender.choices, default=Gender.OTHER)
    age_band = models.CharField(
        _("tranche d'âge"), max_length=10, choices=AgeBand.choices, default=AgeBand.UNKNOWN
    )
    department_code = models.CharField(_("département"), max_length=3, blank=True)

    class Meta:
        ordering = ["-applied_on", "-pk"]
        constraints = [models.UniqueConstraint(fields=["cohort", "seeker"], name="talent_file_uniq")]
        indexes = [models.Index(fields=["cohort", "state"], name="talent_file_cohort_state")]
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")

    def __str__(self) -> str:
        return f"{self.cohort} — {self.seeker}"

    @property
    def next_states(self) -> tuple[str, ...]:
        return TRANSITIONS.get(self.state, ())


class FileTransition(models.Model):
    """One move of a file's state: who, when, why."""

    file = models.ForeignKey(File, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(_("de"), max_length=12, choices=FileState.choices, blank=True)
    to_state = models.CharField(_("vers"), max_length=12, choices=FileState.choices)
    at = models.DateTimeField(_("le"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(_("motif"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("changement d'état")
        verbose_name_plural = _("changements d'état")

    def __str__(self) -> str:
        return f"{self.file_id}: {self.from_state} → {self.to_state}"


class OutcomeStatus(models.TextChoices):
    CDI = "cdi", _("En emploi : CDI")
    CDD_LONG = "cdd_6_plus", _("En emploi : CDD de 6 mois ou plus")
    CDD_SHORT = "cdd_under_6", _("En emploi : CDD de moins de 6 mois")
    ALTERNANCE = "alternance", _("En emploi : alternance")
    BUSINESS = "business", _("En emploi : création d'entreprise")
    TRAINING = "training", _("En formation")
    SEEKING = "seeking", _("En recherche d'emploi")
    UNKNOWN = "unknown", _("Situation inconnue")


EMPLOYED = frozenset(
    {
        OutcomeStatus.CDI,
        OutcomeStatus.CDD_LONG,
        OutcomeStatus.CDD_SHORT,
        OutcomeStatus.ALTERNANCE,
        OutcomeStatus.BUSINESS,
    }
)


class OutcomeDelay(models.IntegerChoices):
    M3 = 3, _("à 3 mois")
    M6 = 6, _("à 6 mois")
    M12 = 12, _("à 12 mois")


class Outcome(models.Model):
    """Where a trainee is 3, 6 or 12 months after the end of training."""

    file = models.ForeignKey(File, on_delete=models.CASCADE, related_name="outcomes")
    months = models.PositiveSmallIntegerField(_("échéance"), choices=OutcomeDelay.choices)
    status = models.CharField(_("situation"), max_length=12, choices=OutcomeStatus.choices)
    observed_on = models.DateField(_("constaté le"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("saisi le"), auto_now=True)

    class Meta:
        ordering = ["months"]
        constraints = [models.UniqueConstraint(fields=["file", "months"], name="talent_outcome_uniq")]
        verbose_name = _("situation à l'issue")
        verbose_name_plural = _("situations à l'issue")

    def __str__(self) -> str:
        return f"{self.file_id} +{self.months}: {self.status}"

    @property
    def employed(self) -> bool:
        return self.status in EMPLOYED
