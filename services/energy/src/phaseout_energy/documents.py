"""The energy service's acts in the words of its documents: a case's over-limit finding, the
standard it breaks by name (from the catalogue version the case was opened under), and the
deadlines the case computed (rectification, exit)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from phaseout_energy.adapters import catalogue_versions
from phaseout_energy.domain.case import EnergyCase
from phaseout_shared.contracts.energy import CaseState
from phaseout_shared.documents import Facts, describe_generically
from phaseout_shared.reference import name_of, unit_name

LAW = "《中华人民共和国节约能源法》第十六条（超过单位产品能耗限额标准用能的，责令限期治理）"
RECTIFYING = (CaseState.RECTIFYING, CaseState.OVERDUE)


async def describe(session: AsyncSession, target_kind: str, doc: Mapping[str, Any]) -> Facts:
    """A case in words; anything else as any aggregate says of itself."""
    if target_kind != "case":
        return await describe_generically(session, target_kind, doc)
    case = EnergyCase.model_validate(doc)
    finding = case.finding
    catalogue = await catalogue_versions.version(session, finding.catalogue_version)
    found = catalogue.find(finding.indicator_id)
    standard = f"《{found[0].title_zh}》（{found[0].code}）" if found else finding.standard
    product = f"{found[1].product_zh}" if found else finding.indicator_id
    measure = found[1].measure.split("(")[-1].rstrip(")") if found else "能耗"
    capacity = f"{finding.capacity_amount} {unit_name(finding.capacity_unit)}"
    return Facts(
        subject=f"{name_of(case.industry)}行业{product}产能（{capacity}）",
        finding=(
            f"经{finding.found_on.year}年{finding.found_on.month}月{finding.found_on.day}日"
            f"能耗监察，{measure}实测值为 {finding.measured_value} {finding.unit}，超过{standard}"
            f"规定的限定值 {finding.limit} {finding.unit}"
        ),
        basis=(LAW, f"{standard}（能耗限额目录第 {finding.catalogue_version} 版）"),
        facts=(
            ("行业", name_of(case.industry)),
            ("产能", capacity),
            ("实测值", f"{finding.measured_value} {finding.unit}"),
            ("限定值", f"{finding.limit} {finding.unit}"),
        ),
        deadlines={
            "rectification_notice": case.deadline.due_on if case.state in RECTIFYING else None,
            "shutdown_order": case.exit_by if case.state is CaseState.SHUTDOWN_ORDERED else None,
            "closure_order": case.exit_by,
        },
    )
