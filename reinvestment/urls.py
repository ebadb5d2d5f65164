from django.urls import path

from . import views

app_name = "reinvestment"
urlpatterns = [
    path("<slug:plan>/", views.dashboard, name="dashboard"),
    path("<slug:plan>/obligations/<int:pk>/allocations/", views.allocations, name="allocations"),
    path("<slug:plan>/years/", views.year_list, name="year_list"),
    path("<slug:plan>/years/new/", views.year_new, name="year_new"),
    path("<slug:plan>/years/<int:pk>/", views.year_detail, name="year_detail"),
    path("<slug:plan>/years/<int:pk>/submit/", views.year_submit, name="year_submit"),
    path("<slug:plan>/years/<int:pk>/lock/", views.year_lock, name="year_lock"),
    path("<slug:plan>/years/<int:pk>/document/", views.year_document, name="year_document"),
    path("<slug:plan>/years/<int:pk>/statement/", views.year_statement, name="year_statement"),
    path("<slug:plan>/years/<int:pk>/statement/preview.pdf", views.year_statement, {"inline": True},
         name="year_statement_preview"),
    path("<slug:plan>/years/<int:pk>/compute/", views.year_compute, name="year_compute"),
    path("<slug:plan>/years/<int:pk>/amend/", views.year_amend, name="year_amend"),
    path("<slug:plan>/member-months/", views.member_months, name="member_months"),
    path("<slug:plan>/investments/", views.investment_list, name="investment_list"),
    path("<slug:plan>/investments/new/", views.investment_new, name="investment_new"),
]
