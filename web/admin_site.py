"""The administration site: Django's, building its list of apps and models once per request.

Django's admin index asks for the list twice (for the page and for the navigation sidebar's
context), and each time reverses two addresses and asks four permissions for every registered
model (about ninety here). The list depends only on the request's user, so one request builds it
once.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest


class AdminSite(admin.AdminSite):
    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list[Any]:
        built: dict[str | None, list[Any]] = request.__dict__.setdefault("_admin_app_lists", {})
        if app_label not in built:
            built[app_label] = super().get_app_list(request, app_label)
        return built[app_label]


class SiteAdminConfig(AdminConfig):
    """``django.contrib.admin`` with this project's ``AdminSite`` as the default site."""

    default_site = "web.admin_site.AdminSite"
