"""Grants endpoints: opportunities, applications (draft, submit, withdraw), awards."""

import pytest

from audit.models import AuditEvent
from grants.models import Application, BudgetLine
from tests.api.factories import money, token_client
from tests.grants import factories as gf

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return gf.world(cbos=2, board=1)


@pytest.fixture
def opp(w):
    return gf.opportunity(w)


def _draft_payload(w, opp, **extra):
    return {"opportunity": opp.pk, "applicant": w.cbos[0].pk, "contact_name": "María López",
            "contact_email": "maria@example.org", "project_title": "Promotores de salud",
            "project_summary": "Community health promoters teach diabetes prevention.",
            "requested_amount": money("20000.00"), "period_start": "2027-01-01", "period_end": "2027-12-31",
            "domains": ["food"], "target_populations": "Farmworker families",
            "eligibility_answers": {"1": "yes"}, "counties": ["06025"],
            "budget_lines": [{"category": "personnel", "description": "Stipends", "amount": money("12000.00")},
                             {"category": "supplies", "description": "Materials", "amount": money("8000.00")}],
            **extra}


def test_cbo_sees_open_calls_and_admin_sees_drafts(w, opp):
    draft_call = gf.opportunity(w, open_=False)
    cbo = token_client(w.staff[0])
    assert [o["id"] for o in cbo.get("/api/opportunities/").json()["results"]] == [opp.pk]
    assert cbo.get(f"/api/opportunities/{draft_call.pk}/").status_code == 404
    admin = token_client(w.admin)
    assert admin.get("/api/opportunities/?status=draft").json()["count"] == 1
    body = cbo.get(f"/api/opportunities/{opp.pk}/").json()
    assert body["award_max"] == money("50000.00")


def test_open_a_draft_call_and_state_errors(w):
    call = gf.opportunity(w, open_=False)
    admin = token_client(w.admin)
    assert admin.post(f"/api/opportunities/{call.pk}/open/").json()["status"] == "open"
    again = admin.post(f"/api/opportunities/{call.pk}/open/")
    assert again.status_code == 409 and again.json()["error"]["code"] == "invalid_state"
    early = admin.post(f"/api/opportunities/{call.pk}/close/")
    assert early.status_code == 409
    call.refresh_from_db()
    assert call.status == "open"


def test_cbo_cannot_open_a_call(w, opp):
    response = token_client(w.staff[0]).post(f"/api/opportunities/{opp.pk}/close/")
    assert response.status_code == 403
    opp.refresh_from_db()
    assert opp.status == "open"


def test_start_save_submit_withdraw(w, opp):
    client = token_client(w.staff[0])
    started = client.post("/api/applications/", _draft_payload(w, opp, requested_amount=None), format="json")
    assert started.status_code == 201, started.content
    app_id = started.json()["id"]
    assert started.json()["status"] == "draft" and len(started.json()["budget_lines"]) == 2
    saved = client.patch(f"/api/applications/{app_id}/", {"requested_amount": money("20000.00")}, format="json")
    assert saved.status_code == 200 and saved.json()["requested_amount"] == money("20000.00")
    submitted = client.post(f"/api/applications/{app_id}/submit/")
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["status"] == "submitted"
    events = AuditEvent.objects.count()
    locked = client.patch(f"/api/applications/{app_id}/", {"project_title": "New"}, format="json")
    assert locked.status_code == 409 and locked.json()["error"]["code"] == "invalid_state"
    assert Application.objects.get(pk=app_id).project_title != "New" and AuditEvent.objects.count() == events
    withdrawn = client.post(f"/api/applications/{app_id}/withdraw/", {"reason": "funded elsewhere"},
                            format="json")
    assert withdrawn.json()["status"] == "withdrawn"
    events = AuditEvent.objects.count()
    again = client.post(f"/api/applications/{app_id}/withdraw/", {}, format="json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "invalid_state"
    assert Application.objects.get(pk=app_id).status == "withdrawn" and AuditEvent.objects.count() == events


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"requested_amount": {"amount": 20000.0, "currency": "USD"}}, "requested_amount"),
        ({"domains": ["astrology"]}, "domains.0"),
        ({"counties": ["00000"]}, "counties"),
        ({"budget_lines": [{"category": "yachts", "description": "x", "amount": money("1.00")}]},
         "budget_lines.0.category"),
        ({"budget_lines": [{"category": "personnel", "description": "x", "amount": "1.00"}]},
         "budget_lines.0.amount"),
        ({"score": 5}, "score"),
    ],
)
def test_start_refuses_bad_input_and_writes_nothing(w, opp, change, field):
    response = token_client(w.staff[0]).post("/api/applications/", _draft_payload(w, opp) | change,
                                             format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]
    assert Application.objects.count() == 0 and BudgetLine.objects.count() == 0


def test_submit_incomplete_draft_is_refused_and_nothing_changes(w, opp):
    client = token_client(w.staff[0])
    app_id = client.post("/api/applications/", {"opportunity": opp.pk, "applicant": w.cbos[0].pk},
                         format="json").json()["id"]
    events = AuditEvent.objects.count()
    response = client.post(f"/api/applications/{app_id}/submit/")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]
    assert Application.objects.get(pk=app_id).status == "draft"
    assert AuditEvent.objects.count() == events


def test_another_cbos_application_is_404(w, opp):
    theirs = gf.draft(w, opp, 1)
    client = token_client(w.staff[0])
    assert client.get(f"/api/applications/{theirs.pk}/").status_code == 404
    assert client.post(f"/api/applications/{theirs.pk}/submit/").status_code == 404
    assert client.patch(f"/api/applications/{theirs.pk}/", {"project_title": "x"}, format="json").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "draft" and theirs.project_title == "Promotores de salud"
    # applying in another organization's name is refused too
    response = client.post("/api/applications/", _draft_payload(w, opp, applicant=w.cbos[1].pk), format="json")
    assert response.status_code == 400 and "applicant" in response.json()["error"]["fields"]
    assert Application.objects.count() == 1


def test_ach_never_sees_drafts(w, opp):
    gf.draft(w, opp, 0)
    assert token_client(w.admin).get("/api/applications/").json()["count"] == 0


def test_start_application_idempotent_retry(w, opp):
    client = token_client(w.staff[0])
    payload = _draft_payload(w, opp)
    first = client.post("/api/applications/", payload, format="json", HTTP_IDEMPOTENCY_KEY="app-1")
    again = client.post("/api/applications/", payload, format="json", HTTP_IDEMPOTENCY_KEY="app-1")
    assert first.status_code == again.status_code == 201 and again.json() == first.json()
    assert Application.objects.count() == 1


def test_awards_are_scoped(w):
    client = token_client(w.staff[0])
    assert client.get("/api/awards/").json()["count"] == 0
    assert client.get("/api/awards/999999/").status_code == 404
    assert client.get("/api/awards/?status=granted").status_code == 400
