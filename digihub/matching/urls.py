from django.urls import path

from . import views

app_name = "matching"

urlpatterns = [
    path("relations/", views.relations, name="relations"),
    path("relations/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
]
