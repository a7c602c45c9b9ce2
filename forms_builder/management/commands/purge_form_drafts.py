"""Run daily (cron or a django-q schedule): drafts and stray uploads past FORMS_BUILDER_DRAFT_DAYS go."""

from django.core.management.base import BaseCommand

from forms_builder.tasks import purge_expired_drafts


class Command(BaseCommand):
    help = "Delete saved form drafts and unsent uploads older than FORMS_BUILDER_DRAFT_DAYS (default 30)."

    def handle(self, *args, **options):
        drafts, uploads = purge_expired_drafts()
        self.stdout.write(f"deleted {drafts} expired drafts and {uploads} unsent uploads")
