import datetime as dt
from typing import Any

from django.db.models import QuerySet

from .models import AuditEvent


def audit_events(
    *,
    object_type: Any = None,
    object_id: str = "",
    actor: str = "",
    action: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[AuditEvent]:
    """Events newest first, filtered; one query per page (actor and type joined)."""
    qs = AuditEvent.objects.select_related("actor", "content_type", "organization")
    if object_type:
        qs = qs.filter(content_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if actor:
        qs = qs.filter(actor_label__iexact=actor)
    if action:
        qs = qs.filter(action__startswith=action)
    if date_from:
        qs = qs.filter(occurred_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(occurred_at__date__lte=date_to)
    return qs
