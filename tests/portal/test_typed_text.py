"""portal.typed_text: the one cleaning every typed field gets (issue 16, section 2)."""

import pytest
from django import forms
from django.utils import translation

from portal.typed_text import CONTROL_MESSAGE, DigitsTextField, TypedTextField, is_blank


class NameForm(forms.Form):
    name = TypedTextField(max_length=50)
    story = TypedTextField(required=False, widget=forms.Textarea)
    code = DigitsTextField(required=False, max_length=10)


@pytest.mark.parametrize("typed", ["\u200b\u200b\u200b", " \u200b\ufeff ", "\u00ad", "\u200d\u200c"])
def test_a_name_of_invisible_characters_is_not_filled(typed):
    form = NameForm({"name": typed})
    assert not form.is_valid()
    assert form.errors["name"] == [forms.Field.default_error_messages["required"]]
    assert is_blank(typed)


@pytest.mark.parametrize("typed", ["สมชาย\nใจดี", "Som\rchai", "Som\x00chai", "Som\x1b[31mchai", "a\tb"])
def test_control_characters_and_line_breaks_are_refused_in_one_line_fields(typed):
    with translation.override("en"):
        form = NameForm({"name": typed})
        assert not form.is_valid()
        assert "one line" in form.errors["name"][0]
    with translation.override("th"):
        form = NameForm({"name": typed})
        assert not form.is_valid()
        assert form.errors["name"] == [str(CONTROL_MESSAGE[False])] and "บรรทัดเดียว" in form.errors["name"][0]


def test_a_text_of_several_lines_keeps_its_line_breaks_but_not_other_controls():
    assert NameForm({"name": "x", "story": "บรรทัดหนึ่ง\r\nบรรทัดสอง\tต่อ"}).is_valid()
    with translation.override("en"):
        form = NameForm({"name": "x", "story": "bell\x07"})
        assert not form.is_valid() and "control characters" in form.errors["story"][0]


def test_visible_text_keeps_inner_characters_and_loses_invisible_edges():
    form = NameForm({"name": "\u200bสมชาย ใจดี\u200b ", "code": "๐๘๑๒３４"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["name"] == "สมชาย ใจดี"
    assert form.cleaned_data["code"] == "081234"
