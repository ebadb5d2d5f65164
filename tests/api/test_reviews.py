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


def test_conflicted_reviewer_reads_no_other_review_of_the_application():
    """A reviewer who declared a conflict loses the application *and* its other reviews:
    the list filtered by application and each other assignment's detail hide them."""
    from grants import services

    w = gf.world(cbos=1, board=3)
    app = gf.submitted(w, gf.opportunity(w), 0)
    first, second, third = w.board
    ids = {r.pk: _assign(w, app, r).json()["id"] for r in w.board}
    for reviewer in (first, second):
        services.review_submit(actor=reviewer, application=app, scores={1: (4, "secret note"), 2: 3},
                               comment="confidential comment")
    client = token_client(third)
    declared = client.post(f"/api/review-assignments/{ids[third.pk]}/declare-conflict/",
                           {"reason": "I sit on the applicant's board"}, format="json")
    assert declared.status_code == 200, declared.content
    assert client.get(f"/api/applications/{app.pk}/").status_code == 404
    listed = client.get(f"/api/review-assignments/?application={app.pk}")
    assert listed.status_code == 200
    assert [a["id"] for a in listed.json()["results"]] == [ids[third.pk]]
    assert b"confidential comment" not in listed.content and b"secret note" not in listed.content
    everything = client.get("/api/review-assignments/")
    assert [a["id"] for a in everything.json()["results"]] == [ids[third.pk]]
    for other in (first, second):
        assert client.get(f"/api/review-assignments/{ids[other.pk]}/").status_code == 404
    # one rule in the access registry: pages and services asking ``access`` get the same answer
    from organizations import access
    assert not access.can(third, "view", ReviewAssignment.objects.get(pk=ids[first.pk]))
    assert access.can(third, "view", ReviewAssignment.objects.get(pk=ids[third.pk]))
    assert not access.scoped(third, "view", Score.objects.filter(assignment__application=app)).exists()
    # an unconflicted reviewer of the same ACH still reads them
    seen = token_client(first).get(f"/api/review-assignments/?application={app.pk}").json()["results"]
    assert sorted(a["id"] for a in seen) == sorted(ids.values())


def test_refusal_messages_name_nobody(w, app):
    from django.core.exceptions import ValidationError

    from grants import services

    outsider, other = w.board
    with pytest.raises(ValidationError) as not_assigned:
        services.review_submit(actor=outsider, application=app, scores={1: 4, 2: 3})
    services.reviewer_assign(actor=w.admin, application=app, reviewer=other)
    with pytest.raises(ValidationError) as twice:
        services.reviewer_assign(actor=w.admin, application=app, reviewer=other)
    stranger = gf.world(cbos=0, board=1).board[0]
    with pytest.raises(ValidationError) as not_member:
        services.reviewer_assign(actor=w.admin, application=app, reviewer=stranger)
    for refused, person in ((not_assigned, outsider), (twice, other), (not_member, stranger)):
        text = " ".join(m for messages in refused.value.message_dict.values() for m in messages)
        assert text
        assert person.username not in text and str(person) not in text
