"""A refusal naming a state reads as one sentence in the page's language (the state included)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from audit.models import AuditEvent
from grants import services
from grants.models import Tranche
from tests.web import grants_world as gw

pytestmark = pytest.mark.django_db

ENGLISH = "The award is offered (awaiting acceptance): only an accepted award is paid."
SPANISH = "La subvención está en estado «ofrecida (pendiente de aceptación)»: solo se paga una subvención aceptada."


def _release(client, tranche, language):
    return client.post(reverse("grants:tranche_release", args=[tranche.pk]),
                       {"release-form_token": language * 16}, HTTP_ACCEPT_LANGUAGE=language)


def test_releasing_a_tranche_of_an_offered_award_is_refused_in_the_page_language(client, w, opp):
    award = gw.awarded(w, opp, 0)  # offered, not yet accepted
    tranche = award.tranches.get()
    client.force_login(w.admin)
    events = AuditEvent.objects.count()

    spanish = _release(client, tranche, "es")
    assert spanish.status_code == 400
    html = spanish.content.decode()
    assert SPANISH in html
    assert "The award is" not in html and "only an accepted award" not in html

    english = _release(client, tranche, "en")
    assert english.status_code == 400
    assert ENGLISH in english.content.decode()

    assert AuditEvent.objects.count() == events
    assert Tranche.objects.get(pk=tranche.pk).status == "scheduled"


def test_the_service_refusal_follows_the_active_language(w, opp):
    tranche = gw.awarded(w, opp, 0).tranches.get()
    for language, expected in (("es", SPANISH), ("en", ENGLISH)):
        with translation.override(language), pytest.raises(ValidationError) as refused:
            services.tranche_release(actor=w.admin, tranche=tranche)
        assert refused.value.message_dict == {"award": [expected]}
