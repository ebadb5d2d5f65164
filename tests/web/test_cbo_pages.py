"""Pages CBO staff use: open calls, the application form (autosave, checklist, submit), applications,
awards and accepting one; refusals (404) and bad input that changes nothing; Spanish."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from grants.models import Application, Award
from tests.grants import factories as gf
from tests.web import grants_world as gw

pytestmark = pytest.mark.django_db


def _form_data(app, **changes):
    """What the browser sends for a complete application (budget in two lines)."""
    data = {
        "form_token": "t" * 32,
        "contact_name": "María López", "contact_email": "maria@example.org", "contact_phone": "",
        "project_title": "Promotores de salud", "project_summary": "Health promoters teach prevention.",
        "requested_amount": "20,000.00", "period_start": "2027-01-01", "period_end": "2027-12-31",
        "counties": [str(c.pk) for c in app.opportunity.counties.all()], "domains": ["food"],
        "target_populations": "Farmworker families", "question_1": "yes",
        "line_1_category": "personnel", "line_1_description": "Stipends", "line_1_amount": "12,000.00",
        "line_2_category": "supplies", "line_2_description": "Materials", "line_2_amount": "8,000.00",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _state():
    return (list(Application.objects.order_by("pk").values_list("status", "project_title", "requested_amount")),
            AuditEvent.objects.count())


# --------------------------------------------------------------------------- open calls


def test_cbo_sees_open_calls_with_money_formatted(client, w, opp):
    client.force_login(w.staff[0])
    response = client.get(reverse("grants:opportunity_list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert opp.title in body and "$50,000.00" in body


def test_call_list_csv_has_exact_amounts(client, w, opp):
    client.force_login(w.staff[0])
    response = client.get(reverse("grants:opportunity_list") + "?format=csv")
    text = b"".join(response.streaming_content).decode()
    assert "50000.00" in text and opp.title in text


def test_cbo_guessing_a_draft_call_gets_404(client, w):
    draft_call = gf.opportunity(w, open_=False)
    client.force_login(w.staff[0])
    assert client.get(reverse("grants:opportunity_detail", args=[draft_call.pk])).status_code == 404


@pytest.mark.parametrize("size", [1, 6])
def test_call_list_queries_do_not_grow(client, w, django_assert_num_queries, size):
    for _ in range(size):
        gf.opportunity(w)
    client.force_login(w.staff[0])
    client.get(reverse("grants:opportunity_list"))  # warm the session
    # session, user (with the audit link's permission and memberships), count, page rows
    # (opportunities joined with fund and restriction)
    with django_assert_num_queries(4):
        response = client.get(reverse("grants:opportunity_list"))
    assert response.status_code == 200


# --------------------------------------------------------------------------- start and edit


def test_start_creates_one_draft_even_when_sent_twice(client, w, opp):
    client.force_login(w.staff[0])
    page = client.get(reverse("grants:opportunity_detail", args=[opp.pk]))
    url = reverse("grants:application_start", args=[opp.pk, w.cbos[0].code])
    token = gw.token(page)
    first = client.post(url, {"form_token": token})
    second = client.post(url, {"form_token": token})
    app = Application.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == reverse("grants:application_edit", args=[app.pk])
    assert app.applicant == w.cbos[0] and app.status == "draft"


def test_start_for_another_organization_is_404_and_creates_nothing(client, w, opp):
    client.force_login(w.staff[0])
    url = reverse("grants:application_start", args=[opp.pk, w.cbos[1].code])
    assert client.post(url, {"form_token": "x" * 32}).status_code == 404
    assert Application.objects.count() == 0


def test_edit_page_lists_what_is_missing(client, w, opp):
    app = gf.draft(w, opp, 0, contact_name="", budget_lines=[])
    client.force_login(w.staff[0])
    response = client.get(reverse("grants:application_edit", args=[app.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="checklist"' in body
    assert "Contact name" in body and "Give at least one budget line." in body


def test_autosave_saves_the_draft_and_answers_with_the_checklist(client, w, opp):
    app = gf.draft(w, opp, 0, budget_lines=[], project_title="Old title")
    client.force_login(w.staff[0])
    data = _form_data(app, project_title="New title", form_token=None)
    response = client.post(reverse("grants:application_autosave", args=[app.pk]), data)
    app.refresh_from_db()
    assert response.status_code == 200
    assert app.project_title == "New title"
    assert app.requested_amount.amount == Decimal("20000.00")
    assert sorted(b.amount.amount for b in app.budget_lines.all()) == [Decimal("8000.00"), Decimal("12000.00")]
    assert "Draft saved at" in response.content.decode()
    assert 'id="checklist-done"' in response.content.decode()


def test_autosave_with_a_bad_amount_saves_nothing_and_says_why(client, w, opp):
    app = gf.draft(w, opp, 0)
    before = _state()
    client.force_login(w.staff[0])
    data = _form_data(app, requested_amount="12.345", project_title="Changed")
    response = client.post(reverse("grants:application_autosave", args=[app.pk]), data)
    assert response.status_code == 200
    assert "Not saved" in response.content.decode()
    assert "at most two decimal places" in response.content.decode()
    assert _state() == before


def test_submit_complete_application(client, w, opp):
    app = gf.draft(w, opp, 0, budget_lines=[])
    client.force_login(w.staff[0])
    page = client.get(reverse("grants:application_edit", args=[app.pk]))
    data = _form_data(app, form_token=gw.token(page), submit="1")
    response = client.post(reverse("grants:application_edit", args=[app.pk]), data)
    app.refresh_from_db()
    assert response.status_code == 302
    assert app.status == "submitted"
    again = client.post(reverse("grants:application_edit", args=[app.pk]), data)
    assert again.status_code == 200  # now locked: the page says so, nothing else happens
    assert Application.objects.get(pk=app.pk).submitted_at == app.submitted_at


def test_submit_with_missing_parts_shows_errors_beside_fields_and_changes_nothing(client, w, opp):
    app = gf.draft(w, opp, 0)
    before = _state()
    client.force_login(w.staff[0])
    data = _form_data(app, form_token="u" * 32, submit="1", contact_name="", line_2_amount="1.00")
    response = client.post(reverse("grants:application_edit", args=[app.pk]), data)
    body = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_contact_name_error"' in body
    assert "This field is required to submit." in body
    assert "Budget lines add up to $12,001.00, but the request is $20,000.00." in body
    assert _state() == before


def test_half_filled_budget_line_is_a_field_error(client, w, opp):
    app = gf.draft(w, opp, 0)
    before = _state()
    client.force_login(w.staff[0])
    data = _form_data(app, form_token="v" * 32, line_3_description="Rent")
    response = client.post(reverse("grants:application_edit", args=[app.pk]), data)
    assert response.status_code == 400
    assert 'id="id_line_3_amount_error"' in response.content.decode()
    assert _state() == before


def test_another_cbo_gets_404_on_every_application_page(client, w, opp):
    app = gf.draft(w, opp, 0)
    before = _state()
    client.force_login(w.staff[1])
    for name in ("application_detail", "application_edit"):
        assert client.get(reverse(f"grants:{name}", args=[app.pk])).status_code == 404
    assert client.post(reverse("grants:application_autosave", args=[app.pk]), _form_data(app)).status_code == 404
    assert client.post(reverse("grants:application_edit", args=[app.pk]), _form_data(app)).status_code == 404
    assert _state() == before


def test_my_applications_lists_only_my_organizations(client, w, opp):
    mine = gf.draft(w, opp, 0, project_title="Mine")
    gf.draft(w, opp, 1, project_title="Theirs")
    client.force_login(w.staff[0])
    body = client.get(reverse("grants:application_list")).content.decode()
    assert "Mine" in body and "Theirs" not in body
    assert reverse("grants:application_detail", args=[mine.pk]) in body


@pytest.mark.parametrize("size", [1, 5])
def test_application_list_queries_do_not_grow(client, w, django_assert_num_queries, size):
    for _ in range(size):
        gf.draft(w, gf.opportunity(w), 0)
    client.force_login(w.staff[0])
    client.get(reverse("grants:application_list"))
    # session, user (with the audit link's permission and the memberships that scope the rows; the conflict exclusion is a subquery), count,
    # page rows (joined with applicant and call)
    with django_assert_num_queries(4):
        assert client.get(reverse("grants:application_list")).status_code == 200


# --------------------------------------------------------------------------- awards


def test_grantee_accepts_the_award_once(client, w, opp):
    award = gw.awarded(w, opp, 0)
    client.force_login(w.staff[0])
    page = client.get(reverse("grants:award_detail", args=[award.pk]))
    assert page.status_code == 200 and "$20,000.00" in page.content.decode()
    data = {"form_token": gw.token(page), "accepted_name": "María López", "accepted_title": "Director",
            "agree": "on"}
    first = client.post(reverse("grants:award_detail", args=[award.pk]), data)
    second = client.post(reverse("grants:award_detail", args=[award.pk]), data)
    award.refresh_from_db()
    assert first.status_code == 302 and second.status_code == 404  # accepted: nothing left to accept
    assert award.status == "accepted" and award.accepted_name == "María López"
    assert AuditEvent.objects.filter(action="grants.award.accept").count() == 1


def test_accepting_without_a_name_shows_the_error_and_changes_nothing(client, w, opp):
    award = gw.awarded(w, opp, 0)
    events = AuditEvent.objects.count()
    client.force_login(w.staff[0])
    data = {"form_token": "w" * 32, "accepted_name": " ", "accepted_title": "Director", "agree": "on"}
    response = client.post(reverse("grants:award_detail", args=[award.pk]), data)
    assert response.status_code == 400
    assert "Type your full name to accept." in response.content.decode()
    assert Award.objects.get(pk=award.pk).status == "offered"
    assert AuditEvent.objects.count() == events


def test_another_cbo_gets_404_for_the_award(client, w, opp):
    award = gw.awarded(w, opp, 0)
    client.force_login(w.staff[1])
    assert client.get(reverse("grants:award_detail", args=[award.pk])).status_code == 404
    data = {"form_token": "z" * 32, "accepted_name": "X", "accepted_title": "Y", "agree": "on"}
    events = AuditEvent.objects.count()
    response = client.post(reverse("grants:award_detail", args=[award.pk]), data)
    assert response.status_code == 404 and "We couldn't find that page" in response.content.decode()
    assert Award.objects.get(pk=award.pk).status == "offered"
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("size", [1, 3])
def test_award_list_queries_do_not_grow(client, w, django_assert_num_queries, size):
    opp = gf.opportunity(w, award_max="50000.00")
    for _ in range(size):
        gw.awarded(w, opp, 0, "5000.00")
    client.force_login(w.staff[0])
    client.get(reverse("grants:award_list"))
    # session, user (with the audit link's permission and memberships), count, page rows
    with django_assert_num_queries(4):
        response = client.get(reverse("grants:award_list"))
    assert response.content.decode().count("$5,000.00") == size


# --------------------------------------------------------------------------- Spanish


def test_application_pages_speak_spanish(client, w, opp):
    app = gf.draft(w, opp, 0, budget_lines=[])
    client.force_login(w.staff[0])
    client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    body = client.get(reverse("grants:application_edit", args=[app.pk])).content.decode()
    assert "Antes de enviar" in body and "Enviar la solicitud" in body
    assert "Presupuesto" in body
    listing = client.get(reverse("grants:opportunity_list")).content.decode()
    assert "Convocatorias" in listing


def test_dates_typed_in_iso_form_are_saved(client, w, opp):
    app = gf.draft(w, opp, 0)
    client.force_login(w.staff[0])
    data = _form_data(app, period_start="2027-02-01")
    client.post(reverse("grants:application_autosave", args=[app.pk]), data)
    app.refresh_from_db()
    assert app.period_start == dt.date(2027, 2, 1)


# --------------------------------------------------------------------------- reports


# The report form, step by step: tests/web/test_report_steps.py.


@pytest.mark.parametrize("size", [1, 3])
def test_report_list_queries_do_not_grow(client, w, django_assert_num_queries, size):
    opp = gf.opportunity(w)
    for _ in range(size):
        gw.awarded(w, opp, 0, "5000.00")
    client.force_login(w.staff[0])
    client.get(reverse("grants:report_list"))
    # session, user (with the audit link's permission and memberships), reports (joined with award, grantee, fund, application and
    # content); nothing written yet, so no events to prefetch
    with django_assert_num_queries(3):
        response = client.get(reverse("grants:report_list"))
    assert response.status_code == 200
