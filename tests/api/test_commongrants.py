"""Open opportunities in the CommonGrants standard, validated with the CommonGrants SDK's models."""

import pytest
from common_grants_sdk.schemas.pydantic import (
    OpportunitiesListResponse,
    OpportunityBase,
    OpportunityResponse,
)

from api.commongrants import opportunity_pk, opportunity_uuid
from tests.api.factories import token_client
from tests.grants import factories as gf

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return gf.world(cbos=1, board=1)


def test_every_served_opportunity_validates_with_the_sdk(w):
    # given two open calls and one draft
    opened = [gf.opportunity(w, description="Food access grants"), gf.opportunity(w)]
    gf.opportunity(w, open_=False)
    client = token_client(w.staff[0])
    # when a grant-search tool lists them
    body = client.get("/api/common-grants/opportunities/?pageSize=1").json()
    page = OpportunitiesListResponse.model_validate(body)
    assert page.pagination_info.total_items == 2 and page.pagination_info.total_pages == 2
    served = list(page.items)
    served += OpportunitiesListResponse.model_validate(
        client.get("/api/common-grants/opportunities/?page=2&pageSize=1").json()).items
    # then every item is a valid CommonGrants opportunity, and only open calls are served
    assert sorted(str(o.id) for o in served) == sorted(str(opportunity_uuid(o.pk)) for o in opened)
    for item in served:
        OpportunityBase.model_validate(item.model_dump(mode="json", by_alias=True))
        assert item.status.value == "open"
        detail = client.get(f"/api/common-grants/opportunities/{item.id}/").json()
        one = OpportunityResponse.model_validate(detail)
        assert one.data.id == item.id
        assert one.data.funding.max_award_amount.amount == "50000.00"
        assert one.data.funding.max_award_amount.currency == "USD"


def test_uuid_maps_back_to_the_opportunity():
    assert opportunity_pk(str(opportunity_uuid(12345))) == 12345
    assert opportunity_pk("not-a-uuid") is None
    assert opportunity_pk("00000000-0000-4000-8000-000000000001") is None


def test_draft_or_unknown_opportunity_is_404(w):
    draft = gf.opportunity(w, open_=False)
    client = token_client(w.staff[0])
    assert client.get(f"/api/common-grants/opportunities/{opportunity_uuid(draft.pk)}/").status_code == 404
    assert client.get("/api/common-grants/opportunities/nonsense/").status_code == 404


def test_bad_pagination_is_400(w):
    client = token_client(w.staff[0])
    for query in ("page=0", "pageSize=1000", "page=x"):
        response = client.get(f"/api/common-grants/opportunities/?{query}")
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "validation_error"


def test_requires_credentials():
    from rest_framework.test import APIClient

    assert APIClient().get("/api/common-grants/opportunities/").status_code == 401
