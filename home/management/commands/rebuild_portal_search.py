from django.core.management.base import BaseCommand

from home import search


class Command(BaseCommand):
    help = "Rebuild the Thai-aware site search index (services, forms, news, pages) from what is live."

    def handle(self, *args, **options):
        count = search.rebuild()
        self.stdout.write(self.style.SUCCESS(f"Indexed {count} items."))
