"""Affiliations: who may record them, when they are in force."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from organizations.access import AccessDenied
from organizations.models import Affiliation
from organizations.selectors import affiliated_pairs
from organizations.services import affiliation_record
from tests.grants import factories as gf

pytestmark = pytest.mark.django_db


def test_affiliation_in_force_by_dates_and_membership_counts_too(w):
    person, cbo = w.board[0], w.cbos[0]
    affiliation_record(actor=person, user=person, organization=cbo, kind="employee",
                       since=dt.date(2024, 1, 1), until=dt.date(2024, 12, 31))
    assert affiliated_pairs(user_ids=[person.pk], organization_ids=[cbo.pk], on=dt.date(2024, 6, 1)) == {(person.pk, cbo.pk)}
    assert affiliated_pairs(user_ids=[person.pk], organization_ids=[cbo.pk], on=dt.date(2025, 1, 1)) == set()
    staff = w.staff[1]
    assert affiliated_pairs(user_ids=[staff.pk], organization_ids=[w.cbos[1].pk], on=dt.date(2025, 1, 1)) == {
        (staff.pk, w.cbos[1].pk)}


def test_bad_affiliations_are_refused_and_nothing_written(w):
    other = gf.world(cbos=0, board=0)
    with pytest.raises(AccessDenied):
        affiliation_record(actor=other.admin, user=w.board[0], organization=w.cbos[0], kind="family")
    with pytest.raises(ValidationError):
        affiliation_record(actor=w.admin, user=w.board[0], organization=w.cbos[0], kind="cousin")
    with pytest.raises(ValidationError):
        affiliation_record(actor=w.admin, user=w.board[0], organization=w.cbos[0], kind="other",
                           since=dt.date(2025, 1, 1), until=dt.date(2024, 1, 1))
    assert Affiliation.objects.count() == 0
    affiliation_record(actor=w.admin, user=w.board[0], organization=w.cbos[0], kind="other", notes="Donor")
    assert Affiliation.objects.count() == 1
