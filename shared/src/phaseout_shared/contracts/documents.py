"""Enforcement documents (执法文书): the notices and orders an agency service generates and serves.

Each agency service publishes on its own topic, e.g. `phaseout.energy.document.issued.v1`. The
event carries the PDF's digest, its number and kind, never its bytes: whoever holds the event can
check a copy of the document, and its public verification page shows the same digest.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from pydantic import Field

from phaseout_shared.contracts.base import EventPayload, per_dimension
from phaseout_shared.reference import USCC, District


class DocumentIssued(EventPayload):
    """An agency issued a document (a notice, an order, a record): its PDF is immutable."""

    document_id: UUID = Field(description="The document")
    number: str = Field(
        description="Its number in the bureau's scheme, e.g. 深工信节能〔2019〕12号"
    )
    kind: str = Field(description="rectification_notice, shutdown_order, closure_order …")
    uscc: USCC = Field(description="Unified social credit code (统一社会信用代码)")
    district: District = Field(description="The enterprise's district")
    target_kind: str = Field(description="What it was issued on: case, hazard …")
    target_id: str = Field(description="The id of the act or case it was issued on")
    sha256: str = Field(pattern="^[0-9a-f]{64}$", description="The PDF's SHA-256, in hex")
    size: int = Field(ge=1, description="The PDF's size in bytes")
    issuing_agency: str = Field(description="The agency that issued it")
    deadline: date | None = Field(default=None, description="The deadline it sets, if any")
    replaces: UUID | None = Field(default=None, description="The document it corrects, if any")
    effective_on: date = Field(description="The day it was issued (its date)")


class DocumentSignedOff(EventPayload):
    """A document that asks for a signature (an acceptance record, a year's list) was signed off."""

    document_id: UUID = Field(description="The document")
    number: str = Field(description="Its number")
    kind: str = Field(description="Its kind")
    uscc: USCC | None = Field(default=None, description="The enterprise, if it is one's")
    district: District = Field(description="The district it concerns")
    sha256: str = Field(pattern="^[0-9a-f]{64}$", description="The PDF's SHA-256, as signed")
    effective_on: date = Field(description="The day it was signed off")


ISSUED = per_dimension(DocumentIssued, "document", "issued")
SIGNED_OFF = per_dimension(DocumentSignedOff, "document", "signed_off")
