"""The access registry at its edges: a signed-out person, and a model registered again with and
without an exclusion rule."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from organizations import access
from organizations.models import Organization
from tests.organizations.factories import OrganizationFactory, member

pytestmark = pytest.mark.django_db


def test_roles_in_names_the_roles_of_one_organization():
    a, b = OrganizationFactory(code="cbo-r1", kind="cbo"), OrganizationFactory(code="cbo-r2", kind="cbo")
    user = member("cbo_staff", a)
    assert access.roles_in(user, a) == {"cbo_staff"}
    assert access.roles_in(user, b) == set()


def test_a_signed_out_person_holds_no_role_anywhere():
    org = OrganizationFactory(code="cbo-edge", kind="cbo")
    nobody = AnonymousUser()
    assert access.organizations_with_role(nobody) == set()
    assert access.organizations_with_role(nobody, "cbo_staff") == set()
    assert access.has_role(nobody, org) is False
    assert access.roles_in(nobody, org) == set()
    assert list(access.scoped(nobody, "view", Organization.objects.all())) == []


@pytest.fixture
def organization_rules():
    """Organization's registration, put back after the test."""
    rules = list(access._registry.rules[Organization])
    exclusion = access._registry.exclusions.get(Organization)
    yield rules
    access.register(Organization, *rules, exclude=exclusion)


def test_registering_again_sets_and_then_drops_an_exclusion(organization_rules):
    a = OrganizationFactory(code="cbo-seen", kind="cbo")
    user = member("cbo_staff", a)
    access.register(Organization, *organization_rules, exclude=lambda u: Q(code="cbo-seen"))
    assert list(access.scoped(user, "view", Organization.objects.all())) == []
    access.register(Organization, *organization_rules)
    assert Organization not in access._registry.exclusions
    assert list(access.scoped(user, "view", Organization.objects.all())) == [a]


def _with_extra_grants(*extra, exclude=None):
    """Organization registered with ``extra`` grants (and ``exclude``) on top of its own."""
    access.register(Organization, *access._registry.rules[Organization], *extra, exclude=exclude)


def test_a_jurisdiction_grant_needs_the_role_not_just_a_state(organization_rules):
    plan_ca = OrganizationFactory(code="plan-ca-1", kind="plan", jurisdiction="CA")
    other_ca = OrganizationFactory(code="plan-ca-2", kind="plan", jurisdiction="CA")
    finance = member("plan_finance", plan_ca)  # a member of an organization with a state, not a regulator
    _with_extra_grants(access.grant("", match="jurisdiction", condition=Q(kind="plan"), view={"regulator"}))
    assert list(access.scoped(finance, "view", Organization.objects.all())) == [plan_ca]
    assert not access.can(finance, "view", other_ca)


def test_an_any_grant_reaches_every_holder_of_the_role_and_nobody_else(organization_rules):
    published = OrganizationFactory(code="ach-published", kind="ach")
    cbo_user = member("cbo_staff", OrganizationFactory(code="cbo-any", kind="cbo"))
    board_user = member("board_member", OrganizationFactory(code="ach-any", kind="ach"))
    _with_extra_grants(access.grant("", match="any", condition=Q(code="ach-published"), view={"cbo_staff"}))
    assert access.can(cbo_user, "view", published)
    assert not access.can(board_user, "view", published)
    assert list(access.scoped(cbo_user, "view", Organization.objects.filter(kind="ach"))) == [published]


def test_a_site_administrator_may_do_everything_in_no_query_but_not_past_an_exclusion(
        organization_rules, django_assert_num_queries):
    from tests.organizations.factories import UserFactory

    admin = UserFactory(is_superuser=True, is_staff=True)
    hidden = OrganizationFactory(code="cbo-hidden", kind="cbo")
    with django_assert_num_queries(0):
        assert access.can(admin, "view", hidden) is True
    _with_extra_grants(exclude=lambda u: Q(code="cbo-hidden"))
    assert access.can(admin, "view", hidden) is False
