from django.urls import URLPattern

app_name = "reinvestment"
urlpatterns: list[URLPattern] = []
