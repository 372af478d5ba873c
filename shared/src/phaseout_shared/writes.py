"""Who may write what (README, Security, "Who may write what"): one table, as data.

Each agency service's write routes, each with the agencies whose officers may call it. The
role is always `officer` (`auth.WRITE_ROLES`): a `reader` writes nothing. The table is enforced
by the write gate every agency service shares (`auth.owners_only`), which refuses with 403 on
`agency` or `roles` before the body is read; the commands then decide where (a district officer
acts only for enterprises of the district) and, where the body decides, which of the allowed
agencies (the kind of price; the receiver of a referral). A write route missing from the table
stops the service at start (`check_routes`), so no new route is left ungated; the authorisation
matrix test is generated from the table, and so is the README's copy of it.

The division of duties is the plan's (DOMAIN.md, VOCABULARY.md): `miit` and `drc` lead energy
supervision together; `water` acts in energy only on progressive water pricing; `drc` acts in
technology only on market access; every other agency leads its own dimension.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from phaseout_shared.reference import OWNERS, Agency, Dimension

MIIT, DRC, MEE, SAMR, MEM, WATER = (
    Agency.MIIT,
    Agency.DRC,
    Agency.MEE,
    Agency.SAMR,
    Agency.MEM,
    Agency.WATER,
)

LEADS: Mapping[Dimension, frozenset[Agency]] = {
    Dimension.ENERGY: frozenset({MIIT, DRC}),
    Dimension.ENVIRONMENT: frozenset({MEE}),
    Dimension.QUALITY: frozenset({SAMR}),
    Dimension.SAFETY: frozenset({MEM}),
    Dimension.TECHNOLOGY: frozenset({MIIT}),
}
"""The agencies that lead each dimension's own work: its register, disclosures, cases. They are
also the senders of the referrals that the dimension's acts cause."""

RECEIVERS: Mapping[Dimension, frozenset[Agency]] = {
    Dimension.ENERGY: frozenset({MIIT, DRC, WATER}),
    Dimension.ENVIRONMENT: frozenset({MEE}),
    Dimension.QUALITY: frozenset({SAMR}),
    Dimension.SAFETY: frozenset({MEM}),
    Dimension.TECHNOLOGY: frozenset({MIIT}),
}
"""The agencies that receive referrals at each dimension's service (its subscriptions): only the
referral's own receiver answers it. A revival-watch alert's on-site check is referred to the
agency whose order it concerns, at that order's service: mee and mem at theirs, miit and drc at
energy for an energy shutdown."""


def _shared(dimension: Dimension) -> dict[str, frozenset[Agency]]:
    """The routes every agency service has: the register, disclosures, referral answers."""
    leads, receivers = LEADS[dimension], RECEIVERS[dimension]
    return {
        "POST /v1/enterprises": leads,
        "PUT /v1/enterprises/{uscc}": leads,
        "POST /v1/disclosures": leads,
        "POST /v1/disclosures/{disclosure_id}/withdrawal": leads,
        "POST /v1/referrals/{referral_id}/acceptance": receivers,
        "POST /v1/referrals/{referral_id}/action": receivers,
        "POST /v1/referrals/{referral_id}/declination": receivers,
        "POST /v1/cases/{case_id}/resumption": leads,
        "POST /v1/evidence/files": leads,
        "POST /v1/evidence": leads,
        "POST /v1/documents": leads,
        "POST /v1/documents/{document_id}/sign-off": leads,
    }


def _each(agencies: frozenset[Agency], routes: Iterable[str]) -> dict[str, frozenset[Agency]]:
    return dict.fromkeys(routes, agencies)


PRICING = frozenset({MIIT, DRC, WATER})
"""Electricity prices are drc's and miit's, the water price water's: the kind in the body
decides among them (`phaseout_energy.domain.pricing.RECORDING_AGENCIES`)."""

