"""The authentication backend of the pages: Django's model backend, whose read of the signed-in
user on each request also answers what every page's header asks.

The header asks ``nav.shows_audit_trail`` (an ``EXISTS`` on the permission, held directly or
through a group, as ``user.has_perm`` would answer with this backend) and lists the pages of the
user's active memberships (``access.MEMBERSHIP_FIELDS``). One query answers all three: the user's
row, the permission, and one row per membership (a left join, so a user without memberships still
has one row). The ORM compiles that query once per process and database (``_compiled``); each
request only puts the user's id in its parameters.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import connections, router
from django.db.models import Exists, FilteredRelation, OuterRef, Q

from organizations import access

from .nav import AUDIT_PERMISSION

#: The user id the query is compiled with; each read puts the real id where it stands.
_PLACEHOLDER_ID = -918_273_645
#: The membership fields, read through the filtered relation "m" (active memberships only).
_MEMBERSHIP = tuple(f"m__{name}" for name in access.MEMBERSHIP_FIELDS)


@cache
def _compiled(alias: str) -> tuple[str, tuple[Any, ...], int, tuple[str, ...]]:
    """The SQL and parameters of the sign-in read on database ``alias``, the parameter holding
    the user's id, and the user's concrete field names (the first columns of each row)."""
    model = get_user_model()
    app_label, codename = AUDIT_PERMISSION
    granted = Permission.objects.filter(content_type__app_label=app_label, codename=codename).filter(
        Q(user=OuterRef("pk")) | Q(group__user=OuterRef("pk")))
    fields = tuple(f.attname for f in model._meta.concrete_fields)
    query = (model._default_manager.using(alias)
             .annotate(audit_trail=Exists(granted), m=FilteredRelation("memberships", condition=Q(
                 memberships__is_active=True)))
             .filter(pk=_PLACEHOLDER_ID)
             .order_by(*(f"m__{name}" for name in access.MEMBERSHIP_ORDER))
             .values_list(*fields, "audit_trail", "m__organization__is_active", *_MEMBERSHIP).query)
    sql, params = query.get_compiler(alias).as_sql()
    (slot,) = [i for i, value in enumerate(params) if value == _PLACEHOLDER_ID]
    return sql, tuple(params), slot, fields


class PageBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        model = get_user_model()
        try:
            user_id = model._meta.pk.to_python(user_id)
        except ValidationError:  # a session naming no valid id names nobody
            return None
        alias = router.db_for_read(model)
        sql, params, slot, fields = _compiled(alias)
        values = list(params)
        values[slot] = user_id
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, values)
            rows = cursor.fetchall()
        if not rows:
            return None
        width = len(fields)
        user: Any = model.from_db(alias, fields, rows[0][:width])
        user._nav_audit_trail = bool(rows[0][width])  # what ``nav.shows_audit_trail`` reads
        access.remember(user, [row[width + 2:] for row in rows if row[width + 1]])
        return user if self.user_can_authenticate(user) else None
