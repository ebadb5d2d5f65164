from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("artifacts/<int:artifact_id>/<str:part>/", views.download, name="download"),
]
