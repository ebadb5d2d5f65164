"""Idempotency-Key at its edges: the key's length and characters, the body's key order, a very
long path, and the ``idempotent`` decorator on a view of its own."""

import pytest
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from api.idempotency import MAX_KEY_LENGTH, IdempotentMixin, idempotent
from api.models import IdempotencyRecord
from audit.models import AuditEvent
from reinvestment.models import PlanFinancialYear
from tests.api.factories import money, token_client
from tests.organizations.factories import member
from tests.reinvestment.factories import PlanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    return PlanFactory(code="api-plan")


def _payload(plan):
    return {"plan": plan.pk, "income_year": 2024, "total_revenue": money("2000000000.00"),
            "net_income": money("200000000.00")}


def _written():
    return PlanFinancialYear.objects.count(), AuditEvent.objects.count(), IdempotencyRecord.objects.count()


def test_a_key_of_the_longest_length_is_used(plan, finance):
    key = "k" * MAX_KEY_LENGTH
    assert MAX_KEY_LENGTH == 255
    first = finance.post("/api/financial-years/", _payload(plan), format="json", HTTP_IDEMPOTENCY_KEY=key)
    again = finance.post("/api/financial-years/", _payload(plan), format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == again.status_code == 201, first.content
    assert again["Idempotent-Replayed"] == "true"
    assert IdempotencyRecord.objects.get().key == key


@pytest.mark.parametrize("key", ["k" * (MAX_KEY_LENGTH + 1), "", "clé", "tab\there"])
def test_a_bad_key_is_refused_and_writes_nothing(plan, finance, key):
    before = _written()
    response = finance.post("/api/financial-years/", _payload(plan), format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == "invalid_idempotency_key"
    assert _written() == before


def test_the_same_body_with_its_keys_in_another_order_is_a_replay(plan, finance):
    body = _payload(plan)
    first = finance.post("/api/financial-years/", body, format="json", HTTP_IDEMPOTENCY_KEY="order")
    again = finance.post("/api/financial-years/", dict(reversed(list(body.items()))), format="json",
                         HTTP_IDEMPOTENCY_KEY="order")
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true" and PlanFinancialYear.objects.count() == 1


def test_a_path_longer_than_the_stored_column_is_cut_to_fit(plan, finance):
    path = "/api/financial-years/?note=" + "x" * 2100
    response = finance.post(path, _payload(plan), format="json", HTTP_IDEMPOTENCY_KEY="long")
    assert response.status_code == 201, response.content
    stored = IdempotencyRecord.objects.get(key="long")
    assert len(stored.path) == 2000 and path.startswith(stored.path)


def test_the_decorator_runs_a_view_method_once_per_key(plan):
    calls = []

    class Counter(APIView):
        @idempotent
        def post(self, request):
            calls.append(request.data["n"])
            return Response({"call": len(calls)}, status=201)

    assert getattr(Counter.post, "idempotent", False) is True
    user = member("plan_finance", plan)
    factory = APIRequestFactory()

    def send(key, n=1):
        request = factory.post("/counter/", {"n": n}, format="json", **({"HTTP_IDEMPOTENCY_KEY": key} if key else {}))
        force_authenticate(request, user=user)
        return Counter.as_view()(request)

    first, again = send("c-1"), send("c-1")
    assert first.status_code == again.status_code == 201
    assert again.data == first.data == {"call": 1} and again["Idempotent-Replayed"] == "true"
    assert send("c-1", n=2).status_code == 422
    plain = send(None)
    assert plain.status_code == 201 and plain.data == {"call": 2}
    assert calls == [1, 1]


def test_an_error_response_is_not_stored_so_a_corrected_retry_acts(plan, finance):
    bad = _payload(plan) | {"net_income": money("3000000000.00")}
    refused = finance.post("/api/financial-years/", bad, format="json", HTTP_IDEMPOTENCY_KEY="fix")
    assert refused.status_code == 400 and IdempotencyRecord.objects.count() == 0
    fixed = finance.post("/api/financial-years/", _payload(plan), format="json", HTTP_IDEMPOTENCY_KEY="fix")
    assert fixed.status_code == 201 and PlanFinancialYear.objects.count() == 1


def test_a_plain_post_without_a_key_is_not_recorded(plan):
    client = token_client(member("plan_finance", plan))
    assert client.post("/api/financial-years/", _payload(plan), format="json").status_code == 201
    assert IdempotencyRecord.objects.count() == 0


def test_a_view_with_both_the_mixin_and_the_decorator_runs_once_and_stores_one_record(plan):
    calls = []

    class Both(IdempotentMixin, APIView):
        @idempotent
        def post(self, request):
            calls.append(1)
            return Response({"call": len(calls)}, status=201)

    user = member("plan_finance", plan)
    factory = APIRequestFactory()
    responses = []
    for _ in range(2):
        request = factory.post("/both/", {"n": 1}, format="json", HTTP_IDEMPOTENCY_KEY="both")
        force_authenticate(request, user=user)
        responses.append(Both.as_view()(request))
    assert [r.status_code for r in responses] == [201, 201], responses[0].data
    assert calls == [1] and IdempotencyRecord.objects.filter(key="both").count() == 1
