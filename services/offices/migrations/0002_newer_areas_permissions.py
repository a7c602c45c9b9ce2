"""Offices that went live before issued documents, queue booking and local taxes: their groups get
those areas' screens as `create_office` now gives a new office's (services/offices/going_live.py:
DOCUMENT_TEMPLATES, DOCUMENT_REGISTERS, RUN_QUEUE, TAX_WORK, AREA_SNIPPETS, AREA_SETTINGS, as
they stood when this was written). Only groups tied to an office with their role; running it
again adds nothing (a permission a group holds is not added twice)."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

CRUD = ("add", "change", "delete", "view")
TEMPLATES = [f"documents.{a}_{m}" for m in ("documenttemplate", "lettertemplate") for a in CRUD]
REGISTERS = ["documents.view_documentregister"]
QUEUE = ["booking.manage_queue"]
TAX_WORK = ["taxes.change_taxaccount", "taxes.view_taxaccount", "taxes.import_assessments"]
ADMIN = [
    *TEMPLATES,
    *REGISTERS,
    *QUEUE,
    "taxes.import_assessments",
    "documents.change_signingsettings",
    "booking.change_bookingsettings",
    "taxes.change_taxsettings",
    *(
        f"{app}.{a}_{m}"
        for app, m in (("booking", "counter"), ("booking", "bookableservice"), ("taxes", "taxaccount"))
        for a in CRUD
    ),
]
BY_ROLE = {"office_admin": ADMIN, "editor": TEMPLATES, "officer": [*REGISTERS, *QUEUE]}
BY_DEPARTMENT = {"finance": TAX_WORK}


def grant(apps, schema_editor):
    # The permissions are made after all migrations (post_migrate); a fresh database has none yet.
    for label in ("documents", "booking", "taxes"):
        create_permissions(
            global_apps.get_app_config(label), apps=apps, verbosity=0, using=schema_editor.connection.alias
        )
    Permission = apps.get_model("auth", "Permission")
    StaffGroup = apps.get_model("portal", "StaffGroup")
    DepartmentGroup = apps.get_model("offices", "DepartmentGroup")
    rows = Permission.objects.filter(content_type__app_label__in=["documents", "booking", "taxes"])
    by_label = {f"{p.content_type.app_label}.{p.codename}": p for p in rows.select_related("content_type")}
    codes = dict(DepartmentGroup.objects.values_list("group_id", "department__code"))
    for staff_group in StaffGroup.objects.filter(role__in=list(BY_ROLE)).select_related("group"):
        labels = [*BY_ROLE[staff_group.role], *BY_DEPARTMENT.get(codes.get(staff_group.group_id), [])]
        staff_group.group.permissions.add(*(by_label[label] for label in labels if label in by_label))


class Migration(migrations.Migration):
    dependencies = [
        ("offices", "0001_initial"),
        ("portal", "0002_existing_install_is_one_office"),
        ("documents", "0002_official_letters"),
        ("booking", "0001_initial"),
        ("taxes", "0002_account_number_key"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
