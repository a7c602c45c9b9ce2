"""Case references: readable, unguessable, self-checking."""

import random
import re

from services.cases import references


def test_shape_prefix_buddhist_year_code_and_check():
    reference = references.generate("BSR", 2026)
    assert re.fullmatch(r"BSR-69-[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]", reference)
    assert references.normalize(reference) == reference


def test_codes_are_random_not_sequential():
    codes = {references.generate("BSR", 2026).split("-")[2] for _ in range(200)}
    assert len(codes) == 200


def test_every_single_character_typo_in_the_code_is_caught():
    reference = references.generate("BSR", 2026, rng=random.Random(7))
    prefix, year, code, check = reference.split("-")
    for position in range(len(code)):
        for char in references.ALPHABET:
            if char == code[position]:
                continue
            typo = code[:position] + char + code[position + 1 :]
            assert references.normalize(f"{prefix}-{year}-{typo}-{check}") is None


def test_what_people_type_is_forgiven():
    reference = references.generate("BSR", 2026, rng=random.Random(3))
    sloppy = reference.lower().replace("-", " ")
    assert references.normalize(sloppy) == reference
    assert references.normalize(reference.replace("-", "")) == reference


def test_look_alike_letters_are_read_as_digits():
    # Find a reference whose code contains 0 or 1 and type it with O / I.
    rng = random.Random(11)
    while True:
        reference = references.generate("BSR", 2026, rng=rng)
        code = reference.split("-")[2]
        if "0" in code or "1" in code:
            break
    typed = reference[:7] + code.replace("0", "O").replace("1", "I") + reference[12:]
    assert references.normalize(typed) == reference


def test_malformed_input_is_refused():
    for raw in ["", "BSR", "BSR-69", "<script>", "BSR-69-7KQ2M", "B-69-7KQ2M-4", "x" * 200, "BSR-6X-7KQ2M-4"]:
        assert references.normalize(raw) is None
