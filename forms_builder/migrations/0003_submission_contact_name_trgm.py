"""A trigram index for finding submissions by any part of the contact's name.

The case queue searches names with `contact_name__icontains`, which PostgreSQL runs as
``UPPER(contact_name::text) LIKE UPPER('%…%')``: a B-tree cannot serve a pattern that starts with
a wildcard, so without this index every name search reads the whole table. A GIN index of
pg_trgm trigrams over the same expression answers it from the index (Thai names included).

PostgreSQL only (pg_trgm is a trusted extension since PostgreSQL 13, so the database owner may
create it); on SQLite this migration does nothing and name search stays a scan, which is fine at
the sizes SQLite is used for.
"""

from django.db import migrations

INDEX = "fb_submission_name_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON forms_builder_submission USING gin (UPPER(contact_name) gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("forms_builder", "0002_condition_target"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
