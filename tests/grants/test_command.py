"""grants_pipeline: counts and amounts by stage per opportunity, and the available balance."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from grants import services
from tests.grants import factories as gf
from tests.wellness_fund import factories as wf

pytestmark = pytest.mark.django_db


def _no_float(value):
    raise AssertionError(f"float in JSON output: {value}")


@pytest.fixture
def fund_with_pipeline(w, opp):
    wf.receive(w.fund, "12345.67")
    a = gf.submitted(w, opp, 0, "20000.00")
    gf.submitted(w, opp, 1, "7000.50")
    gf.draft(w, opp, 2)
    services.application_recommend(actor=w.admin, application=a, recommended=True)
    return w


def test_pipeline_json_has_exact_amounts_and_no_floats(fund_with_pipeline):
    w = fund_with_pipeline
    out = StringIO()
    call_command("grants_pipeline", "--fund", w.fund.code, "--format", "json", stdout=out)
    data = json.loads(out.getvalue(), parse_float=_no_float)
    stages = data["opportunities"][0]["stages"]
    assert stages["applied"] == {"count": 2, "amount": "27000.50"}
    assert stages["recommended"] == {"count": 1, "amount": "20000.00"}
    assert stages["approved"] == {"count": 0, "amount": "0.00"}
    assert data["available"] == "12345.67"
    assert Decimal(data["available_by_restriction"]["general"]) == Decimal("12345.67")


def test_pipeline_text(fund_with_pipeline):
    out = StringIO()
    call_command("grants_pipeline", "--fund", fund_with_pipeline.fund.code, stdout=out)
    text = out.getvalue()
    assert "applied" in text and "27000.50" in text and "Available to award: 12345.67" in text


def test_unknown_fund_is_an_error():
    with pytest.raises(CommandError, match="No wellness fund with code 'nope'"):
        call_command("grants_pipeline", "--fund", "nope")
