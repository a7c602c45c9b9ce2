"""Moving a model to another app without touching its rows (used by migrations).

When an area of `services` became its own app (issue 15), its models kept their tables
(`Meta.db_table`) and the migrations only changed Django's idea of which app owns them
(`SeparateDatabaseAndState`). What the database does record per app is the content type, and
through it every permission granted to a group or a user, every admin log entry, revision and
reference-index row. Relabelling the content type in place keeps all of those attached.
"""

from django.db import migrations


def relabel_content_types(old_app, moves):
    """One RunPython operation moving content types from `old_app` to new apps (and back):
    `moves` maps each new app label to its model names. One operation, not one per app, because
    Django renders every model's state for each RunPython it runs (about a second each here)."""

    def move(apps, backwards):
        content_type = apps.get_model("contenttypes", "ContentType")
        for new_app, models in moves.items():
            from_app, to_app = (new_app, old_app) if backwards else (old_app, new_app)
            for model in models:
                # A fresh database has no content types yet (they are made after `migrate`); one
                # that already has the new label (made by an interrupted run) gives way to the old
                # row, which carries the grants.
                if content_type.objects.filter(app_label=from_app, model=model).exists():
                    content_type.objects.filter(app_label=to_app, model=model).delete()
                    content_type.objects.filter(app_label=from_app, model=model).update(app_label=to_app)

    return migrations.RunPython(
        lambda apps, schema_editor: move(apps, backwards=False),
        lambda apps, schema_editor: move(apps, backwards=True),
    )
