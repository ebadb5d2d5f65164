"""Stored files are served only by views that have checked permission, through this one helper.

No URL maps to ``MEDIA_ROOT`` (in any settings module): a view fetches the record through
``organizations.access`` (404 when out of scope) and answers with ``protected_file``, which
always sends the file as an attachment (``Content-Disposition``), with
``X-Content-Type-Options: nosniff`` and ``Cache-Control: private, no-store``.

In production the file itself can be sent by the proxy: with ``MEDIA_ACCEL_REDIRECT`` set to an
internal location of nginx (e.g. ``/protected-media/``, declared ``internal`` and aliased to
``MEDIA_ROOT``), the response carries ``X-Accel-Redirect`` and an empty body instead of the bytes.
"""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase


def protected_file(file: FieldFile, *, filename: str, content_type: str) -> HttpResponseBase:
    """The stored ``file`` as a download named ``filename`` (404 when nothing is stored)."""
    if not file or not file.name:
        raise Http404("Not found")
    prefix = getattr(settings, "MEDIA_ACCEL_REDIRECT", "")
    response: HttpResponseBase
    if prefix:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(file.name)
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    else:
        try:
            handle = file.open("rb")
        except FileNotFoundError as exc:
            raise Http404("Not found") from exc
        response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
