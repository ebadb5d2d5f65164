"""Grant journeys in a real browser (Debian's Chromium) against the live server.

A CBO applies (autosave, the checklist, submit); a reviewer scores; the board votes with a
recusal (the chair opens and closes, members see the tally without reloading); the
administrator awards; the CBO accepts the award. axe finds no serious or critical
violation on the pages, in English and (for CBO pages) Spanish.
"""

from __future__ import annotations

import re

import pytest

from grants import services
from grants.models import Application, Award, Ballot, Recusal, Score
from tests.grants import factories as gf
from tests.web import grants_world as gw
from tests.web.axe import assert_accessible
from tests.web.conftest import sign_in
from tests.wellness_fund import factories as wf

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "pw-correct-horse"  # tests.organizations.factories.UserFactory


@pytest.fixture
def w(transactional_db):  # noqa: ARG001
    return gf.world(cbos=2, board=3)


def _new_page(browser, live_server, locale="en-US"):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live_server.url, locale=locale, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)
    return context.new_page()


def _spanish(page) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("button", name="Español").click()
    page.wait_for_load_state("domcontentloaded")


def test_cbo_applies_with_autosave_and_checklist(page, w):
    opp = gf.opportunity(w)
    sign_in(page, w.staff[0].username, PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Calls for proposals").click()
    assert_accessible(page)
    page.get_by_role("link", name=opp.title).click()
    page.get_by_role("button", name=re.compile("Start an application")).click()
    page.wait_for_url(re.compile(r"/applications/\d+/edit/"))
    assert page.locator("#checklist").is_visible()
    assert_accessible(page)

    page.get_by_label("Project title").fill("Promotores de salud")
    page.get_by_label("Project title").blur()
    page.wait_for_selector("text=Draft saved at")
    app = Application.objects.get()
    assert app.project_title == "Promotores de salud"

    page.get_by_label("Contact name").fill("María López")
    page.get_by_label("Contact email").fill("maria@example.org")
    page.get_by_label("Project summary").fill("Promotores teach diabetes prevention.")
    page.get_by_label("Amount requested (USD)").fill("20,000.00")
    page.get_by_label("Project start").fill("2027-01-01")
    page.get_by_label("Project end").fill("2027-12-31")
    page.get_by_label("Imperial").check()
    page.get_by_label("Food").check()
    page.get_by_label("Who the project serves").fill("Farmworker families")
    page.get_by_role("group", name=re.compile("nonprofit")).get_by_label("Yes").check()
    page.get_by_label("Line 1: category").select_option("personnel")
    page.get_by_label("Line 1: description").fill("Stipends")
    page.get_by_label("Line 1: amount (USD)").fill("20,000.00")
    page.get_by_label("Line 1: amount (USD)").blur()
    page.wait_for_selector("#checklist-done")

    _spanish(page)
    assert page.get_by_role("heading", name="Antes de enviar").is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Enviar la solicitud").click()
    page.wait_for_selector("text=Su solicitud fue enviada")
    app.refresh_from_db()
    assert app.status == "submitted"
    assert_accessible(page)


def test_reviewer_scores_with_the_rubric(page, w):
    app = gf.submitted(w, gf.opportunity(w), 0)
    services.reviewer_assign(actor=w.admin, application=app, reviewer=w.board[0])
    sign_in(page, w.board[0].username, PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My reviews").click()
    assert_accessible(page)
    page.get_by_role("link", name=app.project_title).click()
    page.get_by_role("group", name=re.compile("Community need")).get_by_label("4").check()
    page.get_by_role("group", name=re.compile("Feasibility")).get_by_label("3").check()
    page.get_by_label("Overall comment").fill("Strong local partnerships.")
    assert_accessible(page)
    page.get_by_role("button", name="Submit scores").click()
    page.wait_for_selector("text=Your scores are saved")
    assert sorted(Score.objects.values_list("score", flat=True)) == [3, 4]


def test_board_votes_with_a_recusal_chair_opens_and_closes(page, browser, live_server, w):
    app = gf.submitted(w, gf.opportunity(w), 0)
    meeting, items = gw.session(w, [app])
    item = items[0]
    url = f"/grants/meetings/{meeting.pk}/"
    pages = {}
    for user in (w.chair, *w.board):
        pg = page if user == w.chair else _new_page(browser, live_server)
        sign_in(pg, user.username, PASSWORD)
        pg.goto(url)
        pages[user.pk] = pg
    chair = pages[w.chair.pk]
    assert_accessible(chair)

    recusing = pages[w.board[2].pk]
    recusing.get_by_text("Declare a conflict and recuse yourself").click()
    recusing.get_by_label("Reason for recusal").fill("I volunteer with the applicant.")
    recusing.get_by_role("button", name="Recuse me from this item").click()
    recusing.wait_for_selector("text=You are recused from this item.")

    chair.reload()
    chair.get_by_label("Moved by").select_option(str(w.chair.pk))
    chair.get_by_label("Seconded by").select_option(str(w.board[0].pk))
    chair.get_by_role("button", name="Open the vote").click()
    chair.wait_for_selector("text=Vote open")

    for user in (w.chair, w.board[0], w.board[1]):
        pg = pages[user.pk]
        pg.get_by_role("button", name="Vote yes").wait_for()  # the panel polls: the vote appears
        pg.get_by_role("button", name="Vote yes").click()
        pg.wait_for_selector("text=Your vote: Yes")
    assert recusing.get_by_role("button", name="Vote yes").count() == 0
    assert Ballot.objects.count() == 3 and Recusal.objects.filter(item=item).count() == 1

    chair.get_by_role("button", name="Close the vote").click()
    member_page = pages[w.board[1].pk]
    member_page.wait_for_selector("text=Passed")  # seen by polling, without reloading
    assert member_page.locator(".tally").inner_text().count("3") >= 1
    assert_accessible(member_page)
    for pg in pages.values():
        if pg is not page:
            pg.context.close()


def test_administrator_awards_and_the_cbo_accepts(page, browser, live_server, w):
    wf.receive(w.fund, "30000.00")
    app = gf.submitted(w, gf.opportunity(w), 0)
    _meeting, items = gw.session(w, [app])
    gw.approve(w, items[0])

    sign_in(page, w.admin.username, PASSWORD)
    page.goto(f"/grants/applications/{app.pk}/")
    page.get_by_label("Award period start").fill("2027-01-01")
    page.get_by_label("Award period end").fill("2027-12-31")
    page.get_by_label("First tranche (percent of the award)").fill("50")
    page.get_by_label("First tranche due").fill("2027-01-15")
    page.get_by_label(re.compile("Second tranche due")).fill("2027-07-15")
    assert_accessible(page)
    page.get_by_role("button", name="Create the award").click()
    page.wait_for_url(re.compile(r"/grants/awards/\d+/"))
    assert "$10,000.00" in page.content()
    award = Award.objects.get()
    assert award.amount.amount == 20000

    cbo = _new_page(browser, live_server)
    sign_in(cbo, w.staff[0].username, PASSWORD)
    _spanish(cbo)
    cbo.goto(f"/grants/awards/{award.pk}/")
    assert_accessible(cbo)
    cbo.get_by_label("Su nombre completo").fill("María López")
    cbo.get_by_label("Su cargo").fill("Directora")
    # The U.S. Web Design System draws the box on the label (the input itself is off-screen).
    cbo.locator("label[for=id_agree]").click()
    assert cbo.get_by_label("Acepto los términos y condiciones de esta subvención.").is_checked()
    cbo.get_by_role("button", name="Aceptar la subvención").click()
    cbo.wait_for_selector("text=María López, Directora")
    award.refresh_from_db()
    assert award.status == "accepted"
    cbo.context.close()


def test_administrator_releases_a_tranche_and_the_cbo_reports(page, browser, live_server, w):
    award = gw.accepted(w, gf.opportunity(w), 0)
    schedule = award.reports.order_by("number").first()

    sign_in(page, w.admin.username, PASSWORD)
    page.goto(f"/grants/awards/{award.pk}/")
    page.get_by_role("button", name="Release tranche 1 ($20,000.00)").click()
    page.get_by_label("Paid on").fill(award.committed_on.isoformat())
    page.get_by_label("Bank transfer or check reference").fill("ACH-2027-001")
    assert_accessible(page)
    page.get_by_role("button", name="Record the payment").click()
    page.wait_for_selector("text=paid")
    assert award.tranches.get().status == "paid"

    cbo = _new_page(browser, live_server)
    sign_in(cbo, w.staff[0].username, PASSWORD)
    cbo.goto(f"/grants/reports/{schedule.pk}/")  # opens on the first step
    assert cbo.locator(".usa-step-indicator__segment--current").inner_text().strip().startswith("Narrative")
    cbo.get_by_label("Progress toward the objectives").fill("Twelve sessions in Calexico.")
    cbo.get_by_label("Successes").fill("Families came back.")  # saved as typed (htmx)
    cbo.wait_for_selector("text=Draft saved at")
    assert_accessible(cbo)
    cbo.get_by_role("button", name=re.compile("Save and continue")).click()
    cbo.get_by_label(re.compile("Spent this period on line 1")).fill("2,500.00")
    cbo.get_by_role("button", name=re.compile("Save and continue")).click()
    cbo.get_by_label(re.compile("Participants")).fill("30")
    cbo.get_by_role("button", name=re.compile("Save and continue")).click()
    cbo.get_by_label("People served in the period").fill("30")
    race = cbo.get_by_role("group", name=re.compile(r"^Race and ethnicity \(minimum"))
    race.get_by_label("Hispanic or Latino").fill("20")
    assert "20, but 30 people" in race.locator(".people-sum").inner_text()  # adds up as they type
    race.get_by_label("White", exact=True).fill("12")  # several races per person: at least the total
    assert "counted at least once" in race.locator(".people-sum").inner_text()
    for dimension, category in (("County", "Imperial"), ("Detailed race and ethnicity", "Not reported"),
                                ("Preferred language", "Spanish"), ("Disability", "Declined to answer"),
                                ("Sexual orientation", "Not reported"), ("Gender identity", "Woman"),
                                ("Sex", "Female"), ("Age band", "25–44")):
        group = cbo.get_by_role("group", name=re.compile(rf"^{re.escape(dimension)}(\s|$)"))
        group.get_by_label(category, exact=True).fill("30")
    assert_accessible(cbo)
    cbo.get_by_role("button", name=re.compile("Save and continue")).click()
    cbo.wait_for_selector("text=Everything needed is filled in")
    assert_accessible(cbo)
    cbo.get_by_role("button", name="Submit the report").click()
    cbo.wait_for_selector("text=Your report is submitted")
    schedule.refresh_from_db()
    assert schedule.status == "submitted"
    _spanish(cbo)
    assert cbo.get_by_role("heading", name="Presupuesto y gastos").is_visible()
    assert_accessible(cbo)
    cbo.context.close()
