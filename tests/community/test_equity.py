"""The equity taxonomy: seeded with its sources, versioned, and the validation of an answer."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from community import selectors
from community.models import CategoryKind, EquityCategory, EquityDimension, EquityTaxonomy

pytestmark = pytest.mark.django_db


def test_the_seeded_taxonomy_has_every_dimension_with_sources_and_both_missing_kinds():
    taxonomy = selectors.taxonomy_in_force(dt.date(2026, 1, 1))
    codes = [d.code for d in taxonomy.dimensions.all()]
    assert codes == ["race", "ethnicity", "language", "disability", "sexual_orientation", "gender_identity",
                     "sex", "age_band"]
    for d in taxonomy.dimensions.all():
        kinds = [c.kind for c in d.categories.all()]
        assert kinds.count(CategoryKind.NOT_REPORTED) == 1 and kinds.count(CategoryKind.DECLINED) == 1, d.code
        assert d.source_citation
    race = taxonomy.dimensions.get(code="race")
    assert race.multiple and "22182" in race.source_citation
    assert {"middle_eastern_north_african", "hispanic_latino"} <= set(race.categories.values_list("code", flat=True))
    ethnicity = taxonomy.dimensions.get(code="ethnicity")
    assert ethnicity.categories.get(code="lebanese").parent_code == "middle_eastern_north_african"
    assert not taxonomy.dimensions.get(code="age_band").multiple


def test_a_category_not_in_the_taxonomy_in_force_is_refused():
    assert selectors.category_in_force("race", "asian").name == "Asian"
    with pytest.raises(ValidationError) as exc:
        selectors.category_in_force("race", "martian")
    assert "category" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        selectors.category_in_force("shoe_size", "42")
    assert "dimension" in exc.value.message_dict
    with pytest.raises(ValidationError):  # nothing in force before the first version
        selectors.category_in_force("race", "asian", dt.date(2000, 1, 1))


def test_several_categories_only_where_allowed_and_missing_answers_alone():
    assert len(selectors.categories_in_force("race", ["asian", "white"])) == 2
    with pytest.raises(ValidationError):
        selectors.categories_in_force("age_band", ["0-5", "6-17"])
    with pytest.raises(ValidationError):
        selectors.categories_in_force("race", ["asian", "declined"])
    declined = selectors.categories_in_force("race", ["declined"])[0]
    not_reported = selectors.categories_in_force("race", ["not_reported"])[0]
    assert declined.kind != not_reported.kind


def test_a_new_version_takes_over_from_its_effective_date():
    v2 = EquityTaxonomy.objects.create(version=2, name="Next", effective_from=dt.date(2030, 1, 1),
                                       source_citation="test")
    race = EquityDimension.objects.create(taxonomy=v2, code="race", name="Race", multiple=True, source_citation="t")
    EquityCategory.objects.create(dimension=race, code="new_category", name="New")
    assert selectors.category_in_force("race", "new_category", dt.date(2030, 6, 1)).dimension.taxonomy == v2
    with pytest.raises(ValidationError):
        selectors.category_in_force("race", "asian", dt.date(2030, 6, 1))
    with pytest.raises(ValidationError):
        selectors.category_in_force("race", "new_category", dt.date(2029, 12, 31))
    assert "race" in selectors.category_codes(dt.date(2026, 1, 1))


def test_the_public_page_lists_the_taxonomy(client):
    html = client.get(reverse("community:equity")).content.decode()
    assert "Middle Eastern or North African" in html and "Declined to answer" in html
