"""French names for funding sources and project types, and a payer kind that no longer names
one region: a regional source is paid by the region its own name says."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("funding", "0007_money_in_data"),
    ]

    operations = [
        migrations.AddField(
            model_name="fundingsource",
            name="name_fr",
            field=models.CharField(blank=True, max_length=200, verbose_name="name (French)"),
        ),
        migrations.AddField(
            model_name="projecttype",
            name="name_fr",
            field=models.CharField(blank=True, max_length=200, verbose_name="name (French)"),
        ),
        migrations.AlterField(
            model_name="fundingsource",
            name="payer",
            field=models.CharField(
                choices=[
                    ("eu", "European Union (EFRO)"),
                    ("region", "Regional government"),
                    ("chamber", "Chamber (private)"),
                    ("sme", "SME (private)"),
                ],
                max_length=10,
                verbose_name="payer",
            ),
        ),
    ]
