import pytest
from django.core.management import call_command

from audit.models import AuditEvent
from organizations.models import Membership, Organization, User

pytestmark = pytest.mark.django_db


def test_load_demo_is_idempotent_and_has_every_role(capsys):
    call_command("load_demo")
    counts = (Organization.objects.count(), User.objects.count(), Membership.objects.count(),
              AuditEvent.objects.count())
    call_command("load_demo")
    assert (Organization.objects.count(), User.objects.count(), Membership.objects.count(),
            AuditEvent.objects.count()) == counts
    codes = set(Organization.objects.values_list("code", flat=True))
    assert {"demo-plan", "demo-ach-1", "demo-ach-2", "demo-regulator"} <= codes
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == {"plan_finance", "plan_compliance", "fund_admin", "board_member", "board_chair",
                     "cbo_staff", "regulator"}
    out = capsys.readouterr().out
    assert "username: finance" in out and "password:" in out


def test_counties_are_seeded_by_migration():
    from organizations.models import County

    assert County.objects.filter(state="CA").count() == 58
    assert County.objects.get(fips="06025").name == "Imperial"
