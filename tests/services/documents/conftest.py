import pytest


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Issued PDFs and certificates go to this test's own folders."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
