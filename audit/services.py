"""Writing audit events. Every service that writes calls ``record`` in its transaction.

This is the bottom layer: it imports no other app of the project. Who acted is an
``AuditActor`` (a user, or a named ``SystemActor`` from ``audit.actors``); the organization an
event belongs to, when the caller does not name it, comes from the resolver the organizations
app registers at start-up (``set_organization_resolver``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone, translation
from djmoney.models.fields import CurrencyField, MoneyField
from moneyed import Money

from .actors import SystemActor
from .models import AuditEvent

#: Who acted: a person (any user model) or a named part of the system.
AuditActor = AbstractBaseUser | SystemActor
#: Answers "which organization does this object belong to?" (None when it belongs to none).
OrganizationResolver = Callable[[models.Model], models.Model | None]
#: The language of the words an event stores (an object's name may hold a translatable label, e.g.
#: a membership's role), whatever the language of the person who acted.
STORED_LANGUAGE = "en"


def to_jsonable(value: Any) -> Any:
    """A JSON-safe copy of ``value``: Decimal and Money as exact strings, never floats."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, float):  # pragma: no cover - floats never hold money here
        return repr(value)
    if isinstance(value, Money):
        return {"amount": str(value.amount), "currency": str(value.currency)}
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_jsonable(v) for v in value]
    return str(value)


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """Concrete field values of ``obj`` (foreign keys as ids, money with its currency), JSON-safe."""
    wanted = set(fields) if fields is not None else None
    data: dict[str, Any] = {}
    for f in obj._meta.concrete_fields:
        if wanted is not None and f.name not in wanted:
            continue
        if isinstance(f, CurrencyField):
            continue  # carried by its MoneyField
        value = getattr(obj, f.name) if isinstance(f, MoneyField) else getattr(obj, f.attname)
        data[f.name] = to_jsonable(value)
    return data


def _no_organization(obj: models.Model) -> models.Model | None:
    return None


_organization_resolver: OrganizationResolver = _no_organization


def set_organization_resolver(resolver: OrganizationResolver) -> None:
    """Install how an event's organization is found from its object (``organizations`` does, at start-up)."""
    global _organization_resolver
    _organization_resolver = resolver


def _organization_of(obj: models.Model | None) -> models.Model | None:
    return None if obj is None else _organization_resolver(obj)


def actor_fields(actor: AuditActor) -> tuple[AbstractBaseUser | None, str]:
    """(user, label) of an event: the user and their username, or no user and ``system:<name>``."""
    if isinstance(actor, SystemActor):
        return None, str(actor)
    if isinstance(actor, AbstractBaseUser):
        return actor, actor.get_username()
    raise TypeError(f"An audit event needs a user or a named system actor, not {actor!r}.")


def record(
    *,
    actor: AuditActor,
    action: str,
    obj: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
    organization: models.Model | None = None,
) -> AuditEvent:
    """Append one audit event. Must run inside the transaction of the write it describes."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must run inside the write's transaction (transaction.atomic)")
    with translation.override(STORED_LANGUAGE):
        fields = _event_fields(actor=actor, action=action, obj=obj, before=before, after=after, reason=reason,
                               organization=organization)
    return AuditEvent.objects.create(**fields)


def _event_fields(
    *, actor: AuditActor, action: str, obj: models.Model | None, before: Any, after: Any, reason: str,
    organization: models.Model | None,
) -> dict[str, Any]:
    """The column values of one audit event (shared by ``record`` and ``record_bulk``)."""
    user, label = actor_fields(actor)
    return {
        "actor": user,
        "actor_label": label,
        "action": action,
        "content_type": ContentType.objects.get_for_model(obj) if obj is not None else None,
        "object_id": str(obj.pk) if obj is not None and obj.pk is not None else "",
        "object_repr": str(obj)[:255] if obj is not None else "",
        "organization": organization if organization is not None else _organization_of(obj),
        "before": to_jsonable(before),
        "after": to_jsonable(after),
        "reason": reason,
    }


def record_bulk(
    *,
    actor: AuditActor,
    action: str,
    objs: Sequence[models.Model],
    afters: Sequence[dict[str, Any] | None] | None = None,
    organization: models.Model | None = None,
) -> int:
    """Append one audit event per object of a bulk write, in one statement; returns how many.

    Each event holds what ``record`` writes for that object; ``afters`` defaults to each
    object's snapshot (as ``record_create``). Must run inside the write's transaction.
    On PostgreSQL the rows go in with one COPY (tens of thousands of JSON documents are
    formatted in C), elsewhere with bulk_create.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record_bulk must run inside the write's transaction (transaction.atomic)")
    if afters is None:
        afters = [snapshot(obj) for obj in objs]
    if len(afters) != len(objs):
        raise ValueError("record_bulk needs one 'after' per object")
    with translation.override(STORED_LANGUAGE):
        rows = [
            _event_fields(actor=actor, action=action, obj=obj, before=None, after=after, reason="",
                          organization=organization)
            for obj, after in zip(objs, afters, strict=True)
        ]
    if not rows:
        return 0
    if connection.vendor != "postgresql":
        AuditEvent.objects.bulk_create([AuditEvent(**row) for row in rows])
        return len(rows)
    fields = [f for f in AuditEvent._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    now = timezone.now()
    with connection.cursor() as cur, cur.cursor.copy(
        f"COPY {connection.ops.quote_name(AuditEvent._meta.db_table)} ({columns}) FROM STDIN"  # noqa: S608
    ) as copy:
        for row in rows:
            values: list[Any] = []
            for f in fields:
                if f.name == "occurred_at":
                    values.append(now)
                elif f.is_relation:
                    related = row[f.name]
                    values.append(related.pk if related is not None else None)
                else:
                    values.append(f.get_db_prep_save(row[f.name], connection))
            copy.write_row(values)
    return len(rows)


def record_create(
    *, actor: AuditActor, action: str, obj: models.Model, reason: str = "", organization: models.Model | None = None
) -> AuditEvent:
    return record(actor=actor, action=action, obj=obj, after=snapshot(obj), reason=reason,
                  organization=organization)


def audited_update(
    *, actor: AuditActor, action: str, obj: models.Model, reason: str = "", **changes: Any
) -> models.Model:
    """Apply ``changes`` to ``obj``, validate, save and audit before/after of the changed fields."""
    with transaction.atomic():
        names = list(changes)
        before = snapshot(obj, names)
        for name, value in changes.items():
            setattr(obj, name, value)
        obj.full_clean()
        obj.save()
        record(actor=actor, action=action, obj=obj, before=before, after=snapshot(obj, names), reason=reason)
    return obj
