"""Offices that went live before the help box named volunteers (issue 22): their administrators'
groups get the volunteers snippet as `create_office` now gives a new office's
(services/offices/going_live.py: "portal_help.volunteer" in OFFICE_SNIPPETS, as it stood when
this was written). Only groups tied to an office as its administrators; running it again adds
nothing."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

VOLUNTEERS = [f"{action}_volunteer" for action in ("add", "change", "delete", "view")]


def grant(apps, schema_editor):
    # The permissions are made after all migrations (post_migrate); a fresh database has none yet.
    create_permissions(
        global_apps.get_app_config("portal_help"), apps=apps, verbosity=0, using=schema_editor.connection.alias
    )
    Permission = apps.get_model("auth", "Permission")
    StaffGroup = apps.get_model("portal", "StaffGroup")
    permissions = list(Permission.objects.filter(content_type__app_label="portal_help", codename__in=VOLUNTEERS))
    for staff_group in StaffGroup.objects.filter(role="office_admin").select_related("group"):
        staff_group.group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("offices", "0003_agencies_permissions"),
        ("portal_help", "0001_initial"),
        ("portal", "0002_existing_install_is_one_office"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
