"""On PostgreSQL the database itself refuses a version of rates that does not add up to 100 %.

A CHECK constraint sees one row; the sum over a version's rows is checked by a constraint trigger,
deferred to the end of the transaction (``services.set_rates`` writes a version's rows together).
SQLite cannot defer a trigger, so there the service's check is the only one.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION funding_rates_sum_to_one() RETURNS trigger AS $$
DECLARE
    total numeric;
    type_id bigint;
    rate_version integer;
BEGIN
    IF TG_OP = 'DELETE' THEN
        type_id := OLD.project_type_id; rate_version := OLD.version;
    ELSE
        type_id := NEW.project_type_id; rate_version := NEW.version;
    END IF;
    SELECT sum(rate) INTO total FROM funding_sourcerate
        WHERE project_type_id = type_id AND version = rate_version;
    IF total IS NOT NULL AND total <> 1 THEN
        RAISE EXCEPTION 'rates of project type % version % add up to %, not 1',
            type_id, rate_version, total USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS funding_rates_sum_to_one ON funding_sourcerate;
CREATE CONSTRAINT TRIGGER funding_rates_sum_to_one
    AFTER INSERT OR UPDATE OR DELETE ON funding_sourcerate
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION funding_rates_sum_to_one();
"""

DROP = """
DROP TRIGGER IF EXISTS funding_rates_sum_to_one ON funding_sourcerate;
DROP FUNCTION IF EXISTS funding_rates_sum_to_one();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("funding", "0003_rate_versions")]

    operations = [migrations.RunPython(create, drop)]
