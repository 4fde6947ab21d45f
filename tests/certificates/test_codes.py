"""Certificate codes: unguessable, easy to read aloud, forgiving when typed."""

import re

import pytest
from django.db import IntegrityError

from certificates import codes
from certificates.models import Certificate
from tests.certificates.conftest import complete_module

pytestmark = pytest.mark.usefixtures("course")


def test_a_code_has_80_random_bits_in_four_groups_without_ambiguous_letters():
    assert codes.RANDOM_BITS >= 60
    code = codes.code_generate()
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}", code)
    assert not set(code) & set("ILOU")


def test_codes_do_not_repeat():
    generated = {codes.code_generate() for _ in range(2000)}
    assert len(generated) == 2000


@pytest.mark.parametrize(
    "typed",
    [
        "7KQ2-M9XD-R4TB-HZ3W",
        "7kq2m9xdr4tbhz3w",
        " 7KQ2 M9XD R4TB HZ3W ",
        "7KQ2–M9XD—R4TB_HZ3W",
        "7kq2-m9xd-r4tb-hz3w",
    ],
)
def test_typing_variations_normalise_to_the_code(typed):
    assert codes.normalise(typed) == "7KQ2-M9XD-R4TB-HZ3W"


def test_letters_that_look_like_digits_are_read_as_the_digits():
    assert codes.normalise("OOOO-IIII-LLLL-oiLl") == "0000-1111-1111-0111"


@pytest.mark.parametrize(
    "typed", ["", "7KQ2-M9XD-R4TB", "7KQ2-M9XD-R4TB-HZ3W-X", "7KQ2-M9XD-R4TB-HZ3U", "<script>", "x" * 500]
)
def test_anything_else_is_not_a_code(typed):
    assert codes.normalise(typed) is None


def test_the_database_refuses_a_duplicate_code(parent, outsider):
    complete_module(parent, "first-steps")
    complete_module(outsider, "first-steps")
    first, second = Certificate.objects.filter(module__slug="first-steps")
    with pytest.raises(IntegrityError):
        Certificate.objects.filter(pk=second.pk).update(code=first.code)
