"""Quality's case commands on a fake unit of work: the command step without a database."""

from __future__ import annotations

from datetime import date

import pytest
from fakes import FakeWork, at_noon, officer
from quality_examples import (
    CASE_ID,
    LICENCE,
    OTHER_USCC,
    USCC,
    licence,
    quiet_case,
    unlicensed_case,
)

from phaseout_quality.adapters.tables import CASES, LICENCES, UNLICENSED
from phaseout_quality.app import commands
from phaseout_shared.contracts.quality import CaseState, LicenceStatus, RevocationReason
from phaseout_shared.domain.errors import Forbidden, InvalidInput

ID = str(CASE_ID)


def work_of(agency: str = "samr", jurisdiction: str = "city") -> FakeWork:
    return FakeWork(officer(agency, jurisdiction), at_noon(2019, 7, 1))


async def test_a_passed_reinspection_closes_the_case_and_is_audited() -> None:
    work = work_of()
    work.seed(CASES, quiet_case())
    async with work:
        await commands.reinspect(
            work, ID, passed=True, failed_items=(), note="合格", effective_on=date(2019, 7, 1)
        )
    assert work.stored(CASES, ID).state is CaseState.RECTIFIED
    assert [subject for subject, _ in work.events] == [USCC]
    [record] = work.audits
    assert (record.action, record.changes["passed"]) == ("case.reinspect", True)


async def test_a_stop_verified_ahead_of_today_is_refused() -> None:
    work = work_of()
    case = unlicensed_case()
    case.pull_events()
    work.seed(UNLICENSED, case)
    with pytest.raises(InvalidInput) as refused:
        async with work:
            await commands.verify_stopped(
                work, str(case.case_id), description="停产", effective_on=date(2019, 7, 2)
            )
    assert refused.value.rule == "acts_not_in_the_future"
    assert work.audits == []


async def test_mem_may_not_act_on_a_quality_case() -> None:
    work = work_of("mem")
    work.seed(CASES, quiet_case())
    with pytest.raises(Forbidden):
        async with work:
            await commands.reinspect(
                work, ID, passed=True, failed_items=(), note="", effective_on=date(2019, 7, 1)
            )
    assert work.stored(CASES, ID).state is CaseState.RECTIFYING


async def test_an_overdue_case_revokes_the_licences_in_force_covering_its_product() -> None:
    """Naming no licence, the revocation takes the enterprise's licences in force that cover
    the case's product, found through the unit of work's store: not another product's, not
    another enterprise's, not one already revoked."""
    work = FakeWork(officer("samr"), at_noon(2019, 10, 1))
    work.seed(CASES, quiet_case())
    revoked_before = licence(number="XK05-001-00004")
    revoked_before.revoke(
        case_id=CASE_ID,
        reason=RevocationReason.OVERDUE,
        decision="深市监罚〔2018〕1 号",
        effective_on=date(2019, 6, 1),
    )
    revoked_before.pull_events()
    work.seed(
        LICENCES,
        licence(),
        licence(number="XK05-001-00002", products=["冷轧带肋钢筋"]),
        licence(number="XK05-001-00003", uscc=OTHER_USCC),
        revoked_before,
    )
    async with work:
        case = await commands.revoke_licences(
            work,
            CASE_ID,
            licence_numbers=None,
            decision="深市监罚〔2019〕12 号",
            effective_on=date(2019, 9, 10),
        )
    assert case.revoked_licences == (LICENCE,)
    statuses = {n: work.stored(LICENCES, n).status for n in work.tables[LICENCES.kind]}
    assert statuses == {
        LICENCE: LicenceStatus.REVOKED,
        "XK05-001-00002": LicenceStatus.VALID,
        "XK05-001-00003": LicenceStatus.VALID,
        "XK05-001-00004": LicenceStatus.REVOKED,
    }
    [record] = work.audits
    assert record.changes["licence_numbers"] == [LICENCE]
