import pytest

from phaseout_shared.reference import InvalidUSCC, uscc_check_character, validate_uscc

# Codes printed on public business licences (their check characters are the licences' own).
PUBLISHED = ["91440300708461136T", "914403001922038216", "91110000802100433B"]


@pytest.mark.parametrize("code", PUBLISHED)
def test_published_codes_pass_the_check(code: str) -> None:
    assert validate_uscc(code) == code
    assert uscc_check_character(code[:17]) == code[17]


@pytest.mark.parametrize("code", PUBLISHED)
def test_any_other_check_character_is_refused(code: str) -> None:
    wrong = next(c for c in "0123456789ABCDEFGHJKLMNPQRTUWXY" if c != code[17])
    with pytest.raises(InvalidUSCC, match="check character"):
        validate_uscc(code[:17] + wrong)


def test_lowercase_is_refused_not_folded() -> None:
    with pytest.raises(InvalidUSCC, match="alphabet"):
        validate_uscc("91440300708461136t")


@pytest.mark.parametrize("code", ["", "9144030070846113", "91440300708461136TX"])
def test_wrong_length_is_refused(code: str) -> None:
    with pytest.raises(InvalidUSCC, match="18 characters"):
        validate_uscc(code)


@pytest.mark.parametrize("letter", ["I", "O", "S", "V", "Z"])
def test_letters_outside_the_alphabet_are_refused(letter: str) -> None:
    with pytest.raises(InvalidUSCC, match=letter):
        validate_uscc("9144030070846113" + letter + "T")
