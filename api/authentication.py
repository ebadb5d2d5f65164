"""How API requests authenticate: a personal token (``Authorization: Bearer crt_...``) or
the browser session (with CSRF protection, as the pages).

A token only ever acts as its user: ``request.user`` is the token's owner and
``request.auth`` the ``ApiToken`` row, so every permission check is the user's own.
"""

from __future__ import annotations

from typing import Any

from rest_framework import authentication, exceptions
from rest_framework.request import Request

from .services import TokenRejected, token_authenticate


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keywords = ("bearer", "token")

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode("latin-1").lower() not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "Send the token as 'Authorization: Bearer <token>'.", code="invalid_token"
            )
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed("The API token is malformed.",
                                                  code="invalid_token") from exc
        try:
            token = token_authenticate(raw)
        except TokenRejected as exc:
            raise exceptions.AuthenticationFailed(exc.message, code=exc.code) from exc
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'
