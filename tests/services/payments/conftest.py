import pytest

from tests.services.payments.two_offices import two_offices


@pytest.fixture
def offices(db):
    """Office A (the default site) and office B (nongbua.test), each with an officer and a case."""
    return two_offices()
