"""An install from before offices existed is one office: every Site becomes an Office, and the
groups Wagtail and the demo made (editors, moderators, case officers, volunteers) work for the
default site, so nobody loses what they could see."""

from django.db import migrations

GROUP_ROLES = {
    "Editors": "editor",
    "Moderators": "moderator",
    "Case officers": "officer",
    "Volunteers": "volunteer",
}


def forwards(apps, schema_editor):
    Site = apps.get_model("wagtailcore", "Site")
    Group = apps.get_model("auth", "Group")
    Office = apps.get_model("portal", "Office")
    StaffGroup = apps.get_model("portal", "StaffGroup")
    for site in Site.objects.all():
        Office.objects.get_or_create(site=site)
    default = Site.objects.filter(is_default_site=True).first()
    if default is None:
        return
    for group in Group.objects.filter(name__in=GROUP_ROLES):
        StaffGroup.objects.get_or_create(group=group, defaults={"site": default, "role": GROUP_ROLES[group.name]})


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
        ("home", "0002_initial_structure"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
