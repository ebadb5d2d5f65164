"""Stored files are served only by views that have checked permission, through this one helper.

No URL maps to ``MEDIA_ROOT`` (in any settings module): a view fetches the record through
``organizations.access`` (404 when out of scope) and answers with ``protected_file`` (a stored
file) or ``content_response`` (bytes read or made by the view), which send it as an attachment
("Download") or, with ``inline=True``, to be shown in the browser ("Preview", a PDF read in the
browser's viewer), always with ``X-Content-Type-Options: nosniff`` and
``Cache-Control: private, no-store``.

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


def _disposition(filename: str, *, inline: bool) -> str:
    return f"{'inline' if inline else 'attachment'}; filename*=UTF-8''{quote(filename)}"


def _private(response: HttpResponseBase) -> HttpResponseBase:
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def content_response(content: bytes, *, filename: str, content_type: str, inline: bool = False) -> HttpResponse:
    """``content`` as a download named ``filename`` (``inline``: shown in the browser)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = _disposition(filename, inline=inline)
    _private(response)
    return response


def protected_file(file: FieldFile, *, filename: str, content_type: str, inline: bool = False) -> HttpResponseBase:
    """The stored ``file`` as a download named ``filename`` (404 when nothing is stored;
    ``inline``: shown in the browser)."""
    if not file or not file.name:
        raise Http404("Not found")
    prefix = getattr(settings, "MEDIA_ACCEL_REDIRECT", "")
    response: HttpResponseBase
    if prefix:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(file.name)
        response["Content-Disposition"] = _disposition(filename, inline=inline)
    else:
        try:
            handle = file.open("rb")
        except FileNotFoundError as exc:
            raise Http404("Not found") from exc
        response = FileResponse(handle, as_attachment=not inline, filename=filename, content_type=content_type)
    return _private(response)
