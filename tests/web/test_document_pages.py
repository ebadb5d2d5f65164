"""Documents on the pages where they belong: the award letter on the award's page (issued by the fund
administrator, read by the grantee before accepting), the minutes on the meeting's page (a draft to
read before certification, issued once certified), the annual statement on the fund statement page.
Requests run as report runs (progress, then the artifact); "Preview" is shown in the browser, "Download"
is saved; another organization's documents are 404; bad requests write nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from grants import services as gs
from reporting.models import ReportArtifact, ReportRun
from tests.grants import factories as gf
from tests.organizations.factories import member
from tests.reporting.grants_world import grants_world
from tests.web import grants_world as gw_pages

pytestmark = pytest.mark.django_db

LETTER, MINUTES, STATEMENT = "award-letter", "minutes", "fund-statement"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def gw():
    """A fund with a certified meeting and an award offered to the first CBO."""
    return grants_world()


def _written():
    return ReportRun.objects.count(), ReportArtifact.objects.count(), AuditEvent.objects.count()


def _request_url(kind, subject):
    return reverse("reporting:document_request", args=[kind, subject])


def _issue(client, kind, subject, capture, **fields):
    """Post the request form of the subject's page (its once-only token) and run the worker."""
    page = client.get(_request_url(kind, subject))
    assert page.status_code == 200
    data = {"document-form_token": gw_pages.token(page), **{f"document-{k}": v for k, v in fields.items()}}
    with capture(execute=True):
        return client.post(_request_url(kind, subject), data)


def _pdf(response, disposition):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith(f"{disposition};")
    assert response["X-Content-Type-Options"] == "nosniff"
    return response.content


# --------------------------------------------------------------------------- award letter


def test_fund_admin_issues_the_award_letter_and_previews_it_in_the_browser(
        client, gw, django_capture_on_commit_callbacks):
    award = gw.award
    client.force_login(gw.world.admin)
    page = client.get(reverse("grants:award_detail", args=[award.pk])).content.decode()
    assert "Award letter" in page and "Not issued yet." in page and "Issue the award letter" in page

    response = _issue(client, LETTER, award.pk, django_capture_on_commit_callbacks)
    run = ReportRun.objects.get(kind=LETTER)
    assert response.status_code == 302 and response["Location"] == reverse("reporting:run", args=[run.pk])
    run.refresh_from_db()
    assert run.status == "done" and run.params == {"award": award.pk}
    run_page = client.get(response["Location"]).content.decode()
    assert "Done." in run_page and reverse("grants:award_detail", args=[award.pk]) in run_page
    assert "Back to the award" in run_page

    page = client.get(reverse("grants:award_detail", args=[award.pk])).content.decode()
    preview = reverse("reporting:preview", args=[run.artifact_id])
    download = reverse("reporting:download", args=[run.artifact_id, "pdf"])
    assert "Version 1, issued" in page and preview in page and download in page
    assert _pdf(client.get(preview), "inline").startswith(b"%PDF-")
    assert _pdf(client.get(download), "attachment").startswith(b"%PDF-")


def test_grantee_reads_the_draft_letter_then_the_issued_one_before_accepting(
        client, gw, django_capture_on_commit_callbacks):
    award = gw.award
    staff = gw.world.staff[0]
    client.force_login(staff)
    page = client.get(reverse("grants:award_detail", args=[award.pk])).content.decode()
    draft = reverse("reporting:document_draft", args=[LETTER, award.pk])
    assert 'id="accept-letter"' in page and draft in page and "Read the draft award letter" in page
    assert "Issue the award letter" not in page  # the grantee does not issue it
    before = _written()
    assert _pdf(client.get(draft), "inline").startswith(b"%PDF-")
    assert _written() == before  # a draft is read, never archived

    client.force_login(gw.world.admin)
    _issue(client, LETTER, award.pk, django_capture_on_commit_callbacks)
    artifact = ReportArtifact.objects.get(kind=LETTER)
    client.force_login(staff)
    page = client.get(reverse("grants:award_detail", args=[award.pk])).content.decode()
    preview = reverse("reporting:preview", args=[artifact.pk])
    accept = page[page.index('id="accept-letter"'):]
    assert preview in accept and "Read the award letter" in accept and draft not in page
    assert _pdf(client.get(preview), "inline") == artifact.file.open("rb").read()
    # the artifact's own page (hashes, attestation) stays the issuer's
    assert client.get(reverse("reporting:artifact", args=[artifact.pk])).status_code == 404


