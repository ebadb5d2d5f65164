"""What every page does with a POST: run one service, show its refusal on the form, redirect.

* ``submit_form(request, form, action)``: the handler of a form that writes. ``action`` calls
  the service and returns the address to go to. A once-only form (one carrying
  ``form_token``, see ``web.once``) runs it at most once per token: a repeat goes to the
  address of the first submission without writing again. On success the answer is a
  redirect (with ``success`` as a message the first time); on refusal it is ``None`` and the
  service's messages are on the form, so the view shows the form again (status 400).
* ``run_service(form, action)``: the same mapping for the few pages that answer a write
  with a page rather than a redirect (an import report, an autosave status).

The mapping lives here only: a service's ``ValidationError`` goes next to the fields it
names (``web.forms.add_service_errors``), and ``organizations.access.AccessDenied`` becomes a
404, so a page never says that a record the user may not touch exists.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import TYPE_CHECKING, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect

from organizations import access

from . import once
from .forms import add_service_errors

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

T = TypeVar("T")


def run_service(form: forms.BaseForm, action: Callable[[], T], *, general: Collection[str] | bool = ()) -> T | None:
    """``action()``; ``None`` with the service's messages on ``form`` when it refuses.

    ``general`` names service error keys shown as the form's general errors, as written
    (``True``: every key the form has no field for).
    """
    try:
        return action()
    except ValidationError as exc:
        add_service_errors(form, exc, general=general)
        return None
    except access.AccessDenied as exc:
        raise Http404("Not found") from exc


def submit_form(request: HttpRequest, form: forms.BaseForm, action: Callable[[], str], *,
                success: _StrOrPromise | None = None,
                general: Collection[str] | bool = ()) -> HttpResponseRedirect | None:
    """Run a valid form's write and redirect to the address ``action`` returns.

    ``None`` when the service refused: its messages are on ``form``. Call it after
    ``form.is_valid()``.
    """
    if "form_token" in form.fields:
        token = form.cleaned_data["form_token"]
        outcome = run_service(form, lambda: once.submit_once(request, token=token, action=action), general=general)
        if outcome is None:
            return None
        url, repeated = outcome.url, outcome.repeated
    else:
        done = run_service(form, action, general=general)
        if done is None:
            return None
        url, repeated = done, False
    if success is not None and not repeated:
        messages.success(request, success)
    return redirect(url)
