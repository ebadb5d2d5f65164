"""Two requests with the same Idempotency-Key at the same moment: the advisory lock makes the
second wait for the first and replay its response, so the action happens once."""

import pytest

from api.models import IdempotencyRecord
from reinvestment.models import PlanFinancialYear
from tests.api.factories import money, token_client
from tests.helpers import race
from tests.organizations.factories import member
from tests.reinvestment.factories import PlanFactory


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_one_key_act_once():
    plan = PlanFactory(code="api-race-plan")
    clients = [token_client(member("plan_finance", plan))] * 2
    payload = {"plan": plan.pk, "income_year": 2024, "total_revenue": money("2000000000.00"),
               "net_income": money("200000000.00")}

    def send(client):
        response = client.post("/api/financial-years/", payload, format="json", HTTP_IDEMPOTENCY_KEY="race")
        return response.status_code, response.json(), response.get("Idempotent-Replayed")

    outcomes = race(send, [(c,) for c in clients])
    assert all(isinstance(o, tuple) for o in outcomes), outcomes
    assert [status for status, _, _ in outcomes] == [201, 201], outcomes
    assert outcomes[0][1] == outcomes[1][1]
    assert sorted(str(replayed) for _, _, replayed in outcomes) == ["None", "true"]
    assert PlanFinancialYear.objects.filter(plan=plan).count() == 1
    assert IdempotencyRecord.objects.filter(key="race").count() == 1
