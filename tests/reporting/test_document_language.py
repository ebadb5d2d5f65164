"""Reports are English whoever reads them: the choices' labels are translated on pages, but a
report's data, inputs hash, twin and PDF are the same when read while Spanish is active."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from reporting.kinds import KINDS
from reporting.services import inputs_hash
from tests.reporting import pdf_text
from tests.reporting.factories import plan_year

pytestmark = pytest.mark.django_db

CRR = KINDS["community-reinvestment"]


def test_data_hash_and_twin_do_not_change_with_the_readers_language(media):
    plan = plan_year(code="plan-lang", counties=2, credits=4)
    params = CRR.completed({"plan": plan.code, "year": 2024})
    with translation.override("en"):
        english = CRR.collect(params)
        english_twin = CRR.build_twin(english)
    with translation.override("es"):
        spanish = CRR.collect(params)
        assert inputs_hash(spanish) == inputs_hash(english)
        twin = CRR.build_twin(spanish)
        assert translation.get_language() == "es"  # the documents' language ends with the call
    assert twin.json == english_twin.json
    text = twin.json.decode()
    # the domains of the credits (food, health care) and the allocation basis, as words in English
    assert "Health care access and quality" in text and "Food" in text
    assert "Acceso a la atención médica" not in text and "Alimentación" not in text


def test_the_pdf_read_while_spanish_is_active_is_in_english(media):
    plan = plan_year(code="plan-lang-pdf", counties=2, credits=2)
    params = CRR.completed({"plan": plan.code, "year": 2024})
    at = timezone.make_aware(dt.datetime(2026, 1, 5, 9, 0))
    with translation.override("es"):
        data = CRR.collect(params)
        pdf = CRR.render_pdf(data, report_id="CRR-lang-v1", version=1, generated_at=at, draft=True)
    text = pdf_text.squash(pdf_text.text(pdf))
    assert pdf_text.squash("Health care access and quality") in text
    assert pdf_text.squash("Acceso a la atención") not in text
