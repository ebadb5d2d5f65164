"""Read-only admin for audit events, and a mixin that audits admin writes."""

from typing import Any

from django.contrib import admin
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest

from .models import AuditEvent
from .services import record, snapshot


def _staff_user(request: HttpRequest) -> AbstractBaseUser:
    """The signed-in staff member behind an admin write (the admin site admits no one else)."""
    user = request.user
    if not isinstance(user, AbstractBaseUser):
        raise PermissionDenied
    return user


class ReadOnlyModelAdmin(admin.ModelAdmin):
    """Admin that shows rows and never writes them: their writes go through services."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyModelAdmin):
    list_display = ("occurred_at", "actor_label", "action", "content_type", "object_id", "object_repr")
    list_filter = ("action", "content_type")
    search_fields = ("actor_label", "action", "object_id", "object_repr")
    date_hierarchy = "occurred_at"


class AuditedModelAdmin(admin.ModelAdmin):
    """Admin writes go through the audit trail too (the admin wraps each save in a transaction)."""

    def save_model(self, request: HttpRequest, obj: models.Model, form: Any, change: bool) -> None:
        before = None
        if change and obj.pk is not None:
            before = snapshot(type(obj)._default_manager.get(pk=obj.pk))
        super().save_model(request, obj, form, change)
        label = obj._meta.label_lower
        record(
            actor=_staff_user(request),
            action=f"admin.{label}.{'change' if change else 'create'}",
            obj=obj,
            before=before,
            after=snapshot(obj),
        )

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        record(
            actor=_staff_user(request),
            action=f"admin.{obj._meta.label_lower}.delete",
            obj=obj,
            before=snapshot(obj),
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            self.delete_model(request, obj)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            self.delete_model(request, obj)
        for obj in instances:
            adding = obj._state.adding
            before = None if adding else snapshot(type(obj)._default_manager.get(pk=obj.pk))
            obj.save()
            record(
                actor=_staff_user(request),
                action=f"admin.{obj._meta.label_lower}.{'create' if adding else 'change'}",
                obj=obj,
                before=before,
                after=snapshot(obj),
            )
        formset.save_m2m()
