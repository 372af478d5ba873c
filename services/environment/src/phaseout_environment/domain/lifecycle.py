"""The environment case's states and moves, in one table.

    open ─▶ production_restricted ─▶ suspended_for_rectification ─▶ rectified
      │            │  └── deadline passed ─▶ overdue ─┘ (suspend)      (by the deadline)
      └────────────┴──── propose_closure ─▶ closure_proposed ─▶ closure_approved ─▶ closed
                (rejected: back to the state it was proposed from)  回头看: clear, or reopen

限制生产 may be followed by 停产整治, never the reverse; an overdue case is suspended or proposed
for closure; only the government's approval leads to the order (责令停业、关闭). A measure
ordered stands until the rectification is accepted or the closure ordered: a closure the
government does not approve returns the case to the state it was proposed from, with its measure
and deadline (`reject_closure` is a return over `propose_closure`; docs/domain.md). A case still
about rectification (open, under a measure, overdue) is superseded when another agency shuts
the enterprise down, and may resume where it stood; a closure on its way is not superseded.
"""

from __future__ import annotations

from phaseout_shared.contracts.environment import CaseState
from phaseout_shared.contracts.supersession import Superseded
from phaseout_shared.domain.statemachine import Lifecycle
from phaseout_shared.domain.supersession import supersedable

S = CaseState
UNDER_MEASURE = (S.PRODUCTION_RESTRICTED, S.SUSPENDED_FOR_RECTIFICATION)
State = CaseState | Superseded
LIFECYCLE: Lifecycle[State] = supersedable(
    {
        "restrict_production": ([S.OPEN], S.PRODUCTION_RESTRICTED),
        "suspend_for_rectification": (
            [S.OPEN, S.PRODUCTION_RESTRICTED, S.OVERDUE],
            S.SUSPENDED_FOR_RECTIFICATION,
        ),
        "accept_rectification": (UNDER_MEASURE, S.RECTIFIED),
        "mark_overdue": (UNDER_MEASURE, S.OVERDUE),
        "propose_closure": ([S.OPEN, *UNDER_MEASURE, S.OVERDUE], S.CLOSURE_PROPOSED),
        "approve_closure": ([S.CLOSURE_PROPOSED], S.CLOSURE_APPROVED),
        "order_closure": ([S.CLOSURE_APPROVED], S.CLOSED),
        "recheck_clear": ([S.CLOSED], S.CLOSED),
        "reopen": ([S.CLOSED], S.OPEN),
    },
    supersede_from=[S.OPEN, *UNDER_MEASURE, S.OVERDUE],
    returns={"reject_closure": ([S.CLOSURE_PROPOSED], "propose_closure")},
)
OPEN_STATES = (S.OPEN, *UNDER_MEASURE, S.OVERDUE, S.CLOSURE_PROPOSED, S.CLOSURE_APPROVED)
