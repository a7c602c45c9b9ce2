"""Official letters, the staff side (issue 20 §6): an officer writes a numbered external letter
(หนังสือภายนอก) on a case from one of the office's letter templates, and the office's register
lists every number it issued, per kind and Buddhist-Era year, cancelled ones included.

Both in the admin, scoped as the rest of the room: the letter to the cases the officer may act
on (views.visible_cases), the register to the offices the person works for (portal.offices)."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from portal.offices import office_label, scope, works_for_several
from portal.typed_text import CONTROL_MESSAGE, has_control_characters
from services.documents import issuing
from services.documents.models import (
    LETTER_TEXT_FIELDS,
    DocumentRegister,
    IssuedDocument,
    OfficialLetter,
    SigningSettings,
    form_answer_keys,
    placeholder_errors,
)
from services.documents.views import _staff_case

REGISTER_PAGE = 100
REGISTER_PERMISSION = "documents.view_documentregister"


class LetterForm(forms.ModelForm):
    """The officer's letter, started from a template with the case's values filled in. What is
    typed is kept when refused; a placeholder left in the text must be one issuing can fill."""

    template = forms.ModelChoiceField(queryset=None, widget=forms.HiddenInput)
    draft = forms.BooleanField(
        label=gettext_lazy("Draft (unsigned, not numbered)"),
        required=False,
        help_text=gettext_lazy("A draft takes no number from the register and is not valid."),
    )

    class Meta:
        model = OfficialLetter
        fields = ["office_code", "subject", "recipient", "reference_to", "enclosures", "body", "closing",
                  "signer_name", "signer_position", "contact"]  # fmt: skip
        widgets = {
            "reference_to": forms.Textarea(attrs={"rows": 2}),
            "enclosures": forms.Textarea(attrs={"rows": 2}),
            "body": forms.Textarea(attrs={"rows": 12}),
            "contact": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, templates, answer_keys=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = templates
        self.answer_keys = answer_keys

    def clean(self):
        cleaned = super().clean()
        for name, value in cleaned.items():
            multiline = isinstance(self.fields[name].widget, forms.Textarea)
            if isinstance(value, str) and has_control_characters(value, multiline=multiline):
                self.add_error(name, CONTROL_MESSAGE[multiline])
        letter = OfficialLetter(**{name: cleaned.get(name) or "" for name in LETTER_TEXT_FIELDS})
        for name, message in placeholder_errors(letter, LETTER_TEXT_FIELDS, self.answer_keys).items():
            if name in cleaned:
                self.add_error(name, message)
        return cleaned


@require_http_methods(["GET", "POST"])
def write_letter(request, pk):
    """/admin/documents/cases/<pk>/letter/?template=<id>: the letter, started from the template
    with the case's values filled in; posting it numbers, signs and stores it."""
    case = _staff_case(request, pk)
    templates = issuing.letter_templates_for(case)
    answer_keys = form_answer_keys(case.service) if case.service_id else None
    if request.method == "POST":
        form = LetterForm(request.POST, templates=templates, answer_keys=answer_keys)
        if form.is_valid():
            parts = {name: form.cleaned_data[name] for name in form.Meta.fields}
            try:
                document = issuing.issue_letter(
                    case, form.cleaned_data["template"], parts, request.user, draft=form.cleaned_data["draft"]
                )
            except issuing.IssueError as error:
                form.add_error(None, str(error))
            else:
                if document.draft:
                    messages.success(request, _("Draft letter saved. It is not numbered, signed or valid."))
                else:
                    messages.success(
                        request, _("Letter no. %(number)s issued and signed.") % {"number": document.number_display}
                    )
                return redirect(reverse("case_detail", args=[case.pk]) + "#documents")
        status = 400
    else:
        template = _chosen(templates, request.GET.get("template"))
        form = LetterForm(
            initial={"template": template.pk, **issuing.letter_start(case, template)},
            templates=templates,
            answer_keys=answer_keys,
        )
        status = 200
    context = {
        "case": case,
        "form": form,
        "signing_ready": SigningSettings.for_site(case.site).configured,
        "text_fields": [form[name] for name in form.Meta.fields],
    }
    return render(request, "services/documents/admin_letter.html", context, status=status)


def _chosen(templates, raw):
    """The template asked for; without one (the letter page opened bare), the first of the case's."""
    raw = (raw or "").strip()
    if not raw:
        first = templates.first()
        if first is None:
            raise Http404
        return first
    if not (raw.isascii() and raw.isdigit() and len(raw) < 19):
        raise Http404
    return get_object_or_404(templates, pk=int(raw))


# The register -----------------------------------------------------------------------------------


def _registers(request):
    if not (request.user.is_superuser or request.user.has_perm(REGISTER_PERMISSION)):
        raise Http404  # as for another office's register: nothing to see here
    return scope(DocumentRegister.objects.select_related("site"), request.user)


def registers(request):
    """Every register of the offices this person works for: kind, year, last number."""
    rows = _registers(request).order_by("site__site_name", "-year", "kind")
    context = {"registers": rows, "several": works_for_several(request.user)}
    return render(request, "services/documents/admin_registers.html", context)


def register(request, pk):
    """One register's numbers, 1 to the last, a page at a time: each with its document (a
    cancelled or superseded one says so, with the date and reason), and a number that has no
    document (which issuing never leaves) shown as missing rather than passed over."""
    register = get_object_or_404(_registers(request), pk=pk)
    numbers = Paginator(range(1, register.last_number + 1), REGISTER_PAGE).get_page(request.GET.get("p"))
    documents = {
        document.number: document
        for document in IssuedDocument.objects.filter(
            site_id=register.site_id,
            kind=register.kind,
            year=register.year,
            number__in=list(numbers.object_list),
        ).select_related("case", "issued_by", "letter")
    }
    rows = [(number, documents.get(number)) for number in numbers.object_list]
    context = {
        "register": register,
        "office": office_label(register.site),
        "rows": rows,
        "page_obj": numbers,
        "missing": sum(1 for _number, document in rows if document is None),
    }
    return render(request, "services/documents/admin_register.html", context)
