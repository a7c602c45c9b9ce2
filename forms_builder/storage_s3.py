"""Residents' uploads in S3-compatible object storage (STORAGES["private"] when S3_BUCKET is set).

A module of its own so that boto3 is imported only by installs that use object storage.

No ACL is ever sent, so objects are exactly as private as their bucket (which must not be
public; with one bucket, only its `media/` prefix may be readable by anyone). No URL is ever
handed out, not even a short-lived presigned one: every download goes through a view that checks
who is asking, writes the access log and names the file. A presigned URL would work for anyone
who got hold of it (a forwarded LINE message, a browser history) until it expires, unlogged.
"""

from storages.backends.s3 import S3Storage

from forms_builder.storage import NO_URL


class PrivateS3Storage(S3Storage):
    def get_default_settings(self):
        # Never an ACL, whatever AWS_DEFAULT_ACL says; never overwrite a resident's file.
        return {**super().get_default_settings(), "default_acl": None, "file_overwrite": False}

    def __init__(self, **options):
        options.pop("default_acl", None)
        super().__init__(**options)

    def url(self, name, parameters=None, expire=None, http_method=None):
        raise NotImplementedError(NO_URL)
