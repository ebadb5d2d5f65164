"""Small-cell suppression at its edges: a threshold of 1, a count of exactly 1."""

import pytest

from reporting.suppression import suppress


def test_a_threshold_of_one_suppresses_nothing():
    assert suppress([("a", 1), ("b", 0)], 1) == [{"label": "a", "count": 1}, {"label": "b", "count": 0}]


def test_a_threshold_below_one_is_refused():
    with pytest.raises(ValueError, match="at least 1"):
        suppress([("a", 5)], 0)


def test_a_single_person_is_suppressed_and_so_is_the_smallest_other_cell():
    assert suppress([("a", 1), ("b", 20), ("c", 30), ("d", 0)], 3) == [
        {"label": "a", "count": None}, {"label": "b", "count": None},
        {"label": "c", "count": 30}, {"label": "d", "count": 0}]
