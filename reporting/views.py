"""Thin web layer: download an artifact part after the permission check (404 outside scope)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from .selectors import artifact_download


@require_GET
@login_required
def download(request: HttpRequest, artifact_id: int, part: str = "pdf") -> HttpResponse:
    try:
        file = artifact_download(user=request.user, artifact_id=artifact_id, part=part)
    except ValidationError as exc:
        return HttpResponse("; ".join(exc.messages), status=409, content_type="text/plain")
    response = HttpResponse(file.content, content_type=file.content_type)
    response["Content-Disposition"] = f'attachment; filename="{file.filename}"'
    response["X-Content-SHA256"] = file.sha256
    return response
