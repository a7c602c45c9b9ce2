"""Where residents' uploads live: a private storage outside MEDIA_ROOT.

MEDIA_ROOT is served publicly (by the web server or Django's static helper in DEBUG), so an ID
card photo stored there would be one guessed URL away from anyone. Files here have no URL at all:
the case queue streams them to the people allowed to see them.
"""

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible
from django.utils.functional import LazyObject


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

    def url(self, name):
        raise NotImplementedError("Private files have no public URL; stream them through a view that checks access.")


class _LazyPrivateStorage(LazyObject):
    def _setup(self):
        self._wrapped = PrivateStorage()


private_storage = _LazyPrivateStorage()


def get_private_storage():
    """Callable for FileField(storage=...), so migrations do not freeze a path."""
    return private_storage
