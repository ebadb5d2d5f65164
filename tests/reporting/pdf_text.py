"""Reading generated PDFs back in tests: text per page (pypdf) and structure (pikepdf)."""

from __future__ import annotations

import io
import re

import pikepdf
from pypdf import PdfReader


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def text(pdf: bytes) -> str:
    return "\n".join(pages_text(pdf))


def squash(s: str) -> str:
    """Whitespace-insensitive form, for text that may wrap across lines in a table cell."""
    return re.sub(r"\s+", "", s)


def outline_titles(pdf: bytes) -> list[str]:
    with pikepdf.open(io.BytesIO(pdf)) as doc, doc.open_outline() as outline:
        titles: list[str] = []

        def walk(items):  # type: ignore[no-untyped-def]
            for item in items:
                titles.append(item.title)
                walk(item.children)

        walk(outline.root)
        return titles


def embedded_fonts(pdf: bytes) -> set[str]:
    """Base names of fonts whose program is embedded (FontFile2 = TrueType)."""
    names: set[str] = set()
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        for obj in doc.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor":
                if "/FontFile2" in obj:
                    names.add(str(obj["/FontName"]))
    return names


def metadata(pdf: bytes) -> dict[str, str]:
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        return {str(k): str(v) for k, v in doc.docinfo.items()}


def unembedded_fonts(pdf: bytes) -> set[str]:
    """Base names of the fonts used on any page (or in any form on it) whose program is not
    embedded: a /Font resource without FontFile, FontFile2 or FontFile3 in its descriptor
    (for a Type0 font, in its descendant font's descriptor)."""
    missing: set[str] = set()

    def descriptor(font: pikepdf.Object) -> pikepdf.Object | None:
        if font.get("/Subtype") == "/Type0":
            font = font["/DescendantFonts"][0]
        return font.get("/FontDescriptor")

    def check(resources: pikepdf.Object, seen: set[tuple[int, int]]) -> None:
        for font in (resources.get("/Font") or {}).values():
            d = descriptor(font)
            if d is None or not any(k in d for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                missing.add(str(font.get("/BaseFont")))
        for xobject in (resources.get("/XObject") or {}).values():
            key = xobject.objgen
            if key not in seen and xobject.get("/Subtype") == "/Form" and "/Resources" in xobject:
                seen.add(key)
                check(xobject["/Resources"], seen)

    with pikepdf.open(io.BytesIO(pdf)) as doc:
        for page in doc.pages:
            check(page.obj.get("/Resources") or pikepdf.Dictionary(), set())
    return missing
