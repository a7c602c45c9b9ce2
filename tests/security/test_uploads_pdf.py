"""PDFs that run something or carry a file are refused (issue 16): JavaScript (document-level,
on opening, on a page or a link), Launch actions, embedded files and file attachments. Ordinary
PDFs, links to web pages included, still pass."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from pypdf import PdfWriter
from pypdf.annotations import Link
from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject, TextStringObject

from forms_builder.uploads import check_and_clean
from tests.forms_builder.helpers import PDF_BYTES

PDF_SPEC = {"key": "doc", "allowed_types": ["pdf"], "max_size_mb": 5}


def writer_from_real_pdf():
    return PdfWriter(clone_from=io.BytesIO(PDF_BYTES))


def written(writer):
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def action(kind, **entries):
    return DictionaryObject(
        {NameObject("/S"): NameObject(kind), **{NameObject(f"/{k}"): TextStringObject(v) for k, v in entries.items()}}
    )


def with_document_javascript():
    """A script in the catalog's /Names tree, run when the document opens (what pypdf's former
    `add_js` wrote)."""
    writer = writer_from_real_pdf()
    script = writer._add_object(action("/JavaScript", JS="app.alert('hello');"))
    names = ArrayObject([TextStringObject("hello"), script])
    writer._root_object[NameObject("/Names")] = DictionaryObject(
        {NameObject("/JavaScript"): DictionaryObject({NameObject("/Names"): names})}
    )
    return written(writer)


def with_attachment():
    writer = writer_from_real_pdf()
    writer.add_attachment("invoice.exe", b"MZ this would be a program")
    return written(writer)


def with_launch_on_open():
    writer = writer_from_real_pdf()
    writer._root_object[NameObject("/OpenAction")] = action("/Launch", F="cmd.exe")
    return written(writer)


def with_javascript_on_open():
    writer = writer_from_real_pdf()
    writer._root_object[NameObject("/OpenAction")] = action("/JavaScript", JS="app.alert(1)")
    return written(writer)


def with_page_action():
    writer = writer_from_real_pdf()
    writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): action("/JavaScript", JS="this.print()")})
    return written(writer)


def with_launching_link():
    writer = writer_from_real_pdf()
    link = Link(rect=(10, 10, 100, 40), url="https://example.org/")
    link[NameObject("/A")] = action("/Launch", F="calc.exe")
    writer.add_annotation(0, link)
    return written(writer)


def with_link_chaining_a_script():
    """A harmless-looking web link whose /Next action runs a script."""
    writer = writer_from_real_pdf()
    link = Link(rect=(10, 10, 100, 40), url="https://example.org/")
    link["/A"][NameObject("/Next")] = action("/JavaScript", JS="app.alert(2)")
    writer.add_annotation(0, link)
    return written(writer)


def with_file_attachment_annotation():
    writer = writer_from_real_pdf()
    annotation = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/FileAttachment"),
            NameObject("/Rect"): ArrayObject([FloatObject(0), FloatObject(0), FloatObject(20), FloatObject(20)]),
            NameObject("/FS"): TextStringObject("payload.bin"),
        }
    )
    writer.add_annotation(0, annotation)
    return written(writer)


def with_web_link():
    writer = writer_from_real_pdf()
    writer.add_annotation(0, Link(rect=(10, 10, 100, 40), url="https://www.example.go.th/"))
    return written(writer)


@pytest.mark.parametrize(
    "build",
    [
        with_document_javascript,
        with_attachment,
        with_launch_on_open,
        with_javascript_on_open,
        with_page_action,
        with_launching_link,
        with_link_chaining_a_script,
        with_file_attachment_annotation,
    ],
)
def test_a_pdf_that_runs_something_or_carries_a_file_is_refused(build):
    data = build()
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        check_and_clean(SimpleUploadedFile("form.pdf", data), PDF_SPEC)
    assert refused.value.messages == [
        "form.pdf contains scripts, automatic actions or attached files, which we cannot accept. "
        "Save it again as an ordinary PDF (for example with Print, then Save as PDF) and upload that."
    ]


def test_the_refusal_is_in_thai_on_a_thai_page():
    with translation.override("th"), pytest.raises(ValidationError) as refused:
        check_and_clean(SimpleUploadedFile("แบบคำขอ.pdf", with_document_javascript()), PDF_SPEC)
    assert refused.value.messages[0].startswith("ไฟล์ แบบคำขอ.pdf มีสคริปต์ คำสั่งที่ทำงานอัตโนมัติ หรือไฟล์แนบฝังอยู่")


@pytest.mark.parametrize("data", [PDF_BYTES, with_web_link()], ids=["plain", "with a web link"])
def test_an_ordinary_pdf_still_passes(data):
    stored, content_type, extension = check_and_clean(SimpleUploadedFile("id.pdf", data), PDF_SPEC)
    assert stored == data and (content_type, extension) == ("application/pdf", "pdf")
