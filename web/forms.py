"""Putting a service's ``ValidationError`` on the form that sent the input.

Services raise ``ValidationError`` keyed by model field (``{"code": [...]}``). A view calls
``add_service_errors(form, exc)`` so each message appears next to the field it names; a
message keyed by something the form does not show goes to the form's general errors, so
nothing is lost.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        target = name if name in form.fields and name != NON_FIELD_ERRORS else None
        for error in errors:
            messages = error.messages
            if target is None and name != NON_FIELD_ERRORS:
                messages = [f"{name}: {m}" for m in messages]
            for message in messages:
                form.add_error(target, message)
