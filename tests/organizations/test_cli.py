import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from organizations.actors import COMMAND
from organizations.cli import acting_user, read_input_file
from reinvestment.models import MemberMonth
from tests.organizations.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_acting_user_is_the_command_without_a_name_and_refuses_unknown_or_inactive():
    assert acting_user(None) is COMMAND
    user = UserFactory(username="ana")
    assert acting_user("ana") == user
    UserFactory(username="gone", is_active=False)
    for name in ("nobody", "gone"):
        with pytest.raises(CommandError, match="No active user"):
            acting_user(name)


def test_read_input_file_names_an_unreadable_file(tmp_path):
    (tmp_path / "a.csv").write_bytes(b"x")
    assert read_input_file(str(tmp_path / "a.csv")) == b"x"
    with pytest.raises(CommandError, match="Cannot read"):
        read_input_file(str(tmp_path / "missing.csv"))


def test_import_with_unknown_user_writes_nothing(tmp_path):
    OrganizationFactory(code="plan-x", kind="plan")
    csv = tmp_path / "mm.csv"
    csv.write_text("plan,county,month,member_months\nplan-x,06025,2025-01,10\n")
    with pytest.raises(CommandError, match="No active user"):
        call_command("import_member_months", str(csv), "--plan", "plan-x", "--year", "2025", "--user", "nobody")
    assert MemberMonth.objects.count() == 0
