from datetime import UTC, date, datetime

import pytest

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
