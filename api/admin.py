"""Site administrators see API tokens and revoke leaked ones (through the audited service)."""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest

from organizations.models import User

from .models import ApiToken
from .services import token_revoke


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "expires_at", "revoked_at", "last_used_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "prefix", "user__username")
    readonly_fields = ("user", "name", "prefix", "secret_hash", "created_at", "expires_at", "revoked_at",
                       "last_used_at")
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a token's secret is shown once to its owner: created at /api/tokens/ only

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # revoked, never deleted, so the audit trail keeps pointing at it

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request: HttpRequest, queryset: Any) -> None:
        admin_user = request.user
        if not isinstance(admin_user, User):  # the admin site is for signed-in staff only
            raise PermissionDenied
        for token in queryset:
            try:
                token_revoke(actor=admin_user, token=token)
            except ValidationError:
                continue  # already revoked
        messages.success(request, "Revoked.")
