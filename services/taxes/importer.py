"""Reading the assessments CSV the office's tax system exports, all or nothing.

The layout (README, "Local taxes", and the import page's help say the same): a header row naming
the columns, in any order; other columns are ignored.

| column | required | what |
|---|---|---|
| account_number | yes | the account number on the tax bill; spaces are dropped (L 0001 → L0001) |
| tax | yes | land_building (ภาษีที่ดินและสิ่งปลูกสร้าง) or signboard (ภาษีป้าย) |
| taxpayer_name | yes | named on the receipt |
| taxpayer_id | yes | the national ID or juristic-person tax ID, or only its last 4 digits: only the last 4 are kept |
| tax_year | yes | Buddhist Era, e.g. 2569 |
| amount | yes | baht, e.g. 1,250.50 (commas, Thai digits, ฿ and บาท are read) |
| description | no | the land or sign, e.g. โฉนด 1234 ม.3 |
| phone | no | for SMS reminders |
| email | no | for e-mail reminders |

Encoding: UTF-8 with or without a byte-order mark, or TIS-620 (Windows-874), which Thai
Windows programs still write; the file's bytes decide, nobody has to choose.

Validation: every row is checked before anything is written; one bad row means nothing is
imported and the page lists each bad row by its line number in the file with the reason.
Imported in one transaction; importing the same file again changes nothing (an account is
matched by its number, an assessment by account and year, and updated in place).
"""

import csv
import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from forms_builder.fields import normalise_phone
from portal.i18n import ascii_digits
from portal.typed_text import has_control_characters, trim
from services.payments.forms import AmountField
from services.taxes.bills import normalise_account
from services.taxes.models import TaxAccount, TaxAssessment, TaxBill, TaxKind

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20000
MAX_REPORTED = 50  # bad rows listed; the count says how many more
REQUIRED = ["account_number", "tax", "taxpayer_name", "taxpayer_id", "tax_year", "amount"]
OPTIONAL = ["description", "phone", "email"]
# The layout as the import page shows it: (column, required, what).
COLUMNS_HELP = [
    ("account_number", True, _l("The account number on the tax bill; spaces are dropped (L 0001 is L0001).")),
    ("tax", True, _l("land_building (ภาษีที่ดินและสิ่งปลูกสร้าง) or signboard (ภาษีป้าย).")),
    ("taxpayer_name", True, _l("Named on the receipt.")),
    (
        "taxpayer_id",
        True,
        _l("The national ID or company tax ID, or only its last 4 digits: only the last 4 are kept."),
    ),
    ("tax_year", True, _l("Buddhist Era, e.g. 2569.")),
    ("amount", True, _l("Baht, e.g. 1,250.50; commas, Thai digits, ฿ and บาท are read.")),
    ("description", False, _l("The land or the sign, e.g. โฉนด 1234 หมู่ 3.")),
    ("phone", False, _l("For SMS reminders before each due date.")),
    ("email", False, _l("For e-mail reminders before each due date.")),
]
KINDS = {
    "land_building": TaxKind.LAND_BUILDING,
    "ภาษีที่ดินและสิ่งปลูกสร้าง": TaxKind.LAND_BUILDING,
    "signboard": TaxKind.SIGNBOARD,
    "ภาษีป้าย": TaxKind.SIGNBOARD,
}
ACCOUNT = re.compile(r"[A-Z0-9][A-Z0-9./-]{0,19}")


class ImportRefused(Exception):
    """The whole file cannot be read (encoding, size, header); `str(error)` says why."""


@dataclass
class Row:
    line: int
    account_number: str
    kind: str
    taxpayer_name: str
    id_last4: str
    year: int
    amount: object
    description: str = ""
    phone: str = ""
    email: str = ""


