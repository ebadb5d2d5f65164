"""Shared pages and partials: error pages, the role-aware dashboard, form fields, progress, charts."""

from decimal import Decimal

import pytest
from django import forms
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import get_resolver
from django.utils import translation
from djmoney.money import Money

from organizations.models import Role
from organizations.views import page_not_found, permission_denied, server_error
from tests.organizations.factories import (
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
    member,
)
from web import charts, home, nav
from web.money import MoneyAmountField

rf = RequestFactory()


@pytest.fixture
def nav_registry():
    saved = dict(nav._registry.items)
    yield nav
    nav._registry.items.clear()
    nav._registry.items.update(saved)


# --- error pages -------------------------------------------------------------------------


def test_error_handlers_are_the_friendly_views():
    resolver = get_resolver()
    assert resolver.resolve_error_handler(403) is permission_denied
    assert resolver.resolve_error_handler(404) is page_not_found
    assert resolver.resolve_error_handler(500) is server_error


@pytest.mark.django_db
def test_a_cbo_user_guessing_the_audit_trail_gets_the_friendly_404(client):
    user = member(Role.CBO_STAFF, OrganizationFactory(code="cbo-guess"))
    client.force_login(user)
    response = client.get("/audit/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "We couldn't find that page" in body
    assert 'href="/"' in body and "<main" in body


@pytest.mark.django_db
def test_404_is_in_spanish_after_the_language_switch(client):
    client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "No encontramos esa página" in response.content.decode()


@pytest.mark.django_db
def test_403_page_is_friendly():
    request = rf.get("/x/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    with translation.override("en"):
        response = permission_denied(request, PermissionError("no"))
    assert response.status_code == 403
    assert "You can't do that here" in response.content.decode()


def test_500_page_renders_without_the_database():
    # Not marked django_db: any database access here would fail the test.
    request = rf.get("/boom/")
    with translation.override("es"):
        response = server_error(request)
    assert response.status_code == 500
    assert "Algo salió mal de nuestro lado" in response.content.decode()


@pytest.mark.django_db
def test_password_reset_uses_the_site_layout_and_reveals_nothing(client, mailoutbox):
    UserFactory(username="known", email="known@example.org")
    page = client.get("/accounts/password_reset/").content.decode()
    assert "Reset your password" in page and 'id="main"' in page
    known = client.post("/accounts/password_reset/", {"email": "known@example.org"})
    unknown = client.post("/accounts/password_reset/", {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302 and known.url == unknown.url
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["known@example.org"]
    done = client.get(known.url).content.decode()
    assert "Check your e-mail" in done


# --- home dashboard ----------------------------------------------------------------------


@pytest.mark.django_db
def test_home_shows_one_section_per_organization_with_the_users_roles(client):
    ach = OrganizationFactory(code="ach-x", kind="ach", legal_name="Valley ACH")
    plan = OrganizationFactory(code="plan-x", kind="plan", legal_name="Valley Plan")
    user = UserFactory(username="multi")
    MembershipFactory(user=user, organization=ach, role=Role.BOARD_MEMBER)
    MembershipFactory(user=user, organization=ach, role=Role.BOARD_CHAIR)
    MembershipFactory(user=user, organization=plan, role=Role.PLAN_FINANCE)
    client.force_login(user)
    body = client.get("/").content.decode()
    assert body.count("data-organization=") == 2
    assert "Valley ACH" in body
    assert "Board member, Board chair" in body or "Board chair, Board member" in body
    assert "Valley Plan" in body and "Plan finance" in body
    assert "What needs you now" in body and "Nothing needs you right now." in body
    assert "Audit trail" not in body  # not an auditor


@pytest.fixture
def home_registry():
    saved = dict(home._providers)
    yield home
    home._providers.clear()
    home._providers.update(saved)


@pytest.mark.django_db
def test_home_gathers_tasks_of_every_membership_soonest_due_first(client, home_registry):
    import datetime as dt

    from django.utils import timezone

    today = timezone.localdate()
    home_registry._providers.clear()
    home_registry.register("t.cbo", {Role.CBO_STAFF}, lambda user, org: home.Part(
        tasks=[home.Task(f"Later task of {org.code}", "/later/", today + dt.timedelta(days=20)),
               home.Task(f"Undated task of {org.code}", "/undated/")],
        figures=[home.Figure("Awarded", "$1,250.00", "2 awards")]))
    home_registry.register("t.plan", {Role.PLAN_FINANCE}, lambda user, org: home.Part(
        tasks=[home.Task("Overdue payment", "/pay/", today - dt.timedelta(days=3))]))
    user = UserFactory(username="tasks")
    MembershipFactory(user=user, organization=OrganizationFactory(code="cbo-t", kind="cbo"), role=Role.CBO_STAFF)
    MembershipFactory(user=user, organization=OrganizationFactory(code="plan-t", kind="plan"), role=Role.PLAN_FINANCE)
    client.force_login(user)
    body = client.get("/").content.decode()
    overdue, later, undated = (body.index("Overdue payment"), body.index("Later task of cbo-t"),
                               body.index("Undated task of cbo-t"))
    assert overdue < later < undated
    assert "Overdue since" in body and "task-due--late" in body
    assert '<span class="figure__value">$1,250.00</span>' in body


@pytest.mark.django_db
def test_home_redirects_anonymous_visitors_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


@pytest.mark.django_db
@pytest.mark.parametrize("organizations", [1, 6])
def test_home_page_frame_takes_the_same_queries_for_any_number_of_memberships(
        client, django_assert_num_queries, organizations, nav_registry, home_registry):
    # Queries: session, user (with whether the header links the audit trail), memberships (with
    # organizations), the access cache of the user's roles (menu), plus what the header tools
    # ask; each provider of the home page adds its own per organization.
    home_registry._providers.clear()
    nav_registry.register(nav.NavItem("grants", "Grants", "home", frozenset({Role.CBO_STAFF})))
    user = UserFactory(username="counted")
    for i in range(organizations):
        MembershipFactory(user=user, organization=OrganizationFactory(code=f"count-{i}"), role=Role.CBO_STAFF)
    client.force_login(user)
    client.get("/")  # warm-up: per-process caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        response = client.get("/")
    assert response.content.decode().count("data-organization=") == organizations
    with django_assert_num_queries(len(first)):
        client.get("/")
    assert len(first) <= 8


@pytest.mark.django_db
def test_header_shows_the_pages_of_the_users_roles_whose_pages_exist(client, nav_registry):
    nav_registry.register(nav.NavItem("apply", "Apply for a grant", "home", frozenset({Role.CBO_STAFF}),
                                      description="open calls for proposals"))
    nav_registry.register(nav.NavItem("obligations", "Obligations", "home", frozenset({Role.PLAN_FINANCE})))
    nav_registry.register(nav.NavItem("future", "Not built yet", "no-such-url-name", frozenset({Role.CBO_STAFF})))
    nav_registry.register(nav.NavItem("per-org", "Our fund", "no-such-url-name", frozenset({Role.CBO_STAFF}),
                                      org_kwarg="code"))
    cbo_user = member(Role.CBO_STAFF, OrganizationFactory(code="cbo-nav"))
    client.force_login(cbo_user)
    body = client.get("/").content.decode()
    assert "Apply for a grant" in body
    assert "Obligations" not in body
    assert "Not built yet" not in body and "Our fund" not in body


@pytest.mark.django_db
def test_header_names_pages_of_one_organization_and_splits_the_rest_under_more(client, nav_registry):
    nav_registry._registry.items.clear()
    for i in range(8):
        nav_registry.register(nav.NavItem(f"p{i}", f"Page {i}", "reinvestment:dashboard",
                                          frozenset({Role.PLAN_FINANCE}), org_kwarg="plan", order=i))
    user = member(Role.PLAN_FINANCE, OrganizationFactory(code="plan-nav", kind="plan"))
    menu = nav.header_menu(user)
    # The same address is listed once.
    assert [link.label for link in menu.links] == ["Page 0"]
    assert menu.links[0].href == "/obligations/plan-nav/"
    other = OrganizationFactory(code="plan-two", kind="plan", legal_name="Second Plan")
    MembershipFactory(user=user, organization=other, role=Role.PLAN_FINANCE)
    user._nav_memberships = None
    from organizations import access

    access.forget(user)
    labels = [link.label for link in nav.header_menu(user).links]
    assert len(labels) == 2 and "Page 0 · Second Plan" in labels
    many = [nav.Link(f"L{i}", f"/l{i}/") for i in range(9)]
    assert nav.section_for(many + [nav.Link("Deep", "/l1/x/")], "/l1/x/7/").label == "Deep"


@pytest.mark.django_db
def test_inner_pages_have_breadcrumbs_ending_at_the_page_title(client):
    user = member(Role.CBO_STAFF, OrganizationFactory(code="cbo-crumbs", kind="cbo"))
    client.force_login(user)
    body = client.get("/grants/applications/").content.decode()
    assert 'class="usa-breadcrumb"' in body
    crumbs = body[body.index('class="usa-breadcrumb"'):body.index("</nav>", body.index('class="usa-breadcrumb"'))]
    assert 'href="/"' in crumbs and 'aria-current="page"' in crumbs
    assert 'class="usa-breadcrumb"' not in client.get("/").content.decode()


# --- form fields -------------------------------------------------------------------------


class GrantForm(forms.Form):
    amount = MoneyAmountField(label="Amount requested", help_text="In US dollars.")
    title = forms.CharField(label="Title")
    agree = forms.BooleanField(label="I agree", required=False)


def test_form_field_ties_errors_and_help_to_the_input():
    form = GrantForm({"amount": "12.345", "title": ""})
    assert not form.is_valid()
    html = Template("{% load ui %}{% form_errors form %}{% form_field form.amount %}{% form_field form.title %}").render(
        Context({"form": form}))
    assert 'aria-describedby="id_amount_helptext id_amount_error"' in html
    assert 'id="id_amount_error"' in html and "at most two decimal places" in html
    assert 'aria-invalid="true"' in html
    assert 'id="id_title_error"' in html
    assert 'role="alert"' in html and 'href="#id_amount"' in html
    assert 'for="id_amount">Amount requested' in html


def test_a_valid_field_has_no_error_markup():
    form = GrantForm({"amount": "12.34", "title": "Promotores"})
    assert form.is_valid()
    html = Template("{% load ui %}{% form_field form.title %}").render(Context({"form": form}))
    assert "aria-invalid" not in html and "field-error" not in html
    assert 'aria-required="true"' in html


def test_form_partial_renders_every_field_and_the_submit_button():
    html = render_to_string("includes/form.html", {"form": GrantForm(), "submit_label": "Send"})
    assert 'name="amount"' in html and 'name="title"' in html and 'type="checkbox"' in html
    assert ">Send</button>" in html


# --- progress bar and chart -----------------------------------------------------------------


def test_progress_bar_polls_until_done():
    tpl = Template('{% load ui %}{% progress_bar percent "Building the report" status_url done_url %}')
    running = tpl.render(Context({"percent": 40, "status_url": "/reports/7/status/", "done_url": "/reports/7/"}))
    assert 'hx-get="/reports/7/status/"' in running and 'hx-trigger="every 2s"' in running
    assert 'value="40"' in running and "40% complete" in running
    done = tpl.render(Context({"percent": 100, "status_url": "/reports/7/status/", "done_url": "/reports/7/"}))
    assert "hx-get" not in done and 'href="/reports/7/"' in done


def test_progress_bar_stops_polling_on_failure():
    html = Template('{% load ui %}{% progress_bar 30 "Report" "/s/" "" True %}').render(Context())
    assert "hx-get" not in html and "Something went wrong" in html


def test_bar_chart_is_an_accessible_image_with_a_data_table():
    chart = charts.bar_chart("Awards by county", [("Imperial", Money("300000", "USD")),
                                                   ("Riverside", Decimal("150000.50")),
                                                   ("San Diego", Decimal("-10"))])
    assert [b.percent for b in chart.bars] == [Decimal("100.0"), Decimal("50.0"), Decimal("0")]
    html = Template("{% load ui %}{% bar_chart chart %}").render(Context({"chart": chart}))
    assert 'role="img"' in html
    assert 'aria-label="Awards by county. Imperial: $300,000.00; Riverside: $150,000.50; San Diego: -$10.00"' in html
    assert '<th scope="row">Riverside</th><td class="num">$150,000.50</td>' in html
    assert 'width="50.0%"' in html
    escaped = charts.bar_chart("Names", [("Tom & Jerry <i>", Decimal("1"))])
    html = Template("{% load ui %}{% bar_chart chart %}").render(Context({"chart": escaped}))
    assert "Tom &amp; Jerry &lt;i&gt; — $1.00</text>" in html and "<i>" not in html


def test_bar_chart_refuses_floats():
    with pytest.raises(TypeError):
        charts.bar_chart("x", [("a", 1.5)])
