"""Create (or replace) the rich menu of an office's LINE Official Account through the Messaging
API: report a problem, my requests, services, contact. Run again after changing the office's
services page or the labels; the previous menu is deleted."""

import requests
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from services.line import menu
from services.line.channel import credentials, default_office, office_named


class Command(BaseCommand):
    help = (
        "Create the office's LINE rich menu (report a problem, my requests, services, contact) and make it the default."
    )

    def add_arguments(self, parser):
        parser.add_argument("--office", help="The office's host name (as in Sites); the default office when left out.")

    def handle(self, *args, office=None, **options):
        site = office_named(office) if office else default_office()
        if site is None:
            raise CommandError(f"No office with the host name {office!r}.")
        channel = credentials(site)
        if channel is None or not channel.token:
            raise CommandError(
                "This office has no LINE channel access token: set it in Settings > Notification settings "
                "(or LINE_CHANNEL_TOKEN for the default office)."
            )
        with translation.override("th"):
            try:
                created = menu.install(site, channel.token)
            except requests.RequestException as error:
                raise CommandError(f"LINE refused the rich menu: {error}") from None
        self.stdout.write(
            self.style.SUCCESS(f"Rich menu {created} is now the default of {site.site_name or site.hostname}.")
        )
