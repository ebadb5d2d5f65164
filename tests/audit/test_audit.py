"""The audit trail: written with each change, and immutable down to PostgreSQL."""

import pytest
from django.db import DatabaseError, connection, transaction

from audit.models import AuditEvent, AuditImmutableError
from audit.services import record
from organizations import services
from organizations.actors import SETUP
from organizations.models import Organization
from tests.organizations.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    org = OrganizationFactory(code="cbo-audit")
    with transaction.atomic():
        return record(actor=SETUP, action="test.event", obj=org, after={"x": "1"})


def test_service_write_records_who_what_before_after():
    actor = UserFactory(username="alice", is_superuser=True)
    org = services.organization_create(actor=actor, code="new-cbo", kind="cbo", legal_name="New CBO")
    ev = AuditEvent.objects.get(action="organization.create")
    assert ev.actor == actor and ev.actor_label == "alice"
    assert ev.object_id == str(org.pk) and ev.organization == org
    assert ev.after["code"] == "new-cbo" and ev.before is None


def test_failed_write_leaves_no_audit_event_and_no_row():
    from django.core.exceptions import ValidationError

    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError):
        services.organization_create(actor=SETUP, code="Bad Code!", kind="cbo", legal_name="X")
    assert AuditEvent.objects.count() == before
    assert not Organization.objects.filter(legal_name="X").exists()


def test_record_refuses_outside_a_transaction(transactional_db):
    with pytest.raises(RuntimeError):
        record(actor=SETUP, action="loose")


def test_orm_cannot_change_or_delete_events(event):
    event.action = "tampered"
    with pytest.raises(AuditImmutableError):
        event.save()
    with pytest.raises(AuditImmutableError):
        event.delete()
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.filter(pk=event.pk).update(action="tampered")
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "test.event"


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET action = 'tampered' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ],
)
def test_postgresql_refuses_raw_update_delete_truncate(event, sql):
    assert connection.vendor == "postgresql"
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql, [event.pk] if "%s" in sql else None)
    assert AuditEvent.objects.get(pk=event.pk).action == "test.event"


def test_admin_cannot_add_change_or_delete_events(admin_client, event):
    count = AuditEvent.objects.count()
    assert admin_client.get(f"/admin/audit/auditevent/{event.pk}/delete/").status_code == 403
    assert admin_client.post(f"/admin/audit/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert admin_client.post(f"/admin/audit/auditevent/{event.pk}/change/", {"action": "x"}).status_code == 403
    assert admin_client.get("/admin/audit/auditevent/add/").status_code == 403
    assert admin_client.post("/admin/audit/auditevent/add/", {"action": "forged"}).status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).action == "test.event"
    assert AuditEvent.objects.count() == count and not AuditEvent.objects.filter(action="forged").exists()


def test_admin_writes_are_audited(admin_client):
    response = admin_client.post(
        "/admin/organizations/organization/add/",
        {"code": "via-admin", "kind": "cbo", "legal_name": "Via Admin", "identifiers": "{}",
         "is_active": "on", "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    ev = AuditEvent.objects.get(action="admin.organizations.organization.create")
    assert ev.after["code"] == "via-admin"


def test_audit_page_filters_by_object_actor_and_date(client, event):
    auditor = UserFactory(username="auditor")
    from django.contrib.auth.models import Permission

    auditor.user_permissions.add(Permission.objects.get(codename="view_auditevent"))
    client.force_login(auditor)
    with transaction.atomic():
        record(actor=auditor, action="other.event")
    page = client.get("/audit/", {"object_id": event.object_id}).content.decode()
    assert "test.event" in page and "other.event" not in page
    page = client.get("/audit/", {"actor": "auditor"}).content.decode()
    assert "other.event" in page and "test.event" not in page
    page = client.get("/audit/", {"date_from": "2000-01-01", "date_to": "2000-01-02"}).content.decode()
    assert "No events match" in page


def test_audit_page_is_404_for_ordinary_members(client, event):
    client.force_login(UserFactory())
    assert client.get("/audit/").status_code == 404


def test_audit_page_query_count_does_not_grow(client, django_assert_max_num_queries):
    admin = UserFactory(username="boss", is_superuser=True, is_staff=True)
    client.force_login(admin)
    with transaction.atomic():
        for i in range(5):
            record(actor=admin, action=f"bulk.{i}")
    with django_assert_max_num_queries(8) as small:
        client.get("/audit/")
    with transaction.atomic():
        for i in range(40):
            record(actor=admin, action=f"bulk.more.{i}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get("/audit/")


def test_header_links_the_audit_trail_to_holders_of_the_permission_only(client):
    """The user read for each request answers whether the header links the audit trail: the
    permission held directly or through a group shows it, nobody else sees it, and no query
    of its own reads the permission."""
    from django.contrib.auth.models import Group, Permission
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    permission = Permission.objects.get(codename="view_auditevent")
    direct = UserFactory(username="direct-auditor")
    direct.user_permissions.add(permission)
    through_group = UserFactory(username="group-auditor")
    group = Group.objects.create(name="Auditors")
    group.permissions.add(permission)
    through_group.groups.add(group)
    ordinary = UserFactory(username="ordinary")
    for user, shown in ((direct, True), (through_group, True), (ordinary, False)):
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            page = client.get("/").content.decode()
        assert ('href="/audit/"' in page) is shown, user.username
        assert not any(q["sql"].startswith('SELECT 1 AS "a" FROM "auth_permission"') for q in queries.captured_queries)