@dataclass
class Outcome:
    rows: list = field(default_factory=list)
    errors: list = field(default_factory=list)  # (line, message)
    error_count: int = 0
    encoding: str = ""
    accounts_created: int = 0
    accounts_updated: int = 0
    assessments_created: int = 0
    assessments_updated: int = 0
    unchanged: int = 0

    def refuse(self, line, message):
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED:
            self.errors.append((line, message))


def decode(data):
    """(text, encoding name) of the file's bytes: UTF-8 (a BOM is dropped) when they are valid
    UTF-8, else TIS-620 as Windows-874 writes it."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "UTF-8"
        except UnicodeDecodeError:
            raise ImportRefused(_("The file says it is UTF-8 but is not. Export it again as CSV (UTF-8).")) from None
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp874")
    except UnicodeDecodeError:
        raise ImportRefused(
            _("The file is neither UTF-8 nor TIS-620 text. Export it again as CSV (UTF-8 or TIS-620).")
        ) from None
    return text, "TIS-620"


def _cell(record, name):
    return trim(record.get(name) or "")


def _kind(value):
    return KINDS.get(value.strip().lower()) or KINDS.get(value.strip())


def check_row(line, record):
    """A Row, or the reason the row is refused."""
    values = {name: _cell(record, name) for name in REQUIRED + OPTIONAL}
    for name, value in values.items():
        if has_control_characters(value):
            return _("the column %(column)s holds a control character") % {"column": name}
    missing = [name for name in REQUIRED if not values[name]]
    if missing:
        return _("empty %(columns)s") % {"columns": ", ".join(missing)}
    number = normalise_account(values["account_number"])
    if not ACCOUNT.fullmatch(number):
        return _("account number %(number)s: use at most 20 letters, digits, - / or .") % {"number": number[:30]}
    kind = _kind(values["tax"])
    if kind is None:
        return _("tax %(value)s: write land_building or signboard") % {"value": values["tax"][:40]}
    if len(values["taxpayer_name"]) > 200:
        return _("taxpayer_name is longer than 200 characters")
    id_digits = re.sub(r"[\s-]", "", ascii_digits(values["taxpayer_id"]))
    if not id_digits.isdigit() or len(id_digits) not in (4, 13):
        return _("taxpayer_id: give the 13-digit ID or its last 4 digits")
    year_text = ascii_digits(values["tax_year"])
    if not year_text.isdigit() or not 2500 <= int(year_text) <= 2700:
        return _("tax_year %(value)s: give the year in Buddhist Era, e.g. 2569") % {"value": values["tax_year"][:10]}
    try:
        amount = AmountField(max_length=30).clean(values["amount"])
    except ValidationError as error:
        return _("amount %(value)s: %(reason)s") % {"value": values["amount"][:30], "reason": " ".join(error.messages)}
    phone = normalise_phone(values["phone"]) if values["phone"] else ""
    if phone and not re.fullmatch(r"0\d{8,9}", phone):
        return _("phone %(value)s: give a Thai phone number, e.g. 0812345678") % {"value": values["phone"][:20]}
    email = values["email"]
    if email:
        try:
            validate_email(email)
        except ValidationError:
            return _("email %(value)s is not an e-mail address") % {"value": email[:60]}
    return Row(
        line=line,
        account_number=number,
        kind=kind,
        taxpayer_name=values["taxpayer_name"],
        id_last4=id_digits[-4:],
        year=int(year_text),
        amount=amount,
        description=values["description"][:300],
        phone=phone,
        email=email[:254],
    )


def read(data):
    """Check every row of the file's bytes: an Outcome with the rows, or with the errors."""
    if len(data) > MAX_BYTES:
        raise ImportRefused(_("The file is larger than 5 MB. Split it into smaller files."))
    text, encoding = decode(data)
    outcome = Outcome(encoding=encoding)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = [trim(name or "").lower() for name in (reader.fieldnames or [])]
    except csv.Error as error:
        raise ImportRefused(_("Line 1 cannot be read as CSV: %(reason)s") % {"reason": error}) from None
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise ImportRefused(
            _("The first line must name the columns; missing: %(columns)s.") % {"columns": ", ".join(missing)}
        )
    reader.fieldnames = header
    seen = {}
    try:
        for record in reader:
            line = reader.line_num
            if not any(trim(value or "") for value in record.values() if isinstance(value, str)):
                continue  # a blank line (spreadsheets end files with some)
            if len(outcome.rows) + outcome.error_count >= MAX_ROWS:
                raise ImportRefused(_("The file has more than 20,000 rows. Split it into smaller files."))
            row = check_row(line, record)
            if isinstance(row, str):
                outcome.refuse(line, row)
                continue
            key = (row.account_number, row.year)
            if key in seen:
                outcome.refuse(
                    line,
                    _("account %(number)s, year %(year)s is also on line %(other)s")
                    % {"number": row.account_number, "year": row.year, "other": seen[key]},
                )
                continue
            seen[key] = line
            outcome.rows.append(row)
    except csv.Error as error:
        raise ImportRefused(
            _("Line %(line)s cannot be read as CSV: %(reason)s") % {"line": reader.line_num, "reason": error}
        ) from None
    if not outcome.rows and not outcome.error_count:
        raise ImportRefused(_("The file has a header but no rows."))
    return outcome


