from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from filiere.organisations.models import Organisation
from filiere.showcase import selectors as showcase
from filiere.taxonomy.models import RomeMetier

from .models import ActionKind, Entry, Prospect

_TOKEN = re.compile(r"[\s,;]+")


class EntryForm(forms.ModelForm):
    organisations_text = forms.CharField(
        label=_("Organisations mises en avant"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Un SIREN ou un numéro de fiche de l'annuaire par ligne (entreprises leaders, lauréats…)."
        ),
    )
    buyer_sector = forms.ChoiceField(label=_("Secteur des acheteurs visés"), required=False)
    website = forms.URLField(label=_("Site web"), required=False, assume_scheme="https")

    class Meta:
        model = Entry
        fields = [
            "title_fr",
            "title_en",
            "summary_fr",
            "summary_en",
            "body_fr",
            "body_en",
            "buyer_sector",
            "occupation_code",
            "email",
            "website",
            "order",
        ]
        widgets = {"body_fr": forms.Textarea(attrs={"rows": 6}), "body_en": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        buyer_sector = self.fields["buyer_sector"]
        assert isinstance(buyer_sector, forms.ChoiceField)
        buyer_sector.choices = [
            ("", "—"),
            *((s.code, showcase.sector_label(s)) for s in showcase.buyer_sectors()),
        ]
        if self.instance.pk and not self.is_bound:
            self.initial["organisations_text"] = "\n".join(
                o.siren or str(o.pk) for o in self.instance.organisations.order_by("name")
            )

    def clean_occupation_code(self) -> str:
        code = self.cleaned_data["occupation_code"].strip().upper()
        if code and not RomeMetier.objects.filter(code=code).exists():
            raise forms.ValidationError(_("Code ROME inconnu : %(code)s.") % {"code": code})
        return code

    def clean_organisations_text(self) -> list[Organisation]:
        found: list[Organisation] = []
        for line, token in enumerate(t for t in _TOKEN.split(self.cleaned_data["organisations_text"]) if t):
            if re.fullmatch(r"\d{9}", token):
                organisation = Organisation.objects.filter(siren=token).first()
            elif token.isdigit() and len(token) < 9:
                organisation = Organisation.objects.filter(pk=int(token)).first()
            else:
                organisation = None
            if organisation is None:
                raise forms.ValidationError(
                    _("Organisation n° %(n)d introuvable : « %(value)s ».")
                    % {"n": line + 1, "value": token[:20]}
                )
            if organisation not in found:
                found.append(organisation)
        return found


class ReturnForm(forms.Form):
    note = forms.CharField(
        label=_("Ce qu'il faut reprendre"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class ProspectForm(forms.ModelForm):
    buyer_sector = forms.ChoiceField(label=_("Secteur acheteur"))

    class Meta:
        model = Prospect
        fields = ["name", "country", "buyer_sector", "status", "contact_name", "need"]
        widgets = {"need": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"country": _("Deux lettres : FR, DE, ES, CA, US…")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        buyer_sector = self.fields["buyer_sector"]
        assert isinstance(buyer_sector, forms.ChoiceField)
        buyer_sector.choices = [
            ("", "—"),
            *((s.code, showcase.sector_label(s)) for s in showcase.buyer_sectors()),
        ]


class ActionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type d'action"), choices=ActionKind.choices)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Compte rendu"), max_length=1000, required=False)


class LeadForm(forms.Form):
    organisation = forms.TypedChoiceField(label=_("Entreprise de la région"), coerce=int)
    message = forms.CharField(
        label=_("Message à l'entreprise"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, firms: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(p.organisation_id, p.organisation.name) for p in firms]
