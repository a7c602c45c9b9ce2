from django.core.management.base import BaseCommand

from portal.schedules import SCHEDULES, ensure_schedules


class Command(BaseCommand):
    help = "Create or update every scheduled job (reminders, digests, reports, fees, PDPA retention, purges). Safe to run again."

    def handle(self, *args, **options):
        created, updated = ensure_schedules()
        self.stdout.write(f"{len(SCHEDULES)} schedules: {created} created, {updated} updated.")
