"""Burmese, Khmer and Lao (issue 22): switched on for residents, their catalogues complete and
checked, dates in the Gregorian calendar with their own month names, their fonts loaded only on
their own pages, and their scripts drawn in PDFs."""

import datetime
import io
import shutil
import subprocess

import polib
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import translation
from pypdf import PdfReader
from wagtail.models import Locale

from portal.management.commands import checktranslations
from portal.templatetags.portal_tags import thaidate
from services import pdf_fonts

NEW = ("my", "km", "lo")


def test_the_three_languages_are_offered_to_residents_by_their_own_names():
    languages = dict(settings.LANGUAGES)
    assert [languages[code] for code in NEW] == ["မြန်မာ", "ខ្មែរ", "ລາວ"]
    assert settings.WAGTAIL_CONTENT_LANGUAGES == settings.LANGUAGES
    # Staff keep Thai and English: the admin's libraries have no usable catalogue for these.
    assert [code for code, _ in settings.WAGTAILADMIN_PERMITTED_LANGUAGES] == ["th", "en"]
    assert translation.get_language_info("lo")["name_local"] == "ລາວ"


@pytest.mark.django_db
def test_each_language_has_its_content_locale():
    assert set(Locale.objects.values_list("language_code", flat=True)) >= {"th", "en", *NEW}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "too_long"),
    [
        ("my", "ဤတန်ဖိုးတွင် စာလုံး 40 လုံးထက် မပိုရပါ (ယခု 41 လုံး ရှိသည်)။"),
        ("km", "តម្លៃនេះត្រូវមានមិនលើសពី 40 តួអក្សរ (ឥឡូវមាន 41)។"),
        ("lo", "ຄ່ານີ້ຕ້ອງມີບໍ່ເກີນ 40 ຕົວອັກສອນ (ຕອນນີ້ມີ 41)."),
    ],
)
def test_the_tracking_page_speaks_the_language_and_explains_bad_input_in_it(client, site, code, too_long):
    """Django has no Lao and only part of Burmese and Khmer: the project's catalogue fills the
    form messages residents meet."""
    response = client.get(f"/{code}/track/", {"ref": "A" * 41})

    text = response.content.decode()
    assert response.status_code == 400
    assert f'<html lang="{code}"' in text
    assert too_long in text
    assert "Ensure this value" not in text
    # The switcher names every language in its own script, each marked with its language.
    for other, name in settings.LANGUAGES:
        assert f'lang="{other}"' in text and name in text


@pytest.mark.django_db
def test_a_language_font_is_linked_on_its_own_pages_only(client, site):
    burmese = client.get("/my/track/").content.decode()
    thai = client.get("/th/track/").content.decode()

    assert "css/fonts-my.css" in burmese and "fonts/noto-sans-my-400.woff" in burmese
    assert "css/fonts-km.css" not in burmese
    assert "fonts-my.css" not in thai and "noto-sans" not in thai


def test_the_font_files_and_their_licence_are_shipped():
    fonts = settings.BASE_DIR / "static" / "fonts"
    for code in NEW:
        for weight in ("400", "700", "name"):
            assert (fonts / f"noto-sans-{code}-{weight}.woff").stat().st_size < 100_000  # subset, not the whole font
        assert f"noto-sans-{code}-400.woff" in (settings.BASE_DIR / "static" / "css" / f"fonts-{code}.css").read_text()
    assert "SIL OPEN FONT LICENSE" in (fonts / "OFL-Noto.txt").read_text()


@pytest.mark.parametrize(
    ("code", "short", "moment"),
    [
        ("th", "21 พ.ย. 2569", "1 ม.ค. 2570 03:30 น."),
        ("en", "21 Nov 2026", "1 Jan 2027, 03:30"),
        ("my", "21 နိုဝင်ဘာ 2026", "1 ဇန်နဝါရီ 2027, 03:30"),
        ("km", "21 វិច្ឆិកា 2026", "1 មករា 2027, 03:30"),
        ("lo", "21 ພະຈິກ 2026", "1 ມັງກອນ 2027, 03:30"),
    ],
)
def test_dates_thai_in_the_buddhist_era_the_others_in_the_common_era_with_their_month_names(code, short, moment):
    new_year_in_bangkok = datetime.datetime(2026, 12, 31, 20, 30, tzinfo=datetime.UTC)
    with translation.override(code):
        assert thaidate(datetime.date(2026, 11, 21)) == short
        assert thaidate(new_year_in_bangkok, "datetime") == moment


def test_every_catalogue_of_the_five_languages_is_complete():
    call_command("checktranslations", stdout=io.StringIO())


def _copy_locale(tmp_path):
    locale = tmp_path / "locale"
    shutil.copytree(settings.LOCALE_PATHS[0], locale)
    return locale


def _edit(locale, code, change):
    path = locale / code / "LC_MESSAGES" / "django.po"
    catalogue = polib.pofile(str(path))
    change(catalogue)
    catalogue.save()


