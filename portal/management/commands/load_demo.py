"""Build the demo municipality. Idempotent: run it twice and the site is the same.

Each room contributes its own `demo.py` with a `load(site, out)` function; the order below is
the order of dependencies (forms exist before the guides that link to them, guides before the
home page tiles that point at them).
"""

import random
from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction
from wagtail.models import Site

DEMO_MODULES = [
    "portal.demo",
    "forms_builder.demo",
    "services.demo",
    "services.cases.demo",
    "services.payments.demo",
    "services.notifications.demo",
    "home.demo",
    "portal.demo_security",
]
SEED = 2569


class Command(BaseCommand):
    help = "Load the demo municipality (Thai and English content, demo users). Safe to run again."

    def handle(self, *args, **options):
        random.seed(SEED)  # the demo uses no factories; its rooms draw from seeded `random` only
        site = Site.objects.get(is_default_site=True)
        with transaction.atomic():
            for name in DEMO_MODULES:
                try:
                    module = import_module(name)
                except ModuleNotFoundError as error:
                    if error.name != name:
                        raise
                    continue  # a room with no demo content yet
                module.load(site, self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo municipality ready."))
