"""Fixtures the public-report tests share: the cases test world with its streetlight service
made a public place, a real SMTP server and the SMS gateway stand-in."""

import pytest

from tests.services.notifications.support import run_gateway, run_smtp
from tests.services.places.support import public_world


@pytest.fixture
def world(home_th):
    return public_world(home_th)


@pytest.fixture
def smtp(settings):
    yield from run_smtp(settings)


@pytest.fixture
def gateway(settings):
    yield from run_gateway(settings)
