from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "digihub.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.db import connections
        from django.db.backends.signals import connection_created

        from .changes import watch

        connection_created.connect(watch, dispatch_uid="core-changes")
        # Connections opened before this app was ready (e.g. by a check) are watched too.
        for connection in connections.all(initialized_only=True):
            watch(None, connection)
