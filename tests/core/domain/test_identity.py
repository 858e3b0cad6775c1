"""ID numbers (GB 11643), phones and masking as HR sees them in the form, the list and imports."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from core.domain import identity

VALID = "11010519491231002X"  # the standard's own example


def test_the_standards_example_is_valid() -> None:
    assert identity.id_number_problem(VALID) is None
    assert identity.birth_date_of(VALID) == date(1949, 12, 31)
    assert identity.gender_of(VALID) == "女"


def test_lower_case_x_and_full_width_digits_are_accepted() -> None:
    assert identity.id_number_problem("11010519491231002x") is None
    assert identity.normalise_id_number(" １１０１０５１９４９１２３１００２ｘ ") == VALID


def test_each_kind_of_mistake_gets_its_own_message() -> None:
    assert identity.id_number_problem("110105194912310021").code == "archive.id_number.checksum"  # type: ignore[union-attr]
    assert identity.id_number_problem("1101051949123100").code == "archive.id_number.length"  # type: ignore[union-attr]
    assert identity.id_number_problem("110105194912310").code == "archive.id_number.old_format"  # type: ignore[union-attr]
    assert identity.id_number_problem("11010519491231A02X").code == "archive.id_number.characters"  # type: ignore[union-attr]
    assert identity.id_number_problem("110105194913310021").code == "archive.id_number.birth_date"  # type: ignore[union-attr]
    future = "110105" + "20991231" + "002"
    future += identity.id_check_character(future)
    assert (
        identity.id_number_problem(future, today=date(2024, 1, 1)).code
        == "archive.id_number.birth_date"
    )  # type: ignore[union-attr]


def test_message_names_the_text_typed() -> None:
    problem = identity.id_number_problem("110105194912310021")
    assert problem is not None
    assert "110105194912310021" in problem.text("zh")
    assert "check digit" in problem.text("en")


digits17 = st.builds(
    lambda region, born, seq: f"{region:06d}{born:%Y%m%d}{seq:03d}",
    st.integers(110000, 659999),
    st.dates(date(1900, 1, 1), date(2020, 12, 31)),
    st.integers(0, 999),
)


@given(digits17)
def test_exactly_one_check_character_is_accepted(first17: str) -> None:
    right = identity.id_check_character(first17)
    assert identity.id_number_problem(first17 + right) is None
    for wrong in "0123456789X":
        if wrong != right:
            assert identity.is_checksum_problem(identity.id_number_problem(first17 + wrong))


@given(digits17)
def test_mask_keeps_first_and_last_four(first17: str) -> None:
    number = first17 + identity.id_check_character(first17)
    masked = identity.mask_id_number(number)
    assert masked == number[:4] + "*" * 10 + number[-4:]
    assert len(masked) == 18


def test_mask_examples() -> None:
    assert identity.mask_id_number("330102199001011234") == "3301**********1234"
    assert identity.mask_phone("13800000001") == "138****0001"
    assert identity.mask_phone("+86 138-0000-0001") == "138****0001"
    assert identity.mask_phone(None) == ""
    assert identity.mask_id_number("") == ""


def test_phones() -> None:
    assert identity.phone_problem("13800000001") is None
    assert identity.phone_problem("+86 138 0000 0001") is None
    assert identity.normalise_phone("+86 138 0000 0001") == "13800000001"
    assert identity.phone_problem("0571-88886666") is None
    assert identity.phone_problem("1380000000") is not None  # 10 digits
    assert identity.phone_problem("12800000001") is not None  # no such prefix
    assert identity.phone_problem("abc").code == "archive.phone.invalid"  # type: ignore[union-attr]


@given(st.text(max_size=40))
def test_checks_never_raise_on_any_text(text: str) -> None:
    identity.id_number_problem(text)
    identity.phone_problem(text)
    identity.mask_id_number(text)
    identity.mask_phone(text)
