"""What admission refuses in a body before any route reads it."""

from __future__ import annotations

import pytest

from phaseout_shared.admission import Refusal, _check_body

JSON = "application/json"


@pytest.mark.parametrize(
    "body",
    [
        b'{"name": "a\\u0000b"}',
        b'{"a\\u0000": 1}',
        b'{"name": "\\\\\\u0000"}',  # an escaped backslash, then an escaped NUL
        b'{"name": "a\x00b"}',
    ],
)
def test_a_nul_character_in_a_body_is_refused(body: bytes) -> None:
    with pytest.raises(Refusal) as refused:
        _check_body(body, JSON)
    assert (refused.value.status, refused.value.rule) == (422, "input.nul")


@pytest.mark.parametrize(
    "body",
    [
        b'{"name": "\\\\u0000"}',  # the text \u0000 (an escaped backslash), not a NUL
        b'{"name": "\\ud835\\udcb3"}',  # a surrogate pair: one astral character
        '{"name": "𝒳𠀀😀"}'.encode(),
        b"{not json \\ud800",
    ],
)
def test_what_is_not_a_nul_or_a_lone_surrogate_passes(body: bytes) -> None:
    _check_body(body, JSON)


@pytest.mark.parametrize("body", [b'{"name": "\\ud800"}', b'{"name": "\\udcb3x"}'])
def test_a_lone_surrogate_in_a_json_body_is_refused(body: bytes) -> None:
    with pytest.raises(Refusal) as refused:
        _check_body(body, JSON)
    assert refused.value.rule == "input.text"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b'{"unit": "kWh/t\\u0000"}', "unit"),
        (
            b'{"entries": [{"uscc": "x"}, {"requirements": ["a", "\\u0000"]}]}',
            "entries.1.requirements.1",
        ),
        (b'{"equipment": {"a\\u0000": 1}}', "equipment.a\x00"),
        (b'{"unit": "\\u0000', "body"),
        (b'{"n": 1, "m": [true, null, "\\u0000"]}', "m.2"),
    ],
)
def test_the_refusal_names_the_field_of_the_nul(body: bytes, field: str) -> None:
    with pytest.raises(Refusal) as refused:
        _check_body(body, JSON)
    assert refused.value.field == field
