import json
from dataclasses import fields
from datetime import UTC, date, datetime
from typing import Any

import pytest

from phaseout_shared import envelope
from phaseout_shared.contracts.enterprise import REGISTERED
from phaseout_shared.envelope import Envelope, MalformedEvent, from_kafka, to_kafka
from phaseout_shared.reference import Dimension

USCC = "91440300708461136T"


def registered() -> Envelope:
    payload = REGISTERED[Dimension.ENERGY](
        uscc=USCC,
        name="深圳市某钢铁有限公司",
        district="baoan",
        industry="steel",
        effective_on=date(2019, 5, 6),
    )
    at = datetime(2019, 5, 7, 9, 30, tzinfo=UTC)
    return Envelope.of(payload, source="/phaseout/energy", subject=USCC, time=at)


def test_round_trip_in_binary_content_mode() -> None:
    sent = registered()
    key, value, headers = to_kafka(sent)
    names = dict(headers)
    assert key == USCC.encode()
    assert names["ce_type"] == b"phaseout.energy.enterprise.registered.v1"
    assert names["ce_subject"] == USCC.encode()
    assert names["ce_specversion"] == b"1.0"
    assert names["content-type"] == b"application/json"
    received = from_kafka(key, value, headers)
    assert received == sent
    assert received.payload() == sent.payload()


def test_a_record_read_directly_has_every_field_of_an_envelope() -> None:
    """The direct reading sets the envelope's fields at once, not through `__init__`: all of
    them, and to what `__init__` would set."""
    sent = Envelope(**{**registered().__dict__, "acting_agency": "drc"})
    key, value, headers = to_kafka(sent)
    read = from_kafka(key, value, headers)
    assert read.__dict__.keys() == {f.name for f in fields(Envelope)}
    assert Envelope(**read.__dict__) == read == sent
    assert read.body == value


def test_trace_context_travels_in_headers() -> None:
    sent = registered()
    traced = Envelope(
        **{**sent.__dict__, "trace": {"traceparent": "00-" + "a" * 32 + "-" + "b" * 16 + "-01"}}
    )
    assert from_kafka(*to_kafka(traced)).trace == traced.trace


def test_the_acting_agency_travels_as_a_cloudevents_extension() -> None:
    sent = Envelope(**{**registered().__dict__, "acting_agency": "drc"})
    key, value, headers = to_kafka(sent)
    assert dict(headers)["ce_actingagency"] == b"drc"
    assert from_kafka(key, value, headers).acting_agency == "drc"
    # read through the CloudEvents SDK too (a record not shaped as `to_kafka` writes it)
    other = [(k, v) for k, v in headers if k != "content-type"]
    assert from_kafka(key, value, other).acting_agency == "drc"


def test_an_event_without_an_acting_agency_still_reads() -> None:
    """Events recorded before the attribute was carried, and those no officer's command
    recorded, have none: they read as before."""
    key, value, headers = to_kafka(registered())
    assert not any(k == "ce_actingagency" for k, _ in headers)
    assert from_kafka(key, value, headers).acting_agency is None
    other = [(k, v) for k, v in headers if k != "content-type"]
    assert from_kafka(key, value, other).acting_agency is None


def test_missing_headers_are_malformed() -> None:
    with pytest.raises(MalformedEvent, match="ce_id"):
        from_kafka(b"k", b"{}", [("ce_type", b"x")])


def test_bad_json_is_malformed() -> None:
    key, _, headers = to_kafka(registered())
    with pytest.raises(MalformedEvent):
        from_kafka(key, b"{not json", headers)


def test_unknown_type_is_malformed() -> None:
    sent = registered()
    other = Envelope(**{**sent.__dict__, "type": "phaseout.energy.nothing.happened.v1"})
    with pytest.raises(MalformedEvent, match="unknown event type"):
        from_kafka(*to_kafka(other)).payload()


def test_payload_that_breaks_its_schema_is_malformed() -> None:
    sent = registered()
    bad = Envelope(**{**sent.__dict__, "data": {**sent.data, "district": "atlantis"}})
    with pytest.raises(MalformedEvent, match="does not match"):
        from_kafka(*to_kafka(bad)).payload()


BODIES = [
    b'{"a":1,"a":2}',  # a repeated key: the last one, as `json` reads it
    b'{"n":123456789012345678901234567890,"m":-9223372036854775809}',  # beyond 64 bits
    b'{"x":1e400,"y":-0.0,"z":5e-324,"w":0.1}',
    b'{"s":"\\u0000 \\u00e9 \xc3\xa9 \\ud83d\\ude00"}',
    b'\xef\xbb\xbf{"a":1}',  # a byte-order mark
    b'{"s":"\\ud800"}',  # a lone surrogate
    b'{"a":NaN}',
    b'{"a":Infinity}',
    '{"a":"é"}'.encode("utf-16"),
    b'{"a":"\xff"}',
    b'{"a":1,}',
    b'{"a":' + b"[" * 3000 + b"]" * 3000 + b"}",
    b"[1,2]",
    b'"text"',
    b"",
]


@pytest.mark.parametrize("body", BODIES)
def test_a_body_reads_as_the_standard_library_reads_it_or_as_the_sdk_decides(
    body: bytes,
) -> None:
    """The direct reading parses bodies faster than `json`, never differently: a body it reads
    has the values `json` gives, and one it refuses is decided by the CloudEvents SDK, as every
    record was before (the same envelope, or malformed for the same reason)."""
    key, _, headers = to_kafka(registered())

    def outcome(read: Any) -> Any:
        try:
            return read(key, body, headers)
        except (MalformedEvent, RecursionError) as exc:
            return (type(exc), str(exc))

    found = outcome(from_kafka)
    assert found == outcome(lambda k, v, h: envelope._through_sdk(k, v, dict(h)))
    if isinstance(found, Envelope):
        assert repr(found.data) == repr(json.loads(body))  # the same values and types
