"""What the audit trail stores does not depend on the language of the person who acted: an
object's name may hold a translated label (a membership's role), stored in English."""

import pytest
from django.db import transaction
from django.utils import translation

from audit.models import AuditEvent
from audit.services import record_bulk
from organizations import services
from organizations.models import Membership
from tests.organizations.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_an_event_recorded_while_spanish_is_active_names_the_object_in_english():
    admin = UserFactory(username="root-admin", is_superuser=True)
    board = OrganizationFactory(code="ach-lang", kind="ach")
    person = UserFactory(username="ana")
    with translation.override("es"):
        membership = services.membership_grant(actor=admin, user=person, organization=board, role="board_member")
        assert "Miembro de la junta" in str(membership)  # pages show the reader's language
        assert translation.get_language() == "es"
    event = AuditEvent.objects.get(action="membership.grant")
    assert event.object_repr == f"{person} — Board member at ach-lang"
    assert event.after["role"] == "board_member"


def test_bulk_events_recorded_while_spanish_is_active_are_in_english_too():
    board = OrganizationFactory(code="ach-bulk", kind="ach")
    people = [UserFactory(username=f"member-{i}") for i in range(3)]
    rows = Membership.objects.bulk_create([Membership(user=p, organization=board, role="board_chair", is_active=True)
                                           for p in people])
    admin = UserFactory(username="bulk-admin", is_superuser=True)
    with translation.override("es"), transaction.atomic():
        assert record_bulk(actor=admin, action="membership.grant", objs=rows) == 3
    reprs = sorted(AuditEvent.objects.filter(action="membership.grant").values_list("object_repr", flat=True))
    assert reprs == sorted(f"{p} — Board chair at ach-bulk" for p in people)
