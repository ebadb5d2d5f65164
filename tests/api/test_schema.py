"""The OpenAPI schema is valid, complete, and the API agrees with it (schemathesis)."""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from drf_spectacular.validation import validate_schema
from hypothesis import HealthCheck, settings
from rest_framework.test import APIClient
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi import checks as openapi_checks

from tests.api.factories import make_token
from tests.organizations.factories import MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


# Positive and negative data, fuzzing only (the exhaustive coverage phase takes minutes).
SCHEMATHESIS_CONFIG = SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": False}}})


def _schema():
    response = APIClient().get("/api/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def test_schema_is_valid_openapi_3():
    schema = _schema()
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)


def test_every_operation_documents_errors_and_every_post_idempotency():
    schema = _schema()
    for path, item in schema["paths"].items():
        for method, op in item.items():
            for code in ("400", "401", "404", "429"):
                assert code in op["responses"], (path, method, code)
            if method == "post":
                assert any(p["name"] == "Idempotency-Key" for p in op["parameters"]), path
                assert "422" in op["responses"]


def test_request_bodies_refuse_unknown_properties_and_money_is_a_string():
    components = _schema()["components"]["schemas"]
    assert components["ApiTokenCreateRequest"]["additionalProperties"] is False
    assert components["Error"]["required"] == ["error"]


def test_docs_page_is_served():
    response = APIClient().get("/api/docs/")
    assert response.status_code == 200
    assert b"swagger" in response.content.lower()


@pytest.fixture
def api_schema(db):
    """The schema, loaded from the Django app through WSGI (no server)."""
    # As Django's test client does: keep the test's connection open across requests,
    # so the app sees the test data and the test transaction survives.
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application(),
                                             config=SCHEMATHESIS_CONFIG)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def auth_header(db):
    plan = OrganizationFactory(code="st-plan", kind="plan")
    OrganizationFactory(code="st-other", kind="cbo")
    user = UserFactory(username="schemathesis")
    MembershipFactory(user=user, organization=plan, role="plan_finance")
    _, raw = make_token(user, name="schemathesis")
    return {"Authorization": f"Bearer {raw}"}


schema = schemathesis.pytest.from_fixture("api_schema")

CHECKS = [
    schemathesis.checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_schema_conformance,
]


@schema.parametrize()
@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_api_agrees_with_its_schema(case, auth_header):
    # Rate limits are not under test here (tests/api/test_limits.py covers them).
    from django.core.cache import cache

    cache.clear()
    case.call_and_validate(headers=auth_header, checks=CHECKS)
