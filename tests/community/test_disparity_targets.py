"""Disparity targets: reduce the gap between a group and the overall rate, or a reference group."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from audit.models import AuditEvent
from community import selectors, services
from community.models import DisparityTarget, OutcomeMeasure, StratifiedOutcome
from organizations.access import AccessDenied
from tests.api.factories import token_client

pytestmark = pytest.mark.django_db
BASELINE = {"baseline_start": dt.date(2024, 1, 1), "baseline_end": dt.date(2024, 12, 31)}
TARGET = {"target_start": dt.date(2025, 1, 1), "target_end": dt.date(2025, 12, 31)}


@pytest.fixture
def measure():
    return OutcomeMeasure.objects.create(code="well-child", name="Well-child visits completed",
                                         source_citation="Test measure.", suppress_below=11)


def _record(world, measure, start, end, counts, denominators):
    return services.outcomes_record(actor=world.fund_admin, fund=world.fund, measure=measure, period_start=start,
                                    period_end=end, dimension="race", counts=counts, denominators=denominators)


@pytest.fixture
def baseline(world, measure):
    # Hispanic or Latino 50%, White 75%, Asian 75%: overall 195 / 300 = 65%
    return _record(world, measure, *BASELINE.values(), {"hispanic_latino": 60, "white": 90, "asian": 45},
                   {"hispanic_latino": 120, "white": 120, "asian": 60})


def _target(world, measure, **overrides):
    kwargs = {"fund": world.fund, "measure": measure, "dimension": "race", "group": "hispanic_latino",
              "reference": "overall", "reduction": Decimal("0.5"), **BASELINE, **TARGET, **overrides}
    return services.disparity_target_set(actor=world.fund_admin, **kwargs)


def test_bad_targets_are_refused_with_a_clear_error_and_nothing_written(world, measure, baseline):
    events = AuditEvent.objects.count()
    bad = [
        ({"reference": ""}, "reference"),  # no reference group at all
        ({"reference": "group"}, "reference_category"),  # a reference group not named
        ({"reference": "group", "reference_category": "hispanic_latino"}, "reference_category"),
        ({"reference": "group", "reference_category": "martian"}, "reference_category"),
        ({"group": "declined"}, "group"),
        ({"group": "klingon"}, "group"),
        ({"reduction": "0"}, "reduction"),
        ({"reduction": "1.5"}, "reduction"),
        ({"reduction": "half"}, "reduction"),
        ({"target_start": dt.date(2024, 6, 1)}, "target_start"),
        ({"target_end": dt.date(2024, 12, 1), "target_start": dt.date(2025, 1, 1)}, "target_end"),
        ({"baseline_start": dt.date(2024, 6, 1)}, "baseline_start"),
    ]
    for overrides, field in bad:
        with pytest.raises(ValidationError) as exc:
            _target(world, measure, **overrides)
        assert field in exc.value.message_dict, (overrides, exc.value.message_dict)
    with pytest.raises(AccessDenied):
        services.disparity_target_set(actor=world.compliance, fund=world.fund, measure=measure, dimension="race",
                                      group="hispanic_latino", reference="overall", reduction="0.5", **BASELINE,
                                      **TARGET)
    assert not DisparityTarget.objects.exists() and AuditEvent.objects.count() == events
    message = None
    with translation.override("en"):
        try:
            _target(world, measure, reference="")
        except ValidationError as exc:
            message = exc.message_dict["reference"][0]
    assert message == "Name what the gap is measured against: the overall rate or a reference group."


def test_a_stratified_count_larger_than_its_denominator_is_refused(world, measure):
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        _record(world, measure, *BASELINE.values(), {"white": 30, "asian": 12}, {"white": 40, "asian": 11})
    assert "exceeds its denominator" in exc.value.message_dict["denominators"][0]
    assert not StratifiedOutcome.objects.exists() and AuditEvent.objects.count() == events


def test_progress_against_the_overall_rate_and_a_reference_group(world, measure, baseline):
    overall = _target(world, measure)
    versus_white = _target(world, measure, reference="group", reference_category="white", reduction="0.2",
                           target_end=dt.date(2025, 12, 30))
    assert (overall.reference_category, overall.reduction, overall.taxonomy.version) == ("", Decimal("0.5000"), 1)
    assert AuditEvent.objects.filter(action="community.disparity_target.set").count() == 2
    with pytest.raises(ValidationError):  # the same target twice
        _target(world, measure)
    by_id = {p.target_id: p for p in selectors.disparity_progress([world.fund.pk])}
    first, second = by_id[overall.pk], by_id[versus_white.pk]
    assert (first.baseline_gap, first.target_gap, first.status) == (Decimal("0.15"), Decimal("0.075"),
                                                                   "not_measured")
    assert (second.baseline_gap, second.target_gap, second.reference) == (Decimal("0.25"), Decimal("0.2"), "White")
    # a year later: Hispanic or Latino 70%, White 80%, Asian 80% (overall 228 / 300 = 76%)
    _record(world, measure, *TARGET.values(), {"hispanic_latino": 84, "white": 96, "asian": 48},
            {"hispanic_latino": 120, "white": 120, "asian": 60})
    by_id = {p.target_id: p for p in selectors.disparity_progress([world.fund.pk])}
    assert (by_id[overall.pk].current_gap, by_id[overall.pk].status) == (Decimal("0.06"), "met")
    assert by_id[versus_white.pk].status == "not_measured"  # its window ends the day before the period does
    assert by_id[overall.pk].group == "Hispanic or Latino" and by_id[overall.pk].dimension


def test_disparity_targets_through_the_api(world, measure, baseline):
    api = token_client(world.fund_admin)
    body = {"fund": world.fund.pk, "measure": "well-child", "dimension": "race", "group": "hispanic_latino",
            "reference": "group", "baseline_start": "2024-01-01", "baseline_end": "2024-12-31",
            "target_start": "2025-01-01", "target_end": "2025-12-31", "reduction": "0.25"}
    events = AuditEvent.objects.count()
    response = api.post("/api/disparity-targets/", body, format="json")
    assert response.status_code == 400 and "reference_category" in response.json()["error"]["fields"]
    assert not DisparityTarget.objects.exists() and AuditEvent.objects.count() == events
    response = api.post("/api/disparity-targets/", {**body, "reference_category": "white"}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["reference_category"] == "white" and response.json()["reduction"] == "0.2500"
    assert token_client(world.compliance).get("/api/disparity-targets/").json()["count"] == 0
