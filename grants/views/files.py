"""An application's attachment, sent only to whoever may view it (the applicant's staff; the ACH's
fund administrators and board once submitted; never a reviewer with a conflict): 404 otherwise."""

from __future__ import annotations

import re

from django.contrib.auth.decorators import login_required
from django.http.response import HttpResponseBase
from django.views.decorators.http import require_GET

from organizations import access
from web.files import protected_file
from web.requests import AuthenticatedRequest

from ..models import Attachment

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "png": "image/png",
    "jpeg": "image/jpeg",
}


@login_required
@require_GET
def attachment_download(request: AuthenticatedRequest, pk: int, attachment_id: int) -> HttpResponseBase:
    attachment = access.get_object_or_404(request.user, "view", Attachment.objects.filter(application_id=pk),
                                          pk=attachment_id)
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", attachment.original_name.rsplit(".", 1)[0]).strip("-.") or "attachment"
    return protected_file(attachment.file, content_type=CONTENT_TYPES.get(attachment.file_type,
                                                                          "application/octet-stream"),
                          filename=f"{stem[:80]}.{attachment.file_type}")
