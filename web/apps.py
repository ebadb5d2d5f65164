from django.apps import AppConfig


class WebConfig(AppConfig):
    """The shared web kit: layout helpers, tables, charts, money on pages, once-only forms."""

    name = "web"
    verbose_name = "Web kit"
