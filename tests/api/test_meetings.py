"""Meetings and votes: the chair opens and closes a vote, present members cast ballots."""

import pytest

from grants import services
from grants.models import AgendaItem, Ballot
from tests.api.factories import token_client
from tests.grants import factories as gf

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(w):
    _meeting, (item,) = gf.session(w, [gf.submitted(w, gf.opportunity(w), 0)])
    return item


def test_meeting_with_agenda_is_readable_by_the_board(w, item):
    body = token_client(w.board[0]).get(f"/api/meetings/{item.meeting_id}/").json()
    assert body["status"] == "in_session" and [i["id"] for i in body["items"]] == [item.pk]


def test_open_vote_ballots_and_close(w, item):
    chair = token_client(w.chair)
    opened = chair.post(f"/api/agenda-items/{item.pk}/open-vote/",
                        {"mover": w.board[0].username, "seconder": w.board[1].username}, format="json")
    assert opened.status_code == 200, opened.content
    assert opened.json()["vote_status"] == "open"
    for member in (w.chair, *w.board):
        cast = token_client(member).post(f"/api/agenda-items/{item.pk}/ballot/", {"choice": "yes"}, format="json")
        assert cast.status_code == 200 and cast.json()["choice"] == "yes"
    closed = chair.post(f"/api/agenda-items/{item.pk}/close-vote/")
    assert closed.status_code == 200, closed.content
    assert closed.json()["vote_status"] == "closed" and closed.json()["yes_count"] == 3


def test_ballot_before_the_vote_opens_is_a_state_error(w, item):
    response = token_client(w.board[0]).post(f"/api/agenda-items/{item.pk}/ballot/", {"choice": "yes"},
                                             format="json")
    assert response.status_code == 409 and response.json()["error"]["code"] == "invalid_state"
    assert Ballot.objects.count() == 0


def test_bad_ballot_and_non_chair_are_refused(w, item):
    chair = token_client(w.chair)
    chair.post(f"/api/agenda-items/{item.pk}/open-vote/",
               {"mover": w.board[0].username, "seconder": w.board[1].username}, format="json")
    member = token_client(w.board[0])
    bad = member.post(f"/api/agenda-items/{item.pk}/ballot/", {"choice": "maybe"}, format="json")
    assert bad.status_code == 400 and "choice" in bad.json()["error"]["fields"]
    assert Ballot.objects.count() == 0
    refused = member.post(f"/api/agenda-items/{item.pk}/close-vote/")
    # (the board rules answer "only the chair" as a validation error on the actor: a 403)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "permission_denied"
    assert "Only the chair" in refused.json()["error"]["message"]
    assert AgendaItem.objects.get(pk=item.pk).vote_status == "open"


def test_another_achs_meeting_is_404(w, item):
    outsider = token_client(gf.world(cbos=1, board=1).chair)
    assert outsider.get(f"/api/meetings/{item.meeting_id}/").status_code == 404
    response = outsider.post(f"/api/agenda-items/{item.pk}/ballot/", {"choice": "yes"}, format="json")
    assert response.status_code == 404
    assert Ballot.objects.count() == 0


def test_ballot_is_idempotent(w, item):
    token_client(w.chair).post(f"/api/agenda-items/{item.pk}/open-vote/",
                               {"mover": w.board[0].username, "seconder": w.board[1].username}, format="json")
    member = token_client(w.board[0])
    first = member.post(f"/api/agenda-items/{item.pk}/ballot/", {"choice": "no"}, format="json",
                        HTTP_IDEMPOTENCY_KEY="b1")
    again = member.post(f"/api/agenda-items/{item.pk}/ballot/", {"choice": "no"}, format="json",
                        HTTP_IDEMPOTENCY_KEY="b1")
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    changed = member.post(f"/api/agenda-items/{item.pk}/ballot/", {"choice": "yes"}, format="json",
                          HTTP_IDEMPOTENCY_KEY="b1")
    assert changed.status_code == 422 and changed.json()["error"]["code"] == "idempotency_key_reused"
    assert list(Ballot.objects.values_list("choice", flat=True)) == ["no"]


# --- awards from decisions -------------------------------------------------------------------


@pytest.fixture
def decision(w, item):
    from grants.models import Decision
    from tests.wellness_fund import factories as wf

    wf.receive(w.fund, "30000.00")
    services.vote_open(actor=w.chair, item=item, mover=w.chair, seconder=w.board[0])
    for voter in (w.chair, *w.board):
        services.ballot_cast(actor=voter, item=item, choice="yes")
    services.vote_close(actor=w.chair, item=item)
    return Decision.objects.get(item=item)


def _award_payload(decision, amount="20000.00"):
    return {"decision": decision.pk, "amount": {"amount": amount, "currency": "USD"},
            "period_start": "2027-01-01", "period_end": "2027-12-31",
            "tranches": [{"basis": "percent", "value": "50", "due_on": "2027-01-15"},
                         {"basis": "percent", "value": "50", "due_on": "2027-07-15", "requires_report": 1}]}


def test_award_from_decision_with_schedule(w, decision):
    admin = token_client(w.admin)
    created = admin.post("/api/awards/", _award_payload(decision), format="json")
    assert created.status_code == 201, created.content
    schedule = admin.get(f"/api/awards/{created.json()['id']}/schedule/").json()
    assert [t["amount"]["amount"] for t in schedule["tranches"]] == ["10000.00", "10000.00"]
    assert schedule["reports"] and schedule["tranches"][1]["requires_report"] == 1
    grantee = token_client(w.staff[0])
    accepted = grantee.post(f"/api/awards/{created.json()['id']}/accept/", {"name": "Ana", "title": "Director"},
                            format="json")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"


def test_award_above_approved_or_float_writes_nothing(w, decision):
    from grants.models import Award

    admin = token_client(w.admin)
    above = admin.post("/api/awards/", _award_payload(decision, "20000.01"), format="json")
    assert above.status_code == 400
    floaty = admin.post("/api/awards/", _award_payload(decision) | {"amount": {"amount": 20000.0,
                                                                              "currency": "USD"}}, format="json")
    assert floaty.status_code == 400 and "amount" in floaty.json()["error"]["fields"]
    assert Award.objects.count() == 0


def test_award_by_another_ach_or_the_grantee_is_refused(w, decision):
    from grants.models import Award

    outsider = token_client(gf.world(cbos=1, board=1).admin)
    response = outsider.post("/api/awards/", _award_payload(decision), format="json")
    assert response.status_code == 400 and "decision" in response.json()["error"]["fields"]
    assert Award.objects.count() == 0


def test_award_create_is_idempotent(w, decision):
    from grants.models import Award

    admin = token_client(w.admin)
    first = admin.post("/api/awards/", _award_payload(decision), format="json", HTTP_IDEMPOTENCY_KEY="aw")
    again = admin.post("/api/awards/", _award_payload(decision), format="json", HTTP_IDEMPOTENCY_KEY="aw")
    assert first.status_code == again.status_code == 201 and again.json() == first.json()
    assert Award.objects.count() == 1
