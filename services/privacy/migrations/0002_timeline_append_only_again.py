"""The timeline's append-only trigger again, after cases 0002 added `for_resident` to case events.

On SQLite, adding a column with a default rebuilds the table (copy, drop, rename), and the
triggers of the old table go with it: from cases 0002 on, raw SQL could rewrite a timeline event
on SQLite. Reinstalling reads the table's columns again, so the new column is protected too
(services/privacy/audit_sql.py). On PostgreSQL the trigger survived; it is replaced the same way.
A later migration that adds a column to case events must run this again.

Reversed, the trigger leaves the column out before cases 0002 drops it: SQLite refuses to drop
a column a trigger names."""

from django.db import migrations

from services.privacy import audit_sql


def without_for_resident(apps, schema_editor):
    audit_sql.install(apps, schema_editor, leave_out={"for_resident"})


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0001_initial"),
        ("cases", "0002_tracking_link_code_and_resident_replies"),
    ]

    operations = [
        migrations.RunPython(audit_sql.install, without_for_resident),
    ]
