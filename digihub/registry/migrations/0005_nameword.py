"""The distinct words of the names: a misspelt word is corrected against the words, then looked
up by the names' prefix and contains indexes. Only the table here: 0006_fill_name_words fills it
(apart: PostgreSQL refuses schema changes over rows a data migration of the same transaction
touched), then 0007_nameword_trigram indexes it once, instead of the index being kept up to date
row by row while hundreds of thousands of words go in."""

from django.db import migrations, models


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        # A finer histogram of the names (1,000 entries instead of 100): the planner then sees
        # that a common word ('%waasland%', 1 % of the names) is found sooner by reading the
        # table until the limit than by the trigram index collecting all its 26,000 rows, and
        # takes the prefix b-tree for an accented prefix ('électricité%') again.
        cursor.execute("ALTER TABLE registry_denomination ALTER COLUMN search SET STATISTICS 1000")


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE registry_denomination ALTER COLUMN search SET STATISTICS -1"
        )


class Migration(migrations.Migration):
    dependencies = [("registry", "0004_kbo_upload_one_under_way")]
    operations = [
        migrations.CreateModel(
            name="NameWord",
            fields=[
                ("word", models.CharField(max_length=320, primary_key=True, serialize=False)),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
