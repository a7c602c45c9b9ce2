from django.core.management.base import BaseCommand

from services.schedules import SCHEDULES, ensure_schedules


class Command(BaseCommand):
    help = "Create or update the scheduled jobs (reminders, digests, reports, purges). Safe to run again."

    def handle(self, *args, **options):
        created, updated = ensure_schedules()
        self.stdout.write(f"{len(SCHEDULES)} schedules: {created} created, {updated} updated.")
