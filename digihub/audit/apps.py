from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "digihub.audit"
    label = "audit"
