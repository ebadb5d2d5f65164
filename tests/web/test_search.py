"""Site search: only what the person may see, grouped by kind; odd and long queries are safe."""

import pytest
from django.urls import reverse

from organizations.models import Role
from search.selectors import MAX_QUERY, clean_query, search, words
from tests.grants import factories as gf
from tests.organizations.factories import OrganizationFactory, member
from tests.reporting import conftest as reporting_fixtures
from tests.reporting.factories import attest

# The plan, its staff and its locked year from the reporting tests (for filed reports).
media, plan, staff = reporting_fixtures.media, reporting_fixtures.plan, reporting_fixtures.staff
fake_cr, year_locked = reporting_fixtures.fake_cr, reporting_fixtures.year_locked

pytestmark = pytest.mark.django_db

SECRET_TITLE = "Huerto comunitario Zacatecas"
PUNCTUATION = "'&|!():*"


def hrefs(groups, key):
    return [h.href for g in groups if g.key == key for h in g.hits]


@pytest.fixture
def w():
    world = gf.world(cbos=2, board=2)
    opp = gf.opportunity(world, title="Healthy food access call")
    world.extra["opp"] = opp
    world.extra["secret"] = gf.submitted(world, opp, 1)
    world.extra["secret"].__class__.objects.filter(pk=world.extra["secret"].pk).update(project_title=SECRET_TITLE)
    world.extra["own"] = gf.draft(world, opp, 0, project_title="Mercado móvil")
    return world


@pytest.mark.parametrize("full_text", [True, False])
def test_a_cbo_never_finds_another_cbos_application(w, full_text):
    secret = w.extra["secret"]
    assert hrefs(search(user=w.staff[0], query=SECRET_TITLE, full_text=full_text), "applications") == []
    assert hrefs(search(user=w.staff[1], query=SECRET_TITLE, full_text=full_text), "applications") == [
        reverse("grants:application_detail", args=[secret.pk])]
    # the fund administrator finds the submitted one, never a draft
    assert hrefs(search(user=w.admin, query=SECRET_TITLE, full_text=full_text), "applications") == [
        reverse("grants:application_detail", args=[secret.pk])]
    assert hrefs(search(user=w.admin, query="Mercado móvil", full_text=full_text), "applications") == []
    assert hrefs(search(user=w.staff[0], query="mercado MÓVIL", full_text=full_text), "applications") == [
        reverse("grants:application_detail", args=[w.extra["own"].pk])]


def test_search_page_groups_results_and_hides_other_cbos_application(client, w):
    client.force_login(w.staff[0])
    page = client.get(reverse("search:results"), {"q": SECRET_TITLE})
    assert page.status_code == 200 and page.context["groups"] == []
    assert reverse("grants:application_detail", args=[w.extra["secret"].pk]) not in page.content.decode()
    assert "Nothing you have access to matches" in page.content.decode()
    page = client.get(reverse("search:results"), {"q": "healthy food"})
    html = page.content.decode()
    # the call by its title, and the person's own draft to it (by the call's title too)
    assert [g.key for g in page.context["groups"]] == ["applications", "opportunities"]
    assert hrefs(page.context["groups"], "applications") == [
        reverse("grants:application_detail", args=[w.extra["own"].pk])]
    assert "Healthy food access call" in html and reverse("grants:opportunity_detail", args=[w.extra["opp"].pk]) in html
    # words are prefixes, and organizations the person belongs to are found by name or code
    page = client.get(reverse("search:results"), {"q": w.cbos[0].code[:6]})
    assert f"#org-{w.cbos[0].code}" in page.content.decode()
    assert f"#org-{w.cbos[1].code}" not in page.content.decode()


def test_awards_are_found_by_the_grantee_and_the_fund_only(w):
    award = gf.award(w, i=0, accept=False)
    title = award.application.project_title
    assert hrefs(search(user=w.staff[0], query=title), "awards") == [reverse("grants:award_detail", args=[award.pk])]
    assert hrefs(search(user=w.admin, query=title), "awards") == [reverse("grants:award_detail", args=[award.pk])]
    assert hrefs(search(user=w.staff[1], query=title), "awards") == []


