"""Attachment type detection from content (magic bytes), never from the file name.

* PDF starts with ``%PDF-``; PNG with its 8-byte signature; JPEG with ``FF D8 FF``.
* DOCX and XLSX are ZIP files (``PK\\x03\\x04``) whose ``[Content_Types].xml``
  part declares the main document part of a word-processing document or of a
  spreadsheet. A ZIP without that part, or with another main part, is neither.
"""

from __future__ import annotations

import io
import zipfile

PDF, DOCX, XLSX, PNG, JPEG = "pdf", "docx", "xlsx", "png", "jpeg"

#: Extensions a name may claim, by type.
EXTENSIONS: dict[str, str] = {
    ".pdf": PDF, ".docx": DOCX, ".xlsx": XLSX, ".png": PNG, ".jpg": JPEG, ".jpeg": JPEG,
}

DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def claimed_type(filename: str) -> str | None:
    """The type a file name claims by its extension, or None for an unaccepted extension."""
    lower = filename.lower()
    for ext, kind in EXTENSIONS.items():
        if lower.endswith(ext):
            return kind
    return None


def detect_type(content: bytes) -> str | None:
    """The accepted type ``content`` really is, or None."""
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content.startswith(b"PK\x03\x04"):
        return _office_type(content)
    return None


def _office_type(content: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > 1024 * 1024:  # bytes; a real part is a few KB
                return None
            types = archive.read(info).decode("utf-8", errors="replace")
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError):
        return None
    if DOCX_MAIN in types:
        return DOCX
    if XLSX_MAIN in types:
        return XLSX
    return None
