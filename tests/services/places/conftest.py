"""Fixtures the public-report tests share: the cases test world with its streetlight service
made a public place, a real SMTP server and the SMS gateway stand-in."""

import pytest

from tests.services.cases.support import make_world
from tests.services.notifications.support import run_gateway, run_smtp


@pytest.fixture
def world(home_th):
    world = make_world(home_th)
    world["service"].public_place = True
    world["service"].save()
    return world


@pytest.fixture
def smtp(settings):
    yield from run_smtp(settings)


@pytest.fixture
def gateway(settings):
    yield from run_gateway(settings)
