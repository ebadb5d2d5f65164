"""The OpenAPI schema is English whatever the reader's language (its enums' descriptions come from
the choices' labels, which pages show translated)."""

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def _award_status_enum(response) -> str:
    assert response.status_code == 200
    schemas = response.json()["components"]["schemas"]
    described = [s.get("description", "") for s in schemas.values() if "`accepted`" in s.get("description", "")
                 and "`offered`" in s.get("description", "")]
    assert described, "the award status enum is described"
    return "\n".join(described)


def test_a_spanish_speaking_reader_gets_the_english_schema():
    english = APIClient().get("/api/schema/?format=json")
    spanish = APIClient().get("/api/schema/?format=json", HTTP_ACCEPT_LANGUAGE="es")
    assert spanish.content == english.content
    text = _award_status_enum(spanish)
    assert "`accepted` - Accepted" in text and "Aceptada" not in text


def test_naming_the_language_still_gives_it():
    text = _award_status_enum(APIClient().get("/api/schema/?format=json&lang=es"))
    assert "`accepted` - Aceptada" in text
