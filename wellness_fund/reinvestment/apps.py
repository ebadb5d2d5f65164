from django.apps import AppConfig


class ReinvestmentConfig(AppConfig):
    name = "wellness_fund.reinvestment"
    label = "reinvestment"
    verbose_name = "Reinvestment obligations"

    def ready(self) -> None:
        from . import access  # noqa: F401  (registers the access rules)
