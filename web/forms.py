"""Putting a service's ``ValidationError`` on the form that sent the input.

Services raise ``ValidationError`` keyed by model field (``{"code": [...]}``). A view calls
``add_service_errors(form, exc)`` (pages do it through ``web.actions``) so each message appears
next to the field it names; a message keyed by something the form does not show goes to the
form's general errors with the key in front, so nothing is lost. Keys listed in ``general``
(every key the form does not show, with ``general=True``), and every key on a form without
fields (a bare button), go to the general errors as written.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TypeVar

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

FieldT = TypeVar("FieldT", bound=forms.Field)


def field_of(form: forms.BaseForm, name: str, kind: type[FieldT]) -> FieldT:
    """``form.fields[name]`` as the kind of field it is declared as (to set its choices or queryset)."""
    found = form.fields[name]
    if not isinstance(found, kind):
        raise TypeError(f"{type(form).__name__}.{name} is a {type(found).__name__}, not a {kind.__name__}")
    return found


def add_service_errors(form: forms.BaseForm, exc: ValidationError, *,
                       general: Collection[str] | bool = ()) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        if isinstance(general, bool):
            as_written = general and name not in form.fields
        else:
            as_written = name in general
        as_written = as_written or name == NON_FIELD_ERRORS or not form.fields
        target = name if name in form.fields and not as_written else None
        for error in errors:
            messages = error.messages
            if target is None and not as_written:
                messages = [f"{name}: {m}" for m in messages]
            for message in messages:
                form.add_error(target, message)


def general_errors(form: forms.BaseForm) -> str:
    """The form's general errors as one line (the message of a page whose action is a bare button)."""
    return " ".join(str(message) for message in form.non_field_errors())
