"""What holds up an attestation reads in the reader's language, the year's status included."""

import pytest
from django.utils import translation

from reinvestment.applicability import attestation_problems
from tests.reinvestment.factories import financial_year

pytestmark = pytest.mark.django_db


def test_the_problems_are_spanish_sentences_under_spanish_and_unchanged_under_english(plan):
    financial_year(plan, 2024)  # Medi-Cal, a draft without its audited statement
    with translation.override("es"):
        assert attestation_problems(plan=plan, income_year=2024) == [
            "El año de ingresos 2024 (Medi-Cal) no está bloqueado (su estado es «Borrador»): "
            "bloquéelo antes de certificar.",
            "El año de ingresos 2024 (Medi-Cal) no tiene subido su estado financiero auditado.",
        ]
        assert attestation_problems(plan=plan, income_year=2019) == [
            "test-plan no tiene datos financieros para el año de ingresos 2019."]
    with translation.override("en"):
        assert attestation_problems(plan=plan, income_year=2024) == [
            "Income year 2024 (Medi-Cal) is not locked (its status is Draft): lock it before attesting.",
            "Income year 2024 (Medi-Cal) has no audited financial statement uploaded.",
        ]
