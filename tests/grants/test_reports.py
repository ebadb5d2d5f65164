"""Grantee reports: drafts, validation on submission, review, resubmission history, lateness."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from audit.models import AuditEvent
from community.models import EquityCategory, EquityDimension, EquityTaxonomy
from grants import selectors, services
from grants.models import (
    GranteeReport,
    PeopleServed,
    ReportEvent,
    ReportExpenditure,
    ReportMetric,
    ReportSchedule,
)
from grants.selectors import reports as report_selectors
from organizations import access
from organizations.access import AccessDenied
from tests.grants import factories as gf

pytestmark = pytest.mark.django_db


def _state():
    return (GranteeReport.objects.count(), ReportExpenditure.objects.count(), ReportMetric.objects.count(),
            PeopleServed.objects.count(), ReportEvent.objects.count(), AuditEvent.objects.count(),
            list(ReportSchedule.objects.order_by("pk").values_list("status", flat=True)),
            list(GranteeReport.objects.order_by("pk").values_list("progress", "total_served")))


@pytest.fixture
def award(w):
    return gf.award(w)


def test_draft_saves_incomplete_and_submission_validates(w, award):
    schedule = award.reports.get(number=1)
    report = services.report_save_draft(actor=w.staff[0], schedule=schedule, progress="Started outreach.")
    assert report.total_served is None
    with pytest.raises(ValidationError, match="number of people served"):
        services.report_submit(actor=w.staff[0], schedule=schedule)
    services.report_save_draft(actor=w.staff[0], schedule=schedule, **gf.report_content(120))
    submitted = services.report_submit(actor=w.staff[0], schedule=schedule)
    assert submitted.status == "submitted"
    event = ReportEvent.objects.get(report__schedule=schedule)
    assert event.content["total_served"] == 120
    assert ["race", "white", 59] in event.content["people"]


def test_breakdown_that_does_not_add_up_is_refused_and_nothing_changes(w, award):
    schedule = award.reports.get(number=1)
    content = gf.report_content(120)
    content["people"]["language"] = {"spanish": 60, "english": 59}
    services.report_save_draft(actor=w.staff[0], schedule=schedule, **content)
    before = _state()
    with pytest.raises(ValidationError, match="Preferred language: the breakdown adds up to 119, not the 120"):
        services.report_submit(actor=w.staff[0], schedule=schedule)
    assert _state() == before


def test_missing_dimension_is_refused(w, award):
    schedule = award.reports.get(number=1)
    content = gf.report_content(120)
    del content["people"]["gender_identity"]
    services.report_save_draft(actor=w.staff[0], schedule=schedule, **content)
    before = _state()
    with pytest.raises(ValidationError, match="Gender identity: give the people served"):
        services.report_submit(actor=w.staff[0], schedule=schedule)
    assert _state() == before


@pytest.mark.parametrize("bad", [-1, "2.5", 2.0, "many", True])
def test_negative_or_fractional_counts_are_refused(w, award, bad):
    schedule = award.reports.get(number=1)
    services.report_save_draft(actor=w.staff[0], schedule=schedule, progress="Draft")
    before = _state()
    with pytest.raises(ValidationError, match="people"):
        services.report_save_draft(actor=w.staff[0], schedule=schedule,
                                   people={"language": {"spanish": bad}})
    with pytest.raises(ValidationError, match="total_served"):
        services.report_save_draft(actor=w.staff[0], schedule=schedule, total_served=bad, progress="changed")
    assert _state() == before


def test_unknown_category_or_county_is_refused(w, award):
    schedule = award.reports.get(number=1)
    before = _state()
    with pytest.raises(ValidationError, match="not a category"):
        services.report_save_draft(actor=w.staff[0], schedule=schedule, people={"age_band": {"teen": 3}})
    with pytest.raises(ValidationError, match="not a known county"):
        services.report_save_draft(actor=w.staff[0], schedule=schedule, people={"county": {"99999": 3}})
    assert _state() == before


def test_a_category_outside_the_taxonomy_in_force_is_refused_and_nothing_is_written(w, award):
    schedule = award.reports.get(number=1)
    services.report_save_draft(actor=w.staff[0], schedule=schedule, **gf.report_content(120))
    before = _state()
    # The fixed categories of earlier versions ("multiracial") are not in the taxonomy in force.
    with pytest.raises(ValidationError, match="“multiracial” is not a category of Race and ethnicity"):
        services.report_save_draft(actor=w.staff[0], schedule=schedule,
                                   people={"race": {"multiracial": 3}, "sex": {"female": 3}})
    with pytest.raises(ValidationError, match="“race_ethnicity” is not a dimension"):
        services.report_save_draft(actor=w.staff[0], schedule=schedule, people={"race_ethnicity": {"white": 3}})
    # A category of a later version is refused for a period the later version does not cover.
    later = EquityTaxonomy.objects.create(version=99, name="Later dimensions",
                                          effective_from=schedule.period_end + dt.timedelta(days=1),
                                          source_citation="A later standard.")
    sex = EquityDimension.objects.create(taxonomy=later, code="sex", name="Sex", source_citation="A later standard.")
    EquityCategory.objects.create(dimension=sex, code="intersex", name="Intersex")
    with pytest.raises(ValidationError, match="“intersex” is not a category of Sex"):
        services.report_save_draft(actor=w.staff[0], schedule=schedule, people={"sex": {"intersex": 3}})
    assert _state() == before


def test_declined_and_not_reported_are_kept_apart(w, award):
    schedule = award.reports.get(number=1)
    content = gf.report_content(10)
    content["people"]["sexual_orientation"] = {"declined": 4, "not_reported": 6}
    report = services.report_save_draft(actor=w.staff[0], schedule=schedule, **content)
    cells = dict(report.people.filter(dimension="sexual_orientation").values_list("category", "count"))
    assert cells == {"declined": 4, "not_reported": 6}
    assert services.report_submit(actor=w.staff[0], schedule=schedule).status == "submitted"


def test_several_races_per_person_add_up_to_at_least_the_total(w, award):
    schedule = award.reports.get(number=1)
    content = gf.report_content(10)
    content["people"]["race"] = {"hispanic_latino": 5, "white": 4}
    services.report_save_draft(actor=w.staff[0], schedule=schedule, **content)
    before = _state()
    with pytest.raises(ValidationError, match="fewer than the 10 served"):
        services.report_submit(actor=w.staff[0], schedule=schedule)
    assert _state() == before
    content["people"]["race"] = {"hispanic_latino": 7, "white": 6}  # three people gave both
    services.report_save_draft(actor=w.staff[0], schedule=schedule, **content)
    assert services.report_submit(actor=w.staff[0], schedule=schedule).status == "submitted"


def test_expenditure_above_a_budget_line_is_refused(w, award):
    schedule = award.reports.get(number=1)  # line 1 (personnel) has 10,000.00
    before = _state()
    with pytest.raises(ValidationError, match=r"\$10,000.01 spent to date is more than its budget of \$10,000.00"):
        services.report_save_draft(actor=w.staff[0], schedule=schedule, expenditures={1: "10000.01"})
    assert _state() == before


def test_spending_to_date_counts_earlier_reports(w, award):
    gf.accepted_report(w, award, 1, spend={1: "9000.00", 2: "1000.00"})
    final = award.reports.get(number=2)
    before = _state()
    with pytest.raises(ValidationError, match="Line 1"):
        services.report_save_draft(actor=w.staff[0], schedule=final, expenditures={1: "1000.01"})
    assert _state() == before
    services.report_save_draft(actor=w.staff[0], schedule=final, expenditures={1: "1000.00"})
    detail = report_selectors.report_detail(user=w.staff[0], pk=final.pk)
    line = detail["budget"][0]
    assert (line["budget"], line["spent_to_date"], line["remaining"], line["percent_spent"]) == (
        Decimal("10000.00"), Decimal("10000.00"), Decimal("0.00"), Decimal("100.00"))
    assert line["variance"] == Decimal("0.00")  # the final report's period ends with the award


def test_report_by_another_cbo_is_refused(w, award):
    schedule = award.reports.get(number=1)
    before = _state()
    with pytest.raises(AccessDenied):
        services.report_save_draft(actor=w.staff[1], schedule=schedule, **gf.report_content())
    services.report_save_draft(actor=w.staff[0], schedule=schedule, **gf.report_content())
    before = _state()
    with pytest.raises(AccessDenied):
        services.report_submit(actor=w.staff[1], schedule=schedule)
    assert _state() == before
    with pytest.raises(Http404):
        report_selectors.report_detail(user=w.staff[1], pk=schedule.pk)
    assert report_selectors.reports_visible(user=w.staff[1]) == []


def test_submitted_report_cannot_be_edited(w, award):
    schedule = gf.submitted_report(w, award, 1)
    before = _state()
    with pytest.raises(ValidationError, match="cannot be edited"):
        services.report_save_draft(actor=w.staff[0], schedule=schedule, progress="Changed after submission")
    assert _state() == before


def test_return_and_resubmission_keep_the_history(w, award):
    schedule = gf.submitted_report(w, award, 1)
    with pytest.raises(ValidationError, match="Say what"):
        services.report_return(actor=w.admin, schedule=schedule, comment=" ")
    services.report_return(actor=w.admin, schedule=schedule, comment="Add the challenges of the harvest season.")
    services.report_save_draft(actor=w.staff[0], schedule=schedule, challenges="Evening sessions moved.")
    services.report_submit(actor=w.staff[0], schedule=schedule)
    services.report_accept(actor=w.admin, schedule=schedule)
    detail = report_selectors.report_detail(user=w.admin, pk=schedule.pk)
    assert [h["kind"] for h in detail["history"]] == ["submitted", "returned", "submitted", "accepted"]
    assert detail["history"][0]["content"]["challenges"] != detail["history"][2]["content"]["challenges"]
    assert detail["status"] == "accepted"


def test_only_the_fund_administrator_reviews(w, award):
    schedule = gf.submitted_report(w, award, 1)
    before = _state()
    for actor in (w.staff[0], w.board[0]):
        with pytest.raises(AccessDenied):
            services.report_accept(actor=actor, schedule=schedule)
    assert _state() == before


def test_late_reports_are_flagged(w, award):
    first = award.reports.get(number=1)
    rows = {r["number"]: r for r in report_selectors.reports_visible(user=w.admin, award=award,
                                                                     today=first.due_on + dt.timedelta(days=1))}
    assert rows[1]["late"] and rows[1]["overdue"]
    assert not rows[2]["late"]
    on_time = {r["number"]: r for r in report_selectors.reports_visible(user=w.admin, award=award, today=first.due_on)}
    assert not on_time[1]["late"]
    gf.submitted_report(w, award, 1)  # submitted today, long before the 2027 due date
    after = {r["number"]: r for r in report_selectors.reports_visible(user=w.admin, award=award,
                                                                      today=first.due_on + dt.timedelta(days=30))}
    assert not after[1]["late"] and not after[1]["overdue"]


def test_report_submitted_after_its_due_date_stays_late(w, award):
    first = award.reports.get(number=1)
    ReportSchedule.objects.filter(pk=first.pk).update(period_start=dt.date(2025, 8, 1), period_end=dt.date(2026, 1, 31),
                                                      due_on=dt.date(2026, 2, 1))
    gf.submitted_report(w, award, 1)
    row = next(r for r in report_selectors.reports_visible(user=w.staff[0]) if r["report_id"] == first.pk)
    assert row["late"] and not row["overdue"]


def test_reports_list_queries_do_not_grow(w, django_assert_num_queries):
    gf.submitted_report(w, gf.award(w), 1)
    access.forget(w.admin)
    with django_assert_num_queries(3):
        small = report_selectors.reports_visible(user=w.admin)
    gf.award(w, i=1)
    gf.award(w, i=2)
    gf.submitted_report(w, gf.award(w, i=0), 2)
    access.forget(w.admin)
    with django_assert_num_queries(3):
        large = report_selectors.reports_visible(user=w.admin)
    assert len(large) > len(small)


def test_selectors_package_keeps_old_imports():
    assert callable(selectors.application_detail) and callable(selectors.award_with_schedule)


def test_award_history_of_another_cbo_is_not_found(w, award):
    with pytest.raises(Http404):
        report_selectors.award_history(user=w.staff[1], pk=award.pk)
    assert report_selectors.award_history(user=w.staff[0], pk=award.pk)[0]["kind"] == "award"


def test_stored_race_breakdowns_move_to_the_taxonomy_codes(w, award):
    """Migration 0008: ``race_ethnicity`` becomes ``race``; "multiracial" and "another_race",
    which taxonomy version 1 does not have, join "not reported" of the same report."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("grants.migrations.0008_people_served_equity_taxonomy")
    schedule = award.reports.get(number=1)
    report = services.report_save_draft(actor=w.staff[0], schedule=schedule, progress="Old report")
    PeopleServed.objects.bulk_create([
        PeopleServed(report=report, dimension="race_ethnicity", category=c, count=n)
        for c, n in (("hispanic_latino", 50), ("multiracial", 7), ("another_race", 2), ("not_reported", 1))])
    PeopleServed.objects.create(report=report, dimension="language", category="spanish", count=60)
    migration.forward(apps, None)
    assert sorted(report.people.values_list("dimension", "category", "count")) == [
        ("language", "spanish", 60), ("race", "hispanic_latino", 50), ("race", "not_reported", 10)]
    migration.forward(apps, None)  # running again changes nothing
    assert report.people.filter(dimension="race").count() == 2