def import_file(site, data):
    """Read and, when every row is good, write the file's accounts and assessments for `site`
    in one transaction. Returns the Outcome; nothing is written when it has errors."""
    outcome = read(data)
    if outcome.error_count:
        return outcome
    with transaction.atomic():
        _write(site, outcome)
        if outcome.error_count:
            transaction.set_rollback(True)  # a row the database refused: nothing half-imported
    return outcome


def _write(site, outcome):
    numbers = {row.account_number for row in outcome.rows}
    accounts = {
        a.account_number: a
        for a in TaxAccount.objects.select_for_update().filter(site=site, account_number__in=numbers)
    }
    assessments = {
        (a.account.account_number, a.year): a
        for a in TaxAssessment.objects.select_related("account").filter(account__in=accounts.values())
    }
    paid = set(
        TaxBill.objects.filter(assessment__in=assessments.values(), invoice__status="paid").values_list(
            "assessment_id", flat=True
        )
    )
    now = timezone.now()
    for row in outcome.rows:
        account = accounts.get(row.account_number)
        wanted = {
            "kind": row.kind,
            "taxpayer_name": row.taxpayer_name,
            "id_last4": row.id_last4,
            "description": row.description,
            "phone": row.phone,
            "email": row.email,
        }
        if account is None:
            account = TaxAccount.objects.create(site=site, account_number=row.account_number, updated_at=now, **wanted)
            accounts[row.account_number] = account
            outcome.accounts_created += 1
        elif account.kind != row.kind:
            outcome.refuse(
                row.line,
                _("account %(number)s is a %(tax)s account")
                % {"number": row.account_number, "tax": TaxKind(account.kind).label},
            )
            continue
        elif any(getattr(account, name) != value for name, value in wanted.items()):
            for name, value in wanted.items():
                setattr(account, name, value)
            account.updated_at = now
            account.save()
            outcome.accounts_updated += 1
        assessment = assessments.get((row.account_number, row.year))
        if assessment is None:
            assessments[(row.account_number, row.year)] = TaxAssessment.objects.create(
                account=account, year=row.year, amount=row.amount, imported_at=now
            )
            outcome.assessments_created += 1
        elif assessment.amount != row.amount:
            if assessment.pk in paid:
                outcome.refuse(
                    row.line,
                    _("the %(year)s tax of %(number)s is partly or wholly paid: its amount cannot change")
                    % {"year": row.year, "number": row.account_number},
                )
                continue
            TaxAssessment.objects.filter(pk=assessment.pk).update(amount=row.amount, imported_at=now)
            outcome.assessments_updated += 1
        else:
            outcome.unchanged += 1