def test_another_organization_never_reaches_the_letter(client, gw, django_capture_on_commit_callbacks):
    award = gw.award
    client.force_login(gw.world.admin)
    _issue(client, LETTER, award.pk, django_capture_on_commit_callbacks)
    artifact = ReportArtifact.objects.get(kind=LETTER)
    other_cbo = gw.world.staff[1]
    other_admin = member("fund_admin", gf.world(cbos=1, board=1).ach)
    urls = [reverse("reporting:preview", args=[artifact.pk]), reverse("reporting:download", args=[artifact.pk, "pdf"]),
            reverse("reporting:document_draft", args=[LETTER, award.pk]), _request_url(LETTER, award.pk)]
    before = _written()
    for user in (other_cbo, other_admin):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
        assert client.post(_request_url(LETTER, award.pk), {"document-form_token": "t" * 32}).status_code == 404
    assert _written() == before


def test_grantee_and_board_member_cannot_issue_the_letter(client, gw):
    before = _written()
    for user in (gw.world.staff[0], gw.world.board[0]):
        client.force_login(user)
        assert client.get(_request_url(LETTER, gw.award.pk)).status_code == 404
        assert client.post(_request_url(LETTER, gw.award.pk), {"document-form_token": "t" * 32}).status_code == 404
    assert _written() == before


@pytest.mark.parametrize("subject", ["abc", "999999", ""])
def test_a_subject_that_is_not_one_is_404(client, gw, subject):
    client.force_login(gw.world.admin)
    url = f"/reporting/of/{LETTER}/{subject}/" if subject else f"/reporting/of/{LETTER}//"
    assert client.get(url).status_code == 404
    assert client.get(f"/reporting/of/no-such-kind/{gw.award.pk}/").status_code == 404
    # the compliance page requests the Community Reinvestment Report, not this route
    assert client.get(_request_url("community-reinvestment", gw.plan.code)).status_code == 404


def test_double_submitted_request_queues_one_run(client, gw, django_capture_on_commit_callbacks):
    client.force_login(gw.world.admin)
    page = client.get(_request_url(LETTER, gw.award.pk))
    data = {"document-form_token": gw_pages.token(page)}
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(_request_url(LETTER, gw.award.pk), data)
        second = client.post(_request_url(LETTER, gw.award.pk), data)
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    assert ReportRun.objects.filter(kind=LETTER).count() == 1


def test_a_request_without_its_token_writes_nothing(client, gw):
    client.force_login(gw.world.admin)
    before = _written()
    response = client.post(_request_url(LETTER, gw.award.pk), {})
    assert response.status_code == 400
    assert "This form has expired" in response.content.decode()
    assert _written() == before


def test_a_run_in_progress_shows_its_progress_on_the_award_page(client, gw):
    from reporting import services as rs

    run = rs.report_request(actor=gw.world.admin, kind=LETTER, params={"award": gw.award.pk}, enqueue=False)
    client.force_login(gw.world.admin)
    page = client.get(reverse("grants:award_detail", args=[gw.award.pk])).content.decode()
    assert reverse("reporting:run_status", args=[run.pk]) in page and "hx-trigger=\"every" in page


# --------------------------------------------------------------------------- minutes


@pytest.fixture
def adjourned(gw):
    """A meeting of the same board, adjourned and not yet certified."""
    w = gw.world
    app = gf.submitted(w, gf.opportunity(w), 1)
    meeting, items = gf.session(w, [app])
    gf.approve(w, items[0])
    gs.meeting_adjourn(actor=w.chair, meeting=meeting)
    return meeting


def test_minutes_are_read_as_a_draft_before_certification_and_cannot_be_issued_yet(client, gw, adjourned):
    client.force_login(gw.world.chair)
    page = client.get(reverse("grants:meeting_detail", args=[adjourned.pk])).content.decode()
    draft = reverse("reporting:document_draft", args=[MINUTES, adjourned.pk])
    assert draft in page and "Read the draft" in page
    assert "disabled" in page and "once the chair certifies them" in page  # the button says why
    assert 'action="' + _request_url(MINUTES, adjourned.pk) not in page
    before = _written()
    assert _pdf(client.get(draft), "inline").startswith(b"%PDF-")
    # a member of the board reads the draft too
    client.force_login(gw.world.board[2])
    assert _pdf(client.get(draft), "inline").startswith(b"%PDF-")
    # asking anyway (an old page, a crafted post) is refused with the reason, nothing written
    client.force_login(gw.world.chair)
    response = client.post(_request_url(MINUTES, adjourned.pk), {"document-form_token": "t" * 32})
    assert response.status_code == 400 and "once the chair certifies them" in response.content.decode()
    assert _written() == before


