"""Evidence (证据材料): a file an officer attached to an act, named by its SHA-256.

Each agency service publishes on its own topic, e.g. `phaseout.technology.evidence.attached.v1`.
The event carries the file's digest, size and type, never its bytes: whoever holds the event
can check a copy of the file, and the file stays where the agency keeps it.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from pydantic import Field

from phaseout_shared.contracts.base import EventPayload, per_dimension
from phaseout_shared.reference import USCC, District


class EvidenceAttached(EventPayload):
    """An officer attached a file (a photo, a scan, a PDF) to an act it supports."""

    evidence_id: UUID = Field(description="The attachment")
    uscc: USCC = Field(description="Unified social credit code (统一社会信用代码)")
    district: District = Field(description="The enterprise's district")
    target_kind: str = Field(description="What the file supports: case, inspection, hazard …")
    target_id: str = Field(description="The id of the act or case it supports")
    sha256: str = Field(pattern="^[0-9a-f]{64}$", description="The file's SHA-256, in hex")
    size: int = Field(ge=1, description="The file's size in bytes")
    media_type: str = Field(description="image/jpeg, image/png, image/webp or application/pdf")
    caption: str = Field(max_length=500, description="What the file shows")
    effective_on: date = Field(description="The day the photo or document was taken or made")


ATTACHED = per_dimension(EvidenceAttached, "evidence", "attached")
