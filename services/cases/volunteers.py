"""/<lang>/accounts/my-cases/: the requests a volunteer (or counter officer) filed for residents.

Only what they filed themselves (`Submission.filed_by`), and only what they need to follow up
with the resident — who it was for, form, date, reference and public status — not the answers:
a volunteer's phone is not a case file (issue 9: volunteers see only the cases they filed).
Another signed-in volunteer or officer who opens such a case's tracking page sees the name
masked (`masked_name`), enough to tell two visits apart and no more.
"""

import re

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from forms_builder.models import Submission

# The first letter of a Thai word is its first consonant: a leading vowel (เ แ โ ใ ไ) is
# written before the consonant it is read after ("ใจดี" is "จ.", as Thai initials are written).
_LEADING_VOWELS = "เแโใไ"


def initial(word):
    letters = [ch for ch in word if ch.isalpha() and ch not in _LEADING_VOWELS]
    return letters[0] if letters else ""


def masked_name(full_name):
    """ "สมศรี มีสุข" → "สมศรี ม.": the given name, and only the initial of every other name."""
    words = re.split(r"\s+", (full_name or "").strip())
    if not words or not words[0]:
        return ""
    others = [f"{initial(word)}." for word in words[1:] if initial(word)]
    return " ".join([words[0], *others])


@login_required
def my_cases(request):
    submissions = (
        Submission.objects.filter(filed_by=request.user)
        .select_related("case")
        .only("form_title", "submitted_at", "reference", "contact_name", "case__status", "case__reference")
        .order_by("-submitted_at")
    )
    page = Paginator(submissions, 50).get_page(request.GET.get("p"))
    return render(request, "services/privacy/my_cases.html", {"page": page})
