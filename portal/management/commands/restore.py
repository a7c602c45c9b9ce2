from django.core.management.base import BaseCommand, CommandError

from portal.backups import BackupError, restore_archive


class Command(BaseCommand):
    help = (
        "Rebuild the site from an archive made by `manage.py backup`: checks its checksums, then "
        "fills an empty database (DATABASE_URL) and puts the files back. See README, Backups."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The portal-backup-….tar.gz file (its .sha256 beside it is checked).")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace everything in a database that is not empty (stop the site and the worker first).",
        )

    def handle(self, *args, **options):
        try:
            summary = restore_archive(options["archive"], force=options["force"])
        except BackupError as error:
            raise CommandError(str(error)) from None
        if not summary["archive_checksum_checked"]:
            self.stdout.write(
                self.style.WARNING("No .sha256 file beside the archive: only its members' checksums were checked.")
            )
        files = ", ".join(f"{count} {name}" for name, count in summary["files"].items())
        self.stdout.write(f"Restored the backup of {summary['created']}: {summary['tables']} tables, files: {files}.")
        for table, (expected, found) in summary["rows_differing"].items():
            self.stdout.write(self.style.WARNING(f"{table}: {found} rows, the backup had {expected}."))
        if summary["missing_objects"]:
            self.stdout.write(
                self.style.WARNING(
                    f"{len(summary['missing_objects'])} objects the backup lists are not in the bucket "
                    f"(first: {summary['missing_objects'][0]}): copy the bucket back from its own backup."
                )
            )
        if summary["migrations_to_apply"]:
            self.stdout.write(self.style.WARNING("The backup is from an older version: run `manage.py migrate` next."))
        self.stdout.write(self.style.SUCCESS("Done. Start the site and the worker (`manage.py qcluster`)."))
