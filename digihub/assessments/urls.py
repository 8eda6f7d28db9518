from django.urls import path

from . import views

app_name = "assessments"
urlpatterns = [
    path("", views.hub_view, name="hub"),
    path("chart.svg", views.hub_chart, name="hub_chart"),
    path("kpi.<str:fmt>", views.kpi_download, name="kpi_download"),
    path("fill/<int:pk>/<str:token>/", views.fill, name="fill"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/answer/", views.answer, name="answer"),
    path("<int:pk>/invite/", views.invite, name="invite"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("company/<int:company_pk>/start/", views.start, name="start"),
    path("company/<int:company_pk>/chart.svg", views.company_chart, name="company_chart"),
    path("trajectory/<int:trajectory_pk>/investment/", views.investment, name="investment"),
]
