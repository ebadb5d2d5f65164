from django.apps import AppConfig


class WebConfig(AppConfig):
    """The shared web kit: layout helpers, tables, charts, money on pages, once-only forms."""

    name = "web"
    verbose_name = "Web kit"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        # Each app's ``home`` module registers what its roles see on the home page (web.home).
        autodiscover_modules("home")
