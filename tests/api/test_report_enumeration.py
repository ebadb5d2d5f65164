"""Requesting a report about another organization's record answers exactly as for one that does
not exist: the same 404, byte for byte, naming nobody, and nothing is written.

The parameters of a report run name its subject (a plan and year, a fund and year, an award, a
meeting); a caller who cannot see the subject learns nothing from the answer: not whether it
exists, not which income years a plan has, not whom the refusal is about.
"""

import pytest

from audit.models import AuditEvent
from organizations.models import OrganizationKind, Role
from reporting.models import ReportRun
from tests.api.factories import token_client
from tests.grants import factories as gf
from tests.organizations.factories import OrganizationFactory, member
from tests.reinvestment.factories import financial_year

pytestmark = pytest.mark.django_db


def _request(client, kind, **params):
    return client.post("/api/report-runs/", {"kind": kind, "params": params}, format="json")


def _assert_same_404(responses, *, caller):
    first = responses[0]
    assert first.status_code == 404, first.content
    assert first.json()["error"]["code"] == "not_found"
    for response in responses[1:]:
        assert response.status_code == first.status_code
        assert response.content == first.content
    body = first.content.decode()
    for name in (caller.get_full_name(), caller.first_name, caller.last_name, caller.username):
        if name.strip():
            assert name not in body


def _written():
    return ReportRun.objects.count(), AuditEvent.objects.count()


def test_award_letter_of_another_fund_is_like_a_missing_award():
    ours, theirs = gf.world(cbos=1, board=2), gf.world(cbos=1, board=2)
    foreign = gf.award(theirs)
    caller = ours.admin
    caller.first_name, caller.last_name = "Wilhelmina", "Zebedee-Quist"
    caller.save()
    client = token_client(caller)
    before = _written()
    responses = [_request(client, "award-letter", award=str(foreign.pk)),
                 _request(client, "award-letter", award="99999999")]
    _assert_same_404(responses, caller=caller)
    assert _written() == before


def test_community_reinvestment_of_another_plan_reveals_neither_the_plan_nor_its_years():
    foreign = OrganizationFactory(code="foreign-plan", kind=OrganizationKind.PLAN, jurisdiction="CA")
    financial_year(foreign, income_year=2024)
    own = OrganizationFactory(code="own-plan", kind=OrganizationKind.PLAN, jurisdiction="CA")
    caller = member(Role.PLAN_FINANCE, own)
    caller.first_name, caller.last_name = "Ottoline", "Quackenbush"
    caller.save()
    client = token_client(caller)
    before = _written()
    responses = [
        _request(client, "community-reinvestment", plan="foreign-plan", year="2024"),  # has financials
        _request(client, "community-reinvestment", plan="foreign-plan", year="2023"),  # has none
        _request(client, "community-reinvestment", plan="no-such-plan", year="2024"),
    ]
    _assert_same_404(responses, caller=caller)
    assert "2024" not in responses[0].content.decode() and "foreign-plan" not in responses[0].content.decode()
    assert _written() == before


def test_fund_statement_and_minutes_of_another_ach_are_like_missing_ones():
    ours, theirs = gf.world(cbos=1, board=2), gf.world(cbos=1, board=2)
    theirs_meeting = gf.meeting(theirs, gf.body(theirs))
    client = token_client(ours.admin)
    before = _written()
    _assert_same_404([_request(client, "fund-statement", fund=theirs.fund.code, year="2026"),
                      _request(client, "fund-statement", fund="no-such-fund", year="2026")], caller=ours.admin)
    _assert_same_404([_request(client, "minutes", meeting=str(theirs_meeting.pk)),
                      _request(client, "minutes", meeting="99999999")], caller=ours.admin)
    assert _written() == before


def test_a_malformed_subject_id_is_still_a_validation_error():
    caller = member(Role.PLAN_FINANCE, OrganizationFactory(code="any-plan", kind=OrganizationKind.PLAN))
    response = _request(token_client(caller), "award-letter", award="soon")
    assert response.status_code == 400 and "award" in response.json()["error"]["fields"]
    assert ReportRun.objects.count() == 0


def test_a_subject_the_caller_sees_but_may_not_report_on_is_403_naming_nobody():
    w = gf.world(cbos=1, board=2)
    award = gf.award(w)
    grantee = w.staff[0]  # sees the award, but award letters are the fund administrator's
    grantee.first_name, grantee.last_name = "Philippa", "Umbridge-Tate"
    grantee.save()
    client = token_client(grantee)
    before = _written()
    response = _request(client, "award-letter", award=str(award.pk))
    assert response.status_code == 403 and response.json()["error"]["code"] == "permission_denied"
    for name in ("Philippa", "Umbridge-Tate", grantee.username, w.ach.code):
        assert name not in response.content.decode()
    assert _written() == before
