"""Issue 17: page views are counted per office. Counts from before offices existed belong to the
default site, the one office the install had."""

import django.db.models.deletion
from django.db import migrations, models


def counts_to_default_site(apps, schema_editor):
    Site = apps.get_model("wagtailcore", "Site")
    PageViewCount = apps.get_model("reporting", "PageViewCount")
    if not PageViewCount.objects.filter(site__isnull=True).exists():
        return
    site = Site.objects.filter(is_default_site=True).first() or Site.objects.order_by("pk").first()
    if site is None:
        PageViewCount.objects.filter(site__isnull=True).delete()  # counts of no site cannot be shown
        return
    PageViewCount.objects.filter(site__isnull=True).update(site=site)


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
        ("home", "0002_initial_structure"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="pageviewcount", name="page_views_one_per_section_month"),
        migrations.AddField(
            model_name="pageviewcount",
            name="site",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="page_view_counts",
                to="wagtailcore.site",
                verbose_name="office",
            ),
        ),
        migrations.RunPython(counts_to_default_site, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="pageviewcount",
            name="site",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="page_view_counts",
                to="wagtailcore.site",
                verbose_name="office",
            ),
        ),
        migrations.AddConstraint(
            model_name="pageviewcount",
            constraint=models.UniqueConstraint(
                fields=("site", "month", "section"), name="page_views_one_per_office_section_month"
            ),
        ),
    ]
