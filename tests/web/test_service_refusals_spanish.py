"""Service refusals read in the page's language: Spanish words, amounts and dates in words, nothing written."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import formats, translation

from audit.models import AuditEvent
from grants import services
from grants.models import AgendaItem, ReviewAssignment, Tranche
from tests.grants import factories as gf
from tests.web import grants_world as gw
from wellness_fund.models import LedgerLeg

pytestmark = pytest.mark.django_db

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def _counts() -> tuple[int, int, int, int]:
    return (AuditEvent.objects.count(), LedgerLeg.objects.count(), AgendaItem.objects.count(),
            ReviewAssignment.objects.count())


def test_an_application_already_on_an_agenda_is_refused_in_spanish(client, w, opp):
    app = gf.submitted(w, opp, 0)
    services.application_recommend(actor=w.admin, application=app, recommended=True)
    meeting = gf.meeting(w, gf.body(w))
    services.agenda_item_add(actor=w.admin, meeting=meeting, title="Promotores", entries=[(app, "20000.00")])
    client.force_login(w.admin)
    before = _counts()
    response = client.post(reverse("grants:application_agenda", args=[app.pk]), {
        "agenda-form_token": "s" * 32, "agenda-meeting": str(meeting.pk), "agenda-title": "Otra vez",
        "agenda-amount": "20000,00", "agenda-motion": ""}, HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 400
    html = response.content.decode()
    assert "ya está en un punto del orden del día pendiente de votación" in html
    assert "already on an agenda item" not in html
    assert _counts() == before


def test_a_second_assignment_of_the_same_reviewer_is_refused_in_spanish(client, w, opp):
    app = gf.submitted(w, opp, 0)
    services.reviewer_assign(actor=w.admin, application=app, reviewer=w.board[0])
    client.force_login(w.admin)
    before = _counts()
    response = client.post(reverse("grants:application_assign", args=[app.pk]),
                           {"assign-form_token": "r" * 32, "assign-reviewer": str(w.board[0].pk)},
                           HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Este evaluador ya está asignado a esta solicitud." in html
    assert "already assigned" not in html
    assert _counts() == before


def _released(w, opp) -> Tranche:
    award = gw.accepted(w, opp, 0)
    tranche = award.tranches.get()
    services.tranche_release(actor=w.admin, tranche=tranche)
    return tranche


def test_paying_a_tranche_the_wrong_amount_is_refused_in_spanish(client, w, opp):
    tranche = _released(w, opp)
    client.force_login(w.admin)
    before = _counts()
    data = {"pay-form_token": "p" * 32, "pay-paid_on": dt.date.today().isoformat(), "pay-amount": "19.000,00",
            "pay-payment_reference": "ACH-9"}
    response = client.post(reverse("grants:tranche_pay", args=[tranche.pk]), data, HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 400
    html = response.content.decode()
    assert "El tramo 1 paga $20,000.00, no $19,000.00." in html
    assert "Tranche 1 pays" not in html
    assert _counts() == before
    assert Tranche.objects.get(pk=tranche.pk).status == "released"


def test_a_payment_before_the_award_names_the_day_in_spanish_words(client, w, opp):
    tranche = _released(w, opp)
    committed = tranche.award.committed_on
    client.force_login(w.admin)
    before = _counts()
    data = {"pay-form_token": "q" * 32, "pay-paid_on": (committed - dt.timedelta(days=1)).isoformat(),
            "pay-amount": "20000,00", "pay-payment_reference": "ACH-10"}
    response = client.post(reverse("grants:tranche_pay", args=[tranche.pk]), data, HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 400
    html = response.content.decode()
    with translation.override("es"):
        day = formats.date_format(committed, "DATE_FORMAT")
    assert " de " in day and day != committed.isoformat()
    assert f"El pago no puede ser anterior a la subvención ({day})." in html
    assert f"({committed.isoformat()})" not in html
    assert _counts() == before


def test_a_report_schedule_reads_its_due_date_in_words(w, opp):
    schedule = gw.accepted(w, opp, 0).reports.order_by("number").first()
    with translation.override("es"):
        spanish = str(schedule)
    with translation.override("en"):
        english = str(schedule)
    assert "con vencimiento el" in spanish and not ISO_DATE.search(spanish)
    assert " due " in english and not ISO_DATE.search(english)
    assert str(schedule.due_on.year) in spanish and str(schedule.due_on.year) in english
