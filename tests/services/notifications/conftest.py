"""Fixtures every notifications test shares: a real SMTP server and the SMS gateway stand-in."""

import pytest

from tests.services.notifications.support import run_gateway, run_smtp


@pytest.fixture
def smtp(settings):
    yield from run_smtp(settings)


@pytest.fixture
def gateway(settings):
    yield from run_gateway(settings)
