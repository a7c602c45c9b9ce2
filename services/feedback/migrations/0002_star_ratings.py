"""Star ratings given before the questionnaire are kept as answers with only "overall" (issue 22
§5: existing ratings kept as "overall"), so the questionnaire's figures start with them and a
rated case counts as answered. Idempotent: a case that already has an answer is left alone."""

from django.db import migrations


def keep_ratings(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    Answer = apps.get_model("feedback", "Answer")
    answered = Answer.objects.filter(case__isnull=False).values("case_id")
    rated = (
        Case.objects.filter(rating__isnull=False)
        .exclude(pk__in=answered)
        .values_list("pk", "site_id", "department_id", "service_id", "service_title", "rating", "rating_comment", "rated_at", "submitted_at")
    )
    batch = []
    for pk, site_id, department_id, service_id, title, rating, comment, rated_at, submitted_at in rated.iterator():
        batch.append(
            Answer(
                case_id=pk,
                site_id=site_id,
                source="rating",
                department_id=department_id,
                service_id=service_id,
                service_title=title,
                overall=rating,
                comment=comment or "",
                created_at=rated_at or submitted_at,
            )
        )
        if len(batch) >= 1000:
            Answer.objects.bulk_create(batch)
            batch = []
    Answer.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0001_initial"),
    ]

    operations = [migrations.RunPython(keep_ratings, migrations.RunPython.noop)]
