from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "community"
    label = "community"
    verbose_name = "Community voice and alignment"

    def ready(self) -> None:
        from reinvestment.earmarks import register_chip_alignment

        from . import access, views  # noqa: F401  (access rules; menu entries of the pages)
        from .earmarks import chip_tagged

        register_chip_alignment(chip_tagged)  # the CHIP-aligned earmark counts the priority tags
