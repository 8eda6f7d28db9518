"""Fuzzy name look-up on PostgreSQL: the pg_trgm extension and a GIN trigram index on the
lower-case names. Other databases (SQLite) fall back to prefix and contains searches."""

from django.db import migrations


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
        if cursor.fetchone() is None:
            return  # not installed on this server: the look-up uses prefixes only
        cursor.execute("SAVEPOINT registry_trgm")
        try:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except Exception:  # noqa: BLE001 - no right to create extensions
            cursor.execute("ROLLBACK TO SAVEPOINT registry_trgm")
            return
        cursor.execute(
            "CREATE INDEX IF NOT EXISTS registry_denom_search_trgm "
            "ON registry_denomination USING gin (search gin_trgm_ops)"
        )


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS registry_denom_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
