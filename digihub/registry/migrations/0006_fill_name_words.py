"""The distinct words of the names already imported (set-based on PostgreSQL; the import keeps
them filled from now on). Apart from 0005: PostgreSQL refuses schema changes over rows a data
migration of the same transaction touched ('pending trigger events')."""

from django.db import migrations

# As digihub.registry.models.WORD_SEPARATORS / WORD_MIN_LENGTH when this migration was written.
SEPARATORS = "[^0-9a-z\u00c0-\u024f]+"
MIN_LENGTH = 4


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO registry_nameword (word) SELECT DISTINCT w "
                "FROM registry_denomination AS d, regexp_split_to_table(d.search, %s) AS w "
                "WHERE length(w) >= %s AND w !~ '^[0-9]+$' ON CONFLICT DO NOTHING",
                [SEPARATORS, MIN_LENGTH],
            )
            cursor.execute("ANALYZE registry_nameword")
            # the names' finer statistics of 0005
            cursor.execute("ANALYZE registry_denomination")
        return
    # Other databases (SQLite: a development or test copy, no trigram look-up) in chunks.
    import re

    split = re.compile(SEPARATORS).split
    Denomination = apps.get_model("registry", "Denomination")
    NameWord = apps.get_model("registry", "NameWord")
    words: set[str] = set()
    for search in Denomination.objects.values_list("search", flat=True).iterator(chunk_size=5000):
        words.update(w for w in split(search) if len(w) >= MIN_LENGTH and not w.isdigit())
        if len(words) >= 5000:
            NameWord.objects.bulk_create([NameWord(word=w) for w in words], ignore_conflicts=True)
            words.clear()
    NameWord.objects.bulk_create([NameWord(word=w) for w in words], ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("registry", "0005_nameword")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
