from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "digihub.api"
    label = "api"
