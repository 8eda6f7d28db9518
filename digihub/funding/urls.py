from django.urls import path

from . import payment_views, views

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
    path("payments/<int:pk>/", payment_views.payment_detail, name="payment_detail"),
    path("payments/<int:pk>/qr.svg", payment_views.payment_qr, name="payment_qr"),
    path("payments/<int:pk>/slip.pdf", payment_views.payment_pdf, name="payment_pdf"),
    path("payments/<int:pk>/receive/", payment_views.payment_receive, name="payment_receive"),
    path("payments/<int:pk>/cancel/", payment_views.payment_cancel, name="payment_cancel"),
    path("payments/<int:pk>/refund/", payment_views.payment_refund, name="payment_refund"),
    path("reconcile/", payment_views.reconcile, name="reconcile"),
    path("reconcile/statements/<int:pk>/", payment_views.statement_detail, name="statement"),
    path("reconcile/to-resolve/", payment_views.to_resolve, name="to_resolve"),
    path("reconcile/to-resolve/<int:pk>/", payment_views.entry_resolve, name="entry_resolve"),
    path(
        "reconcile/to-resolve/<int:pk>/dismiss/",
        payment_views.entry_dismiss,
        name="entry_dismiss",
    ),
    path("reconcile/reminders/", payment_views.reminders, name="reminders"),
    path("reconcile/export/<str:what>.<str:fmt>", payment_views.export, name="money_export"),
    path("de-minimis/<int:company_id>.pdf", views.de_minimis_statement, name="de_minimis"),
]
