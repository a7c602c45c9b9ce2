"""Where residents' uploads live: the `private` storage (STORAGES["private"]), never public.

MEDIA_ROOT is served publicly (by the web server or Django's static helper in DEBUG), so an ID
card photo stored there would be one guessed URL away from anyone. Files here have no URL at all:
the case queue streams them to the people allowed to see them, through views that check access
and write the access log.

The alias is a folder outside MEDIA_ROOT by default (`PrivateStorage`), or a private bucket or
prefix of S3-compatible object storage when S3_BUCKET is set (`forms_builder.storage_s3`); see
`portal/settings/base.py`. Code never asks for a local path: it opens, saves and deletes through
the storage API, so both behave alike.
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.utils.deconstruct import deconstructible
from django.utils.functional import LazyObject, empty

NO_URL = "Private files have no public URL; stream them through a view that checks access."


@deconstructible
class PrivateStorage(FileSystemStorage):
    """A FileSystemStorage rooted at PRIVATE_MEDIA_ROOT, with no base URL.

    The location is read when used, not at import, so tests (and the browser tests' server) can
    point PRIVATE_MEDIA_ROOT elsewhere.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("base_url", None)
        super().__init__(**kwargs)

    @property
    def base_location(self):
        return self._value_or_setting(self._location, str(settings.PRIVATE_MEDIA_ROOT))

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise NotImplementedError(NO_URL)


class _PrivateStorageProxy(LazyObject):
    """What FileField(storage=get_private_storage) holds: it resolves `storages["private"]` on
    use, so settings changes (tests, S3 switched on) reach fields created at import time."""

    def _setup(self):
        self._wrapped = storages["private"]


private_storage = _PrivateStorageProxy()


def reset_when_settings_change(*, setting, **kwargs):
    """setting_changed receiver (connected in FormsBuilderConfig.ready): tests that point the
    private storage elsewhere get a storage built from the new settings."""
    if setting in ("STORAGES", "PRIVATE_MEDIA_ROOT"):
        private_storage._wrapped = empty


def get_private_storage():
    """Callable for FileField(storage=...), so migrations name this function, not a backend."""
    return private_storage
