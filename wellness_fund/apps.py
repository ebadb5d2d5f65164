from django.apps import AppConfig


class WellnessFundConfig(AppConfig):
    name = "wellness_fund"
    verbose_name = "Wellness funds"

    def ready(self) -> None:
        from . import (
            access,  # noqa: F401  (registers the access rules)
            sources,  # noqa: F401  (names the fund a contribution credit was paid into)
        )
        from .views import fund, plan  # noqa: F401  (register their menu entries)
