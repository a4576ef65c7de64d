"""`core.forms.run_service`: a service's refusal lands on the form, on the field it names."""

from __future__ import annotations

import pytest
from django import forms
from django.core.exceptions import PermissionDenied, ValidationError

from filiere.core.forms import run_service, service_messages


class NameForm(forms.Form):
    name = forms.CharField()
    commune_code = forms.CharField(required=False)


def refuse(error: ValidationError):
    def service(data):
        raise error

    return service


def test_a_valid_form_gives_the_service_its_cleaned_data_and_returns_the_result():
    form = NameForm({"name": " Dijon "})
    assert run_service(form, lambda d: d["name"].upper()) == "DIJON"
    assert not form.errors


def test_an_invalid_form_never_reaches_the_service():
    calls = []
    form = NameForm({})
    assert run_service(form, calls.append) is None
    assert calls == [] and "name" in form.errors


def test_field_errors_go_to_their_field_renamed_or_to_the_form():
    error = ValidationError(
        {"name": "Nom déjà pris.", "commune": "Commune inconnue.", "siret": "SIRET faux."}
    )
    form = NameForm({"name": "x"})
    assert run_service(form, refuse(error), fields={"commune": "commune_code"}) is None
    assert form.errors["name"] == ["Nom déjà pris."]
    assert form.errors["commune_code"] == ["Commune inconnue."]
    assert form.non_field_errors() == ["SIRET faux."]


def test_an_error_without_field_goes_to_the_form_or_to_the_chosen_field():
    form = NameForm({"name": "x"})
    run_service(form, refuse(ValidationError("Période close.")))
    assert form.non_field_errors() == ["Période close."]
    form = NameForm({"name": "x"})
    run_service(form, refuse(ValidationError("Trop grand.")), field="name")
    assert form.errors["name"] == ["Trop grand."] and not form.non_field_errors()


def test_other_refusals_are_not_form_errors():
    with pytest.raises(PermissionDenied):
        run_service(NameForm({"name": "x"}), refuse(PermissionDenied()))  # type: ignore[arg-type]


def test_service_messages_flattens_both_shapes():
    assert service_messages(ValidationError({"a": ["un", "deux"], "b": "trois"})) == ["un", "deux", "trois"]
    assert service_messages(ValidationError(["un", "deux"])) == ["un", "deux"]
