from django.contrib import admin
from django.urls import include, path

from digihub.accounts import views as accounts_views
from digihub.api.api import api
from digihub.core import views as core_views

urlpatterns = [
    path("", include("digihub.core.urls")),
    path("healthz", core_views.healthz, name="healthz"),
    path("bench/bare", core_views.bare, name="bare"),
    # The language switch, remembering a logged-in person's choice; same path as Django's.
    path("i18n/setlang/", accounts_views.set_language),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("account/", include("digihub.accounts.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("network/", include("digihub.network.urls")),
    path("companies/", include("digihub.companies.urls")),
    path("questions/", include("digihub.intake.urls")),
    path("funding/", include("digihub.funding.urls")),
    path("trajectories/", include("digihub.trajectories.urls")),
    path("matching/", include("digihub.matching.urls")),
    path("todo/", include("digihub.inbox.urls")),
    path("reports/", include("digihub.reporting.urls")),
    path("maturity/", include("digihub.assessments.urls")),
    path("registry/", include("digihub.registry.urls")),
]
