"""Policies are edited in the admin (audited); a version a frozen obligation used is read-only."""

from decimal import Decimal as D

import pytest
from django.contrib.admin.sites import site
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from audit.models import AuditEvent
from organizations.actors import SETUP
from reinvestment import services
from reinvestment.models import PlanFinancialYear, ReinvestmentPolicy
from tests.organizations.factories import UserFactory
from tests.reinvestment.factories import PlanFactory, financial_year

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_request():
    request = RequestFactory().get("/admin/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    return request


def test_policy_admin_writes_are_audited(admin_request):
    model_admin = site._registry[ReinvestmentPolicy]
    policy = ReinvestmentPolicy.objects.get(code="AZ", version=1)
    policy.notes = "Community input sessions required"
    model_admin.save_model(admin_request, policy, form=None, change=True)

    event = AuditEvent.objects.get(action="admin.reinvestment.reinvestmentpolicy.change")
    assert event.before["notes"] == "" and event.after["notes"] == "Community input sessions required"


def test_a_version_used_by_a_frozen_obligation_is_read_only_in_the_admin(admin_request):
    model_admin = site._registry[ReinvestmentPolicy]
    policy = ReinvestmentPolicy.objects.get(code="CA-DHCS", version=1)
    assert model_admin.has_change_permission(admin_request, policy)

    year = financial_year(PlanFactory())
    services.obligation_compute(actor=SETUP, financial_year=year, policy_code="CA-DHCS")
    services.financial_year_submit(actor=SETUP, financial_year=year)
    services.financial_year_lock(actor=SETUP, financial_year=year)

    assert not model_admin.has_change_permission(admin_request, policy)
    assert not model_admin.has_delete_permission(admin_request, policy)
    assert not site._registry[PlanFinancialYear].has_change_permission(admin_request, year)


def test_financial_year_keeps_its_source_document(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("audited-2024.pdf", b"%PDF-1.4 audited statement", content_type="application/pdf")
    year = financial_year(PlanFactory(), 2024, source_document=upload)
    year.refresh_from_db()
    assert year.source_document.name.endswith(".pdf")  # stored under a random name
    assert "audited-2024" not in year.source_document.name
    assert year.source_document.read() == b"%PDF-1.4 audited statement"
    assert year.total_revenue.amount == D("2000000000.00")
