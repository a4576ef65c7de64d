"""Forms that hand their data to a service: the one place where a service's refusal (a
`ValidationError`, with or without field names) becomes errors on the form the person sees.

    cohort = run_service(form, lambda data: services.create_cohort(programme=programme, **data))
    if cohort is not None:
        return redirect(...)

A service that returns nothing succeeded when the form has no errors afterwards.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError

T = TypeVar("T")


def add_service_errors(
    form: forms.BaseForm,
    error: ValidationError,
    *,
    fields: Mapping[str, str] | None = None,
    field: str | None = None,
) -> None:
    """Put a service's refusal on the form: each message on the field it names when the form has
    that field (`fields` renames the service's names to the form's: {"commune": "commune_code"}),
    otherwise on the form itself; a refusal that names no field goes on `field` (None: the form)."""
    if not hasattr(error, "error_dict"):
        form.add_error(field, error.messages)
        return
    for name, messages in error.message_dict.items():
        name = (fields or {}).get(name, name)
        form.add_error(name if name in form.fields else None, messages)


def run_service(
    form: forms.BaseForm,
    call: Callable[[dict[str, Any]], T],
    *,
    fields: Mapping[str, str] | None = None,
    field: str | None = None,
) -> T | None:
    """Validate the form and call the service with its cleaned data, in the request.

    Returns the service's result, or None when the form is invalid or the service refused; the
    refusal is then on the form (`add_service_errors`). Other exceptions (PermissionDenied,
    Http404) go through."""
    if not form.is_valid():
        return None
    try:
        return call(form.cleaned_data)
    except ValidationError as error:
        add_service_errors(form, error, fields=fields, field=field)
        return None


def service_messages(error: ValidationError) -> list[str]:
    """Every message of a service's refusal, for a page that has no form to show them on
    (`messages.error(request, " ".join(service_messages(error)))`)."""
    if hasattr(error, "error_dict"):
        return [m for messages in error.message_dict.values() for m in messages]
    return list(error.messages)
