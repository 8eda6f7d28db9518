"""A French name beside the Dutch and English ones of provinces and themes."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("network", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="province",
            name="name_fr",
            field=models.CharField(blank=True, max_length=200, verbose_name="name (French)"),
        ),
        migrations.AddField(
            model_name="theme",
            name="name_fr",
            field=models.CharField(blank=True, max_length=200, verbose_name="name (French)"),
        ),
    ]
