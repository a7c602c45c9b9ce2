"""Background work of the form engine. Safe to run twice: it only deletes what has expired."""

from django.conf import settings
from django.utils import timezone

from forms_builder.submissions import Draft, PendingUpload


def purge_expired_drafts():
    """Delete saved drafts untouched for FORMS_BUILDER_DRAFT_DAYS and uploads nobody sent.

    An upload belongs to a filling, not a draft; once older than the same period and never
    attached to a submission (those rows are removed at submit), nobody can send it any more.
    Returns (drafts deleted, uploads deleted).
    """
    cutoff = timezone.now() - timezone.timedelta(days=int(getattr(settings, "FORMS_BUILDER_DRAFT_DAYS", 30)))
    drafts, _ = Draft.objects.filter(updated_at__lt=cutoff).delete()
    live_owners = set()
    for data in Draft.objects.values_list("data", flat=True).iterator():
        token = (data or {}).get("extra_data", {}).get("token")
        if token:
            live_owners.add(token)
    uploads = 0
    for upload in PendingUpload.objects.filter(created_at__lt=cutoff).exclude(owner__in=live_owners).iterator():
        upload.file.delete(save=False)
        upload.delete()
        uploads += 1
    return drafts, uploads
