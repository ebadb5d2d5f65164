from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "Compliance reporting"

    def ready(self) -> None:
        from . import access, views  # noqa: F401  (access rules; menu entries of the pages)