def test_a_string_missing_in_lao_fails_the_check(settings, tmp_path):
    """`make messages` refreshes th and en only: a new string reaches Lao only by hand."""
    locale = _copy_locale(tmp_path)
    _edit(locale, "lo", lambda po: po.remove(po.find("Nothing to count yet.")))
    settings.LOCALE_PATHS = [locale]

    with pytest.raises(CommandError, match=r"locale/lo/LC_MESSAGES/django.po lacks 'Nothing to count yet.'"):
        call_command("checktranslations")


def test_an_empty_or_fuzzy_burmese_entry_fails_the_check(settings, tmp_path):
    locale = _copy_locale(tmp_path)

    def blank(po):
        po.find("Nothing to count yet.").msgstr = ""
        po.find("Local tax due reminder").flags.append("fuzzy")

    _edit(locale, "my", blank)
    settings.LOCALE_PATHS = [locale]

    with pytest.raises(CommandError) as refused:
        call_command("checktranslations")
    assert "'Nothing to count yet.'" in str(refused.value) and "'Local tax due reminder'" in str(refused.value)


@pytest.mark.parametrize(
    ("msgid", "broken"),
    [
        ("Notice of delay: your request {reference}", "សេចក្ដីជូនដំណឹង៖ សំណើ {referense}"),
        ("%(stage)s, awaiting approval: %(role)s", "%(stage)s កំពុងរង់ចាំការអនុម័ត"),
        ("%(stage)s, awaiting approval: %(role)s", "%(stage) កំពុងរង់ចាំការអនុម័តពី %(role)s"),
    ],
)
def test_a_broken_placeholder_fails_the_check(settings, tmp_path, msgid, broken):
    locale = _copy_locale(tmp_path)

    def spoil(po):
        po.find(msgid).msgstr = broken

    _edit(locale, "km", spoil)
    settings.LOCALE_PATHS = [locale]

    with pytest.raises(CommandError, match="placeholders differ from the msgid"):
        call_command("checktranslations")


def test_a_django_form_message_missing_in_lao_fails_the_check(settings, tmp_path):
    locale = _copy_locale(tmp_path)
    _edit(locale, "lo", lambda po: po.remove(po.find("This field is required.")))
    settings.LOCALE_PATHS = [locale]

    with pytest.raises(CommandError, match=r"django.conf leaves 'This field is required.' untranslated in lo"):
        call_command("checktranslations")


def test_the_admin_only_library_fills_are_not_asked_of_the_resident_languages():
    missing = [entry.msgid for entry in checktranslations.missing_project_strings("my", settings.LOCALE_PATHS[0])]
    assert missing == []
    assert ("", "The page could not be saved due to validation errors.", "") in checktranslations.upstream_list_keys()


SAMPLES = {"my": "မြန်မာဘာသာ", "km": "ភាសាខ្មែរ", "lo": "ພາສາລາວ"}


def test_the_three_scripts_come_out_of_a_pdf_as_text():
    pdf = pdf_fonts.thai_pdf(format="A4")
    pdf.add_page()
    pdf.set_font("Thai", size=14)
    for text in ("ใบเสร็จรับเงิน", *SAMPLES.values()):
        pdf.cell(0, 10, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Thai", "B", size=14)
    pdf.cell(0, 10, SAMPLES["km"], new_x="LMARGIN", new_y="NEXT")
    data = bytes(pdf.output())

    text = subprocess.run(
        ["pdftotext", "-", "-"],  # noqa: S607 - poppler-utils, as the Thai PDF tests use
        input=data,
        capture_output=True,
        check=True,
    ).stdout.decode()
    squeezed = "".join(text.split())
    assert "ใบเสร็จรับเงิน" in squeezed
    for sample in SAMPLES.values():
        assert sample in squeezed
    fonts = {str(font) for page in PdfReader(io.BytesIO(data)).pages for font in _font_names(page)}
    assert any("NotoSansMyanmar" in name for name in fonts)
    assert any("NotoSansKhmer" in name for name in fonts) and any("NotoSansLao" in name for name in fonts)


def _font_names(page):
    resources = page["/Resources"]["/Font"]
    return [resources[key].get_object()["/BaseFont"] for key in resources]


def test_a_thai_only_pdf_does_not_load_the_other_fonts():
    pdf = pdf_fonts.thai_pdf(format="A4")
    pdf.add_page()
    pdf.set_font("Thai", size=14)
    pdf.cell(0, 10, "ใบเสร็จรับเงิน")
    assert set(pdf.fonts) == {"thai", "thaiB"}


def test_long_burmese_lines_wrap_between_clusters_never_inside_one():
    text = "ကျေးဇူးပြု၍ သင့်လျှောက်လွှာကို စစ်ဆေးပါ။ သင့်လျှောက်လွှာ အမှတ်စဉ်ကို မှတ်ထားပါ။"
    pdf = pdf_fonts.thai_pdf(format="A4")
    pdf.add_page()
    pdf.set_font("Thai", size=14)
    lines = pdf.multi_cell(40, 8, text, dry_run=True, output="LINES")
    assert len(lines) >= 3
    for line in lines[1:]:
        # A line never starts with a vowel sign, a medial, an asat or a stacked consonant.
        assert not ("\u102b" <= line[0] <= "\u103e"), lines
    assert "".join(line.replace(" ", "") for line in lines) == text.replace(" ", "")
