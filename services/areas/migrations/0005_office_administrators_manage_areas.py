"""Offices that went live before areas existed: their administrators get the areas' and routing
rules' screens, as `create_office` now gives a new office's (services/offices/going_live.py,
OFFICE_SNIPPETS). Only groups tied to an office as its administrators; running it again adds
nothing (a permission a group holds is not added twice)."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = [f"{action}_{model}" for model in ("area", "routingrule") for action in ("add", "change", "delete", "view")]


def grant(apps, schema_editor):
    # The permissions are made after all migrations (post_migrate); a fresh database has none yet.
    # The installed app's config is passed because the historical one looks model-less to Django.
    create_permissions(global_apps.get_app_config("areas"), apps=apps, verbosity=0, using=schema_editor.connection.alias)
    Permission = apps.get_model("auth", "Permission")
    StaffGroup = apps.get_model("portal", "StaffGroup")
    permissions = list(Permission.objects.filter(content_type__app_label="areas", codename__in=CODENAMES))
    for staff_group in StaffGroup.objects.filter(role="office_admin").select_related("group"):
        staff_group.group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("areas", "0004_area_name_en"),
        ("portal", "0002_existing_install_is_one_office"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
