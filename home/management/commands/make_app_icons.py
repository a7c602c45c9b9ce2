"""Write the default home-screen icons (static/img/app-icon-*.png) from home/app_icons.py's
drawing of the emblem. The PNGs are committed; run this again only when the drawing changes."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from home.app_icons import APPLE_SIZE, PURPOSES, SIZES, default_png, icon_name


class Command(BaseCommand):
    help = "Write the default app icons into static/img (committed files)."

    def handle(self, *args, **options):
        folder = Path(settings.BASE_DIR) / "static" / "img"
        wanted = [(size, purpose) for size in SIZES for purpose in PURPOSES] + [(APPLE_SIZE, "any")]
        for size, purpose in wanted:
            path = folder / icon_name(size, purpose)
            path.write_bytes(default_png(size, purpose))
            self.stdout.write(f"{path.relative_to(settings.BASE_DIR)} ({size}x{size}, {purpose})")
