"""Spanish: every message of the catalog is translated and compiled into the committed .mo."""

import gettext
import re
from pathlib import Path

from django.template import Context, Template
from django.utils import translation

LOCALE = Path(__file__).resolve().parent.parent.parent / "locale" / "es" / "LC_MESSAGES"


def _po_entries() -> dict[str, str]:
    """msgid -> msgstr of the singular entries of django.po (continuation lines joined); an entry
    with a context (pgettext) is keyed as the compiled catalogue keys it, ``context\\x04msgid``."""
    text = (LOCALE / "django.po").read_text(encoding="utf-8")
    entries = {}
    for block in text.split("\n\n"):
        fields: dict[str, str] = {}
        current = None
        for line in block.splitlines():
            match = re.match(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d\])?) "(.*)"$', line)
            if match:
                current = match.group(1)
                fields[current] = match.group(2)
            elif line.startswith('"') and current:
                fields[current] += line[1:-1]
        if fields.get("msgid") and "msgid_plural" not in fields:
            key = f"{fields['msgctxt']}\x04{fields['msgid']}" if "msgctxt" in fields else fields["msgid"]
            entries[key] = fields.get("msgstr", "")
    return entries


def test_every_message_is_translated_and_compiled():
    with (LOCALE / "django.mo").open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    entries = _po_entries()
    assert len(entries) > 50
    untranslated = [k for k, v in entries.items() if not v]
    assert untranslated == []
    # A word spelled alike in both languages ("Total", "No") is translated to itself.
    stale = [k for k, v in entries.items() if v and v != k and compiled.gettext(k.replace('\\"', '"')) == k]
    assert stale == [], "django.mo is older than django.po: compile it again"


def test_pages_speak_spanish_when_asked():
    tpl = Template('{% load i18n %}{% translate "Sign in" %}|{% translate "Skip to main content" %}')
    with translation.override("es"):
        assert tpl.render(Context()) == "Iniciar sesión|Saltar al contenido principal"
    with translation.override("en"):
        assert tpl.render(Context()) == "Sign in|Skip to main content"
