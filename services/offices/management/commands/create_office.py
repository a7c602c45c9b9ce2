"""manage.py create_office: a new office goes live with one command."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from services.offices.going_live import create_office


class Command(BaseCommand):
    help = (
        "Create an office: its site for HOST, page tree from the starter catalogue, settings, staff groups "
        "and editorial workflow, in one transaction. Prints what is left to do."
    )

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="The office's name in Thai, e.g. องค์การบริหารส่วนตำบลหนองบัว")
        parser.add_argument("--host", required=True, help="The host name residents type, e.g. nongbua.go.th")
        parser.add_argument("--prefix", required=True, help="2-6 Latin letters starting every reference, e.g. NBA")
        parser.add_argument("--name-en", default="", help="The office's name in English")
        parser.add_argument("--province", default="", help="The province, in Thai, e.g. เชียงใหม่")
        parser.add_argument("--port", default="80", help="The port the site answers on (80 behind a web server)")

    def handle(self, *args, **options):
        try:
            site = create_office(
                options["name"],
                options["host"],
                options["prefix"],
                name_en=options["name_en"],
                province=options["province"],
                port=options["port"],
                out=self.stdout,
            )
        except ValidationError as error:
            lines = [f"{field}: {message}" for field, messages in error.message_dict.items() for message in messages]
            raise CommandError("Nothing was created.\n" + "\n".join(lines)) from None
        self.stdout.write(
            self.style.SUCCESS(f"Office {site.site_name} is live at {site.root_url}/ (see the list above).")
        )
