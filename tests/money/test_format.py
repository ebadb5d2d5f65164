"""``money.format_usd``, the one money formatter, with the expected text written out."""

import ast
import re
from decimal import Decimal
from pathlib import Path

import pytest
from moneyed import Money

from money import format_usd, plain_amount, to_decimal

ROOT = Path(__file__).resolve().parents[2]
D = Decimal


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (D("1234567.89"), "$1,234,567.89"),
        (D("-1"), "-$1.00"),
        (D("-1234.5"), "-$1,234.50"),
        (Money("-1234.5", "USD"), "-$1,234.50"),
        (0, "$0.00"),
        (-12, "-$12.00"),
        (D("-0.00"), "$0.00"),
        (D("-0.004"), "$0.00"),  # rounds to zero: no minus
        (D("0.025"), "$0.03"),  # half up
        (D("-0.005"), "-$0.01"),
        (D("99999999999999.99"), "$99,999,999,999,999.99"),
        ("1000.10", "$1,000.10"),
        ("1,000.10", "$1,000.10"),
        (None, ""),
        ("", ""),
    ],
)
def test_format_usd(value, shown):
    assert format_usd(value) == shown


def test_blank_and_exact():
    assert format_usd(None, blank="—") == "—"
    assert format_usd(D("7.50075"), exact=True) == "$7.50075"
    assert format_usd(D("7.500750"), exact=True) == "$7.50075"
    assert format_usd(D("-0.001"), exact=True) == "-$0.001"
    assert format_usd(D("1234567.5"), exact=True) == "$1,234,567.50"
    assert format_usd(D("1E+3"), exact=True) == "$1,000.00"
    assert format_usd(D("7.50075")) == "$7.50"
    assert format_usd(D("1250000.49"), cents=False) == "$1,250,000"
    assert format_usd(D("0.5"), cents=False) == "$1"
    assert format_usd(D("-2.5"), cents=False) == "-$3"
    assert format_usd(D("-0.4"), cents=False) == "$0"


@pytest.mark.parametrize(("value", "error"), [(1.5, TypeError), (True, TypeError), (object(), TypeError),
                                              (D("NaN"), ValueError), ("abc", ValueError),
                                              ("1e3", ValueError), ("1_000", ValueError)])
def test_format_usd_refuses_what_is_not_an_amount(value, error):
    with pytest.raises(error):
        format_usd(value)


def test_plain_amount_and_to_decimal():
    assert plain_amount(D("1234567.891")) == "1234567.89"
    assert plain_amount(Money("-1.5", "USD")) == "-1.50"
    assert plain_amount(None) == ""
    assert to_decimal(Money("2.5", "USD")) == D("2.5")
    with pytest.raises(TypeError):
        to_decimal(0.5)


def _project_sources():
    skip = {".venv", "tests", "money", "node_modules", "var"}
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT)
        if rel.parts[0] in skip or "migrations" in rel.parts:
            continue
        yield rel, path.read_text(encoding="utf-8")


def test_no_other_module_formats_dollars():
    # "$" followed by a grouped format spec, or a ",.2f" money format, outside money/
    pattern = re.compile(r"\$\{[^}]*:,|:,\.2f\}")
    found = [f"{rel}:{n}" for rel, text in _project_sources()
             for n, line in enumerate(text.splitlines(), 1) if pattern.search(line)]
    assert found == []


def test_money_imports_nothing_of_the_project():
    allowed = {"__future__", "collections", "decimal", "re", "typing", "django", "moneyed"}
    for path in (ROOT / "money").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                roots = {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                roots = {(node.module or "").split(".")[0]}
            else:
                continue
            assert roots <= allowed, (path.name, roots)
