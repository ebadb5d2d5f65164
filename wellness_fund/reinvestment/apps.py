from django.apps import AppConfig


class ReinvestmentConfig(AppConfig):
    name = "wellness_fund.reinvestment"
    label = "reinvestment"
    verbose_name = "Reinvestment obligations"
