"""A site administrator copies a policy version to a new draft, edits it, and publishes it; until
then nothing uses the draft. Refusals write nothing."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.models import AuditEvent
from organizations.access import AccessDenied
from organizations.models import Role
from reinvestment.applicability import _versions_in_effect
from reinvestment.models import (
    PolicyApplicability,
    PolicyBracket,
    PolicyEarmark,
    PolicyTermSource,
    ReinvestmentPolicy,
)
from reinvestment.selectors import policies_list, policy_for
from reinvestment.services import policy_version_copy, policy_version_publish
from tests.organizations.factories import OrganizationFactory, UserFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user(db):
    return UserFactory(username="policy-admin", is_superuser=True, is_staff=True)


def _parts(policy):
    return tuple(model.objects.filter(policy=policy).count()
                 for model in (PolicyBracket, PolicyEarmark, PolicyApplicability, PolicyTermSource))


def _written():
    return (ReinvestmentPolicy.objects.count(), PolicyBracket.objects.count(), PolicyApplicability.objects.count(),
            AuditEvent.objects.count())


def test_a_copy_is_a_draft_nothing_uses_until_it_is_published(admin_user):
    current = policy_for(code="CA-DHCS", year=2025)
    # when the administrator copies the version in effect
    draft = policy_version_copy(actor=admin_user, policy=current)
    # then it is the next version, a draft, with every term and row of the original
    assert draft.version == current.version + 1 and draft.is_draft and not current.is_draft
    assert draft.effective_from_year == current.effective_from_year and draft.source_citation == current.source_citation
    assert draft.quality_addon_rate == current.quality_addon_rate and draft.mlr_minimum == current.mlr_minimum
    assert _parts(draft) == _parts(current) and _parts(draft)[2] > 0
    assert AuditEvent.objects.filter(action="reinvestment.policy.copy").count() == 1
    # and nothing uses it: obligations, the API list and the report all still see the published one
    assert policy_for(code="CA-DHCS", year=2025) == current
    assert policy_for(code="CA-DHCS") == current
    assert [p for p in _versions_in_effect(2025) if p.code == "CA-DHCS"] == [current]
    assert draft not in policies_list()
    # when the draft is edited and published
    ReinvestmentPolicy.objects.filter(pk=draft.pk).update(name="California DHCS (revised)")
    published = policy_version_publish(actor=admin_user, policy=draft)
    # then it is the version in effect
    assert not published.is_draft
    assert policy_for(code="CA-DHCS", year=2025).pk == draft.pk
    assert AuditEvent.objects.filter(action="reinvestment.policy.publish").count() == 1


def test_only_a_site_administrator_copies_or_publishes(admin_user):
    current = policy_for(code="CA-DHCS", year=2025)
    draft = policy_version_copy(actor=admin_user, policy=current)
    plan = OrganizationFactory(code="plan-x", kind="plan")
    before = _written()
    for person in (member(Role.PLAN_FINANCE, plan), member(Role.PLAN_COMPLIANCE, plan)):
        with pytest.raises(AccessDenied):
            policy_version_copy(actor=person, policy=current)
        with pytest.raises(AccessDenied):
            policy_version_publish(actor=person, policy=draft)
    assert _written() == before
    assert ReinvestmentPolicy.objects.get(pk=draft.pk).is_draft


def test_publishing_twice_or_a_draft_that_applies_nowhere_is_refused(admin_user):
    current = policy_for(code="CA-DHCS", year=2025)
    before = _written()
    with pytest.raises(ValidationError, match="already published"):
        policy_version_publish(actor=admin_user, policy=current)
    assert _written() == before
    draft = policy_version_copy(actor=admin_user, policy=current)
    PolicyApplicability.objects.filter(policy=draft).delete()
    before = _written()
    with pytest.raises(ValidationError, match="says nowhere it applies"):
        policy_version_publish(actor=admin_user, policy=draft)
    assert _written() == before and ReinvestmentPolicy.objects.get(pk=draft.pk).is_draft


def test_the_admin_offers_copy_and_publish_as_actions(client, admin_user):
    current = policy_for(code="CA-DHCS", year=2025)
    client.force_login(admin_user)
    url = reverse("admin:reinvestment_reinvestmentpolicy_changelist")
    response = client.post(url, {"action": "copy_to_new_draft", "_selected_action": [current.pk]}, follow=True)
    assert response.status_code == 200
    draft = ReinvestmentPolicy.objects.get(code="CA-DHCS", version=current.version + 1)
    assert draft.is_draft and "is a draft copy of version" in response.content.decode()
    client.post(url, {"action": "publish_drafts", "_selected_action": [draft.pk]}, follow=True)
    draft.refresh_from_db()
    assert not draft.is_draft
