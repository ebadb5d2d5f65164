"""Small-cell suppression at the cutoff in force today (``DisclosureRule`` data: cells under 11)."""

import datetime as dt
import importlib

import pytest
from django.core.exceptions import ValidationError

from reporting.models import DisclosureRule
from reporting.selectors import disclosure_threshold
from reporting.suppression import suppress

pytestmark = pytest.mark.django_db


@pytest.fixture
def threshold():
    """Today's threshold from the rule the migration seeds (seeded again if a flush removed it)."""
    if not DisclosureRule.objects.exists():
        from django.apps import apps

        importlib.import_module("reporting.migrations.0002_guards_and_disclosure_rule").seed_disclosure_rule(apps, None)
    return disclosure_threshold(on=dt.date.today())


def _counts(rows):
    return {r["label"]: r["count"] for r in rows}


def test_the_rule_in_force_suppresses_cells_under_eleven(threshold):
    assert threshold == 11


def test_a_cell_of_ten_is_suppressed_and_a_cell_of_eleven_published(threshold):
    # two small cells: each hides the other, so nothing else needs to go
    rows = suppress([("A", 10), ("B", 11), ("C", 1), ("D", 40)], threshold)
    assert _counts(rows) == {"A": None, "B": 11, "C": None, "D": 40}


def test_eleven_alone_is_published(threshold):
    assert _counts(suppress([("A", 11), ("B", 11)], threshold)) == {"A": 11, "B": 11}


def test_a_lone_cell_of_ten_takes_the_smallest_other_cell_with_it(threshold):
    # the total (10 + 11 + 40 = 61) minus the published cells would reveal A's 10
    rows = suppress([("A", 10), ("B", 40), ("C", 11)], threshold)
    assert _counts(rows) == {"A": None, "B": 40, "C": None}
    assert [r["label"] for r in rows] == ["A", "B", "C"]  # order kept


def test_the_complementary_cell_is_never_a_zero_and_ties_go_by_label(threshold):
    rows = suppress([("Z", 0), ("A", 10), ("D", 25), ("C", 25), ("E", 90)], threshold)
    assert _counts(rows) == {"Z": 0, "A": None, "D": 25, "C": None, "E": 90}


def test_a_lone_small_cell_with_nothing_else_to_hide_behind_stays_suppressed(threshold):
    assert _counts(suppress([("A", 10), ("B", 0)], threshold)) == {"A": None, "B": 0}


def test_no_rule_in_force_before_the_first_one_is_an_error(threshold):  # noqa: ARG001
    with pytest.raises(ValidationError, match="No small-cell suppression rule in force on 1999-12-31"):
        disclosure_threshold(on=dt.date(1999, 12, 31))
