from django.urls import include, path

app_name = "wellness_fund"
urlpatterns = [
    path("plan/", include("wellness_fund.views.plan")),
    path("", include("wellness_fund.views.fund")),
]
