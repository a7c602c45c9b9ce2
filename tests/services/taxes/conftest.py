import pytest

from services.taxes import importer
from tests.services.taxes.support import csv_bytes, with_promptpay


@pytest.fixture
def imported(site):
    """The default office with a PromptPay ID and the two accounts of support.ROWS imported."""
    with_promptpay(site)
    outcome = importer.import_file(site, csv_bytes())
    assert outcome.error_count == 0
    return site
