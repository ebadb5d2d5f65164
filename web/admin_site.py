"""The administration site: Django's, building its list of apps and models once.

Django's admin index asks for the list twice (for the page and for the navigation sidebar's
context), and each time reverses two addresses and asks four permissions for every registered
model (about ninety here). The list depends only on the request's user, so one request builds it
once. A site administrator (an active superuser) holds every permission, and every model admin
here answers its permissions without the object for them alike, so their list is built once per
process (per app and script prefix; the names in it are translated when shown).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest
from django.urls import get_script_prefix

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise


class AdminSite(admin.AdminSite):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._site_admin_apps: dict[tuple[str | None, str], dict[str, Any]] = {}

    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list[Any]:
        built: dict[str | None, list[Any]] = request.__dict__.setdefault("_admin_app_lists", {})
        if app_label not in built:
            built[app_label] = super().get_app_list(request, app_label)
        return built[app_label]

    def _build_app_dict(self, request: HttpRequest, label: _StrPromise | str | None = None) -> dict[str, Any]:
        user = request.user
        if not (user.is_active and user.is_superuser):
            return super()._build_app_dict(request, label)
        key = (None if label is None else str(label), get_script_prefix())
        found = self._site_admin_apps.get(key)
        if found is None:
            found = self._site_admin_apps[key] = super()._build_app_dict(request, label)
        # The caller sorts each app's list of models in place: each request gets its own lists.
        return {name: {**app, "models": list(app["models"])} for name, app in found.items()}


class SiteAdminConfig(AdminConfig):
    """``django.contrib.admin`` with this project's ``AdminSite`` as the default site."""

    default_site = "web.admin_site.AdminSite"
