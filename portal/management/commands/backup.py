from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.backups import BackupError, prune, write_archive


class Command(BaseCommand):
    help = (
        "Write one archive of the whole site (database, public media and residents' private files, "
        "or a list of object-storage keys) with a SHA-256 file beside it. See README, Backups."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir", default=None, help="Folder for the archive (default: BACKUP_DIR, %(default)s if unset)."
        )
        parser.add_argument(
            "--keep",
            type=int,
            default=None,
            help="Afterwards keep only this many newest archives in the folder (default: keep all).",
        )

    def handle(self, *args, **options):
        folder = Path(options["dir"] or settings.BACKUP_DIR)
        try:
            archive = write_archive(folder)
        except BackupError as error:
            raise CommandError(str(error)) from None
        if options["keep"] is not None:
            for old in prune(folder, options["keep"]):
                self.stdout.write(f"Deleted the older archive {old.name}.")
        size = archive.stat().st_size / 1024 / 1024
        self.stdout.write(self.style.SUCCESS(f"Wrote {archive} ({size:.1f} MB) and {archive.name}.sha256."))
