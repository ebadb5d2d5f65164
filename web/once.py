"""Once-only forms: a form sent twice (double click, back button, resend) does its work once.

Each form page carries a random token in a hidden field (``form_token``, see
``OnceOnlyFormMixin``). The view runs the write through ``submit_once``, which, in one
transaction:

1. locks the user's session row (``SELECT ... FOR UPDATE`` on ``django_session``), so two
   posts of the same session are handled one after the other;
2. reads the tokens already used in this session (kept in the session, each with the address
   the first submission led to);
3. if the token was used, returns that address and does nothing else (``repeated=True``);
   otherwise runs the action and records the token with the address it returned.

If the action raises (bad input, a refused rule), the transaction rolls back and the token
stays unused, so the corrected form can be sent. A token is good in the session that issued
it; the last ``MAX_TOKENS`` used tokens are kept.

This relies on database-backed sessions (Django's default ``db`` or ``cached_db`` engine);
with another engine the session is read without a lock and only sequential repeats (back
button, resend) are caught, not two posts racing each other.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib.sessions.backends.db import SessionStore as DbSessionStore
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

SESSION_KEY = "_once_tokens"
#: How many used tokens a session remembers (oldest dropped first).
MAX_TOKENS = 200
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
EXPIRED = _("This form has expired. Reload the page and send it again.")


def new_token() -> str:
    """A fresh random token (32 URL-safe characters)."""
    return secrets.token_urlsafe(24)


class OnceOnlyFormMixin(forms.Form):
    """Adds the hidden ``form_token`` field, filled with a new token on an unbound form."""

    form_token = forms.CharField(
        widget=forms.HiddenInput, error_messages={"required": EXPIRED}, max_length=64
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("form_token", new_token())

    def clean_form_token(self) -> str:
        token = self.cleaned_data["form_token"]
        if not TOKEN_RE.fullmatch(token):
            raise ValidationError(EXPIRED, code="expired")
        return token


@dataclass(frozen=True)
class Outcome:
    """Where to send the user, and whether this post repeated an earlier one."""

    url: str
    repeated: bool


def _used_tokens_locked(request: HttpRequest) -> dict[str, str]:
    session = request.session
    if isinstance(session, DbSessionStore):
        if session.session_key is None:
            session.save()
        model = session.model
        row = (
            model.objects.select_for_update()
            .filter(session_key=session.session_key)
            .only("session_data")
            .first()
        )
        if row is not None:
            data = session.decode(row.session_data)
            return dict(data.get(SESSION_KEY, {}))
    return dict(session.get(SESSION_KEY, {}))


def submit_once(request: HttpRequest, *, token: str, action: Callable[[], str]) -> Outcome:
    """Run ``action`` (which writes and returns the address to go to) at most once per token."""
    if not TOKEN_RE.fullmatch(token or ""):
        raise ValidationError({"form_token": EXPIRED})
    with transaction.atomic():
        used = _used_tokens_locked(request)
        if token in used:
            request.session[SESSION_KEY] = used
            return Outcome(used[token], repeated=True)
        url = action()
        used[token] = url
        while len(used) > MAX_TOKENS:
            used.pop(next(iter(used)))
        request.session[SESSION_KEY] = used
        if isinstance(request.session, DbSessionStore):
            # Written in this transaction, before the lock is released.
            request.session.save()
    return Outcome(url, repeated=False)
