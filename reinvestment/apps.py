from django.apps import AppConfig


class ReinvestmentConfig(AppConfig):
    name = "reinvestment"
    label = "reinvestment"
    verbose_name = "Reinvestment obligations"

    def ready(self) -> None:
        from . import access, views  # noqa: F401  (access rules; menu entries of the pages)
