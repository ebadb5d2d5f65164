from django.apps import AppConfig


class GrantsConfig(AppConfig):
    name = "grants"
    verbose_name = "Grants"

    def ready(self) -> None:
        from . import access  # noqa: F401  (registers the access rules)
        from .nav import register_pages

        register_pages()
