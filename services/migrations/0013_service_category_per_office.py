"""Each office keeps its own service categories: every existing category (and its translations)
belongs to the default office, and a slug is unique per office and language."""

import django.db.models.deletion
from django.db import migrations, models


def to_default_office(apps, schema_editor):
    Site = apps.get_model("wagtailcore", "Site")
    ServiceCategory = apps.get_model("services", "ServiceCategory")
    default = Site.objects.filter(is_default_site=True).first() or Site.objects.order_by("pk").first()
    if default is not None:
        ServiceCategory.objects.filter(site__isnull=True).update(site=default)


class Migration(migrations.Migration):
    dependencies = [
        ("services", "0012_areas_move_to_their_own_apps"),
        ("wagtailcore", "0098_apitoken"),
        ("home", "0002_initial_structure"),
    ]

    operations = [
        migrations.AddField(
            model_name="servicecategory",
            name="site",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="service_categories",
                to="wagtailcore.site",
                verbose_name="office",
                help_text="The office whose catalogue lists this category.",
            ),
        ),
        migrations.RunPython(to_default_office, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="servicecategory",
            name="site",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="service_categories",
                to="wagtailcore.site",
                verbose_name="office",
                help_text="The office whose catalogue lists this category.",
            ),
        ),
        migrations.RemoveConstraint(model_name="servicecategory", name="service_category_slug_per_locale"),
        migrations.AddConstraint(
            model_name="servicecategory",
            constraint=models.UniqueConstraint(
                fields=("site", "locale", "slug"), name="service_category_slug_per_office_locale"
            ),
        ),
    ]
