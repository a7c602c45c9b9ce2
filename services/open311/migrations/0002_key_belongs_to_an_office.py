"""Issue 17: an Open311 key belongs to one office. Keys issued before offices existed belong to
the default site, the one office the install had."""

import django.db.models.deletion
from django.db import migrations, models


def keys_to_default_site(apps, schema_editor):
    Site = apps.get_model("wagtailcore", "Site")
    Open311Key = apps.get_model("open311", "Open311Key")
    if not Open311Key.objects.filter(site__isnull=True).exists():
        return
    site = Site.objects.filter(is_default_site=True).first() or Site.objects.order_by("pk").first()
    if site is None:
        raise RuntimeError("Open311 keys exist but no site does: create the site first.")
    Open311Key.objects.filter(site__isnull=True).update(site=site)


class Migration(migrations.Migration):
    dependencies = [
        ("open311", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
        ("home", "0002_initial_structure"),
    ]

    operations = [
        migrations.AddField(
            model_name="open311key",
            name="site",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="open311_keys",
                to="wagtailcore.site",
                verbose_name="office",
                help_text="The office whose requests this key files and reads.",
            ),
        ),
        migrations.RunPython(keys_to_default_site, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="open311key",
            name="site",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="open311_keys",
                to="wagtailcore.site",
                verbose_name="office",
                help_text="The office whose requests this key files and reads.",
            ),
        ),
    ]
