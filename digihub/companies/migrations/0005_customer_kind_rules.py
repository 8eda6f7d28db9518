"""The customer rules seeded, and every company given its kind.

Apart from the schema change (0003) so that PostgreSQL never creates that migration's indexes
over rows with trigger events pending, and set-based: one UPDATE per rule, the lowest priority
first so that the first rule that holds is the one that stays.
"""

from django.db import migrations
from django.db.models import Q

# (order, kind, legal form, size classes, employees below): the first that holds decides.
# Mid-caps as the Digital Europe programme counts them: not an SME, fewer than 3,000 employees.
RULES = [
    (10, "public", "GEM", "", None),
    (11, "public", "OCMW", "", None),
    (12, "public", "PROV", "", None),
    (13, "public", "IC", "", None),
    (14, "public", "PUB", "", None),
    (20, "sme", "", "micro,small,medium", None),
    (30, "midcap", "", "large", 3000),
    (40, "large", "", "large", None),
]


def seed(apps, schema_editor):
    CustomerRule = apps.get_model("companies", "CustomerRule")
    Company = apps.get_model("companies", "Company")
    if not CustomerRule.objects.exists():
        CustomerRule.objects.bulk_create(
            CustomerRule(
                order=order, kind=kind, legal_form=form, size_classes=sizes, max_employees=below
            )
            for order, kind, form, sizes, below in RULES
        )
    Company.objects.exclude(customer_kind="unknown").update(customer_kind="unknown")
    for rule in CustomerRule.objects.order_by("-order", "-pk"):
        condition = Q()
        if rule.legal_form:
            condition &= Q(legal_form=rule.legal_form)
        classes = [c.strip() for c in rule.size_classes.split(",") if c.strip()]
        if classes:
            condition &= Q(size_class__in=classes)
        if rule.max_employees is not None:
            condition &= Q(employees__lt=rule.max_employees)
        Company.objects.filter(condition).update(customer_kind=rule.kind)


class Migration(migrations.Migration):
    dependencies = [("companies", "0004_company_provenance_historicalcompany_provenance")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
