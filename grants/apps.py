from django.apps import AppConfig


class GrantsConfig(AppConfig):
    name = "grants"
    verbose_name = "Grants"

    def ready(self) -> None:
        from . import access  # noqa: F401  (registers the access rules)
        from .nav import register_pages

        register_pages()
        from community.transparency import register_awards, register_discussed

        from .selectors.priorities import discussed_awards, public_awards

        register_awards(public_awards)  # the awards on a fund's public transparency page
        register_discussed(discussed_awards)  # the awards discussed at a public advisory meeting
