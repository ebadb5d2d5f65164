"""The reinvestment_calc command: exact JSON, text, --list, --year, and errors on stderr."""

import json
import os
import subprocess
import sys
from decimal import Decimal as D
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from audit.models import AuditEvent
from reinvestment.models import Obligation, PlanFinancialYear

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def calc(*args):
    out = StringIO()
    call_command("reinvestment_calc", *args, stdout=out)
    return out.getvalue()


def test_california_json_is_exact_and_writes_nothing():
    before = (PlanFinancialYear.objects.count(), Obligation.objects.count(), AuditEvent.objects.count())
    data = json.loads(calc("--policy", "CA-DHCS", "--revenue", "2000000000", "--net-income", "200000000"),
                      parse_float=lambda s: pytest.fail(f"float in JSON: {s}"))
    assert data["policy"] == "CA-DHCS" and data["version"] == 1 and data["currency"] == "USD"
    assert data["total"] == "11250000.00"
    assert sum(D(line["amount"]) for line in data["lines"]) == D(data["total"])
    assert data["lines"][0]["text"] == "5% x $150,000,000.00 (net income up to 7.5% of revenue) = $7,500,000.00"
    assert data["mlr_remittance"] == "0.00"
    assert (PlanFinancialYear.objects.count(), Obligation.objects.count(), AuditEvent.objects.count()) == before


def test_mlr_and_quality_options():
    data = json.loads(calc("--policy", "CA-DHCS", "--revenue", "2000000000", "--net-income", "200000000",
                           "--quality-missed", "--mlr", "0.84", "--mlr-denominator", "1500000000.00"))
    assert data["total"] == "26250000.00"
    assert data["mlr_remittance"] == "15000000.00"  # (0.85 - 0.84) x $1.5B


def test_year_picks_the_version_in_effect_and_version_picks_exactly():
    by_year = json.loads(calc("--policy", "CC-QTF", "--year", "2024", "--revenue", "0", "--net-income", "0",
                              "--gross-premium", "1000000", "--measures-missed", "2"))
    assert (by_year["version"], by_year["total"]) == (2, "10000.00")  # 2% x $1M x 2/4
    newest = json.loads(calc("--policy", "CALPERS", "--revenue", "0", "--net-income", "0",
                             "--gross-premium", "1000000", "--measures-missed", "4"))
    # the newest CalPERS version (8, 2027) counts the five measures of its measure set: 4% x $1M x 4/5
    assert (newest["version"], newest["total"]) == (8, "32000.00")
    v1 = json.loads(calc("--policy", "CALPERS", "--version", "1", "--revenue", "0", "--net-income", "0",
                         "--gross-premium", "1000000", "--measures-missed", "4"))
    assert v1["total"] == "10000.00"


def test_text_format_and_list():
    text = calc("--policy", "AZ", "--revenue", "100", "--net-income", "10", "--format", "text")
    assert "6% x $10.00 (net income) = $0.60" in text and "Total obligation: $0.60 USD" in text
    listing = calc("--list")
    for code in ("CA-DHCS", "AZ", "NV", "OR-SHARE", "NC-MLR", "CC-QTF", "CALPERS"):
        assert code in listing
    assert listing.count("CALPERS") == 8  # versions 1-4 (four measures) and 5-8 (five)


@pytest.mark.parametrize(("args", "message"), [
    (["--policy", "NV", "--revenue", "100", "--net-income", "10"], "pretax_income"),
    (["--policy", "CA-DHCS", "--revenue", "-1", "--net-income", "-5"], "revenue"),
    (["--policy", "CA-DHCS", "--revenue", "100", "--net-income", "101"], "net_income"),
    (["--policy", "CA-DHCS", "--revenue", "100", "--net-income", "1", "--currency", "EUR"], "currency"),
    (["--policy", "CA-DHCS", "--year", "2019", "--revenue", "100", "--net-income", "1"], "2019"),
    (["--policy", "CA-DHCS", "--revenue", "1e3x", "--net-income", "1"], "revenue"),
    (["--policy", "CA-DHCS", "--revenue", "100", "--net-income", "1", "--mlr", "abc",
      "--mlr-denominator", "5"], "mlr"),
    (["--policy", "NOPE", "--revenue", "100", "--net-income", "1"], "NOPE"),
    (["--policy", "CA-DHCS", "--revenue", "100"], "--net-income"),
])
def test_bad_input_raises_a_command_error(args, message):
    with pytest.raises(CommandError, match=message):
        calc(*args)


def _run(*args):
    db = connection.settings_dict
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
    }
    return subprocess.run([sys.executable, "manage.py", "reinvestment_calc", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def test_exit_status_and_stderr_from_the_shell():
    ok = _run("--policy", "CA-DHCS", "--revenue", "2000000000", "--net-income", "200000000")
    assert ok.returncode == 0 and json.loads(ok.stdout)["total"] == "11250000.00"
    bad = _run("--policy", "NV", "--revenue", "100", "--net-income", "10")
    assert bad.returncode != 0 and bad.stdout == ""
    assert "Pre-tax income is required for NV" in bad.stderr
