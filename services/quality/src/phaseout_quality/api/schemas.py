"""Request bodies of the quality API (responses are the domain's own models)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from phaseout_shared.contracts.quality import ShutdownGround
from phaseout_shared.limits import Body, Day, Effective

Statement = Annotated[str, Field(max_length=200)]
"""One item of a list an official states: a product, a failed test item."""


class LicenceIn(Effective):
    licence_number: str = Field(
        min_length=1, max_length=64, description="生产许可证编号, e.g. XK05-001-00001"
    )
    products: list[Statement] = Field(min_length=1, max_length=100, description="Products licensed")
    issuer: str = Field(min_length=1, max_length=200, description="Issuing authority (发证机关)")
    valid_from: Day = Field(description="First day of validity")
    valid_until: Day = Field(description="Last day of validity")


class SpotCheckIn(Effective):
    product: str = Field(min_length=1, max_length=200, description="The product sampled")
    standard: str = Field(
        min_length=1, max_length=100, description="The standard, e.g. GB 1499.2-2018"
    )
    passed: bool = Field(description="Whether the product met the standard")
    failed_items: list[Statement] = Field(
        default_factory=list, max_length=100, description="Failed test items (不合格项目)"
    )
    rectify_by: Day | None = Field(
        default=None, description="A failure's rectification deadline (限期整改), after the check"
    )
    report_number: str | None = Field(default=None, max_length=100, description="Test report")


class ReinspectionIn(Effective):
    passed: bool = Field(description="Whether the product now meets the standard (整改复查)")
    failed_items: list[Statement] = Field(default_factory=list, max_length=100)
    note: str = Field(default="", max_length=2000)


class RevocationIn(Effective):
    decision: str = Field(
        min_length=1, max_length=200, description="The revocation decision (处罚决定书文号)"
    )
    licence_numbers: list[Annotated[str, Field(min_length=1, max_length=64)]] | None = Field(
        default=None,
        max_length=100,
        description="The licences to revoke; by default every licence in force covering the "
        "case's product (相关证照)",
    )
    other_licences: list[Statement] = Field(
        default_factory=list,
        max_length=100,
        description="The 证照 outside the licence register that the decision revokes, as it "
        "names them (e.g. 排污许可证 No. …); a revocation names at least one licence",
    )


class SweepIn(Body):
    as_of: Day | None = Field(
        default=None, description="Mark cases whose deadline passed before this day; today"
    )


class UnlicensedCaseIn(Effective):
    product: str = Field(min_length=1, max_length=200, description="The product made")
    description: str = Field(min_length=1, max_length=2000, description="What was found")


class FindingIn(Effective):
    description: str = Field(
        min_length=1, max_length=2000, description="What was found or verified, and the evidence"
    )


class CancellationRequestIn(Effective):
    ground: ShutdownGround = Field(
        description="The dimension whose shutdown grounds it: technology (工艺装备落后), "
        "environment (环保) or energy (能耗)"
    )
    shutdown_reference: str = Field(
        min_length=1, max_length=200, description="The shutdown order or case"
    )
    shut_down_on: Day = Field(description="The date the enterprise was shut down")


class AnswerIn(Effective):
    cancelled: bool = Field(description="Whether the issuing authority cancelled the licence")
    note: str = Field(
        default="", max_length=2000, description="The authority's reference, or its reasons"
    )
