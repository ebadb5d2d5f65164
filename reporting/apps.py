from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "Compliance reporting"

    def ready(self) -> None:
        from community.transparency import register_suppression

        from . import access, views  # noqa: F401  (access rules; menu entries of the pages)
        from .suppression import suppress

        register_suppression(suppress)  # the same small-cell suppression on a fund's public page
