"""Organizations, memberships, counties and /me: read-only, scoped to the caller's organizations."""

import pytest

from organizations.models import County, Organization
from tests.api.factories import session_client, token_client
from tests.organizations.factories import OrganizationFactory, UserFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def orgs():
    plan = OrganizationFactory(code="plan-a", kind="plan", legal_name="Plan A")
    cbo = OrganizationFactory(code="cbo-a", kind="cbo", legal_name="CBO A")
    other = OrganizationFactory(code="cbo-b", kind="cbo", legal_name="CBO B")
    return plan, cbo, other


def test_list_shows_only_the_callers_organizations(orgs):
    plan, cbo, other = orgs
    user = member("plan_finance", plan)
    from tests.organizations.factories import MembershipFactory

    MembershipFactory(user=user, organization=cbo, role="cbo_staff")
    response = token_client(user).get("/api/organizations/?ordering=code")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [o["code"] for o in body["results"]] == ["cbo-a", "plan-a"]


def test_another_organizations_id_is_404(orgs):
    plan, _, other = orgs
    client = token_client(member("plan_finance", plan))
    assert client.get(f"/api/organizations/{plan.pk}/").status_code == 200
    response = client.get(f"/api/organizations/{other.pk}/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert client.get("/api/organizations/not-a-number/").status_code == 404


def test_filters_and_ordering(orgs):
    user = UserFactory(is_superuser=True)
    client = token_client(user)
    codes = [o["code"] for o in client.get("/api/organizations/?kind=cbo&ordering=-code").json()["results"]]
    assert codes == ["cbo-b", "cbo-a"]
    assert client.get("/api/organizations/?code=plan-a").json()["count"] == 1
    bad = client.get("/api/organizations/?kind=bank")
    assert bad.status_code == 400 and "kind" in bad.json()["error"]["fields"]


def test_organizations_are_read_only(orgs):
    plan, _, _ = orgs
    client = session_client(member("plan_finance", plan))
    before = Organization.objects.count()
    response = client.post("/api/organizations/", {"code": "new", "kind": "cbo"}, format="json")
    assert response.status_code == 405
    assert client.patch(f"/api/organizations/{plan.pk}/", {"legal_name": "x"}, format="json").status_code == 405
    assert Organization.objects.count() == before
    plan.refresh_from_db()
    assert plan.legal_name == "Plan A"


def test_memberships_are_scoped_to_the_callers_organizations(orgs):
    plan, cbo, other = orgs
    user = member("plan_finance", plan)
    colleague = member("plan_compliance", plan)
    stranger = member("cbo_staff", other)
    client = token_client(user)
    body = client.get("/api/memberships/").json()
    assert sorted(m["username"] for m in body["results"]) == sorted([user.username, colleague.username])
    foreign = stranger.memberships.get()
    assert client.get(f"/api/memberships/{foreign.pk}/").status_code == 404
    filtered = client.get("/api/memberships/?role=plan_compliance").json()["results"]
    assert [m["username"] for m in filtered] == [colleague.username]
    assert client.get("/api/memberships/?organization=abc").status_code == 400


def test_counties_are_reference_data_for_every_signed_in_user():
    # (seeded by a migration; created here too, as a transactional test elsewhere may flush it)
    county, _ = County.objects.get_or_create(fips="06025", defaults={"state": "CA", "name": "Imperial"})
    client = token_client(UserFactory())
    body = client.get("/api/counties/?fips=06025").json()
    assert [c["name"] for c in body["results"]] == [county.name]


def test_list_query_count_does_not_grow_with_rows(django_assert_num_queries):
    # given a site administrator (no membership lookups) whose token was just used
    admin = UserFactory(is_superuser=True)
    client = token_client(admin)
    client.get("/api/me/")
    for i in range(3):
        OrganizationFactory(code=f"q-{i}")
    # queries: token lookup, count, page, counties prefetch
    with django_assert_num_queries(4):
        assert client.get("/api/organizations/").json()["count"] == 3
    for i in range(3, 13):
        OrganizationFactory(code=f"q-{i}")
    with django_assert_num_queries(4):
        assert client.get("/api/organizations/").json()["count"] == 13


def test_pagination(orgs):
    client = token_client(UserFactory(is_superuser=True))
    page = client.get("/api/organizations/?page_size=2&ordering=code").json()
    assert page["count"] == 3 and len(page["results"]) == 2 and page["next"]
    assert client.get("/api/organizations/?page=99").status_code == 404
