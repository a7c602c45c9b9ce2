"""Structural data every install needs: the Thai and English locales, the home page in both
languages (linked as translations), and the default Site. Demo content is not here: it comes
from `manage.py load_demo`."""

import uuid

from django.db import migrations


def create_structure(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Locale = apps.get_model("wagtailcore.Locale")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    HomePage = apps.get_model("home.HomePage")

    thai, _ = Locale.objects.get_or_create(language_code="th")
    english, _ = Locale.objects.get_or_create(language_code="en")

    # Wagtail's own initial data leaves a "Welcome" page (and a Site on it); replace both.
    Page.objects.filter(depth=2, content_type__app_label="wagtailcore", content_type__model="page").delete()
    if HomePage.objects.exists():
        return
    home_type, _ = ContentType.objects.get_or_create(app_label="home", model="homepage")
    key = uuid.uuid4()
    common = {"content_type": home_type, "depth": 2, "numchild": 0, "live": True,
              "has_unpublished_changes": False, "translation_key": key}
    # Sibling slugs must differ: Wagtail tells the two roots apart by url_path.
    thai_home = HomePage.objects.create(title="หน้าแรก", draft_title="หน้าแรก", slug="home", url_path="/home/",
                                        path="00010001", locale=thai, **common)
    HomePage.objects.create(title="Home", draft_title="Home", slug="home-en", url_path="/home-en/",
                            path="00010002", locale=english, **common)
    Page.objects.filter(depth=1).update(numchild=2)
    Site.objects.all().delete()
    Site.objects.create(hostname="localhost", port=80, root_page=thai_home, is_default_site=True,
                        site_name="Citizen portal")


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_structure, migrations.RunPython.noop)]
