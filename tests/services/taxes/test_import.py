"""The assessments CSV: both encodings, the office's typing habits (spaces in account numbers,
commas and Thai digits in amounts), every bad row reported by line with nothing imported, and
importing the same file twice changing nothing."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from services.taxes import importer
from services.taxes.models import TaxAccount, TaxAssessment
from tests.services.payments.two_offices import make_office, staff_of
from tests.services.taxes.support import HEADER, ROWS, csv_bytes, tax_officer

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp874"])
def test_reads_utf8_with_or_without_bom_and_tis620(site, encoding):
    outcome = importer.import_file(site, csv_bytes(encoding=encoding))
    assert outcome.error_count == 0
    assert outcome.encoding == ("TIS-620" if encoding == "cp874" else "UTF-8")
    land = TaxAccount.objects.get(site=site, account_number="L0001")  # the space is dropped
    assert land.taxpayer_name == "นายสมชาย ใจดี"
    assert land.id_last4 == "3456"  # the full ID is never kept
    assert land.assessments.get().amount == Decimal("6000.00")  # "6,000.00"
    sign = TaxAccount.objects.get(site=site, account_number="S-0007")
    assert sign.kind == "signboard"
    assert sign.assessments.get(year=2569).amount == Decimal("600.00")  # Thai digits
    assert "3100500123456" not in str(list(TaxAccount.objects.values()))


def test_bytes_that_are_no_text_are_refused_with_a_message(site):
    with pytest.raises(importer.ImportRefused, match="UTF-8"):
        importer.import_file(site, b"\xef\xbb\xbf" + "ภาษี".encode("cp874"))


def test_a_bad_row_is_reported_by_line_and_nothing_is_imported(site):
    rows = [*ROWS, "L-0009,land_building,นางสาวสมหญิง,1111,2569,12x5,,,", "L-0010,water,ก,1111,2569,5,,,"]
    outcome = importer.import_file(site, csv_bytes(rows))
    assert outcome.error_count == 2
    lines = dict(outcome.errors)
    assert set(lines) == {4, 5}  # the header is line 1
    assert "12x5" in lines[4]
    assert "ให้ระบุ land_building หรือ signboard" in lines[5]  # in the office's language
    assert not TaxAccount.objects.exists() and not TaxAssessment.objects.exists()


def test_gregorian_year_and_duplicate_rows_are_refused(site):
    rows = [ROWS[0], ROWS[0].replace("2569", "2026"), ROWS[0]]
    outcome = importer.import_file(site, csv_bytes(rows))
    assert [line for line, _message in outcome.errors] == [3, 4]
    assert "พุทธศักราช" in outcome.errors[0][1]
    assert "บรรทัดที่ 2" in outcome.errors[1][1]


def test_missing_column_is_refused(site):
    with pytest.raises(importer.ImportRefused, match="taxpayer_id"):
        importer.import_file(site, csv_bytes(header=HEADER.replace("taxpayer_id", "id")))


def test_importing_again_updates_and_never_duplicates(site):
    importer.import_file(site, csv_bytes())
    again = importer.import_file(site, csv_bytes())
    assert (again.accounts_created, again.assessments_created, again.unchanged) == (0, 0, 2)
    changed = importer.import_file(site, csv_bytes([ROWS[0].replace('"6,000.00"', "6500"), ROWS[1]]))
    assert changed.assessments_updated == 1
    assert TaxAccount.objects.count() == 2 and TaxAssessment.objects.count() == 2
    assert TaxAssessment.objects.get(account__account_number="L0001").amount == Decimal("6500.00")


def test_staff_import_page_needs_the_permission_and_imports_into_their_office(client, site):
    other = make_office("อบต.หนองบัว", "nongbua.test")
    plain = staff_of(site, "cases.view_all_cases")
    client.force_login(plain)
    refused = client.get("/admin/taxes/import/")
    assert refused.status_code == 302 and refused["Location"] == "/admin/"  # Wagtail: "no permission"
    officer = tax_officer(site)
    client.force_login(officer)
    page = client.get("/admin/taxes/import/").content.decode()
    assert "taxpayer_id" in page and "TIS-620" in page  # the layout is documented on the page
    assert other.site_name not in page  # only their office to choose
    upload = SimpleUploadedFile("ltax.csv", csv_bytes(encoding="cp874"), content_type="text/csv")
    response = client.post("/admin/taxes/import/", {"office": other.pk, "file": upload})
    assert response.status_code == 400  # another office cannot be chosen
    assert not TaxAccount.objects.exists()
    upload = SimpleUploadedFile("ltax.csv", csv_bytes(encoding="cp874"), content_type="text/csv")
    response = client.post("/admin/taxes/import/", {"office": site.pk, "file": upload})
    assert response.status_code == 200
    assert TaxAccount.objects.filter(site=site).count() == 2


def test_staff_import_page_lists_bad_rows(client, site):
    client.force_login(tax_officer(site))
    upload = SimpleUploadedFile("ltax.csv", csv_bytes([ROWS[0], "S-1,signboard,ก,1111,2569,-5,,,"]))
    response = client.post("/admin/taxes/import/", {"office": site.pk, "file": upload}, HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 400
    assert "Line 3" in html and "Nothing was imported" in html
    assert not TaxAccount.objects.exists()