def test_chair_issues_the_certified_minutes_and_members_read_them(client, gw, django_capture_on_commit_callbacks):
    meeting = gw.meeting
    client.force_login(gw.world.chair)
    response = _issue(client, MINUTES, meeting.pk, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    artifact = ReportArtifact.objects.get(kind=MINUTES)
    client.force_login(gw.world.board[1])
    page = client.get(reverse("grants:meeting_detail", args=[meeting.pk])).content.decode()
    assert reverse("reporting:preview", args=[artifact.pk]) in page
    assert "Issue the certified minutes" not in page  # a member does not issue them
    assert _pdf(client.get(reverse("reporting:preview", args=[artifact.pk])), "inline").startswith(b"%PDF-")
    # the grantee is not on the board: the minutes are not theirs
    client.force_login(gw.world.staff[0])
    assert client.get(reverse("reporting:preview", args=[artifact.pk])).status_code == 404
    assert client.get(reverse("reporting:document_draft", args=[MINUTES, meeting.pk])).status_code == 404


# --------------------------------------------------------------------------- fund statement


@pytest.mark.parametrize(("year", "message"), [
    ("", "This field is required."),
    ("abc", "Enter a whole number."),
    ("1800", "greater than or equal to 1990"),
    ("2000", "has no ledger activity up to fiscal year 2000"),
])
def test_bad_fiscal_year_is_refused_beside_the_field(client, gw, year, message):
    client.force_login(gw.world.admin)
    page = client.get(_request_url(STATEMENT, gw.world.fund.code))
    before = _written()
    response = client.post(_request_url(STATEMENT, gw.world.fund.code),
                           {"document-form_token": gw_pages.token(page), "document-year": year})
    assert response.status_code == 400
    assert any(message in str(e) for e in response.context["form"].errors["year"])
    assert _written() == before


def test_fund_admin_generates_the_annual_statement_on_the_fund_statement_page(
        client, gw, django_capture_on_commit_callbacks):
    fund = gw.world.fund
    client.force_login(gw.world.admin)
    page = client.get(reverse("wellness_fund:fund_statement", args=[fund.code])).content.decode()
    assert "Annual fund statement" in page and "Generate the annual statement" in page
    response = _issue(client, STATEMENT, fund.code, django_capture_on_commit_callbacks, year="2026")
    assert response.status_code == 302
    artifact = ReportArtifact.objects.get(kind=STATEMENT)
    page = client.get(reverse("wellness_fund:fund_statement", args=[fund.code])).content.decode()
    assert reverse("reporting:preview", args=[artifact.pk]) in page and "Preview the statement of 2026" in page
    # a board member sees the fund but neither generates nor reads the statement
    client.force_login(gw.world.board[0])
    page = client.get(reverse("wellness_fund:fund_statement", args=[fund.code])).content.decode()
    assert "Generate the annual statement" not in page
    assert client.get(reverse("reporting:preview", args=[artifact.pk])).status_code == 404


def test_the_pages_speak_spanish(client, gw):
    client.force_login(gw.world.staff[0])
    client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    page = client.get(reverse("grants:award_detail", args=[gw.award.pk])).content.decode()
    assert "Carta de adjudicación" in page and "Leer el borrador de la carta de adjudicación" in page


def test_fund_statement_page_queries_do_not_grow_with_the_statements_issued(client, gw):
    """The panel reads the issued statements in one query, whatever their number."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reporting import services as rs

    fund = gw.world.fund
    url = reverse("wellness_fund:fund_statement", args=[fund.code])

    def issue(year):
        run = rs.report_request(actor=gw.world.admin, kind=STATEMENT, params={"fund": fund.code, "year": year},
                                enqueue=False)
        rs.report_generate(actor=gw.world.admin, run_id=run.pk)

    client.force_login(gw.world.admin)
    issue(2026)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert "Preview the statement of 2026" in client.get(url).content.decode()
    issue(2027)
    with CaptureQueriesContext(connection) as two:
        body = client.get(url).content.decode()
    assert "Preview the statement of 2026" in body and "Preview the statement of 2027" in body
    assert len(two.captured_queries) == len(one.captured_queries)
