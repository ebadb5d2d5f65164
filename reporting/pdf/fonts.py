"""Fonts: an embedded Unicode TrueType font shipped by a Python package, with fallback.

The body font is Noto Sans (package ``fontpkg-noto-sans``), embedded as a
subset in every PDF: it covers Latin with all Spanish and Vietnamese
diacritics ("Asociación de Promotores — Niños Sanos", "Cộng Đồng"), Greek and
Cyrillic. Characters the body font lacks (Chinese, Japanese, Korean) are set run by run
in a fallback font: WenQuanYi Micro Hei, a TrueType CJK font embedded as a
subset, when the Debian package ``fonts-wqy-microhei`` is installed (as on the
servers and CI), else ReportLab's Unicode CID font ``STSong-Light`` (not
embedded: the viewer supplies the glyphs). Either way a name mixing scripts
keeps each character and its text stays extractable.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

import fontpkg_noto_sans
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

BODY = "NotoSans"
BODY_ITALIC = "NotoSans-Italic"
CJK_TRUETYPE = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
FALLBACK = "WenQuanYi-MicroHei" if CJK_TRUETYPE.exists() else "STSong-Light"

_lock = threading.Lock()
_registered = False


def register() -> None:
    """Register the fonts with ReportLab once per process (thread-safe, idempotent)."""
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        files = fontpkg_noto_sans.ROOT / "files"
        pdfmetrics.registerFont(TTFont(BODY, str(files / "NotoSans[wdth,wght].ttf")))
        pdfmetrics.registerFont(TTFont(BODY_ITALIC, str(files / "NotoSans-Italic[wdth,wght].ttf")))
        pdfmetrics.registerFontFamily(BODY, normal=BODY, bold=BODY, italic=BODY_ITALIC,
                                      boldItalic=BODY_ITALIC)
        if FALLBACK == "STSong-Light":
            pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK))
        else:
            pdfmetrics.registerFont(TTFont(FALLBACK, str(CJK_TRUETYPE), subfontIndex=0))
        _registered = True


@lru_cache(maxsize=1)
def _body_chars() -> frozenset[int]:
    register()
    font = pdfmetrics.getFont(BODY)
    return frozenset(font.face.charToGlyph)


def covered(text: str) -> bool:
    """True when the body font has a glyph for every character of ``text``."""
    chars = _body_chars()
    return all(ord(c) in chars or c in "\n\t" for c in text)


def runs(text: str) -> list[tuple[str, str]]:
    """Split ``text`` into (font name, run) pieces: body font where it has glyphs, else fallback."""
    chars = _body_chars()
    out: list[tuple[str, str]] = []
    for c in text:
        font = BODY if ord(c) in chars or c.isspace() else FALLBACK
        if out and out[-1][0] == font:
            out[-1] = (font, out[-1][1] + c)
        else:
            out.append((font, c))
    return out


def markup(text: object) -> str:
    """Paragraph markup for ``text``: XML-escaped, fallback runs wrapped in ``<font>``."""
    s = "" if text is None else str(text)
    if covered(s):
        return escape(s)
    return "".join(
        escape(run) if font == BODY else f'<font name="{font}">{escape(run)}</font>'
        for font, run in runs(s)
    )


def draw_string(canvas: Canvas, x: float, y: float, text: str, size: float,
                align: str = "left") -> None:
    """Draw ``text`` on ``canvas`` with per-run font fallback (header, footer, cover lines)."""
    pieces = runs(text)
    width = sum(pdfmetrics.stringWidth(run, font, size) for font, run in pieces)
    if align == "right":
        x -= width
    elif align == "center":
        x -= width / 2
    for font, run in pieces:
        canvas.setFont(font, size)
        canvas.drawString(x, y, run)
        x += pdfmetrics.stringWidth(run, font, size)
