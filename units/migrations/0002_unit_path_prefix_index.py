from django.db import migrations


def create_index(apps, schema_editor):
    # LIKE 'prefix%' on the materialised path must use an index under any collation; PostgreSQL
    # needs varchar_pattern_ops for that. SQLite (the demo database) compares bytes already.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS unit_path_prefix_idx ON units_unit (path varchar_pattern_ops)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS unit_path_prefix_idx")


class Migration(migrations.Migration):
    dependencies = [("units", "0001_initial")]
    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
