"""The audit trail is the bottom layer: it imports no other app, and learns how to find an
event's organization from the organizations app at start-up."""

import ast
from pathlib import Path

import pytest
from django.db import transaction

import audit
from audit.services import record
from organizations.actors import SETUP
from tests.organizations.factories import MembershipFactory

PROJECT_APPS = {"organizations", "reinvestment", "wellness_fund", "notifications", "grants", "reporting", "api",
                "web", "money", "config"}


def test_the_audit_app_imports_no_other_app_of_the_project():
    offenders = []
    for path in Path(audit.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {name}" for name in names if name.split(".")[0] in PROJECT_APPS]
    assert offenders == []


@pytest.mark.django_db
def test_an_event_belongs_to_the_organization_the_registered_resolver_finds():
    membership = MembershipFactory()
    with transaction.atomic():
        event = record(actor=SETUP, action="test.resolved", obj=membership)
    assert event.organization == membership.organization
    assert event.actor_id is None and event.actor_label == "system:setup"
