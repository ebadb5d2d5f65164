from django.apps import AppConfig


class WellnessFundConfig(AppConfig):
    name = "wellness_fund"
    verbose_name = "Wellness funds"