WRITES: Mapping[Dimension, Mapping[str, frozenset[Agency]]] = {
    Dimension.ENERGY: {
        **_shared(Dimension.ENERGY),
        **_each(
            LEADS[Dimension.ENERGY],
            [
                "POST /v1/catalogue/amendments",
                "POST /v1/enterprises/{uscc}/inspections",
                "POST /v1/cases/{case_id}/extension",
                "POST /v1/cases/{case_id}/reinspection",
                "POST /v1/cases/{case_id}/shutdown-order",
                "POST /v1/cases/{case_id}/shutdown-verification",
                "POST /v1/sweeps/overdue",
                "POST /v1/inspection-lists/{year}",
                "POST /v1/inspection-lists/{year}/entries",
            ],
        ),
        "POST /v1/pricing-measures": PRICING,
        "POST /v1/pricing-measures/{measure_id}/end": PRICING,
    },
    Dimension.ENVIRONMENT: {
        **_shared(Dimension.ENVIRONMENT),
        **_each(
            LEADS[Dimension.ENVIRONMENT],
            [
                "POST /v1/enterprises/{uscc}/measurements",
                "POST /v1/enterprises/{uscc}/equipment",
                "POST /v1/enterprises/{uscc}/equipment/{item_id}/conversion",
                "POST /v1/enterprises/{uscc}/violations",
                "POST /v1/cases/overdue-sweep",
                "POST /v1/cases/{case_id}/measures",
                "POST /v1/cases/{case_id}/rectification",
                "POST /v1/cases/{case_id}/closure-proposal",
                "POST /v1/cases/{case_id}/closure-approval",
                "POST /v1/cases/{case_id}/closure-rejection",
                "POST /v1/cases/{case_id}/closure-order",
                "POST /v1/cases/{case_id}/recheck",
                "POST /v1/list-entries",
                "POST /v1/list-entries/{year}/{uscc}/move",
                "POST /v1/list-entries/{year}/{uscc}/completion",
                "POST /v1/list-entries/{year}/{uscc}/removal",
                "POST /v1/enterprises/{uscc}/permits",
                "POST /v1/permits/{permit_no}/revocation",
                "PUT /v1/enterprises/{uscc}/monitoring",
                "POST /v1/catalogue/amendments",
            ],
        ),
    },
    Dimension.QUALITY: {
        **_shared(Dimension.QUALITY),
        **_each(
            LEADS[Dimension.QUALITY],
            [
                "POST /v1/enterprises/{uscc}/spot-checks",
                "POST /v1/cases/{case_id}/reinspection",
                "POST /v1/cases/{case_id}/revocation",
                "POST /v1/overdue-sweeps",
                "POST /v1/enterprises/{uscc}/unlicensed-cases",
                "POST /v1/unlicensed-cases/{case_id}/stop-verification",
                "POST /v1/unlicensed-cases/{case_id}/resumption",
                "POST /v1/enterprises/{uscc}/licences",
                "POST /v1/licences/{number}/cancellation-requests",
                "POST /v1/cancellation-requests/{request_id}/answer",
            ],
        ),
    },
    Dimension.SAFETY: {
        **_shared(Dimension.SAFETY),
        **_each(
            LEADS[Dimension.SAFETY],
            [
                "POST /v1/listings",
                "POST /v1/listings/{uscc}/move",
                "POST /v1/listings/{uscc}/removal",
                "POST /v1/enterprises/{uscc}/inspections",
                "POST /v1/overdue-sweeps",
                "POST /v1/hazards/{case_id}/five-in-place",
                "POST /v1/hazards/{case_id}/rectification",
                "POST /v1/cases/{case_id}/reinspection",
                "POST /v1/cases/{case_id}/closure-request",
                "POST /v1/cases/{case_id}/closure-decision",
                "POST /v1/cases/{case_id}/closure",
                "POST /v1/cases/{case_id}/licence-revocation",
            ],
        ),
    },
    Dimension.TECHNOLOGY: {
        **{k: v for k, v in _shared(Dimension.TECHNOLOGY).items() if "resumption" not in k},
        **_each(
            LEADS[Dimension.TECHNOLOGY],
            [
                "POST /v1/enterprises/{uscc}/items",
                "POST /v1/cases/{case_id}/dismantling",
                "POST /v1/cases/{case_id}/sealing",
                "POST /v1/cases/{case_id}/acceptance",
                "POST /v1/cases/{case_id}/revival",
                "POST /v1/tips",
                "POST /v1/tips/{tip_id}/assignment",
                "POST /v1/tips/{tip_id}/closure",
                "POST /v1/watch/feeds/{feed}/imports",
                "POST /v1/watch/alerts/{alert_id}/outcome",
                "POST /v1/watch/rules/amendments",
            ],
        ),
        "POST /v1/project-checks": frozenset({DRC}),
    },
}
"""(dimension, `METHOD /path`) → the agencies whose officers may call it."""


def allowed(dimension: Dimension, method: str, path: str) -> frozenset[Agency]:
    """The agencies that may call a write route; none for a route the table does not name."""
    return WRITES[dimension].get(f"{method} {path}", frozenset())


def check_routes(dimension: Dimension, routes: Iterable[str]) -> None:
    """Every write route of a service is in the table, and every row of it is a route."""
    routes = set(routes)
    missing = sorted(routes - set(WRITES[dimension]))
    stale = sorted(set(WRITES[dimension]) - routes)
    if missing or stale:
        raise RuntimeError(
            f"the {dimension} write table does not match its routes: "
            f"missing {missing}, naming no route {stale}"
        )
    beyond = {
        r: a - OWNERS[dimension] for r, a in WRITES[dimension].items() if a - OWNERS[dimension]
    }
    if beyond:
        raise RuntimeError(f"the {dimension} write table names non-owners: {beyond}")


def markdown_table() -> str:
    """The table as the README shows it: per service, who may call which write routes."""
    lines = [
        "| service | agencies (officer role) | write routes |",
        "|---|---|---|",
    ]
    for dimension, routes in WRITES.items():
        by_agencies: dict[frozenset[Agency], list[str]] = {}
        for route, agencies in routes.items():
            by_agencies.setdefault(agencies, []).append(route)
        for agencies, named in by_agencies.items():
            who = ", ".join(f"`{a}`" for a in sorted(agencies)) or "none"
            lines.append(f"| {dimension} | {who} | {', '.join(f'`{r}`' for r in named)} |")
    return "\n".join(lines) + "\n"