def test_a_regulator_finds_only_filed_reports_of_its_state(
        fake_cr, staff, year_locked, django_capture_on_commit_callbacks, client):
    from reporting.services import report_file, report_request

    regulator = member(Role.REGULATOR, OrganizationFactory(code="reg-ca", kind="regulator", jurisdiction="CA"))
    nevada = member(Role.REGULATOR, OrganizationFactory(code="reg-nv", kind="regulator", jurisdiction="NV"))
    with django_capture_on_commit_callbacks(execute=True):
        run = report_request(actor=staff["finance"], kind="community-reinvestment",
                             params={"plan": "test-plan", "year": 2024})
    run.refresh_from_db()
    draft = run.artifact
    final = attest(staff["compliance"], draft).final
    assert hrefs(search(user=regulator, query=final.report_id), "reports") == []  # attested, not filed
    report_file(actor=staff["compliance"], artifact=final)
    for query in (final.report_id, "Golden Valley"):
        assert hrefs(search(user=regulator, query=query), "reports") == [
            reverse("reporting:artifact", args=[final.pk])]
        assert search(user=nevada, query=query) == []
    assert sorted(hrefs(search(user=staff["finance"], query=final.report_id), "reports")) == sorted(
        reverse("reporting:artifact", args=[a.pk]) for a in (draft, final))
    client.force_login(regulator)
    html = client.get(reverse("search:results"), {"q": "golden valley"}).content.decode()
    assert reverse("reporting:artifact", args=[final.pk]) in html
    assert reverse("reporting:artifact", args=[draft.pk]) not in html


@pytest.mark.parametrize("full_text", [True, False])
def test_punctuation_and_long_queries_are_safe(w, full_text):
    for query in (PUNCTUATION, f"{PUNCTUATION}Huerto{PUNCTUATION}", "Huerto & | ! ( ) : * ' <-> \\ \"x\"",
                  "½ ² Huerto", "a" * MAX_QUERY, ("Huerto " + PUNCTUATION) * 12 + "Zacatecas"):
        assert len(query) <= MAX_QUERY
        search(user=w.staff[1], query=query, full_text=full_text)
    found = search(user=w.staff[1], query=f"{PUNCTUATION}huerto{PUNCTUATION}zacatecas", full_text=full_text)
    assert hrefs(found, "applications") == [reverse("grants:application_detail", args=[w.extra["secret"].pk])]
    assert words(PUNCTUATION) == [] and search(user=w.staff[1], query=PUNCTUATION) == []


def test_search_page_answers_every_query_without_error(client, w):
    client.force_login(w.staff[1])
    url = reverse("search:results")
    empty = client.get(url)
    assert empty.status_code == 200 and empty.context["groups"] == []
    for query in (PUNCTUATION, "x" * MAX_QUERY, ("Huerto " + PUNCTUATION) * 12 + "Zacatecas", "%", "_", "\x00"):
        response = client.get(url, {"q": query})
        assert response.status_code in (200, 400), query
    assert client.get(url, {"q": ("Huerto " + PUNCTUATION) * 12 + "Zacatecas"}).context["total"] == 1
    only_punctuation = client.get(url, {"q": PUNCTUATION})
    assert only_punctuation.status_code == 400 and "Type words" in only_punctuation.content.decode()
    too_long = client.get(url, {"q": "x" * (MAX_QUERY + 1)})
    assert too_long.status_code == 400
    assert f"Search for at most {MAX_QUERY} characters." in too_long.content.decode()
    with pytest.raises(ValueError):
        clean_query("x" * (MAX_QUERY + 1))


def test_search_needs_sign_in(client):
    response = client.get(reverse("search:results"), {"q": "plan"})
    assert response.status_code == 302 and "login" in response["Location"]


def test_search_takes_one_query_per_kind_whatever_the_number_of_hits(w, django_assert_num_queries):
    from organizations.models import User
    from search.selectors import SOURCES

    for n in range(3):
        gf.draft(w, w.extra["opp"], 0, project_title=f"Mercado móvil {n}")
    reader = User.objects.get(pk=w.staff[0].pk)  # memberships not read yet
    # the person's memberships once, then one query per kind a CBO may see (reports are not asked)
    with django_assert_num_queries(1 + len(SOURCES) - 2):
        groups = search(user=reader, query="mercado")
    assert len(hrefs(groups, "applications")) == 4
