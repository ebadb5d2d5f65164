"""People see words, not codes, in their language: every choice of the product's models (statuses,
kinds, roles, categories) has a Spanish label in the compiled catalogue, and a Spanish-speaking
CBO reads its award's status in Spanish."""

from __future__ import annotations

import gettext
from pathlib import Path

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise

from tests.web import grants_world as gw

CATALOGUE = Path(__file__).resolve().parent.parent.parent / "locale" / "es" / "LC_MESSAGES" / "django.mo"
PROJECT_APPS = {"audit", "organizations", "reinvestment", "wellness_fund", "grants", "community", "reporting",
                "notifications", "api", "search", "operations", "web", "money"}

#: Labels spelled alike in both languages (an acronym, a word Spanish shares).
SAME_IN_SPANISH = {"PDF", "No"}


def _product_choices() -> list[type[models.Choices]]:
    import reinvestment.references  # noqa: F401  (SourceKind lives beside the references, not in models)

    assert apps.ready

    def below(cls: type) -> list[type]:
        return [c for sub in cls.__subclasses__() for c in (sub, *below(sub))]

    return sorted({c for c in below(models.Choices) if c.__module__.split(".")[0] in PROJECT_APPS},
                  key=lambda c: (c.__module__, c.__qualname__))


def _catalogue() -> dict[str, str]:
    """msgid (or ``context\\x04msgid``) -> msgstr of the project's own compiled Spanish catalogue
    (singular messages: plural ones are keyed by (msgid, form))."""
    with CATALOGUE.open("rb") as fh:
        catalog = gettext.GNUTranslations(fh)._catalog  # type: ignore[attr-defined]
    return {k: v for k, v in catalog.items() if isinstance(k, str)}


def test_the_product_choices_are_all_found():
    names = {f"{c.__module__}.{c.__qualname__}" for c in _product_choices()}
    for expected in ("grants.models.awards.AwardStatus", "organizations.models.Role",
                     "reinvestment.references.SourceKind", "wellness_fund.models.LegSide",
                     "reporting.models.RunStatus", "notifications.models.InboxKind",
                     "community.models.PlanStatus", "reinvestment.models.policies.SocialDriverDomain"):
        assert expected in names
    assert len(names) >= 50


def test_every_choice_label_is_translatable_and_has_spanish_in_the_catalogue():
    catalogue = _catalogue()
    missing, untranslated, not_lazy = [], [], []
    for cls in _product_choices():
        for value, label in cls.choices:
            where = f"{cls.__module__}.{cls.__qualname__}.{value or '(blank)'}"
            if not isinstance(label, Promise):
                not_lazy.append(where)
                continue
            with translation.override("en"):
                english = str(label)
            with translation.override("es"):
                spanish = str(label)
            # The msgid, alone or behind a context (pgettext: one word, two genders in Spanish).
            found = {v for k, v in catalogue.items() if k == english or k.endswith("\x04" + english)}
            if spanish not in found:
                missing.append(f"{where}: {english!r}")
            elif spanish == english and english not in SAME_IN_SPANISH:
                untranslated.append(f"{where}: {english!r}")
    assert not_lazy == [], "labels must be gettext_lazy(...) so each reader gets their language"
    assert missing == [], "add the Spanish to locale/es/LC_MESSAGES/django.po and compile it"
    assert untranslated == []


def test_english_labels_are_unchanged():
    from grants.models import AwardStatus, TrancheStatus
    from organizations.models import Role

    with translation.override("en"):
        assert str(AwardStatus.ACCEPTED.label) == "Accepted"
        assert str(TrancheStatus.CANCELLED.label) == "Cancelled"
        assert str(Role.BOARD_CHAIR.label) == "Board chair"
    with translation.override("es"):
        # One English word, the gender of what it describes: an award (f), a tranche (m).
        assert str(AwardStatus.CANCELLED.label) == "Cancelada"
        assert str(TrancheStatus.CANCELLED.label) == "Cancelado"


@pytest.mark.django_db
def test_a_spanish_speaking_cbo_sees_its_award_status_in_spanish(client, w, opp):
    award = gw.awarded(w, opp, 0)
    client.force_login(w.staff[0])
    client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    listing = client.get(reverse("grants:award_list")).content.decode()
    assert "Ofrecida (pendiente de aceptación)" in listing
    assert "Offered (awaiting acceptance)" not in listing
    page = client.get(reverse("grants:award_detail", args=[award.pk]))
    data = {"form_token": gw.token(page), "accepted_name": "María López", "accepted_title": "Directora",
            "agree": "on"}
    assert client.post(reverse("grants:award_detail", args=[award.pk]), data).status_code == 302
    listing = client.get(reverse("grants:award_list")).content.decode()
    assert "Aceptada" in listing and ">Accepted<" not in listing
    # and in English when asked
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Accepted" in client.get(reverse("grants:award_list")).content.decode()
