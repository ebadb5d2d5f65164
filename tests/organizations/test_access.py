"""Least privilege: users reach only what their memberships allow (refusals first)."""

import pytest
from django.http import Http404

from organizations import access
from organizations.models import Membership, Organization
from tests.organizations.factories import OrganizationFactory, UserFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_cbos():
    a = OrganizationFactory(code="cbo-a", kind="cbo")
    b = OrganizationFactory(code="cbo-b", kind="cbo")
    return a, b


def test_user_without_membership_sees_no_organization(two_cbos):
    user = UserFactory()
    assert list(access.scoped(user, "view", Organization.objects.all())) == []


def test_member_sees_only_own_organization(two_cbos):
    a, b = two_cbos
    user = member("cbo_staff", a)
    assert list(access.scoped(user, "view", Organization.objects.all())) == [a]
    assert access.can(user, "view", a)
    assert not access.can(user, "view", b)


def test_other_organizations_object_by_id_is_404_not_403(two_cbos):
    a, b = two_cbos
    user = member("cbo_staff", a)
    with pytest.raises(Http404):
        access.get_object_or_404(user, "view", Organization.objects.all(), pk=b.pk)
    with pytest.raises(Http404):
        access.get_object_or_404(user, "view", Organization.objects.all(), pk="not-a-number")
    assert access.get_object_or_404(user, "view", Organization.objects.all(), pk=a.pk) == a


def test_inactive_membership_grants_nothing(two_cbos):
    a, _ = two_cbos
    user = member("cbo_staff", a)
    Membership.objects.filter(user=user).update(is_active=False)
    access.forget(user)
    assert not access.can(user, "view", a)


def test_inactive_user_and_anonymous_see_nothing(two_cbos):
    from django.contrib.auth.models import AnonymousUser

    a, _ = two_cbos
    user = member("cbo_staff", a)
    user.is_active = False
    assert not access.scoped(user, "view", Organization.objects.all()).exists()
    assert not access.scoped(AnonymousUser(), "view", Organization.objects.all()).exists()


def test_has_role_is_per_organization_and_role(two_cbos):
    a, b = two_cbos
    ach = OrganizationFactory(code="ach-x", kind="ach")
    user = member("board_member", ach)
    assert access.has_role(user, ach, "board_member")
    assert not access.has_role(user, ach, "board_chair", "fund_admin")
    assert not access.has_role(user, a, "board_member")
    with pytest.raises(access.AccessDenied):
        access.require_role(user, ach, "fund_admin")


def test_site_admin_sees_everything(two_cbos):
    admin = UserFactory(is_superuser=True, is_staff=True)
    assert access.scoped(admin, "view", Organization.objects.all()).count() >= 2


def test_unregistered_model_is_refused_loudly(two_cbos):
    from organizations.models import LoginThrottle

    user = member("cbo_staff", two_cbos[0])
    with pytest.raises(LookupError):
        access.scoped(user, "view", LoginThrottle.objects.all())


def test_jurisdiction_grant_lets_regulator_read_plans_of_its_state():
    from django.db import models

    plan_ca = OrganizationFactory(code="plan-ca", kind="plan", jurisdiction="CA")
    plan_az = OrganizationFactory(code="plan-az", kind="plan", jurisdiction="AZ")
    regulator = OrganizationFactory(code="reg-ca", kind="regulator", jurisdiction="CA")
    user = member("regulator", regulator)
    grants = access._registry.rules[Organization]
    try:
        access.register(
            Organization,
            *grants,
            access.grant("", match="jurisdiction", condition=models.Q(kind="plan"), view={"regulator"}),
        )
        visible = set(access.scoped(user, "view", Organization.objects.all()))
    finally:
        access.register(Organization, *grants)
    assert plan_ca in visible and regulator in visible
    assert plan_az not in visible
