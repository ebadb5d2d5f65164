"""The authentication backend of the pages: Django's model backend, whose read of the signed-in
user on each request also answers whether the header links the audit trail.

Every page's header asks ``nav.shows_audit_trail``; answering it from the user's own row (an
``EXISTS`` on the permission, held directly or through a group, as ``user.has_perm`` would
answer with this backend) saves a round trip to the database on every page.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Exists, OuterRef, Q

from .nav import AUDIT_PERMISSION


class PageBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        app_label, codename = AUDIT_PERMISSION
        granted = Permission.objects.filter(content_type__app_label=app_label, codename=codename).filter(
            Q(user=OuterRef("pk")) | Q(group__user=OuterRef("pk")))
        model = get_user_model()
        user = model._default_manager.annotate(_nav_audit_trail=Exists(granted)).filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
