"""`manage.py sms_gateway_standin`: the local SMS gateway `make run` starts next to the site and
the worker (see services/notifications/standin.py). It listens where SMS_GATEWAY_URL points, so the site
and the stand-in cannot disagree, and refuses to stand in for anything but a local address."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from services.notifications.standin import StandinGateway

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


class Command(BaseCommand):
    help = "Serve a local SMS gateway stand-in at SMS_GATEWAY_URL that prints each message instead of sending it."

    def handle(self, *args, **options):
        if not settings.SMS_GATEWAY_URL:
            self.stdout.write("SMS_GATEWAY_URL is empty: SMS is off, no stand-in started.")
            return
        url = urlsplit(settings.SMS_GATEWAY_URL)
        if url.scheme != "http" or url.hostname not in LOCAL_HOSTS:
            self.stdout.write(f"SMS_GATEWAY_URL points at {url.hostname}: a real gateway, no stand-in started.")
            return
        try:
            server = StandinGateway(
                (url.hostname, url.port or 80), settings.SMS_GATEWAY_KEY, out=self.line, path=url.path or "/"
            )
        except OSError as error:
            raise CommandError(f"Cannot listen on {url.hostname}:{url.port}: {error}") from error
        self.line(f"SMS gateway stand-in at {server.url}: each message is printed here, not sent.")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()

    def line(self, text):
        self.stdout.write(text)
        self.stdout.flush()
