"""Board and call actions: meetings (schedule, start, attendance, adjourn, certify minutes),
agenda items, recusals, application attachments and recommendations, opportunity creation.

Each: success, validation error (nothing written), another organization's object (404),
refusals about who acts (403), and idempotent retry for POSTs.
"""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEvent
from grants import services
from grants.models import (
    AgendaItem,
    Application,
    Attachment,
    Attendance,
    FundingOpportunity,
    Meeting,
    Recusal,
    RubricCriterion,
)
from tests.api.factories import money, token_client
from tests.grants import factories as gf

pytestmark = pytest.mark.django_db


@pytest.fixture
def body(w):
    return gf.body(w)


def _schedule(body, **extra):
    return {"body": body.pk, "title": "Regular meeting", "scheduled_at": "2026-11-23T18:00:00Z",
            "location": "Community room", **extra}


# --- meetings ------------------------------------------------------------------------------------


def test_meeting_lifecycle(w, body):
    admin, chair = token_client(w.admin), token_client(w.chair)
    made = admin.post("/api/meetings/", _schedule(body), format="json")
    assert made.status_code == 201, made.content
    mid = made.json()["id"]
    assert chair.post(f"/api/meetings/{mid}/start/").json()["status"] == "in_session"
    present = chair.post(f"/api/meetings/{mid}/attendance/",
                         {"members": [w.chair.username, w.board[0].username]}, format="json")
    assert present.status_code == 200, present.content
    assert present.json()["present"] == sorted([w.chair.username, w.board[0].username])
    adjourned = chair.post(f"/api/meetings/{mid}/adjourn/", {"notes": "No public comment."}, format="json")
    assert adjourned.json()["status"] == "adjourned" and adjourned.json()["minutes_notes"] == "No public comment."
    certified = chair.post(f"/api/meetings/{mid}/certify-minutes/", {}, format="json")
    assert certified.status_code == 200 and certified.json()["status"] == "certified"
    again = chair.post(f"/api/meetings/{mid}/certify-minutes/", {}, format="json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "invalid_state"


@pytest.mark.parametrize(
    ("change", "field"),
    [({"scheduled_at": "2026-11-23T18:00:00"}, "scheduled_at"), ({"scheduled_at": "tomorrow"}, "scheduled_at"),
     ({"title": ""}, "title"), ({"room": "A"}, "room")],
)
def test_schedule_bad_input_writes_nothing(w, body, change, field):
    response = token_client(w.admin).post("/api/meetings/", _schedule(body) | change, format="json")
    assert response.status_code == 400 and field in response.json()["error"]["fields"], response.content
    assert Meeting.objects.count() == 0


def test_only_the_chair_runs_the_meeting(w, body):
    meeting = gf.meeting(w, body)
    member = token_client(w.board[0])
    for action, payload in (("start", {}), ("adjourn", {}), ("certify-minutes", {})):
        response = member.post(f"/api/meetings/{meeting.pk}/{action}/", payload, format="json")
        assert response.status_code == 403, (action, response.content)
        assert response.json()["error"]["code"] == "permission_denied"
    services.meeting_start(actor=w.chair, meeting=meeting)
    refused = member.post(f"/api/meetings/{meeting.pk}/attendance/", {"members": [w.board[0].username]},
                          format="json")
    assert refused.status_code == 403
    assert Attendance.objects.count() == 0
    assert Meeting.objects.get(pk=meeting.pk).status == "in_session"


def test_board_member_cannot_schedule_and_attendance_needs_members(w, body):
    assert token_client(w.board[0]).post("/api/meetings/", _schedule(body), format="json").status_code == 403
    meeting = gf.meeting(w, body)
    services.meeting_start(actor=w.chair, meeting=meeting)
    empty = token_client(w.chair).post(f"/api/meetings/{meeting.pk}/attendance/", {"members": []}, format="json")
    assert empty.status_code == 400 and "members" in empty.json()["error"]["fields"]
    assert Meeting.objects.count() == 1 and Attendance.objects.count() == 0


def test_another_achs_meeting_is_404(w, body):
    other = gf.world(cbos=1, board=1)
    outsider_admin = token_client(other.admin)
    response = outsider_admin.post("/api/meetings/", _schedule(body), format="json")
    assert response.status_code == 400 and "body" in response.json()["error"]["fields"]
    meeting = gf.meeting(w, body)
    assert token_client(other.chair).post(f"/api/meetings/{meeting.pk}/start/").status_code == 404
    assert Meeting.objects.get(pk=meeting.pk).status == "scheduled"


def test_schedule_is_idempotent(w, body):
    admin = token_client(w.admin)
    first = admin.post("/api/meetings/", _schedule(body), format="json", HTTP_IDEMPOTENCY_KEY="m1")
    again = admin.post("/api/meetings/", _schedule(body), format="json", HTTP_IDEMPOTENCY_KEY="m1")
    assert first.status_code == again.status_code == 201 and again.json() == first.json()
    assert Meeting.objects.count() == 1


# --- agenda items and recusals -----------------------------------------------------------------


@pytest.fixture
def recommended(w):
    app = gf.submitted(w, gf.opportunity(w), 0)
    return services.application_recommend(actor=w.admin, application=app, recommended=True)


def _item(meeting, app, amount="20000.00"):
    return {"meeting": meeting.pk, "title": "Award motion", "motion": "Approve the award.",
            "entries": [{"application": app.pk, "amount": money(amount)}]}


def test_add_agenda_item_and_recuse(w, body, recommended):
    meeting = gf.meeting(w, body)
    made = token_client(w.admin).post("/api/agenda-items/", _item(meeting, recommended), format="json")
    assert made.status_code == 201, made.content
    assert made.json()["number"] == 1 and made.json()["vote_status"] == "pending"
    recused = token_client(w.board[0]).post(f"/api/agenda-items/{made.json()['id']}/recuse/",
                                            {"reason": "My spouse works there."}, format="json")
    assert recused.status_code == 201, recused.content
    assert recused.json()["member"] == w.board[0].username and recused.json()["automatic"] is False


@pytest.mark.parametrize(("amount", "field"), [("20000.01", "entries"), ("0.00", "entries.0.amount")])
def test_agenda_item_bad_amount_writes_nothing(w, body, recommended, amount, field):
    meeting = gf.meeting(w, body)
    response = token_client(w.admin).post("/api/agenda-items/", _item(meeting, recommended, amount), format="json")
    assert response.status_code == 400 and field in response.json()["error"]["fields"], response.content
    assert AgendaItem.objects.count() == 0


def test_agenda_item_refusals(w, body, recommended):
    meeting = gf.meeting(w, body)
    assert token_client(w.board[0]).post("/api/agenda-items/", _item(meeting, recommended),
                                         format="json").status_code == 403
    other = gf.world(cbos=1, board=1)
    outsider = token_client(other.admin).post("/api/agenda-items/", _item(meeting, recommended), format="json")
    assert outsider.status_code == 400 and "meeting" in outsider.json()["error"]["fields"]
    assert AgendaItem.objects.count() == 0


def test_recusal_refusals(w, body, recommended):
    meeting = gf.meeting(w, body)
    item = services.agenda_item_add(actor=w.admin, meeting=meeting, title="Motion",
                                    entries=[(recommended, recommended.requested_amount.amount)])
    member = token_client(w.board[0])
    blank = member.post(f"/api/agenda-items/{item.pk}/recuse/", {"reason": " "}, format="json")
    assert blank.status_code == 400 and "reason" in blank.json()["error"]["fields"]
    not_seated = token_client(w.admin).post(f"/api/agenda-items/{item.pk}/recuse/", {"reason": "x"}, format="json")
    assert not_seated.status_code == 400 and "member" in not_seated.json()["error"]["fields"]
    outsider = token_client(gf.world(cbos=1, board=1).chair)
    assert outsider.post(f"/api/agenda-items/{item.pk}/recuse/", {"reason": "x"}, format="json").status_code == 404
    assert Recusal.objects.filter(automatic=False).count() == 0


def test_agenda_item_and_recusal_are_idempotent(w, body, recommended):
    meeting = gf.meeting(w, body)
    admin = token_client(w.admin)
    first = admin.post("/api/agenda-items/", _item(meeting, recommended), format="json", HTTP_IDEMPOTENCY_KEY="a1")
    again = admin.post("/api/agenda-items/", _item(meeting, recommended), format="json", HTTP_IDEMPOTENCY_KEY="a1")
    assert again.json() == first.json() and AgendaItem.objects.count() == 1
    member, url = token_client(w.board[0]), f"/api/agenda-items/{first.json()['id']}/recuse/"
    r1 = member.post(url, {"reason": "Conflict"}, format="json", HTTP_IDEMPOTENCY_KEY="r1")
    r2 = member.post(url, {"reason": "Conflict"}, format="json", HTTP_IDEMPOTENCY_KEY="r1")
    assert r1.status_code == r2.status_code == 201 and r2["Idempotent-Replayed"] == "true"
    assert Recusal.objects.filter(automatic=False).count() == 1


# --- attachments and recommendations -----------------------------------------------------------


@pytest.fixture
def draft(w):
    return gf.draft(w, gf.opportunity(w), 0)


def _file(content, name="plan.pdf"):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_attach_a_pdf(w, draft):
    response = token_client(w.staff[0]).post(f"/api/applications/{draft.pk}/attachments/",
                                             {"label": "Work plan", "file": _file(gf.PDF)}, format="multipart")
    assert response.status_code == 201, response.content
    assert response.json()["file_type"] == "pdf" and response.json()["size_bytes"] == len(gf.PDF)
    assert Attachment.objects.filter(application=draft).count() == 1


@pytest.mark.parametrize(
    ("content", "name", "label"),
    [(gf.PNG, "plan.pdf", "Work plan"), (gf.plain_zip(), "plan.docx", "Work plan"), (b"", "plan.pdf", "Plan"),
     (gf.PDF, "plan.exe", "Work plan"), (gf.PDF, "plan.pdf", " ")],
)
def test_attachment_checked_from_content_writes_nothing(w, draft, content, name, label):
    response = token_client(w.staff[0]).post(f"/api/applications/{draft.pk}/attachments/",
                                             {"label": label, "file": _file(content, name)}, format="multipart")
    assert response.status_code == 400, response.content
    assert set(response.json()["error"]["fields"]) <= {"file", "label"}
    assert Attachment.objects.count() == 0


def test_attachment_to_another_cbos_draft_is_404(w, draft):
    other = gf.world(cbos=1, board=1)
    response = token_client(other.staff[0]).post(f"/api/applications/{draft.pk}/attachments/",
                                                 {"label": "x", "file": _file(gf.PDF)}, format="multipart")
    assert response.status_code == 404
    assert Attachment.objects.count() == 0


def test_attachment_is_idempotent_by_content(w, draft):
    client, url = token_client(w.staff[0]), f"/api/applications/{draft.pk}/attachments/"

    def post(content):
        return client.post(url, {"label": "Plan", "file": _file(content)}, format="multipart",
                           HTTP_IDEMPOTENCY_KEY="att")

    first, again = post(gf.PDF), post(gf.PDF)
    assert first.status_code == again.status_code == 201 and again.json() == first.json()
    assert post(gf.PDF + b"%extra\n").status_code == 422
    assert Attachment.objects.count() == 1


def test_recommend_an_application(w):
    app = gf.submitted(w, gf.opportunity(w), 0)
    response = token_client(w.admin).post(f"/api/applications/{app.pk}/recommend/",
                                          {"recommended": True, "note": "Strong plan."}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "recommended"


def test_recommend_refusals_write_nothing(w, draft):
    app = gf.submitted(w, gf.opportunity(w), 0)
    admin = token_client(w.admin)
    bad = admin.post(f"/api/applications/{app.pk}/recommend/", {"recommended": "perhaps"}, format="json")
    assert bad.status_code == 400 and "recommended" in bad.json()["error"]["fields"]
    board_member = token_client(w.board[0])
    events = AuditEvent.objects.count()
    forbidden = board_member.post(f"/api/applications/{app.pk}/recommend/", {"recommended": True}, format="json")
    assert forbidden.status_code == 403 and forbidden.json()["error"]["code"] == "permission_denied"
    assert admin.post(f"/api/applications/{draft.pk}/recommend/", {"recommended": True},
                      format="json").status_code == 404  # a draft is the CBO's own
    assert AuditEvent.objects.count() == events
    outsider = token_client(gf.world(cbos=1, board=1).admin)
    events_after_world = AuditEvent.objects.count()
    hidden = outsider.post(f"/api/applications/{app.pk}/recommend/", {"recommended": True}, format="json")
    assert hidden.status_code == 404 and hidden.json()["error"]["code"] == "not_found"
    assert Application.objects.get(pk=app.pk).status == "submitted"
    assert AuditEvent.objects.count() == events_after_world


def test_recommend_is_idempotent(w):
    app = gf.submitted(w, gf.opportunity(w), 0)
    admin, url = token_client(w.admin), f"/api/applications/{app.pk}/recommend/"
    first = admin.post(url, {"recommended": False}, format="json", HTTP_IDEMPOTENCY_KEY="rec")
    again = admin.post(url, {"recommended": False}, format="json", HTTP_IDEMPOTENCY_KEY="rec")
    assert first.status_code == again.status_code == 200 and again["Idempotent-Replayed"] == "true"
    assert Application.objects.get(pk=app.pk).status == "not_recommended"


# --- opportunity creation ------------------------------------------------------------------------


def _opportunity(w, **extra):
    return {
        "fund": w.fund.pk, "restriction": w.restriction.pk, "title": "Food access 2027",
        "total_budget": money("100000.00"), "award_min": money("5000.00"), "award_max": money("50000.00"),
        "opens_at": "2026-12-01T08:00:00-08:00", "closes_at": "2027-01-15T17:00:00-08:00",
        "counties": ["06025"], "domains": ["food"],
        "rubric": [{"name": "Need", "weight": "60"}, {"name": "Feasibility", "weight": "40", "scale_max": 10}],
        "eligibility_questions": [{"text": "Nonprofit?", "choices": ["yes", "no"], "disqualifying": ["no"]}],
        "reporting": {"frequency_months": 6, "metrics": [{"code": "meals", "label": "Meals served"}],
                      "demographics": ["county"]},
        **extra,
    }


def test_create_opportunity(w):
    response = token_client(w.admin).post("/api/opportunities/", _opportunity(w), format="json")
    assert response.status_code == 201, response.content
    opp = FundingOpportunity.objects.get(pk=response.json()["id"])
    assert opp.status == "draft" and response.json()["award_max"] == money("50000.00")
    assert list(opp.rubric.order_by("number").values_list("name", flat=True)) == ["Need", "Feasibility"]
    assert opp.reporting_template.metrics == [{"code": "meals", "label": "Meals served", "unit": ""}]


@pytest.mark.parametrize(
    ("change", "field"),
    [({"award_min": money("60000.00")}, "award_min"), ({"rubric": []}, "rubric.non_field_errors"),
     ({"rubric": [{"name": "Need", "weight": "0"}]}, "rubric"),
     ({"closes_at": "2026-11-01T00:00:00Z"}, "closes_at"),
     ({"eligibility_questions": [{"text": "Q", "choices": ["yes", "no"], "disqualifying": ["maybe"]}]},
      "eligibility_questions"),
     ({"reporting": {"frequency_months": 13}}, "reporting.frequency_months"),
     ({"total_budget": {"amount": 1000.0, "currency": "USD"}}, "total_budget")],
)
def test_create_opportunity_bad_input_writes_nothing(w, change, field):
    response = token_client(w.admin).post("/api/opportunities/", _opportunity(w) | change, format="json")
    assert response.status_code == 400 and field in response.json()["error"]["fields"], response.content
    assert FundingOpportunity.objects.count() == 0 and RubricCriterion.objects.count() == 0


def test_create_opportunity_refusals(w):
    assert token_client(w.board[0]).post("/api/opportunities/", _opportunity(w),
                                         format="json").status_code == 403
    outsider = token_client(gf.world(cbos=1, board=1).admin)
    response = outsider.post("/api/opportunities/", _opportunity(w), format="json")
    assert response.status_code == 400 and {"fund", "restriction"} <= set(response.json()["error"]["fields"])
    assert FundingOpportunity.objects.filter(fund=w.fund).count() == 0


def test_create_opportunity_is_idempotent(w):
    admin = token_client(w.admin)
    first = admin.post("/api/opportunities/", _opportunity(w), format="json", HTTP_IDEMPOTENCY_KEY="op")
    again = admin.post("/api/opportunities/", _opportunity(w), format="json", HTTP_IDEMPOTENCY_KEY="op")
    assert first.status_code == again.status_code == 201 and again.json() == first.json()
    assert FundingOpportunity.objects.count() == 1


def test_scheduled_at_keeps_its_offset(w, body):
    made = token_client(w.admin).post("/api/meetings/", _schedule(body, scheduled_at="2026-11-23T10:00:00-08:00"),
                                      format="json")
    assert Meeting.objects.get(pk=made.json()["id"]).scheduled_at == dt.datetime(2026, 11, 23, 18, 0,
                                                                                 tzinfo=dt.UTC)


def test_meeting_list_query_count_does_not_grow(w, body, django_assert_num_queries):
    chair = token_client(w.chair)
    chair.get("/api/me/")  # the token is marked used: no last-used write below
    meeting = gf.meeting(w, body)
    services.meeting_start(actor=w.chair, meeting=meeting)
    services.attendance_record(actor=w.chair, meeting=meeting, members=[w.chair])
    # queries: token, memberships, count, page, then one per prefetched relation
    with django_assert_num_queries(7):
        assert chair.get("/api/meetings/").json()["count"] == 1
    for _ in range(3):
        m = gf.meeting(w, body)
        services.meeting_start(actor=w.chair, meeting=m)
        services.attendance_record(actor=w.chair, meeting=m, members=[w.chair, *w.board])
    with django_assert_num_queries(7):
        assert chair.get("/api/meetings/").json()["count"] == 4


def test_governing_bodies_are_listed_for_their_ach_only(w, body):
    listed = token_client(w.board[0]).get("/api/governing-bodies/").json()
    assert [b["id"] for b in listed["results"]] == [body.pk]
    assert {s["member"] for s in listed["results"][0]["seats"]} == {w.chair.username, *(m.username for m in w.board)}
    outsider = token_client(gf.world(cbos=1, board=1).admin)
    assert outsider.get(f"/api/governing-bodies/{body.pk}/").status_code == 404
