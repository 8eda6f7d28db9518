from django.urls import path

from . import views

app_name = "funding"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("ledger/", views.ledger, name="ledger"),
    path("reconciliation/", views.reconciliation_view, name="reconciliation"),
    path("budgets/<int:pk>/edit/", views.budget_edit, name="budget_edit"),
    path("budgets/<int:pk>/costs/", views.operational_cost, name="operational_cost"),
    path("payments/", views.payments, name="payments"),
    path("payments/paid/", views.payments_paid, name="payments_paid"),
    path("payments/<int:pk>/paid/", views.payment_paid, name="payment_paid"),
    path("de-minimis/<int:company_id>.pdf", views.de_minimis_statement, name="de_minimis"),
]
