"""Moving a model to another app without touching its rows (used by migrations).

When an area of `services` became its own app (issue 15), its models kept their tables
(`Meta.db_table`) and the migrations only changed Django's idea of which app owns them
(`SeparateDatabaseAndState`). What the database does record per app is the content type, and
through it every permission granted to a group or a user, every admin log entry, revision and
reference-index row. Relabelling the content type in place keeps all of those attached.
"""

from django.db import migrations


def relabel_content_types(old_app, new_app, models):
    """A RunPython operation moving `models`' content types from `old_app` to `new_app` (and back)."""

    def move(apps, from_app, to_app):
        content_type = apps.get_model("contenttypes", "ContentType")
        for model in models:
            # A fresh database has no content types yet (they are made after `migrate`); one that
            # already has the new label (made by an interrupted run) gives way to the old row,
            # which carries the grants.
            if content_type.objects.filter(app_label=from_app, model=model).exists():
                content_type.objects.filter(app_label=to_app, model=model).delete()
                content_type.objects.filter(app_label=from_app, model=model).update(app_label=to_app)

    return migrations.RunPython(
        lambda apps, schema_editor: move(apps, old_app, new_app),
        lambda apps, schema_editor: move(apps, new_app, old_app),
    )
