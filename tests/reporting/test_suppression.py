"""Small-cell suppression of people counts."""

import pytest

from reporting.suppression import suppress


def test_small_cells_are_suppressed_and_large_ones_kept():
    rows = suppress([("Latino", 800), ("Asian", 3), ("Black", 5), ("White", 40)], 11)
    assert rows == [{"label": "Latino", "count": 800}, {"label": "Asian", "count": None},
                    {"label": "Black", "count": None}, {"label": "White", "count": 40}]


def test_a_lone_small_cell_takes_a_second_one_with_it():
    rows = suppress([("Spanish", 700), ("English", 420), ("Tagalog", 4)], 11)
    # the total (1,124) minus the published cells would reveal Tagalog's 4, so English goes too
    assert [r["count"] for r in rows] == [700, None, None]


def test_zero_is_published_and_threshold_must_be_positive():
    assert suppress([("A", 0), ("B", 50)], 11) == [{"label": "A", "count": 0}, {"label": "B", "count": 50}]
    with pytest.raises(ValueError):
        suppress([("A", 1)], 0)
