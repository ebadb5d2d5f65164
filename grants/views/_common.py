"""Helpers shared by the grants pages (not business rules: parsing, scoping, once-only posts)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from organizations import access
from web import once
from web.forms import add_service_errors


def post_once(request: HttpRequest, form: forms.Form, action: Callable[[], str]) -> HttpResponse | None:
    """Run ``action`` once for the form's token; a redirect on success, None with errors on ``form``.

    ``AccessDenied`` from a service becomes a 404 (the page never says the record exists).
    """
    try:
        outcome = once.submit_once(request, token=form.cleaned_data["form_token"], action=action)
    except access.AccessDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None
    return redirect(outcome.url)


def choice_label(choices: Any, value: str) -> str:
    return str(dict(choices).get(value, value))
