"""The Burmese, Khmer and Lao content locales (issue 22), as home's 0002 made Thai and English:
wagtail-localize translates pages only into a Locale row that exists. The home pages in these
languages are made by translating the Thai one (the demo, or an editor in Settings → Locales)."""

from django.db import migrations

LANGUAGES = ("my", "km", "lo")


def forwards(apps, schema_editor):
    Locale = apps.get_model("wagtailcore", "Locale")
    for code in LANGUAGES:
        Locale.objects.get_or_create(language_code=code)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0002_existing_install_is_one_office"),
        ("home", "0002_initial_structure"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
