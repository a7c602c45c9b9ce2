"""Case references residents can read aloud, type on a phone and not guess.

Shape: ``<PREFIX>-<YY>-<CODE>-<CHECK>``, e.g. ``BSR-69-7KQ2M-4``:

- PREFIX: the office's prefix (``CaseSettings.reference_prefix``), 2–6 letters;
- YY: the last two digits of the Buddhist-Era year the case was opened (2569 → 69);
- CODE: 5 characters drawn with ``secrets`` from Crockford's base32 alphabet (no I, L, O, U),
  so neighbouring references say nothing about each other (32**5 ≈ 33.5 million per year);
- CHECK: a Luhn mod-32 check character (python-stdnum's ``luhn`` with the same alphabet) over
  YY+CODE, which catches every single mistyped character and most swapped neighbours before
  the database is even asked.

Uniqueness is the database's job (a unique constraint on ``Case.reference``); the intake retries
with a fresh code on the rare collision.
"""

import re
import secrets

from stdnum import luhn

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32
CODE_LENGTH = 5
MAX_LENGTH = 20
# What people type instead of the real character (Crockford's decoding rules).
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SHAPE = re.compile(r"^([A-Z]{2,6})-?(\d{2})-?([0-9A-Z]{5})-?([0-9A-Z])$")


def buddhist_year_suffix(year_ce):
    """2026 → "69" (B.E. 2569)."""
    return f"{(year_ce + 543) % 100:02d}"


def check_character(year_suffix, code):
    return luhn.calc_check_digit(year_suffix + code, alphabet=ALPHABET)


def generate(prefix, year_ce, rng=None):
    """A fresh reference. `rng` (a seeded random.Random) is only for the demo data, which must be
    deterministic; real cases always use `secrets`."""
    choice = rng.choice if rng is not None else secrets.choice
    code = "".join(choice(ALPHABET) for _ in range(CODE_LENGTH))
    year = buddhist_year_suffix(year_ce)
    return f"{prefix.upper()}-{year}-{code}-{check_character(year, code)}"


def normalize(raw):
    """The canonical reference for what someone typed, or None if it cannot be one.

    Accepts lower case, spaces, missing dashes and the usual look-alikes (O for 0, I or L for 1);
    rejects anything whose check character does not match, so a typo never reaches someone
    else's case.
    """
    if not raw or len(raw) > 40:
        return None
    text = re.sub(r"[\s\u2010-\u2015]", "", str(raw)).upper().replace("_", "-")
    match = _SHAPE.match(text)
    if not match:
        return None
    prefix, year, code, check = match.groups()
    code = code.translate(_LOOKALIKES)
    check = check.translate(_LOOKALIKES)
    if any(char not in ALPHABET for char in code + check):
        return None
    if check_character(year, code) != check:
        return None
    return f"{prefix}-{year}-{code}-{check}"
