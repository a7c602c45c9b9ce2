"""Many offices on one install: reply templates belong to an office (existing ones to the
default office), reference prefixes are unique per install (a duplicate found in an existing
install gets a free prefix of its own first), and one office's queue has its own indexes."""

import django.db.models.deletion
import django.db.models.functions.text
from django.db import migrations, models

OPEN = ["received", "accepted", "in_progress", "waiting"]
COLUMNS = ["department", "status", "assignee", "service", "channel", "priority"]


def to_default_office(apps, schema_editor):
    Site = apps.get_model("wagtailcore", "Site")
    ReplyTemplate = apps.get_model("cases", "ReplyTemplate")
    default = Site.objects.filter(is_default_site=True).first() or Site.objects.order_by("pk").first()
    if default is not None:
        ReplyTemplate.objects.filter(site__isnull=True).update(site=default)


def letters(number):
    text = ""
    while True:
        number, digit = divmod(number, 26)
        text = chr(ord("A") + digit) + text
        if not number:
            return text


def unique_prefixes(apps, schema_editor):
    """The default office keeps its prefix; any other office sharing it gets RQ + its site id in
    letters (its administrator picks a better one in the case queue settings)."""
    CaseSettings = apps.get_model("cases", "CaseSettings")
    Site = apps.get_model("wagtailcore", "Site")
    default_id = Site.objects.filter(is_default_site=True).values_list("pk", flat=True).first()
    rows = sorted(CaseSettings.objects.all(), key=lambda row: (row.site_id != default_id, row.pk))
    seen = set()
    for row in rows:
        prefix = (row.reference_prefix or "REQ").upper()
        extra = 0
        while prefix in seen:
            extra += 1
            prefix = f"RQ{letters(row.site_id)}{letters(extra) if extra > 1 else ''}"[:6]
        seen.add(prefix)
        if prefix != row.reference_prefix:
            row.reference_prefix = prefix
            row.save(update_fields=["reference_prefix"])


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0002_tracking_link_code_and_resident_replies"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.AddField(
            model_name="replytemplate",
            name="site",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="reply_templates",
                to="wagtailcore.site",
                verbose_name="office",
                help_text="The office whose officers use this template.",
            ),
        ),
        migrations.RunPython(to_default_office, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="replytemplate",
            name="site",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="reply_templates",
                to="wagtailcore.site",
                verbose_name="office",
                help_text="The office whose officers use this template.",
            ),
        ),
        migrations.RunPython(unique_prefixes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="casesettings",
            name="reference_prefix",
            field=models.CharField(
                default="REQ",
                help_text="2–6 Latin letters at the start of every reference, e.g. BSR gives BSR-69-7KQ2M-4. "
                "No two offices on this install share a prefix.",
                max_length=6,
                verbose_name="reference prefix",
            ),
        ),
        migrations.AddConstraint(
            model_name="casesettings",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Upper("reference_prefix"),
                name="case_settings_prefix_unique",
                violation_error_message="Another office already uses this prefix. Choose other letters.",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["site", "due_date", "id"], include=COLUMNS, name="case_site_due"),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("status__in", OPEN)),
                fields=["site", "due_date", "id"],
                include=COLUMNS,
                name="case_open_site_due",
            ),
        ),
    ]
