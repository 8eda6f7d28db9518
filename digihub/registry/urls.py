from django.urls import path

from . import views

app_name = "registry"

urlpatterns = [
    path("lookup/", views.lookup, name="lookup"),
    path("lookup/number/", views.public_lookup, name="public_lookup"),
    path("exchange/", views.exchange, name="exchange"),
    path("exchange/kbo/", views.kbo_import, name="kbo_import"),
    path("exchange/<int:hub_pk>/export/", views.export_download, name="export"),
    path("exchange/<int:hub_pk>/import/", views.register_import, name="register_import"),
]
