from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Running the product: health checks, request ids in logs, backup and restore."""

    name = "operations"
    verbose_name = "Operations"

    def ready(self) -> None:
        from . import requestid  # noqa: F401  (Celery signal handlers carry the request id)
