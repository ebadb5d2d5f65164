"""An Idempotency-Key names one request: the same key and body sent to another path is refused (422),
never answered with the first path's stored response."""

import pytest

from api.models import IdempotencyRecord
from grants.models import Meeting, Recusal
from tests.api.factories import token_client
from tests.grants import factories as gf

pytestmark = pytest.mark.django_db


def test_same_key_and_body_on_another_path_is_422_and_acts_nowhere(w):
    apps = [gf.submitted(w, gf.opportunity(w), 0), gf.submitted(w, gf.opportunity(w), 0)]
    _meeting, (first, second) = gf.session(w, apps)
    member = token_client(w.board[0])
    body = {"reason": "Sits on the applicant's board"}

    done = member.post(f"/api/agenda-items/{first.pk}/recuse/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert done.status_code == 201, done.content
    again = member.post(f"/api/agenda-items/{first.pk}/recuse/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true" and again.json() == done.json()

    other = member.post(f"/api/agenda-items/{second.pk}/recuse/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    assert other.status_code == 422, other.content
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    assert not other.has_header("Idempotent-Replayed")
    assert list(Recusal.objects.filter(automatic=False).values_list("item_id", "member_id")) == [
        (first.pk, w.board[0].pk)]
    assert IdempotencyRecord.objects.filter(key="k-1").count() == 1

    # with a key of its own the same request acts on the second item
    fresh = member.post(f"/api/agenda-items/{second.pk}/recuse/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    assert fresh.status_code == 201 and Recusal.objects.filter(item=second, member=w.board[0]).exists()


def test_same_key_and_body_on_another_endpoint_is_422(w):
    admin = token_client(w.admin)
    body = gf.body(w)
    made = admin.post("/api/meetings/", {"body": body.pk, "title": "Regular meeting",
                                         "scheduled_at": "2026-11-23T18:00:00Z"}, format="json",
                      HTTP_IDEMPOTENCY_KEY="same")
    assert made.status_code == 201, made.content
    meeting_id = made.json()["id"]
    # the chair starts it under its own key; the same key and (empty) body to adjourn is another request
    chair = token_client(w.chair)
    assert chair.post(f"/api/meetings/{meeting_id}/start/", HTTP_IDEMPOTENCY_KEY="chair").status_code == 200
    refused = chair.post(f"/api/meetings/{meeting_id}/adjourn/", HTTP_IDEMPOTENCY_KEY="chair")
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "idempotency_key_reused"
    assert Meeting.objects.get(pk=meeting_id).status == "in_session"
