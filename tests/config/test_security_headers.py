"""Content-Security-Policy: every response carries it; inline scripts and styles run only with the
response's own nonce; no 'unsafe-inline' for scripts."""

import re

import pytest
from django.urls import reverse

from tests.grants import factories as gf

pytestmark = pytest.mark.django_db

INLINE = re.compile(r"<(script|style)\b(?![^>]*\bsrc=)([^>]*)>", re.IGNORECASE)


def _directives(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, "no Content-Security-Policy header"
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def _nonce(directives: dict[str, list[str]]) -> str:
    nonces = [v for v in directives["script-src"] if v.startswith("'nonce-")]
    assert len(nonces) == 1, directives["script-src"]
    return nonces[0][len("'nonce-"):-1]


def _inline_nonces(body: str) -> list[str | None]:
    out = []
    for _, attrs in INLINE.findall(body):
        found = re.search(r'\bnonce="([^"]*)"', attrs)
        out.append(found.group(1) if found else None)
    return out


def test_a_page_with_an_inline_script_carries_its_nonce_in_the_header(client):
    w = gf.world(cbos=1, board=3)
    award = gf.award(w)
    schedule = award.reports.order_by("number").first()
    client.force_login(w.staff[0])
    page = client.get(reverse("grants:report_step", args=[schedule.pk, "people"]))
    assert page.status_code == 200
    directives = _directives(page)
    nonce = _nonce(directives)
    body = page.content.decode()
    assert "Adds up each breakdown" in body  # the page's own inline script is there
    inline = _inline_nonces(body)
    assert len(inline) >= 2 and all(n == nonce for n in inline), inline
    assert directives["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in directives["script-src"] and "'unsafe-eval'" not in directives["script-src"]
    assert "'unsafe-inline'" not in directives["style-src"]
    assert directives["frame-ancestors"] == ["'none'"] and directives["object-src"] == ["'none'"]
    # a fresh nonce for every response
    again = client.get(reverse("grants:report_step", args=[schedule.pk, "people"]))
    assert _nonce(_directives(again)) != nonce


def test_the_sign_in_page_and_api_responses_carry_the_policy(client):
    page = client.get("/accounts/login/")
    nonce = _nonce(_directives(page))
    assert all(n == nonce for n in _inline_nonces(page.content.decode()))
    api = client.get("/api/schema/")
    assert _directives(api)["default-src"] == ["'self'"]


def test_the_api_docs_page_has_no_inline_script(client):
    page = client.get("/api/docs/")
    assert page.status_code == 200
    scripts = [attrs for tag, attrs in INLINE.findall(page.content.decode()) if tag.lower() == "script"]
    assert scripts == []
    directives = _directives(page)
    assert "'unsafe-inline'" not in directives["script-src"]
