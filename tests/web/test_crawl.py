"""Every page a demo role reaches from its home page shows words, not codes.

Text inside ``<code>`` (file formats a page documents) is not checked.

Signs in as every demo user (and as the CBO in Spanish), follows every internal link from the
home page (GET only, at most ``LIMIT`` pages a role; downloads, sign-out, the administration and
the API are skipped) and fails on a server error, a visible snake_case token, JSON-looking text or
an ISO timestamp, and on Spanish pages on common English words of the interface.
"""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command

from organizations.demo import USERS

LIMIT = 300
SKIP_PREFIXES = ("/admin/", "/api/", "/accounts/logout", "/static/", "/media/", "/i18n/", "/healthz", "/readyz")
SKIP_PARTS = ("/download", "/document/", "/pdf/", "/json/", "/csv/", "/data/")
SNAKE = re.compile(r"(?<![\w@./-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w@-])")
JSON = re.compile(r"[{\[]\s*\"[^\"]+\"\s*:")
ISO_TIMESTAMP = re.compile(r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
#: Pages that show recorded values verbatim (the audit trail: codes as stored, for auditors); they
#: are still crawled for server errors, and their field names and times are readable.
RAW_RECORD_PAGES = ("/audit/",)
#: Column names of the CSV files a page documents (shown as they must be typed).
CSV_COLUMNS = {"member_months"}
ENGLISH_WORDS = ("Submit", "Save", "Cancel", "Status", "Amount", "Date", "Search", "Download", "Filter",
                 "Previous", "Next", "Home", "Sign out", "results")
ENGLISH = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in ENGLISH_WORDS) + r")\b")


class _Page(HTMLParser):
    """The visible text of a page (outside script, style and attributes) and its links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.links: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "template", "code"):
            self._hidden += 1
        if tag == "a":
            values = dict(attrs)
            href = values.get("href")
            if href and "download" not in values:
                self.links.append(href)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template", "code") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.text.append(data.strip())


def _internal(href: str, current: str) -> str | None:
    href, _ = urldefrag(href)
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not href or href.startswith(("mailto:", "tel:", "javascript:")):
        return None
    path = parts.path if parts.path.startswith("/") else current.rsplit("/", 1)[0] + "/" + parts.path
    if path.startswith(SKIP_PREFIXES) or any(p in path for p in SKIP_PARTS) or path.endswith((".pdf", ".csv")):
        return None
    return path


def crawl(client, *, spanish: bool = False) -> tuple[int, list[str]]:  # type: ignore[no-untyped-def]
    """(pages visited, problems found) for the signed-in client."""
    problems: list[str] = []
    seen = {"/"}
    queue = deque(["/"])
    visited = 0
    while queue and visited < LIMIT:
        path = queue.popleft()
        response = client.get(path)
        visited += 1
        if response.status_code >= 500:
            problems.append(f"{path}: {response.status_code}")
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        page = _Page()
        page.feed(response.content.decode())
        text = "\n".join(page.text)
        checks = () if path.startswith(RAW_RECORD_PAGES) else ((SNAKE, "code"), (JSON, "JSON"))
        for pattern, what in (*checks, (ISO_TIMESTAMP, "ISO timestamp")):
            found = sorted(set(pattern.findall(text)) - CSV_COLUMNS)
            if found:
                problems.append(f"{path}: {what}: {found[:5]}")
        if spanish:
            found = sorted(set(ENGLISH.findall(text)))
            if found:
                problems.append(f"{path}: English on a Spanish page: {found[:8]}")
        for href in page.links:
            target = _internal(href, path)
            if target and target not in seen:
                seen.add(target)
                queue.append(target)
    return visited, problems


@pytest.fixture
def demo(db):  # type: ignore[no-untyped-def]
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115 - closed with the process


@pytest.mark.parametrize("username", sorted({u[0] for u in USERS} | {"admin"}))
def test_every_page_a_role_reaches_shows_words_not_codes(client, demo, username):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username=username))
    visited, problems = crawl(client)
    assert visited > 1
    assert not problems, "\n".join(problems)


def test_the_cbo_in_spanish_sees_spanish_throughout(client, demo):
    from django.conf import settings
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="cbo"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    visited, problems = crawl(client, spanish=True)
    assert visited > 1
    assert not problems, "\n".join(problems)
