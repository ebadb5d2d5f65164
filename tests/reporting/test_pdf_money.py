"""Money printed in PDFs, checked against text written out by hand (never built with the formatter)."""

import datetime as dt

import pytest
from django.core.management import call_command

from tests.reporting import pdf_text

pytestmark = pytest.mark.django_db


def test_a_net_loss_prints_with_a_leading_minus(tmp_path):
    # given a plan whose income year ended with a net loss of $1,234.50
    from organizations.actors import SETUP
    from organizations.models import County
    from reinvestment import services
    from reinvestment.models import MemberMonth
    from tests.reinvestment.factories import PlanFactory, financial_year

    plan = PlanFactory(code="plan-loss", jurisdiction="CA", legal_name="Plan with a loss")
    imperial = County.objects.get(state="CA", name="Imperial")
    MemberMonth.objects.bulk_create([MemberMonth(plan=plan, county=imperial, month=dt.date(2024, m, 1),
                                                 member_months=1000) for m in range(1, 13)])
    year = financial_year(plan, 2024, revenue="987654321.00", net_income="-1234.50")
    services.obligation_compute(actor=SETUP, financial_year=year, policy_code="CA-DHCS")
    out = tmp_path / "report.pdf"
    # when its Community Reinvestment Report is generated
    call_command("generate_report", "community-reinvestment", "--plan", plan.code, "--year", "2024",
                 "--output", str(out))
    text = pdf_text.squash(pdf_text.text(out.read_bytes()))
    # then the loss reads -$1,234.50 (never $-1,234.50 or ($1,234.50)), revenue is grouped,
    # and the computation line shows the same figure
    assert "Netincome-$1,234.50" in text
    assert "Totalrevenue$987,654,321.00" in text
    assert "-$1,234.50isnotpositive:noobligation=$0.00" in text
    assert "$-1,234.50" not in text
    assert "Totalobligation$0.00" in text
