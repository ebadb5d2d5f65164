"""Shared pieces of the grants models: the social-driver domain enum and choice helper."""


from __future__ import annotations

from django.db import models


def _choices(enum: type[models.TextChoices]) -> list[str]:
    return [c.value for c in enum]


class SocialDriverDomain(models.TextChoices):
    ECONOMIC_STABILITY = "economic_stability", "Economic stability"
    NEIGHBORHOOD = "neighborhood_built_environment", "Neighborhood and built environment"
    EDUCATION = "education", "Education"
    FOOD = "food", "Food"
    SOCIAL_CONTEXT = "social_community_context", "Social and community context"
    HEALTH_CARE = "health_care_access_quality", "Health care access and quality"


