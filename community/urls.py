from django.urls import path

from . import views

app_name = "community"
urlpatterns = [
    # Public pages (no sign-in).
    path("", views.public_bodies, name="public_bodies"),
    path("bodies/<slug:code>/", views.public_body, name="public_body"),
    path("bodies/<slug:code>/meetings/<int:pk>/", views.public_meeting, name="public_meeting"),
    path("bodies/<slug:code>/meetings/<int:pk>/notes-file/", views.public_notes_file, name="public_notes_file"),
    path("health-plans/", views.health_plan_list, name="health_plans"),
    path("equity/", views.equity_taxonomy, name="equity"),
    path("funds/<slug:fund>/", views.public_fund, name="public_fund"),
    # Staff pages.
    path("org/<slug:org>/bodies/", views.manage_bodies, name="manage_bodies"),
    path("org/<slug:org>/bodies/<slug:code>/", views.manage_body, name="manage_body"),
    path("org/<slug:org>/bodies/<slug:code>/meetings/<int:pk>/", views.manage_meeting, name="manage_meeting"),
    path("plan/<slug:plan>/investments/<int:pk>/priorities/", views.investment_priorities,
         name="investment_priorities"),
    path("plan/<slug:plan>/investments/<int:pk>/outcomes/", views.investment_outcomes, name="investment_outcomes"),
    path("funds/<slug:fund>/priorities/", views.fund_priorities, name="fund_priorities"),
    path("plan/<slug:plan>/reinvestment-plans/", views.plan_list, name="plan_list"),
    path("plan/<slug:plan>/reinvestment-plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plan/<slug:plan>/reinvestment-plans/<int:pk>/submit/", views.plan_submit, name="plan_submit"),
    path("plan/<slug:plan>/reinvestment-plans/<int:pk>/lines/<int:line>/remove/", views.plan_line_remove,
         name="plan_line_remove"),
    path("review/", views.review_list, name="review_list"),
    path("review/<int:pk>/", views.review_detail, name="review_detail"),
]
