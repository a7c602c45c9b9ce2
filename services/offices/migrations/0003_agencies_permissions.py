"""Offices that went live before outside agencies (issue 21): their administrators' groups get the
agencies snippet as `create_office` now gives a new office's (services/offices/going_live.py:
"agencies.agency" in OFFICE_SNIPPETS, as it stood when this was written). Only groups tied to an
office as its administrators; running it again adds nothing."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

AGENCIES = [f"{action}_agency" for action in ("add", "change", "delete", "view")]


def grant(apps, schema_editor):
    # The permissions are made after all migrations (post_migrate); a fresh database has none yet.
    create_permissions(global_apps.get_app_config("agencies"), apps=apps, verbosity=0, using=schema_editor.connection.alias)
    Permission = apps.get_model("auth", "Permission")
    StaffGroup = apps.get_model("portal", "StaffGroup")
    permissions = list(Permission.objects.filter(content_type__app_label="agencies", codename__in=AGENCIES))
    for staff_group in StaffGroup.objects.filter(role="office_admin").select_related("group"):
        staff_group.group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("offices", "0002_newer_areas_permissions"),
        ("agencies", "0001_initial"),
        ("portal", "0002_existing_install_is_one_office"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
