"""Open funding opportunities in the CommonGrants open standard (https://commongrants.org).

Routes (as the standard names them, under /api/):

* ``GET common-grants/opportunities/?page=1&pageSize=10`` -> ``OpportunitiesListResponse``
* ``GET common-grants/opportunities/<uuid>/`` -> ``OpportunityResponse``

Only calls that are *open* are served, and only those the caller may see
(``grants.selectors.opportunities_visible``). Field names are camelCase as in the
standard; money is ``{"amount": "1234.56", "currency": "USD"}``.

Opportunity ids: the standard requires a UUID. Each opportunity's UUID is the fixed
namespace prefix below followed by its id in hex (the last 12 digits), so it is
stable, unique, and maps back to the row without a lookup table.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
import zoneinfo
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from grants import selectors
from grants.models import FundingOpportunity, OpportunityStatus

from .fields import money_json
from .views import ApiViewMixin

#: First 20 hex digits of every opportunity UUID (a UUIDv5 of the product's name, version bits kept).
UUID_PREFIX = uuid.uuid5(uuid.NAMESPACE_URL, "community-reinvestment:grants.fundingopportunity").hex[:20]
MAX_PAGE_SIZE = 100


def opportunity_uuid(pk: int) -> uuid.UUID:
    return uuid.UUID(UUID_PREFIX + f"{pk:012x}")


def opportunity_pk(value: str) -> int | None:
    try:
        parsed = uuid.UUID(value)
    except ValueError:
        return None
    return int(parsed.hex[20:], 16) if parsed.hex[:20] == UUID_PREFIX else None


def _event(name: str, moment: dt.datetime, tz: str) -> dict[str, Any]:
    local = timezone.localtime(moment, zoneinfo.ZoneInfo(tz))
    return {"name": name, "eventType": "singleDate", "date": local.date().isoformat(),
            "time": local.time().replace(microsecond=0).isoformat(),
            "description": f"{name} ({tz})"}


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def opportunity_json(opp: FundingOpportunity) -> dict[str, Any]:
    """One opportunity as a CommonGrants ``OpportunityBase``."""
    return {
        "id": str(opportunity_uuid(opp.pk)),
        "title": opp.title,
        "status": {"value": "open" if opp.status == OpportunityStatus.OPEN else "closed"},
        "description": opp.description or opp.title,
        "funding": {
            "totalAmountAvailable": money_json(opp.total_budget),
            "minAwardAmount": money_json(opp.award_min),
            "maxAwardAmount": money_json(opp.award_max),
        },
        "keyDates": {
            "postDate": _event("Opens", opp.opens_at, opp.time_zone),
            "closeDate": _event("Application deadline", opp.closes_at, opp.time_zone),
        },
        "customFields": {
            "counties": {"name": "counties", "fieldType": "array",
                         "value": sorted(c.fips for c in opp.counties.all()),
                         "description": "FIPS codes of the counties served."},
            "domains": {"name": "domains", "fieldType": "array", "value": list(opp.domains or []),
                        "description": "Social-driver-of-health domains funded."},
            "fund": {"name": "fund", "fieldType": "string", "value": opp.fund.code,
                     "description": "Code of the wellness fund paying the awards."},
        },
        "createdAt": _utc(opp.created_at),
        "lastModifiedAt": _utc(opp.created_at),
    }


# Response schemas (OpenAPI), mirroring the standard's models.
_MONEY = {"type": "object", "properties": {"amount": {"type": "string"}, "currency": {"type": "string"}},
          "required": ["amount", "currency"]}
_EVENT = {"type": "object", "properties": {
    "name": {"type": "string"}, "eventType": {"type": "string", "enum": ["singleDate"]},
    "date": {"type": "string", "format": "date"}, "time": {"type": "string"},
    "description": {"type": "string"}}, "required": ["name", "eventType", "date"]}
_CUSTOM = {"type": "object", "properties": {"name": {"type": "string"}, "fieldType": {"type": "string"},
                                            "value": {}, "description": {"type": "string"}},
           "required": ["name", "fieldType", "value"]}
OPPORTUNITY_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "title": {"type": "string"},
        "status": {"type": "object", "properties": {"value": {"type": "string",
                                                              "enum": ["forecasted", "open", "closed", "custom"]}},
                   "required": ["value"]},
        "description": {"type": "string"},
        "funding": {"type": "object", "properties": {"totalAmountAvailable": _MONEY, "minAwardAmount": _MONEY,
                                                     "maxAwardAmount": _MONEY}},
        "keyDates": {"type": "object", "properties": {"postDate": _EVENT, "closeDate": _EVENT}},
        "customFields": {"type": "object", "additionalProperties": _CUSTOM},
        "createdAt": {"type": "string", "format": "date-time"},
        "lastModifiedAt": {"type": "string", "format": "date-time"},
    },
    "required": ["id", "title", "status", "description", "createdAt", "lastModifiedAt"],
}
LIST_SCHEMA = {
    "type": "object",
    "properties": {
        "status": {"type": "integer"}, "message": {"type": "string"},
        "items": {"type": "array", "items": OPPORTUNITY_SCHEMA},
        "paginationInfo": {"type": "object", "properties": {
            "page": {"type": "integer"}, "pageSize": {"type": "integer"},
            "totalItems": {"type": "integer"}, "totalPages": {"type": "integer"}},
            "required": ["page", "pageSize", "totalItems", "totalPages"]},
    },
    "required": ["status", "message", "items", "paginationInfo"],
}
DETAIL_SCHEMA = {
    "type": "object",
    "properties": {"status": {"type": "integer"}, "message": {"type": "string"}, "data": OPPORTUNITY_SCHEMA},
    "required": ["status", "message", "data"],
}


def _open_for(user: Any) -> Any:
    return (
        selectors.opportunities_visible(user=user)
        .filter(status=OpportunityStatus.OPEN)
        .select_related("fund")
        .prefetch_related("counties")
        .order_by("closes_at", "id")
    )


def _positive(request: Request, name: str, default: int, maximum: int | None = None) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1 or (maximum is not None and value > maximum):
        limit = f" and at most {maximum}" if maximum else ""
        raise serializers.ValidationError({name: [serializers.ErrorDetail(
            f"Give a whole number of at least 1{limit}.", code="invalid")]})
    return value


class CommonGrantsOpportunityList(ApiViewMixin, APIView):
    """Open funding opportunities, paginated as the CommonGrants standard specifies."""

    @extend_schema(
        operation_id="common_grants_opportunities_list",
        tags=["common-grants"],
        parameters=[OpenApiParameter("page", int, description="Page number, from 1."),
                    OpenApiParameter("pageSize", int, description=f"Items per page (1 to {MAX_PAGE_SIZE}).")],
        responses={200: LIST_SCHEMA},
    )
    def get(self, request: Request) -> Response:
        page = _positive(request, "page", 1)
        size = _positive(request, "pageSize", 10, MAX_PAGE_SIZE)
        qs = _open_for(request.user)
        total = qs.count()
        items = [opportunity_json(o) for o in qs[(page - 1) * size: page * size]]
        return Response({
            "status": 200, "message": "Success", "items": items,
            "paginationInfo": {"page": page, "pageSize": size, "totalItems": total,
                               "totalPages": math.ceil(total / size) if total else 0},
        })


class CommonGrantsOpportunityDetail(ApiViewMixin, APIView):
    """One open funding opportunity by its CommonGrants UUID."""

    @extend_schema(operation_id="common_grants_opportunities_retrieve", tags=["common-grants"],
                   responses={200: DETAIL_SCHEMA})
    def get(self, request: Request, opp_id: str) -> Response:
        pk = opportunity_pk(opp_id)
        opp = _open_for(request.user).filter(pk=pk).first() if pk is not None else None
        if opp is None:
            raise exceptions.NotFound()
        return Response({"status": 200, "message": "Success", "data": opportunity_json(opp)})
