"""The words' GIN trigram index on PostgreSQL (where pg_trgm is installed, see 0002_trigram),
built once after 0006_fill_name_words filled the table: indexing hundreds of thousands of words
at once is several times faster than keeping the index up to date while they go in. Without
it the look-up does without corrections (``lookup.has_word_index``)."""

from django.db import migrations


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
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


class Migration(migrations.Migration):
    dependencies = [("registry", "0006_fill_name_words")]
    operations = [migrations.RunPython(forwards, backwards)]
