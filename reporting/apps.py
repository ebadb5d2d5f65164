from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "Compliance reporting"

    def ready(self) -> None:
        from . import access  # noqa: F401  (registers access rules)
