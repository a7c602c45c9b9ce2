from django.core.management.base import BaseCommand

from services.tasks_privacy import SCHEDULE_NAME, ensure_schedule


class Command(BaseCommand):
    help = "Create the daily PDPA retention task (anonymise closed cases past their period). Safe to run again."

    def handle(self, *args, **options):
        changed = ensure_schedule()
        self.stdout.write(f"{SCHEDULE_NAME}: {'created or updated' if changed else 'unchanged'}")
