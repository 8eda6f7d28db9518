"""Public-sector organisations alongside SMEs and mid-caps: the customer kind, decided by rules
kept as data (seeded by 0005), and each contact's preferred language for e-mails."""

from django.db import migrations, models

KINDS = [
    ("sme", "SME"),
    ("midcap", "Mid-cap"),
    ("large", "Large enterprise"),
    ("public", "Public-sector organisation"),
    ("unknown", "Unknown (size not known)"),
]
LEGAL_FORMS = [
    ("BV", "Private limited company (BV)"),
    ("NV", "Public limited company (NV)"),
    ("CV", "Cooperative company (CV)"),
    ("VOF", "General partnership (VOF)"),
    ("CommV", "Limited partnership (CommV)"),
    ("VZW", "Non-profit association (VZW)"),
    ("EZ", "Sole proprietorship"),
    ("GEM", "Municipality"),
    ("OCMW", "Public centre for social welfare (OCMW/CPAS)"),
    ("PROV", "Province"),
    ("IC", "Intermunicipal association"),
    ("PUB", "Other public body"),
    ("other", "Other"),
]
LANGUAGES = [("nl", "Nederlands"), ("en", "English"), ("fr", "Français")]



class Migration(migrations.Migration):
    dependencies = [
        ("companies", "0002_representatives"),
    ]

    operations = [
        migrations.CreateModel(
            name="CustomerRule",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("order", models.PositiveSmallIntegerField(default=100, verbose_name="order")),
                (
                    "kind",
                    models.CharField(choices=KINDS, max_length=8, verbose_name="customer kind"),
                ),
                (
                    "legal_form",
                    models.CharField(
                        blank=True, choices=LEGAL_FORMS, max_length=8, verbose_name="legal form"
                    ),
                ),
                (
                    "size_classes",
                    models.CharField(
                        blank=True,
                        help_text="Comma-separated codes, e.g. micro,small,medium; empty: any.",
                        max_length=60,
                        verbose_name="EU size classes",
                    ),
                ),
                (
                    "max_employees",
                    models.PositiveIntegerField(
                        blank=True,
                        help_text="Holds when the company has fewer employees than this; empty: any.",
                        null=True,
                        verbose_name="employees below",
                    ),
                ),
            ],
            options={
                "verbose_name": "customer rule",
                "verbose_name_plural": "customer rules",
                "ordering": ["order", "pk"],
            },
        ),
        migrations.AddField(
            model_name="company",
            name="customer_kind",
            field=models.CharField(
                choices=KINDS,
                db_index=True,
                default="unknown",
                editable=False,
                max_length=8,
                verbose_name="customer kind",
            ),
        ),
        migrations.AddField(
            model_name="historicalcompany",
            name="customer_kind",
            field=models.CharField(
                choices=KINDS,
                db_index=True,
                default="unknown",
                editable=False,
                max_length=8,
                verbose_name="customer kind",
            ),
        ),
        migrations.AddField(
            model_name="contact",
            name="language",
            field=models.CharField(
                blank=True,
                choices=LANGUAGES,
                help_text="The language of the e-mails this person receives; empty: the platform's.",
                max_length=8,
                verbose_name="preferred language",
            ),
        ),
        migrations.AddField(
            model_name="historicalcontact",
            name="language",
            field=models.CharField(
                blank=True,
                choices=LANGUAGES,
                help_text="The language of the e-mails this person receives; empty: the platform's.",
                max_length=8,
                verbose_name="preferred language",
            ),
        ),
        migrations.AlterField(
            model_name="company",
            name="legal_form",
            field=models.CharField(
                choices=LEGAL_FORMS, default="BV", max_length=8, verbose_name="legal form"
            ),
        ),
        migrations.AlterField(
            model_name="historicalcompany",
            name="legal_form",
            field=models.CharField(
                choices=LEGAL_FORMS, default="BV", max_length=8, verbose_name="legal form"
            ),
        ),
    ]
