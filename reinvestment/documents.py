"""The audited financial statement a plan uploads for a year: checked by its content and size,
stored under a random name.

* Only a PDF is accepted, recognised by its first bytes (``%PDF-``), never by the file name or
  the browser's content type: an HTML page or a renamed executable is refused.
* At most ``STATEMENT_MAX_BYTES`` (settings; 10 MB by default).
* Stored as ``reinvestment/financials/<plan>/<year>/<uuid>.pdf``: the uploader's file name is
  not kept. A replaced statement stays in storage; the audit trail of the year records the
  stored name before and after each change, so every earlier version can be found.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db.models.fields.files import FieldFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext

PDF_MAGIC = b"%PDF-"
FIELD = "source_document"


def statement_clean(value: Any) -> Any:
    """The upload as a ``ContentFile`` named ``statement.pdf``, or a ``ValidationError`` on
    ``source_document``. Nothing (``None``/empty) and an already stored file pass unchanged."""
    if not value or isinstance(value, FieldFile):
        return value
    limit = settings.STATEMENT_MAX_BYTES
    size = getattr(value, "size", None)
    if size is not None and size > limit:
        raise ValidationError({FIELD: gettext("The statement is %(size)s; the limit is %(limit)s.")
                               % {"size": filesizeformat(size), "limit": filesizeformat(limit)}})
    if hasattr(value, "seek"):
        value.seek(0)
    content = value.read(limit + 1)
    if isinstance(content, str):
        content = content.encode("utf-8")
    if len(content) > limit:
        raise ValidationError({FIELD: gettext("The statement is larger than the limit of %(limit)s.")
                               % {"limit": filesizeformat(limit)}})
    if not content:
        raise ValidationError({FIELD: gettext("The file is empty.")})
    if not content.startswith(PDF_MAGIC):
        raise ValidationError({FIELD: gettext(
            "The audited statement must be a PDF file; this file's content is not a PDF.")})
    return ContentFile(content, name="statement.pdf")
