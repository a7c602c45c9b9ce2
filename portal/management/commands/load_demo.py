"""Build the demo municipality. Idempotent: run it twice and the site is the same.

The demo is the starter catalogue (portal/starter.py: guides, e-forms, departments, standard
pages, the editorial workflow — what every new office gets) with demo people and cases on top.
Each room contributes its own `demo.py`, imported by name so the kernel imports no room:
- `prepare(site, out)`, if a room has one, runs before the starter: the demo municipality's name,
  contacts and department names, which the starter's guides then quote;
- `load(site, out)` runs after it, in the order below (users before the cases they handle).
"""

import random
import time
from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction
from wagtail.models import Site

from portal.starter import load_starter

PREPARE_MODULES = ["home.demo", "services.demo"]
DEMO_MODULES = [
    "portal.demo",
    "services.demo",
    # Communities and routing rules before the demo cases, so those are matched and routed.
    "services.areas.demo",
    "services.cases.demo",
    "services.payments.demo",
    "services.agencies.demo",  # the electricity and water authorities, highways, police (issue 21)
    "services.documents.demo",  # the showcase food-shop certificate, signed (issue 20)
    # Counters, services booked by visit and bookings; tax accounts, one paid (issue 23).
    "services.booking.demo",
    "services.taxes.demo",
    "services.notifications.demo",
    "services.places.demo",
    "services.help.demo",  # volunteers who agreed to be named in the help box, by community (issue 22)
    "home.demo",
    # The complaint and streetlight e-forms and guides, and the garbage-fee guide, in Burmese,
    # Khmer and Lao, translated with wagtail-localize (issue 22): after every page they use.
    "services.demo_languages",
    "portal.demo_security",
    # The second demo office (อบต.หนองบัว at nongbua.localhost): last, on top of the first.
    "services.offices.demo",
]
SEED = 2569


def optional_module(name):
    """The room's demo module, or None if the room has no demo content yet."""
    try:
        return import_module(name)
    except ModuleNotFoundError as error:
        if not (error.name and f"{name}.".startswith(f"{error.name}.")):
            raise  # something the module imports is missing: a real error
        return None


class Command(BaseCommand):
    help = "Load the demo municipality (Thai and English content, demo users). Safe to run again."

    def handle(self, *args, **options):
        random.seed(SEED)  # the demo uses no factories; its rooms draw from seeded `random` only
        site = Site.objects.get(is_default_site=True)
        started = time.perf_counter()
        with transaction.atomic():
            for name in PREPARE_MODULES:
                module = optional_module(name)
                if module is not None and hasattr(module, "prepare"):
                    module.prepare(site, self.stdout)
            load_starter(site, self.stdout)
            for name in DEMO_MODULES:
                module = optional_module(name)
                if module is not None:
                    module.load(site, self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Demo municipality ready ({time.perf_counter() - started:.1f} s)."))
