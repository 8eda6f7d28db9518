from django.urls import path

from . import views

app_name = "network"
urlpatterns = [
    path("partners/", views.partner_list, name="partner_list"),
    path("partners/<int:pk>/", views.partner_detail, name="partner_detail"),
    path("partners/<int:pk>/edit/", views.partner_edit, name="partner_edit"),
    path("hubs/", views.hub_list, name="hub_list"),
]
