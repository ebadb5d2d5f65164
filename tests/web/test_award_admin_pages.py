"""Fund-administrator pages for boards (meetings, seats) and awards after acceptance (amendments,
history, close-out): success, refusals for another ACH, bad input writing nothing, double submits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent
from grants import services
from grants.models import Amendment, Award, Meeting, Seat
from tests.grants import factories as gf
from tests.organizations.factories import member
from wellness_fund.models import LedgerTransaction

pytestmark = pytest.mark.django_db


def _award_state(a):
    a = Award.objects.get(pk=a.pk)
    return (a.status, a.amount.amount, a.period_end,
            list(a.budget_lines.order_by("number").values_list("amount", flat=True)),
            list(a.tranches.order_by("number").values_list("amount", "status")),
            Amendment.objects.count(), LedgerTransaction.objects.count(), AuditEvent.objects.count())


# --------------------------------------------------------------------------- meetings and seats


def test_admin_schedules_a_meeting_once_from_the_meetings_list(client, w):
    body = gf.body(w)
    client.force_login(w.admin)
    listing = client.get(reverse("grants:meeting_list")).content.decode()
    assert reverse("grants:meeting_create", args=[body.pk]) in listing
    assert client.get(reverse("grants:meeting_create", args=[body.pk])).status_code == 200
    data = {"meeting-form_token": "m" * 32, "meeting-title": "Spring meeting",
            "meeting-scheduled_at": "2027-03-04T18:30", "meeting-location": "Library"}
    first = client.post(reverse("grants:meeting_create", args=[body.pk]), data)
    second = client.post(reverse("grants:meeting_create", args=[body.pk]), data)  # repeated
    meeting = Meeting.objects.get(body=body, title="Spring meeting")
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == reverse("grants:meeting_detail", args=[meeting.pk])
    assert meeting.location == "Library" and meeting.scheduled_at.year == 2027
    assert AuditEvent.objects.filter(action="grants.board.meeting_schedule", object_id=str(meeting.pk)).count() == 1


def test_a_meeting_without_a_valid_date_is_refused_beside_the_field(client, w):
    body = gf.body(w)
    client.force_login(w.admin)
    before = (Meeting.objects.count(), AuditEvent.objects.count())
    response = client.post(reverse("grants:meeting_create", args=[body.pk]), {
        "meeting-form_token": "n" * 32, "meeting-title": "Spring meeting", "meeting-scheduled_at": "next week"})
    assert response.status_code == 400
    assert 'id="id_meeting-scheduled_at"' in response.content.decode()
    assert "Enter a valid date/time." in response.content.decode()
    assert (Meeting.objects.count(), AuditEvent.objects.count()) == before


def test_another_ach_cannot_reach_the_board_pages(client, w):
    body = gf.body(w)
    other = gf.world(cbos=1, board=1)
    before = (Meeting.objects.count(), Seat.objects.count())
    for user in (other.admin, w.board[0]):  # another ACH's administrator; a board member (reads only)
        client.force_login(user)
        assert client.get(reverse("grants:meeting_create", args=[body.pk])).status_code == 404
        assert client.get(reverse("grants:seat_list", args=[body.pk])).status_code == 404
        assert client.post(reverse("grants:meeting_create", args=[body.pk]), {
            "meeting-form_token": "o" * 32, "meeting-title": "X",
            "meeting-scheduled_at": "2027-03-04T18:30"}).status_code == 404
    assert (Meeting.objects.count(), Seat.objects.count()) == before


def test_admin_seats_a_member_once(client, w):
    body = gf.body(w)
    newcomer = member("board_member", w.ach)
    client.force_login(w.admin)
    page = client.get(reverse("grants:seat_list", args=[body.pk]))
    assert page.status_code == 200 and str(w.chair) in page.content.decode()
    assert reverse("grants:seat_list", args=[body.pk]) in client.get(reverse("grants:body_list")).content.decode()
    data = {"seat-form_token": "s" * 32, "seat-member": str(newcomer.pk), "seat-title": "Treasurer",
            "seat-seated_on": "2026-11-01", "seat-is_voting": "on"}
    assert client.post(reverse("grants:seat_list", args=[body.pk]), data).status_code == 302
    assert client.post(reverse("grants:seat_list", args=[body.pk]), data).status_code == 302  # repeated
    seat = Seat.objects.get(body=body, member=newcomer)
    assert seat.title == "Treasurer" and seat.is_voting and not seat.is_chair
    assert seat.seated_on == dt.date(2026, 11, 1)


def test_seat_list_queries_do_not_grow_with_the_seats(client, w):
    body = gf.body(w)
    client.force_login(w.admin)
    url = reverse("grants:seat_list", args=[body.pk])
    client.get(url)
    counts = []
    for extra in (0, 3):
        for _ in range(extra):
            services.seat_add(actor=w.admin, body=body, member=member("board_member", w.ach),
                              seated_on=dt.date(2026, 11, 1))
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.content.decode().count("<tr><td>") == 4 + extra  # chair and three members first
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_second_chair_is_refused_beside_the_field_and_nothing_is_seated(client, w):
    body = gf.body(w)
    newcomer = member("board_member", w.ach)
    client.force_login(w.admin)
    before = (Seat.objects.count(), AuditEvent.objects.count())
    response = client.post(reverse("grants:seat_list", args=[body.pk]), {
        "seat-form_token": "c" * 32, "seat-member": str(newcomer.pk), "seat-seated_on": "2026-11-01",
        "seat-is_chair": "on", "seat-is_voting": "on"})
    assert response.status_code == 400
    assert "already has a chair" in response.content.decode()
    assert (Seat.objects.count(), AuditEvent.objects.count()) == before


# --------------------------------------------------------------------------- award page


def test_award_page_shows_status_labels_amendment_forms_and_history(client, w):
    a = gf.award(w)
    services.tranche_release(actor=w.admin, tranche=a.tranches.get(number=1))
    gf.submitted_report(w, a, 1)
    client.force_login(w.admin)
    body = client.get(reverse("grants:award_detail", args=[a.pk])).content.decode()
    assert "<td>Released for payment" in body and "<td>released" not in body
    assert "<td>Submitted" in body and "<td>submitted" not in body
    for name in ("award_reallocate", "award_extend", "award_change_amount", "award_closeout"):
        assert reverse(f"grants:{name}", args=[a.pk]) in body
    assert "Awarded" in body  # the history's first event


def test_the_grantee_sees_no_amendment_forms(client, w):
    a = gf.award(w)
    client.force_login(w.staff[0])
    body = client.get(reverse("grants:award_detail", args=[a.pk])).content.decode()
    assert reverse("grants:award_reallocate", args=[a.pk]) not in body
    assert reverse("grants:award_closeout", args=[a.pk]) not in body


def test_admin_reallocates_the_budget_once(client, w):
    a = gf.award(w)
    client.force_login(w.admin)
    data = {"reallocate-form_token": "r" * 32, "reallocate-line_1": "12,000.00", "reallocate-line_2": "8,000.00",
            "reallocate-reason": "More promotores hours."}
    assert client.post(reverse("grants:award_reallocate", args=[a.pk]), data).status_code == 302
    assert client.post(reverse("grants:award_reallocate", args=[a.pk]), data).status_code == 302  # repeated
    assert list(a.budget_lines.order_by("number").values_list("amount", flat=True)) == [
        Decimal("12000.00"), Decimal("8000.00")]
    assert Amendment.objects.filter(award=a).count() == 1
    page = client.get(reverse("grants:award_detail", args=[a.pk])).content.decode()
    assert "Budget reallocation between lines" in page and "More promotores hours." in page


def test_a_reallocation_that_does_not_add_up_changes_nothing(client, w):
    a = gf.award(w)
    client.force_login(w.admin)
    before = _award_state(a)
    response = client.post(reverse("grants:award_reallocate", args=[a.pk]), {
        "reallocate-form_token": "q" * 32, "reallocate-line_1": "12,000.00", "reallocate-line_2": "10,000.00",
        "reallocate-reason": "More hours."})
    assert response.status_code == 400
    assert "add up to $22,000.00" in response.content.decode()
    assert _award_state(a) == before


def test_admin_extends_the_period_and_bad_dates_change_nothing(client, w):
    a = gf.award(w)
    client.force_login(w.admin)
    before = _award_state(a)
    refused = client.post(reverse("grants:award_extend", args=[a.pk]), {
        "extend-form_token": "e" * 32, "extend-period_end": "2027-06-30", "extend-reason": "Late start."})
    assert refused.status_code == 400
    assert "An extension ends after the current end" in refused.content.decode()
    assert 'href="#id_extend-period_end"' in refused.content.decode()  # the error names the field
    assert _award_state(a) == before
    data = {"extend-form_token": "f" * 32, "extend-period_end": "2028-06-30", "extend-reason": "Late start."}
    assert client.post(reverse("grants:award_extend", args=[a.pk]), data).status_code == 302
    assert client.post(reverse("grants:award_extend", args=[a.pk]), data).status_code == 302  # repeated
    assert Award.objects.get(pk=a.pk).period_end == dt.date(2028, 6, 30)
    assert Amendment.objects.filter(award=a, kind="extension").count() == 1


def test_an_increase_without_the_board_motion_changes_nothing(client, w):
    a = gf.award(w)
    client.force_login(w.admin)
    before = _award_state(a)
    response = client.post(reverse("grants:award_change_amount", args=[a.pk]), {
        "amount-form_token": "i" * 32, "amount-amount": "25,000.00", "amount-line_1": "15,000.00",
        "amount-line_2": "10,000.00", "amount-reason": "More families."})
    assert response.status_code == 400
    assert "An increase needs the board" in response.content.decode()
    assert _award_state(a) == before


def test_admin_increases_the_amount_with_the_boards_motion_once(client, w):
    a = gf.award(w)
    item = gf.passed_item(w, 1, "5000.00")
    client.force_login(w.admin)
    page = client.get(reverse("grants:award_detail", args=[a.pk])).content.decode()
    assert f'value="{item.pk}"' in page
    data = {"amount-form_token": "j" * 32, "amount-amount": "25,000.00", "amount-line_1": "15,000.00",
            "amount-line_2": "10,000.00", "amount-board_item": str(item.pk), "amount-reason": "More families."}
    assert client.post(reverse("grants:award_change_amount", args=[a.pk]), data).status_code == 302
    assert client.post(reverse("grants:award_change_amount", args=[a.pk]), data).status_code == 302  # repeated
    assert Award.objects.get(pk=a.pk).amount.amount == Decimal("25000.00")
    assert list(Amendment.objects.filter(award=a).values_list("amount_change", "board_item")) == [
        (Decimal("5000.00"), item.pk)]


def test_closeout_is_refused_beside_the_button_until_the_final_report_is_accepted(client, w):
    a = gf.award(w)
    client.force_login(w.admin)
    before = _award_state(a)
    response = client.post(reverse("grants:award_closeout", args=[a.pk]), {"closeout-form_token": "k" * 32})
    assert response.status_code == 400
    assert "The final report is due: an award closes once it is accepted." in response.content.decode()
    assert _award_state(a) == before


def test_admin_closes_out_the_award_once(client, w):
    a = gf.award(w)
    gf.pay(w, a, 1)
    gf.accepted_report(w, a, 1, spend={1: "4000.00", 2: "1000.00"})
    gf.pay(w, a, 2, on=dt.date(2027, 8, 1))
    gf.accepted_report(w, a, 2, spend={1: "3000.00", 2: "2000.00"})
    client.force_login(w.admin)
    data = {"closeout-form_token": "l" * 32}
    assert client.post(reverse("grants:award_closeout", args=[a.pk]), data).status_code == 302
    assert client.post(reverse("grants:award_closeout", args=[a.pk]), data).status_code == 302  # repeated
    assert Award.objects.get(pk=a.pk).status == "closed"
    assert AuditEvent.objects.filter(action="grants.award.closeout", object_id=str(a.pk)).count() == 1
    page = client.get(reverse("grants:award_detail", args=[a.pk])).content.decode()
    assert "Closed out" in page and reverse("grants:award_reallocate", args=[a.pk]) not in page


def test_another_ach_and_the_board_cannot_amend_or_close_an_award(client, w):
    a = gf.award(w)
    other = gf.world(cbos=1, board=1)
    before = _award_state(a)
    posts = {
        "award_reallocate": {"reallocate-form_token": "a" * 32, "reallocate-line_1": "12,000.00",
                             "reallocate-line_2": "8,000.00", "reallocate-reason": "x"},
        "award_extend": {"extend-form_token": "b" * 32, "extend-period_end": "2028-06-30", "extend-reason": "x"},
        "award_change_amount": {"amount-form_token": "d" * 32, "amount-amount": "15,000.00",
                                "amount-line_1": "7,500.00", "amount-line_2": "7,500.00", "amount-reason": "x"},
        "award_closeout": {"closeout-form_token": "g" * 32},
    }
    for user in (other.admin, w.board[0], w.staff[0]):
        client.force_login(user)
        for name, data in posts.items():
            assert client.post(reverse(f"grants:{name}", args=[a.pk]), data).status_code == 404, (user, name)
    assert _award_state(a) == before
