"""The distinct words of the names, with a GIN trigram index of their own on PostgreSQL (where
pg_trgm is installed, see 0002_trigram): a misspelt word is corrected against the words, then
looked up by the names' prefix and contains indexes. Filled by 0006_fill_name_words (apart:
PostgreSQL refuses schema changes over rows a data migration of the same transaction touched)."""

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
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone() is None:
            return  # no trigrams on this server: the look-up does without corrections
        cursor.execute(
            "CREATE INDEX IF NOT EXISTS registry_nameword_trgm "
            "ON registry_nameword USING gin (word gin_trgm_ops)"
        )


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS registry_nameword_trgm")
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
