"""``{% load inbox %}``: the header's unread count (one query, only for a signed-in person)."""

from typing import Any

from django import template

from ..selectors import unread_count as _unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_count(context: template.Context) -> int:
    request = context.get("request")
    return _unread_count(user=getattr(request, "user", None))
