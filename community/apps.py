from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "community"
    label = "community"
    verbose_name = "Community voice and alignment"

    def ready(self) -> None:
        from . import access, views  # noqa: F401  (access rules; menu entries of the pages)
