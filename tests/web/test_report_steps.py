"""The grantee report, written in steps: narrative, spending, results, people served, review.

Each step saves the draft (a plain post, or htmx's autosave); the review page shows everything
with what stops submission beside the field and a link to its step. Every refusal keeps what
was typed, shows the error beside the field and writes nothing (rows and audit events counted).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from community.models import EquityTaxonomy
from grants.models import GranteeReport, PeopleServed, ReportSchedule
from tests.web import grants_world as gw

pytestmark = pytest.mark.django_db


def _state(schedule):
    report = GranteeReport.objects.filter(schedule=schedule).first()
    return (ReportSchedule.objects.get(pk=schedule.pk).status,
            None if report is None else (report.progress, report.total_served),
            list(PeopleServed.objects.filter(report__schedule=schedule)
                 .values_list("dimension", "category", "count").order_by("pk")),
            GranteeReport.objects.count(), AuditEvent.objects.count())


def _step(schedule, step):
    return reverse("grants:report_step", args=[schedule.pk, step])


@pytest.fixture
def schedule(w, opp):
    award = gw.accepted(w, opp, 0)
    return award.reports.order_by("number").first()


def test_the_report_opens_on_its_first_step_with_the_step_indicator(client, w, schedule):
    client.force_login(w.staff[0])
    response = client.get(reverse("grants:report", args=[schedule.pk]))
    body = response.content.decode()
    assert response.status_code == 200 and f'action="{_step(schedule, "narrative")}"' in body
    assert "usa-step-indicator" in body and 'aria-current="step"' in body
    for title in ("Narrative", "Spending", "Results", "People served", "Review and submit"):
        assert title in body
    assert "Progress toward the objectives" in body and "Spent this period on line 1" not in body
    assert 'hx-post="' + reverse("grants:report_autosave", args=[schedule.pk, "narrative"]) in body


def test_people_step_shows_every_dimension_and_category_of_the_taxonomy_in_force(client, w, schedule):
    client.force_login(w.staff[0])
    body = client.get(_step(schedule, "people")).content.decode()
    taxonomy = EquityTaxonomy.objects.order_by("-effective_from").first()
    for dimension in taxonomy.dimensions.all():
        assert f'data-dimension="{dimension.code}"' in body
        for category in dimension.categories.all():
            assert f'name="people__{dimension.code}__{category.code}"' in body
    assert "Middle Eastern or North African" in body
    assert "Declined to answer" in body and "Not reported" in body
    assert body.count("several may be chosen") == taxonomy.dimensions.filter(multiple=True).count()


def test_every_step_saves_and_the_review_page_submits(client, w, schedule):
    client.force_login(w.staff[0])
    gw.write_report(client, schedule, 40, submit=False)
    review = client.get(_step(schedule, "review"))
    body = review.content.decode()
    assert review.status_code == 200
    assert "Sessions held in Calexico." in body and "$1,000.00" in body and "Mexican: 40" in body
    assert 'id="report-ready"' in body
    response = client.post(_step(schedule, "review"), {"send-form_token": "t" * 32})
    assert response.status_code == 302 and response.url.endswith("?submitted=1")
    schedule.refresh_from_db()
    assert schedule.status == "submitted"
    report = schedule.content
    assert set(report.people.values_list("dimension", flat=True)) == {
        "county", "race", "ethnicity", "language", "disability", "sexual_orientation", "gender_identity", "sex",
        "age_band"}
    # The same submit sent again (double click) does nothing more.
    events = AuditEvent.objects.count()
    again = client.post(_step(schedule, "review"), {"send-form_token": "t" * 32})
    assert again.status_code == 302 and AuditEvent.objects.count() == events
    # A submitted report opens read-only, with everything the grantee wrote.
    page = client.get(_step(schedule, "people"))
    assert page.status_code == 302 and page.url == reverse("grants:report", args=[schedule.pk])
    body = client.get(page.url).content.decode()
    assert "Sessions held in Calexico." in body and "Spanish: 40" in body and "usa-step-indicator" not in body


def test_save_stays_on_the_step_and_next_goes_on(client, w, schedule):
    client.force_login(w.staff[0])
    stay = client.post(_step(schedule, "narrative"), {"form_token": "a" * 32, "progress": "Begun.", "save": "1"})
    assert stay.url == _step(schedule, "narrative") + "?saved=1"
    assert "Draft saved." in client.get(stay.url).content.decode()
    go = client.post(_step(schedule, "narrative"), {"form_token": "b" * 32, "progress": "Begun again."})
    assert go.url == _step(schedule, "spending")
    assert GranteeReport.objects.get(schedule=schedule).progress == "Begun again."


def test_autosave_saves_the_step_and_names_refused_values(client, w, schedule):
    client.force_login(w.staff[0])
    url = reverse("grants:report_autosave", args=[schedule.pk, "narrative"])
    response = client.post(url, {"progress": "Typed so far."})
    assert response.status_code == 200 and "Draft saved at" in response.content.decode()
    assert GranteeReport.objects.get(schedule=schedule).progress == "Typed so far."
    before = _state(schedule)
    refused = client.post(reverse("grants:report_autosave", args=[schedule.pk, "spending"]),
                          {"spent_1": "10,000.01"})
    assert "Not saved" in refused.content.decode() and "amend the budget first" in refused.content.decode()
    assert _state(schedule) == before


def test_a_submit_with_problems_shows_each_beside_its_field_with_a_link_to_the_step(client, w, schedule):
    client.force_login(w.staff[0])
    gw.write_report(client, schedule, 40, submit=False)
    client.post(_step(schedule, "people"), {"form_token": "p" * 32, **gw.people(40),
                                            "people__language__spanish": "39"})
    before = _state(schedule)
    response = client.post(_step(schedule, "review"), {"send-form_token": "u" * 32})
    body = response.content.decode()
    assert response.status_code == 400
    assert "The report was not submitted" in body
    assert "Preferred language: the breakdown adds up to 39, not the 40 served." in body
    assert f'href="{_step(schedule, "people")}?check=1#people-language"' in body
    assert _state(schedule) == before
    # The link opens the step with the saved values and the problem on the breakdown.
    step = client.get(_step(schedule, "people") + "?check=1").content.decode()
    assert 'value="39"' in step and "adds up to 39, not the 40 served" in step


def test_a_race_breakdown_may_count_a_person_in_several_races(client, w, schedule):
    client.force_login(w.staff[0])
    gw.write_report(client, schedule, 40, submit=False)
    client.post(_step(schedule, "people"), {"form_token": "m" * 32, **gw.people(40),
                                            "people__race__white": "5"})
    response = client.post(_step(schedule, "review"), {"send-form_token": "v" * 32})
    assert response.status_code == 302
    assert PeopleServed.objects.get(report__schedule=schedule, dimension="race", category="white").count == 5


@pytest.mark.parametrize("step,data,message", [
    ("narrative", {"progress": "x" * 5001}, "at most 5000 characters"),
    ("spending", {"spent_1": "a lot"}, "Enter an amount in dollars and cents"),
    ("spending", {"spent_1": "10,000.01"}, "amend the budget first"),
    ("results", {"metric_participants": "-3"}, "greater than or equal to 0"),
    ("people", {"total_served": "2.5"}, "Enter a whole number"),
    ("people", {"people__race__white": "-1"}, "greater than or equal to 0"),
])
def test_bad_values_on_a_step_are_refused_beside_the_field_and_keep_what_was_typed(client, w, schedule, step,
                                                                                   data, message):
    client.force_login(w.staff[0])
    client.post(_step(schedule, "narrative"), {"form_token": "c" * 32, "progress": "Kept."})
    before = _state(schedule)
    response = client.post(_step(schedule, step), {"form_token": "d" * 32, **data})
    body = response.content.decode()
    assert response.status_code == 400
    assert message in body and "usa-error-message" in body
    for value in data.values():
        assert f'value="{value}"' in body or f"{value}</textarea>" in body
    assert _state(schedule) == before


def test_a_cell_the_form_does_not_offer_is_not_written(client, w, schedule):
    client.force_login(w.staff[0])
    response = client.post(_step(schedule, "people"), {"form_token": "e" * 32, **gw.people(40),
                                                       "people__race__multiracial": "3",
                                                       "people__religion__none": "3"})
    assert response.status_code == 302
    assert not PeopleServed.objects.filter(category__in=["multiracial", "none"]).exists()
    # (The service refuses such a category with a clear error: tests/grants/test_reports.py.)


def test_wrong_state_another_cbo_and_unknown_step(client, w, schedule):
    client.force_login(w.staff[0])
    gw.write_report(client, schedule, 40)
    schedule.refresh_from_db()
    assert schedule.status == "submitted"
    before = _state(schedule)
    response = client.post(_step(schedule, "narrative"), {"form_token": "g" * 32, "progress": "Changed."})
    assert response.status_code == 400
    assert "a submitted or accepted report cannot be edited" in response.content.decode()
    assert 'Changed.</textarea>' in response.content.decode()
    response = client.post(_step(schedule, "review"), {"send-form_token": "h" * 32})
    assert response.status_code == 400
    assert _state(schedule) == before
    assert client.get(_step(schedule, "nonsense")).status_code == 404
    client.force_login(w.staff[1])
    assert client.get(reverse("grants:report", args=[schedule.pk])).status_code == 404
    assert client.get(_step(schedule, "narrative")).status_code == 404
    assert client.post(_step(schedule, "narrative"), {"form_token": "i" * 32, "progress": "x"}).status_code == 404
    assert client.post(reverse("grants:report_autosave", args=[schedule.pk, "narrative"]),
                       {"progress": "x"}).status_code == 404
    assert client.post(_step(schedule, "review"), {"send-form_token": "j" * 32}).status_code == 404
    assert _state(schedule) == before


def test_an_empty_submit_says_what_is_missing(client, w, schedule):
    client.force_login(w.staff[0])
    before = _state(schedule)
    response = client.post(_step(schedule, "review"), {"send-form_token": "k" * 32})
    assert response.status_code == 400
    assert "Nothing has been written yet" in response.content.decode()
    assert _state(schedule) == before
    expired = client.post(_step(schedule, "review"), {})
    assert expired.status_code == 400 and "This form has expired" in expired.content.decode()


def test_with_no_taxonomy_in_force_the_step_says_so_and_submission_is_refused(client, w, schedule):
    from community.models import EquityTaxonomy

    client.force_login(w.staff[0])
    gw.write_report(client, schedule, 40, submit=False)
    EquityTaxonomy.objects.update(effective_from=schedule.period_end.replace(year=schedule.period_end.year + 1))
    body = client.get(_step(schedule, "people")).content.decode()
    assert "No list of equity categories is in force" in body
    before = _state(schedule)
    response = client.post(_step(schedule, "review"), {"send-form_token": "n" * 32})
    assert response.status_code == 400 and "No equity taxonomy is in force" in response.content.decode()
    assert _state(schedule) == before


def test_the_steps_speak_spanish(client, w, schedule):
    client.force_login(w.staff[0])
    client.cookies["django_language"] = "es"
    body = client.get(_step(schedule, "people")).content.decode()
    for text in ("Personas atendidas", "Revisar y enviar", "Oriente Medio o Norte de África", "Prefirió no responder",
                 "se pueden elegir varias"):
        assert text in body, text


def test_the_people_step_queries_do_not_grow_with_what_was_saved(client, w, schedule):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(w.staff[0])
    gw.write_report(client, schedule, 40, submit=False)
    with CaptureQueriesContext(connection) as few:
        client.get(_step(schedule, "people"))
    spread = {"people__race__white": "10", "people__race__asian": "10", "people__language__english": "5",
              "people__language__spanish": "35", "people__age_band__65+": "3", "people__age_band__25-44": "37"}
    client.post(_step(schedule, "people"), {"form_token": "w" * 32, **gw.people(40), **spread})
    with CaptureQueriesContext(connection) as more:
        body = client.get(_step(schedule, "people")).content.decode()
    assert 'value="35"' in body
    # The taxonomy is read in 3 queries (taxonomy, dimensions, categories) whatever its size, and
    # the saved cells in one.
    assert len(more.captured_queries) == len(few.captured_queries)


def test_the_fund_administrator_decides_once_and_a_second_decision_is_refused(client, w, schedule):
    client.force_login(w.staff[0])
    gw.write_report(client, schedule, 40)
    client.force_login(w.admin)
    url = reverse("grants:report", args=[schedule.pk])
    page = client.get(url).content.decode()
    assert "Review the report" in page and "Sessions held in Calexico." in page and "Spanish: 40" in page
    accepted = client.post(url, {"decide-form_token": "x" * 32, "decide-decision": "accept", "decide-comment": ""})
    assert accepted.status_code == 302
    before = _state(schedule)
    again = client.post(url, {"decide-form_token": "y" * 32, "decide-decision": "return", "decide-comment": "No"})
    assert again.status_code == 400 and "accepted" in again.content.decode().lower()
    assert _state(schedule) == before
    client.force_login(w.staff[0])
    assert client.post(url, {"decide-form_token": "z" * 32, "decide-decision": "accept"}).status_code == 404
    assert _state(schedule) == before
