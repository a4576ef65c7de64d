"""Forms of a cluster's bodies: the body, a seat, a meeting, its attendance sheet, minutes,
decisions and the vote per college. The services check the rights and have the last word; the
attendance sheet names the row of each refused proxy before the service is called."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from filiere.organisations.models import College, Organisation

from ..models import BodyKind, Membership
from .selectors import SeatRow

PRESENT = "present"
ABSENT = "absent"
PROXY = "proxy-"


class BodyForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Type"), choices=BodyKind.choices)
    name = forms.CharField(label=gettext_lazy("Nom"), max_length=150)
    college: forms.ModelChoiceField[College] = forms.ModelChoiceField(
        queryset=College.objects.none(),
        required=False,
        label=gettext_lazy("Collège (pour une instance de collège)"),
    )
    quorum_percent = forms.IntegerField(
        label=gettext_lazy("Quorum (pourcentage des sièges présents ou représentés)"),
        min_value=1,
        max_value=100,
        initial=50,
    )
    max_proxies = forms.IntegerField(
        label=gettext_lazy("Pouvoirs au plus par personne présente"), min_value=0, max_value=50, initial=2
    )

    def __init__(self, *args: Any, colleges: QuerySet[College], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["college"].queryset = colleges  # type: ignore[attr-defined]
        self.fields["college"].label_from_instance = lambda college: college.name  # type: ignore[attr-defined]

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "name": data["name"],
            "college": data["college"],
            "quorum": (Decimal(data["quorum_percent"]) / 100).quantize(Decimal("0.01")),
            "max_proxies": data["max_proxies"],
        }


class SeatForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("Adresse de son compte"),
        help_text=gettext_lazy("La personne doit avoir un compte sur la plateforme."),
    )
    membership: forms.ModelChoiceField[Membership] = forms.ModelChoiceField(
        queryset=Membership.objects.none(),
        required=False,
        label=gettext_lazy("Pour le membre"),
        empty_label=gettext_lazy("En son nom propre"),
    )
    college: forms.ModelChoiceField[College] = forms.ModelChoiceField(
        queryset=College.objects.none(),
        required=False,
        label=gettext_lazy("Collège"),
        empty_label=gettext_lazy("Celui du membre, ou aucun"),
    )
    role = forms.CharField(label=gettext_lazy("Fonction"), max_length=80, required=False)

    def __init__(
        self, *args: Any, memberships: QuerySet[Membership], colleges: QuerySet[College], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = memberships  # type: ignore[attr-defined]
        self.fields["membership"].label_from_instance = lambda m: m.member_name  # type: ignore[attr-defined]
        self.fields["college"].queryset = colleges  # type: ignore[attr-defined]
        self.fields["college"].label_from_instance = lambda college: college.name  # type: ignore[attr-defined]


class SeatOrganisationForm(forms.Form):
    """The organisation a seat represents, among the person's organisations in the directory."""

    organisation: forms.ModelChoiceField[Organisation] = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        label=gettext_lazy("Organisation représentée"),
        empty_label=gettext_lazy("Aucune (la personne seule)"),
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["organisation"].label_from_instance = lambda o: o.name  # type: ignore[attr-defined]


class MeetingForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=gettext_lazy("Date et heure"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
    )
    place = forms.CharField(label=gettext_lazy("Lieu"), max_length=200, required=False)
    agenda = forms.CharField(label=gettext_lazy("Ordre du jour"), widget=forms.Textarea(attrs={"rows": 6}))


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=gettext_lazy("Procès-verbal"), required=False, widget=forms.Textarea(attrs={"rows": 12})
    )


class DecisionForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Intitulé"), max_length=200)
    text = forms.CharField(
        label=gettext_lazy("Texte de la résolution"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    is_public = forms.BooleanField(
        label=gettext_lazy("Publiée au registre public des décisions"), required=False, initial=True
    )


def seat_field(pk: int) -> str:
    return f"seat_{pk}"


class AttendanceForm(forms.Form):
    """One row per seat: present, absent, or a proxy given to another seat. A proxy goes to a
    person present, who holds at most the body's cap: a refused proxy is named on its row."""

    def __init__(
        self,
        *args: Any,
        rows: list[SeatRow],
        max_proxies: int,
        initial_values: dict[int, str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        self.max_proxies = max_proxies
        self.names = {row.seat.pk: row.name for row in rows}
        initial_values = initial_values or {}
        for row in rows:
            choices = [(PRESENT, _("Présent(e)")), (ABSENT, _("Absent(e)"))]
            choices += [
                (f"{PROXY}{other.seat.pk}", _("Pouvoir à %(name)s") % {"name": other.name})
                for other in rows
                if other.seat.pk != row.seat.pk
            ]
            self.fields[seat_field(row.seat.pk)] = forms.ChoiceField(
                label=row.name, choices=choices, initial=initial_values.get(row.seat.pk, ABSENT)
            )

    def bound_rows(self) -> list[tuple[SeatRow, forms.BoundField]]:
        return [(row, self[seat_field(row.seat.pk)]) for row in self.rows]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        values = {row.seat.pk: data.get(seat_field(row.seat.pk)) for row in self.rows}
        held: dict[int, int] = defaultdict(int)
        for giver, value in values.items():
            if not value or not value.startswith(PROXY):
                continue
            holder = int(value.removeprefix(PROXY))
            if values.get(holder) != PRESENT:
                self.add_error(
                    seat_field(giver),
                    _(
                        "%(name)s n'est pas présent(e) : un pouvoir ne peut être donné qu'à une personne présente."
                    )
                    % {"name": self.names.get(holder, "?")},
                )
                continue
            held[holder] += 1
            if held[holder] > self.max_proxies:
                self.add_error(
                    seat_field(giver),
                    _("%(name)s détient déjà %(n)d pouvoir(s) : c'est le maximum de cette instance.")
                    % {"name": self.names.get(holder, "?"), "n": self.max_proxies},
                )
        return data

    def service_data(self) -> dict[str, Any]:
        present: list[int] = []
        proxies: dict[int, int] = {}
        for row in self.rows:
            value = self.cleaned_data[seat_field(row.seat.pk)]
            if value == PRESENT:
                present.append(row.seat.pk)
            elif value.startswith(PROXY):
                proxies[row.seat.pk] = int(value.removeprefix(PROXY))
        return {"present": present, "proxies": proxies}


def vote_key(college_id: int | None) -> str:
    return str(college_id) if college_id else "all"


class VoteForm(forms.Form):
    """Yes, no and abstention counts per college (one row "all voters" when the owner has no
    colleges)."""

    def __init__(
        self,
        *args: Any,
        colleges: list[College],
        initial_counts: dict[int | None, tuple[int, int, int]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        initial_counts = initial_counts or {}
        self.groups: list[tuple[int | None, str]] = [(c.pk, c.name) for c in colleges] or [
            (None, _("Ensemble des votants"))
        ]
        for college_id, name in self.groups:
            yes, no, abstain = initial_counts.get(college_id, (0, 0, 0))
            for part, label, value in (
                ("yes", _("Pour"), yes),
                ("no", _("Contre"), no),
                ("abstain", _("Abstention"), abstain),
            ):
                self.fields[f"{part}_{vote_key(college_id)}"] = forms.IntegerField(
                    label=f"{name} — {label}", min_value=0, max_value=100000, initial=value
                )

    def bound_groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [
            (name, [self[f"{part}_{vote_key(college_id)}"] for part in ("yes", "no", "abstain")])
            for college_id, name in self.groups
        ]

    def counts(self) -> dict[int | None, tuple[int, int, int]]:
        data = self.cleaned_data
        return {
            college_id: (
                data[f"yes_{vote_key(college_id)}"],
                data[f"no_{vote_key(college_id)}"],
                data[f"abstain_{vote_key(college_id)}"],
            )
            for college_id, _name in self.groups
        }
