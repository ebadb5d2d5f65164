"""Shared pieces of the grants models: the choice helper, and the social-driver domains
(one enum for the whole system, defined with the investments in ``reinvestment``)."""


from __future__ import annotations

from django.db import models

from reinvestment.models.policies import SocialDriverDomain

__all__ = ["SocialDriverDomain", "_choices"]


def _choices(enum: type[models.TextChoices]) -> list[str]:
    return [c.value for c in enum]
