"""The pages' read of the signed-in user also reads the memberships the access rules and the
header use: the same rows, in the same order, as the access rules' own query, in one query."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from organizations import access
from organizations.models import Role, User
from tests.organizations.factories import MembershipFactory, OrganizationFactory, UserFactory
from web.auth import PageBackend

pytestmark = pytest.mark.django_db


def own_query(user):
    """The memberships as the access rules read them on their own."""
    fresh = User.objects.get(pk=user.pk)
    access.forget(fresh)
    return access._memberships(fresh), access.named_memberships(fresh)


def test_the_user_comes_with_the_same_memberships_the_access_rules_read():
    user = UserFactory()
    zeta = OrganizationFactory(code="zeta", legal_name="Zeta Clinic", display_name="Zeta")
    alpha = OrganizationFactory(code="alpha", legal_name="Alpha Health", kind="plan", jurisdiction="OR")
    closed = OrganizationFactory(code="closed", legal_name="Beta Closed", is_active=False)
    MembershipFactory(user=user, organization=zeta, role=Role.CBO_STAFF)
    MembershipFactory(user=user, organization=alpha, role=Role.PLAN_FINANCE)
    MembershipFactory(user=user, organization=alpha, role=Role.PLAN_COMPLIANCE)
    MembershipFactory(user=user, organization=closed, role=Role.CBO_STAFF)  # organization not active
    ended = OrganizationFactory(code="ended", legal_name="Aardvark Aid")
    MembershipFactory(user=user, organization=ended, role=Role.CBO_STAFF, is_active=False)  # membership ended
    with CaptureQueriesContext(connection) as queries:
        read = PageBackend().get_user(user.pk)
    assert len(queries.captured_queries) == 1
    assert read == user
    assert read._access_memberships == [
        (alpha.pk, Role.PLAN_COMPLIANCE, "OR"), (alpha.pk, Role.PLAN_FINANCE, "OR"), (zeta.pk, Role.CBO_STAFF, "CA")]
    assert read._access_named == [
        ("alpha", "Alpha Health", Role.PLAN_COMPLIANCE), ("alpha", "Alpha Health", Role.PLAN_FINANCE),
        ("zeta", "Zeta", Role.CBO_STAFF)]
    assert (read._access_memberships, read._access_named) == own_query(user)
    with CaptureQueriesContext(connection) as queries:
        assert access.organizations_with_role(read, Role.PLAN_FINANCE) == {alpha.pk}
    assert queries.captured_queries == []


def test_a_user_without_memberships_has_none():
    user = UserFactory()
    read = PageBackend().get_user(user.pk)
    assert read == user and read._access_memberships == [] and read._access_named == []
    assert read.first_name == user.first_name and read.email == user.email


@pytest.mark.parametrize("user_id", [987654321, "not a number", None])
def test_an_id_naming_nobody_signs_in_nobody(user_id):
    assert PageBackend().get_user(user_id) is None


def test_a_deactivated_user_is_not_signed_in():
    user = UserFactory(is_active=False)
    MembershipFactory(user=user)
    assert PageBackend().get_user(user.pk) is None


def test_a_members_organization_comes_with_the_user_and_a_plan_page_reads_no_plan(client):
    from django.urls import reverse

    from tests.reinvestment.factories import PlanFactory

    plan = PlanFactory(code="read-with-user", legal_name="Read With User Health")
    user = UserFactory()
    MembershipFactory(user=user, organization=plan, role=Role.PLAN_FINANCE)
    read = PageBackend().get_user(user.pk)
    with CaptureQueriesContext(connection) as queries:
        got = access.member_organization(read, plan.code)
    assert queries.captured_queries == []
    assert got == plan and got.legal_name == plan.legal_name and got.kind == plan.kind and got.is_active
    assert access.member_organization(read, "someone-else") is None
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("reinvestment:dashboard", args=[plan.code])).status_code == 200
    assert not any('FROM "organizations_organization"' in q["sql"].split("WHERE")[0]
                   and '"organizations_user"' not in q["sql"] for q in queries.captured_queries)


def test_a_plan_page_of_a_plan_the_user_is_not_a_member_of_is_404(client):
    from django.urls import reverse

    from tests.reinvestment.factories import PlanFactory

    mine, other = PlanFactory(code="mine-plan"), PlanFactory(code="other-plan")
    cbo = OrganizationFactory(code="not-a-plan")
    user = UserFactory()
    MembershipFactory(user=user, organization=mine, role=Role.PLAN_FINANCE)
    MembershipFactory(user=user, organization=cbo, role=Role.CBO_STAFF)
    client.force_login(user)
    for code in (other.code, cbo.code, "no-such-plan"):
        assert client.get(reverse("reinvestment:dashboard", args=[code])).status_code == 404, code
    assert client.get(reverse("reinvestment:dashboard", args=[mine.code])).status_code == 200
