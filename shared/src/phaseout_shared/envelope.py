"""The event envelope: CloudEvents 1.0 in Kafka's binary content mode.

Headers `ce_id`, `ce_source`, `ce_type`, `ce_subject` (the enterprise's uscc), `ce_time`,
`ce_specversion`, `content-type`; the JSON payload is the value; the key is the uscc. An event
an officer's command recorded also carries the extension attribute `actingagency`
(`ce_actingagency`): the agency the officer acted for, which is not always the dimension's lead
(a drc officer at energy, samr at quality, an agency answering a referral). It is optional:
events a consumer emitted, a district government's acts and events recorded before it was
introduced carry none.
The W3C trace context travels beside them in `traceparent`/`tracestate` headers.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cloudevents.core.bindings.kafka import KafkaMessage, from_binary, to_binary
from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent
from pydantic import ValidationError
from pydantic_core import from_json

from phaseout_shared.contracts import load_all
from phaseout_shared.contracts.base import EventPayload, registry

TRACE_HEADERS = ("traceparent", "tracestate")
ACTING_AGENCY = "actingagency"
"""The CloudEvents extension attribute naming the agency whose officer's command recorded it."""
ACTING_AGENCY_HEADER = f"ce_{ACTING_AGENCY}"
_FORMAT = JSONFormat()


class MalformedEvent(ValueError):
    """A message that is not a valid Phaseout event; it goes to the dead-letter topic."""


def dimension_of(event_type: str) -> str:
    """The dimension an event type belongs to (`phaseout.energy.case.opened.v1`: energy)."""
    return event_type.split(".")[1]


@dataclass(frozen=True)
class Envelope:
    """One event as it travels: its CloudEvents attributes, payload and trace context."""

    id: str
    type: str
    source: str
    subject: str
    time: datetime
    data: dict[str, Any]
    trace: dict[str, str] = field(default_factory=dict)
    body: bytes | None = field(default=None, compare=False, repr=False)
    """The JSON text `data` was read from, when it was read from a record (kept so that a
    consumer storing `data` as JSON need not serialise it again)."""
    acting_agency: str | None = None
    """The agency whose officer's command recorded the event (`actingagency`), if one did."""

    @property
    def dimension(self) -> str:
        """The dimension whose service published it: `phaseout.<dimension>.<noun>.<verb>.v<N>`."""
        return dimension_of(self.type)

    @property
    def noun(self) -> str:
        """What the event is about (`case`, `enterprise`, `referral` …)."""
        return self.type.split(".")[2]

    @classmethod
    def of(
        cls,
        payload: EventPayload,
        *,
        source: str,
        subject: str,
        time: datetime,
        trace: dict[str, str] | None = None,
        acting_agency: str | None = None,
    ) -> Envelope:
        return cls(
            id=str(uuid.uuid4()),
            type=payload.event_type,
            source=source,
            subject=subject,
            time=time,
            data=payload.model_dump(mode="json"),
            trace=dict(trace or {}),
            acting_agency=acting_agency,
        )

    def payload(self) -> EventPayload:
        """The typed payload, validated against its registered model."""
        load_all()
        model = registry.get(self.type)
        if model is None:
            raise MalformedEvent(f"unknown event type {self.type!r}")
        try:
            return model.model_validate(self.data)
        except ValidationError as exc:
            raise MalformedEvent(f"payload does not match {self.type}: {exc}") from exc


def to_kafka(envelope: Envelope) -> tuple[bytes, bytes, list[tuple[str, bytes]]]:
    """Key, value and headers of the Kafka record for an envelope."""
    attributes: dict[str, Any] = {
        "id": envelope.id,
        "type": envelope.type,
        "source": envelope.source,
        "subject": envelope.subject,
        "time": envelope.time,
        "datacontenttype": "application/json",
    }
    if envelope.acting_agency:
        attributes[ACTING_AGENCY] = envelope.acting_agency
    event = CloudEvent(attributes=attributes, data=envelope.data)
    message = to_binary(event, _FORMAT, key_mapper=lambda _: envelope.subject)
    headers = list(message.headers.items())
    headers += [(k, v.encode()) for k, v in envelope.trace.items() if k in TRACE_HEADERS]
    return envelope.subject.encode(), message.value, headers


def from_kafka(
    key: bytes | None, value: bytes | None, headers: Iterable[tuple[str, bytes]]
) -> Envelope:
    """Parse a Kafka record into an envelope, or raise MalformedEvent saying why.

    The records the platform writes (`to_kafka`: CloudEvents 1.0, binary mode, a JSON body, an
    RFC 3339 time) are read directly from their headers, the body by pydantic's JSON parser;
    anything else goes through the CloudEvents SDK, which decides what it is and why it is not
    a valid event. That parser reads what the standard library's `json` reads, to the same
    values (integers of any size included), or refuses it: a byte-order mark, a lone surrogate,
    `NaN` or `Infinity`, nesting past its limit. A body it refuses is left to the SDK, which
    decides on it as before."""
    header_map = dict(headers)
    fast = _direct(key, value, header_map)
    return fast if fast is not None else _through_sdk(key, value, header_map)


def _direct(key: bytes | None, value: bytes | None, h: dict[str, bytes]) -> Envelope | None:
    """The envelope of a record shaped as `to_kafka` writes it, or None to leave it to the SDK."""
    try:
        if h.get("ce_specversion") != b"1.0" or h.get("content-type") != b"application/json":
            return None
        id_, type_, source = h["ce_id"].decode(), h["ce_type"].decode(), h["ce_source"].decode()
        subject, time = h.get("ce_subject"), datetime.fromisoformat(h["ce_time"].decode())
        data = from_json(value, allow_inf_nan=False) if value else None
    except (KeyError, ValueError):
        return None
    if not (id_ and type_ and source) or time.tzinfo is None or not isinstance(data, dict):
        return None
    acting = h.get(ACTING_AGENCY_HEADER)
    # Every field set at once, as `Envelope(...)` would set them one by one (a frozen
    # dataclass's `__init__` goes through `object.__setattr__` for each): a third of the
    # reading's time, on the consumer's hot path.
    envelope = object.__new__(Envelope)
    envelope.__dict__.update(
        id=id_,
        type=type_,
        source=source,
        subject=subject.decode() if subject else (key or b"").decode(),
        time=time,
        data=data,
        trace={k: h[k].decode() for k in TRACE_HEADERS if k in h},
        body=value,
        acting_agency=acting.decode() if acting else None,
    )
    return envelope


def _through_sdk(key: bytes | None, value: bytes | None, header_map: dict[str, bytes]) -> Envelope:
    missing = [
        h for h in ("ce_id", "ce_type", "ce_source", "ce_specversion") if h not in header_map
    ]
    if missing:
        raise MalformedEvent(f"missing CloudEvents headers: {', '.join(missing)}")
    try:
        event = from_binary(KafkaMessage(headers=header_map, key=key, value=value or b""), _FORMAT)
    except (ValueError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MalformedEvent(f"not a CloudEvent in binary mode: {exc}") from exc
    data = event.get_data()
    if not isinstance(data, dict):
        raise MalformedEvent("the event's data is not a JSON object")
    time = event.get_time()
    if time is None:
        raise MalformedEvent("missing ce_time")
    trace = {k: header_map[k].decode() for k in TRACE_HEADERS if k in header_map}
    acting = event.get_extension(ACTING_AGENCY)
    return Envelope(
        id=event.get_id(),
        type=event.get_type(),
        source=event.get_source(),
        subject=event.get_subject() or (key or b"").decode(),
        time=time,
        data=data,
        trace=trace,
        acting_agency=str(acting) if acting else None,
    )
