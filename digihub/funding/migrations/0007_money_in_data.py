"""Payment requests of the first release carried into the statuses and due dates of money in.

A migration of its own: on PostgreSQL the rows it updates would otherwise still have trigger
events pending when the schema migration before it creates its deferred indexes. Set-based (one
UPDATE per status and per programme), so it takes the same few statements for ten requests or a
million.
"""

import datetime as dt

from django.db import migrations
from django.db.models import DateField, ExpressionWrapper, F
from django.db.models.functions import TruncDate


def forwards(apps, schema_editor):
    PaymentRequest = apps.get_model("funding", "PaymentRequest")
    Programme = apps.get_model("funding", "Programme")
    PaymentRequest.objects.filter(status="open").update(status="requested")
    PaymentRequest.objects.filter(status="paid").update(paid_amount=F("amount"))
    for programme in Programme.objects.filter(payment_requests__due_date__isnull=True).distinct():
        term = dt.timedelta(days=programme.payment_term_days or 30)
        PaymentRequest.objects.filter(programme=programme, due_date__isnull=True).update(
            due_date=ExpressionWrapper(TruncDate("created_at") + term, output_field=DateField())
        )


def backwards(apps, schema_editor):
    PaymentRequest = apps.get_model("funding", "PaymentRequest")
    PaymentRequest.objects.filter(status__in=["requested", "partly_paid", "overdue"]).update(
        status="open"
    )
    PaymentRequest.objects.filter(status="refunded").update(status="cancelled")


class Migration(migrations.Migration):
    dependencies = [("funding", "0006_money_in")]

    operations = [migrations.RunPython(forwards, backwards)]
