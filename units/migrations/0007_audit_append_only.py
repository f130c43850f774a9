"""The audit log is append-only for every client of the database, not only for Django: on PostgreSQL a
trigger refuses UPDATE and DELETE of its rows (TRUNCATE, used by test teardown and restores, is not a row
event). The SQLite demo relies on the model's own refusal."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION units_auditentry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'units_auditentry is append-only (%% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER units_auditentry_append_only
    BEFORE UPDATE OR DELETE ON units_auditentry
    FOR EACH ROW EXECUTE FUNCTION units_auditentry_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS units_auditentry_append_only ON units_auditentry;
DROP FUNCTION IF EXISTS units_auditentry_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("units", "0006_audit_session_epoch")]

    operations = [migrations.RunPython(forwards, backwards)]
