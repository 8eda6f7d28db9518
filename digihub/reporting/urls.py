from django.urls import path

from . import views

app_name = "reporting"
urlpatterns = [
    path("", views.report, name="report"),
    path("compare/", views.compare, name="compare"),
    path("charts/<slug:name>.svg", views.chart, name="chart"),
    path("stand-van-zaken.<str:fmt>", views.download, name="download"),
]
