"""Review assignments: assign (fund administrator), score, declare a conflict (the reviewer)."""

import pytest

from audit.models import AuditEvent
from grants.models import ReviewAssignment, Score
from tests.api.factories import token_client
from tests.grants import factories as gf

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return gf.world(cbos=2, board=2)


@pytest.fixture
def app(w):
    return gf.submitted(w, gf.opportunity(w), 0)


def _assign(w, app, reviewer):
    return token_client(w.admin).post("/api/review-assignments/",
                                      {"application": app.pk, "reviewer": reviewer.username}, format="json")


def test_assign_then_reviewer_scores(w, app):
    reviewer = w.board[0]
    response = _assign(w, app, reviewer)
    assert response.status_code == 201, response.content
    assignment_id = response.json()["id"]
    client = token_client(reviewer)
    assert [a["id"] for a in client.get("/api/review-assignments/").json()["results"]] == [assignment_id]
    scored = client.post(f"/api/review-assignments/{assignment_id}/submit/",
                         {"scores": {"1": {"score": 4, "comment": "strong need"}, "2": {"score": 3}},
                          "comment": "Good"}, format="json")
    assert scored.status_code == 200, scored.content
    assert scored.json()["status"] == "submitted"
    assert sorted((s["criterion"], s["score"]) for s in scored.json()["scores"]) == [(1, 4), (2, 3)]


@pytest.mark.parametrize(
    ("scores", "field"),
    [
        ({"1": {"score": 4}}, "scores"),  # criterion 2 missing
        ({"1": {"score": 9}, "2": {"score": 1}}, "scores"),  # outside the scale
        ({"1": {"score": "four"}, "2": {"score": 1}}, "scores.1.score"),
        ({"1": {"score": 4, "weight": 2}, "2": {"score": 1}}, "scores.1.weight"),
        ({"x": {"score": 4}}, "scores"),
    ],
)
def test_bad_scores_write_nothing(w, app, scores, field):
    reviewer = w.board[0]
    assignment_id = _assign(w, app, reviewer).json()["id"]
    response = token_client(reviewer).post(f"/api/review-assignments/{assignment_id}/submit/",
                                           {"scores": scores}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]
    assert Score.objects.count() == 0
    assert ReviewAssignment.objects.get().status == "assigned"


def test_declare_conflict_then_scoring_is_refused(w, app):
    reviewer = w.board[0]
    assignment_id = _assign(w, app, reviewer).json()["id"]
    client = token_client(reviewer)
    missing = client.post(f"/api/review-assignments/{assignment_id}/declare-conflict/", {}, format="json")
    assert missing.status_code == 400 and "reason" in missing.json()["error"]["fields"]
    declared = client.post(f"/api/review-assignments/{assignment_id}/declare-conflict/",
                           {"reason": "My sister runs the applicant"}, format="json")
    assert declared.status_code == 200 and declared.json()["status"] == "conflicted"
    again = client.post(f"/api/review-assignments/{assignment_id}/declare-conflict/",
                        {"reason": "again"}, format="json")
    assert again.status_code == 409
    events = AuditEvent.objects.count()
    scored = client.post(f"/api/review-assignments/{assignment_id}/submit/",
                         {"scores": {"1": {"score": 4}, "2": {"score": 3}}}, format="json")
    assert scored.status_code == 400 and Score.objects.count() == 0
    assert AuditEvent.objects.count() == events
    # and the conflicted reviewer no longer sees the application
    assert client.get(f"/api/applications/{app.pk}/").status_code == 404


def test_other_achs_assignment_is_404_and_only_admin_assigns(w, app):
    reviewer = w.board[0]
    assignment_id = _assign(w, app, reviewer).json()["id"]
    stranger = gf.world(cbos=1, board=1)
    outsider = token_client(stranger.admin)
    assert outsider.get(f"/api/review-assignments/{assignment_id}/").status_code == 404
    assert outsider.post(f"/api/review-assignments/{assignment_id}/declare-conflict/",
                         {"reason": "x"}, format="json").status_code == 404
    refused = _assign(stranger, app, stranger.board[0])
    assert refused.status_code == 400 and "application" in refused.json()["error"]["fields"]
    by_member = token_client(w.board[1]).post("/api/review-assignments/",
                                              {"application": app.pk, "reviewer": w.board[1].username},
                                              format="json")
    assert by_member.status_code == 403
    assert ReviewAssignment.objects.count() == 1


def test_assign_is_idempotent(w, app):
    client = token_client(w.admin)
    payload = {"application": app.pk, "reviewer": w.board[0].username}
    first = client.post("/api/review-assignments/", payload, format="json", HTTP_IDEMPOTENCY_KEY="a1")
    again = client.post("/api/review-assignments/", payload, format="json", HTTP_IDEMPOTENCY_KEY="a1")
    assert first.status_code == again.status_code == 201 and again.json() == first.json()
    assert ReviewAssignment.objects.count() == 1
    without_key = client.post("/api/review-assignments/", payload, format="json")
    assert without_key.status_code == 400 and ReviewAssignment.objects.count() == 1
