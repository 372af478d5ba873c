"""Play the demo city's year against the running services, through their public APIs.

The requests of one enterprise go in order; enterprises go concurrently. A story runs only for an
enterprise this run registered, so that loading the same city twice adds nothing.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from typing import Any

import httpx
from rich.progress import Progress

from phaseout_cli.demo_city import WRITER, DemoEnterprise
from phaseout_cli.demo_year import SWEEP_ON, Assignment, Step
from phaseout_shared import auth
from phaseout_shared.reference import Agency, District

CONCURRENCY = 16
ATTEMPTS = 5
"""How many times a request that cannot have been acted on is sent before the demo gives up."""
RECEIVERS = {"energy": ("drc", "water"), "quality": ("samr",), "technology": ("miit",)}
"""Where referrals arrive, and the agencies that act on them there."""
REPLIES = {
    "electricity_pricing": "执行差别电价、惩罚性电价",
    "water_pricing": "执行超定额超计划用水累进加价",
    "licence_cancellation": "已提请发证机关注销生产许可证",
    "dismantling_check": "现场核查：主体设备已拆除或封存，验收合格",
    "ditiaogang_investigation": "已立案调查",
}
SWEEPS = [
    Step("energy", "miit", "/v1/sweeps/overdue", {}, SWEEP_ON, params={"as_of": str(SWEEP_ON)}),
    Step("environment", "mee", "/v1/cases/overdue-sweep", {"as_of": SWEEP_ON}, SWEEP_ON),
    Step("quality", "samr", "/v1/overdue-sweeps", {"as_of": SWEEP_ON}, SWEEP_ON),
    Step("safety", "mem", "/v1/overdue-sweeps", {"as_of": SWEEP_ON}, SWEEP_ON),
]


class DemoError(RuntimeError):
    """A request of the demo was refused: the demo and the services disagree."""


@dataclass
class Tally:
    registrations: int = 0
    stories: int = 0
    requests: int = 0
    referrals: int = 0
    submissions: int = 0
    feed_rows: int = 0
    ids: dict[str, dict[str, str]] = field(default_factory=dict)


def _json(value: object) -> str:
    return json.dumps(value, default=lambda v: v.isoformat() if isinstance(v, date) else str(v))


class Client:
    """The services' base URLs and a development token per agency (city officers)."""

    def __init__(self, http: httpx.AsyncClient, urls: Mapping[str, str], key: str) -> None:
        self.http, self.urls, self.key = http, urls, key
        self.tokens = {a.value: self.token(a.value, "city") for a in Agency}

    def token(self, agency: str | None, jurisdiction: str) -> str:
        return auth.issue(
            self.key, sub="demo", agency=agency, jurisdiction=jurisdiction, roles=["officer"]
        )

    async def send(
        self,
        service: str,
        path: str,
        body: object,
        token: str,
        params: Mapping[str, str] | None = None,
        method: str = "POST",
    ) -> httpx.Response:
        """The service's answer. Sent again, a few times, where the request cannot have been
        acted on: the connection was not made, or the service answered 503 (its database
        unavailable, the transaction not committed)."""
        for attempt in range(ATTEMPTS):
            try:
                r = await self.http.request(
                    method,
                    f"{self.urls[service].rstrip('/')}{path}",
                    content=None if method == "GET" else _json(body),
                    params=params,
                    headers={
                        "Authorization": f"Bearer {token}",
                        "Content-Type": "application/json",
                    },
                )
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout):
                if attempt == ATTEMPTS - 1:
                    raise
                await asyncio.sleep(1 + attempt)
                continue
            if r.status_code != 503 or attempt == ATTEMPTS - 1:
                return r
            await asyncio.sleep(float(r.headers.get("Retry-After", 1)))
        raise AssertionError("unreachable")


def _expect(r: httpx.Response, *ok: int) -> Any:
    if r.status_code not in ok:
        raise DemoError(f"{r.request.method} {r.request.url.path}: {r.status_code} {r.text}")
    return r.json()


def _capture(answer: Any, ids: dict[str, str]) -> None:
    """The case (and the safety hazard) a step's answer names, for the story's next steps."""
    if not isinstance(answer, dict):
        return
    if answer.get("case_id"):
        ids["case"] = str(answer["case_id"])
    if isinstance(answer.get("case"), dict):
        ids["case"] = str(answer["case"]["case_id"])
    if answer.get("hazards"):
        ids["hazard"] = str(answer["hazards"][0]["case_id"])


async def _gather(
    jobs: Iterable[Callable[[], Awaitable[None]]], progress: Progress, label: str
) -> None:
    todo = list(jobs)
    task = progress.add_task(label, total=len(todo))
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(job: Callable[[], Awaitable[None]]) -> None:
        async with gate:
            await job()
        progress.advance(task)

    await asyncio.gather(*(one(j) for j in todo))


async def register(c: Client, city: list[DemoEnterprise], tally: Tally, p: Progress) -> set[str]:
    """Each enterprise on its agencies' registers; returns the (uscc, dimension) newly added."""
    new: set[str] = set()

    async def job(e: DemoEnterprise) -> None:
        for dim in e.dimensions():
            token = c.tokens[WRITER[dim]]
            r = await c.send(dim, "/v1/enterprises", e.registration(), token)
            if _expect(r, 201, 409) and r.status_code == 201:
                tally.registrations += 1
                new.add(f"{e.uscc}:{dim}")

    await _gather([partial(job, e) for e in city], p, "registers")
    return new


async def play(
    c: Client, todo: list[Assignment], after_sweep: bool, tally: Tally, p: Progress
) -> None:
    async def job(a: Assignment) -> None:
        ids = tally.ids.setdefault(a.enterprise.uscc, {})
        for step in a.steps:
            if step.after_sweep != after_sweep:
                continue
            path = step.path.format(**ids)
            r = await c.send(step.service, path, step.body, c.tokens[step.agency], step.params)
            _capture(_expect(r, 200, 201), ids)
            tally.requests += 1

    label = "after the sweeps" if after_sweep else "the year 2019"
    await _gather([partial(job, a) for a in todo], p, label)


async def sweep(c: Client) -> None:
    for s in SWEEPS:
        _expect(await c.send(s.service, s.path, s.body, c.tokens[s.agency], s.params), 200)


def referral_reply(seed: int, referral: Mapping[str, Any]) -> list[tuple[str, dict[str, object]]]:
    """What the receiver does, the same for the same seed: most act, some only accept so far,
    a few have not answered yet."""
    draw = random.Random(f"{seed}:{referral['uscc']}:{referral['kind']}").random()
    received = date.fromisoformat(referral["received_on"])
    accepted: dict[str, object] = {"effective_on": received + timedelta(days=3)}
    reason = REPLIES[referral["kind"]]
    acted: dict[str, object] = {"reason": reason, "effective_on": received + timedelta(days=10)}
    accept, act = ("acceptance", accepted), ("action", acted)
    return [] if draw > 0.9 else [accept] if draw > 0.65 else [accept, act]


async def referrals_of(c: Client, service: str, ours: set[str]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    offset = 0
    while True:
        params = {"limit": "500", "offset": str(offset)}
        r = await c.send(service, "/v1/referrals", None, c.tokens["miit"], params, "GET")
        page = _expect(r, 200)
        found += [x for x in page["items"] if x["uscc"] in ours]
        offset += len(page["items"])
        if not page["items"] or offset >= page["total"]:
            return found


async def settled_referrals(c: Client, ours: set[str]) -> list[dict[str, Any]]:
    """The referrals the year caused, once the receivers have stopped adding to them."""
    seen, still = -1, 0
    for _ in range(60):
        found = [x for s in RECEIVERS for x in await referrals_of(c, s, ours)]
        still = still + 1 if len(found) == seen else 0
        if found and still >= 3:
            return found
        seen = len(found)
        await asyncio.sleep(0.5)
    return found


async def answer_referrals(c: Client, seed: int, ours: set[str], t: Tally, p: Progress) -> None:
    service_of = {agency: s for s, agencies in RECEIVERS.items() for agency in agencies}
    # the revival watch's on-site checks are left open: a newcomer sees the alerts as work
    found = [
        x
        for x in await settled_referrals(c, ours)
        if x["state"] == "received" and x["kind"] != "revival_check"
    ]

    async def answer(x: dict[str, Any]) -> None:
        for action, body in referral_reply(seed, x):
            if action == "action":
                on = body["effective_on"]
                assert isinstance(on, date)
                act_id = await act_taken(c, x, on)
                if act_id is False:
                    return  # nothing the platform records yet: the referral stays accepted
                body = {**body, **({"act_id": act_id} if act_id else {})}
            path = f"/v1/referrals/{x['referral_id']}/{action}"
            r = await c.send(service_of[x["receiver"]], path, body, c.tokens[x["receiver"]])
            _expect(r, 200)
            t.referrals += 1

    async def job(referrals: list[dict[str, Any]]) -> None:
        # one enterprise's referrals one after another, as its receivers' officers would: an
        # act one answer takes (a cancellation request) is found, not repeated, by the next
        for x in referrals:
            await answer(x)

    by_enterprise: dict[str, list[dict[str, Any]]] = {}
    for x in sorted(found, key=lambda x: (x["received_on"], x["referral_id"])):
        by_enterprise.setdefault(x["uscc"], []).append(x)
    await _gather([partial(job, xs) for xs in by_enterprise.values()], p, "referrals")


PRICES = {
    "electricity_pricing": ("drc", "punitive_electricity"),
    "water_pricing": ("water", "progressive_water"),
}
"""Who puts which price in force for a pricing referral."""
GROUNDS = {"energy", "environment", "technology"}
"""The shutdowns a licence-cancellation request can cite (the plan's three grounds)."""


async def act_taken(c: Client, referral: Mapping[str, Any], on: date) -> str | bool | None:
    """The act the receiver takes and the platform records, as its answer names it: a price put
    in force, a cancellation request, an accepted dismantling. None where the platform records
    no act (the answer says it in words); False where the act cannot be taken yet."""
    kind, uscc = referral["kind"], referral["uscc"]
    sender = referral["trigger_type"].split(".")[1]
    if kind in PRICES:
        agency, price = PRICES[kind]
        measure = {
            "uscc": uscc,
            "kind": price,
            "basis": "eliminated_category" if sender == "technology" else "over_energy_limit",
            "basis_reference": referral["trigger_type"],
            "starts_on": on,
        }
        r = await c.send("energy", "/v1/pricing-measures", measure, c.tokens[agency])
        return str(_expect(r, 201)["measure_id"]) if r.status_code == 201 else False
    if kind == "licence_cancellation" and sender in GROUNDS:
        return await _cancellation_request(c, referral, sender, on)
    if kind == "dismantling_check":
        params = {"uscc": uscc, "limit": "500"}
        r = await c.send("technology", "/v1/cases", None, c.tokens["miit"], params, "GET")
        checked = [x for x in _expect(r, 200)["items"] if x["acceptances"]]
        return str(checked[0]["case_id"]) if checked else False
    return None


async def _cancellation_request(
    c: Client, referral: Mapping[str, Any], ground: str, on: date
) -> str | bool:
    """samr's request to cancel the enterprise's licence, if it holds one."""
    token, params = c.tokens["samr"], {"uscc": referral["uscc"], "limit": "500"}
    r = await c.send("quality", "/v1/cancellation-requests", None, token, params, "GET")
    pending = [x for x in _expect(r, 200)["items"] if x["state"] == "pending"]
    if pending:
        return str(pending[0]["request_id"])
    r = await c.send("quality", "/v1/licences", None, token, params, "GET")
    licences = [x for x in _expect(r, 200)["items"] if x["status"] != "cancelled"]
    if not licences:
        return False
    request = {
        "ground": ground,
        "shutdown_reference": referral["trigger_event_id"],
        "shut_down_on": referral["received_on"],
        "effective_on": on,
    }
    path = f"/v1/licences/{licences[0]['number']}/cancellation-requests"
    r = await c.send("quality", path, request, token)
    return str(_expect(r, 201)["request_id"]) if r.status_code == 201 else False


def submissions(seed: int) -> list[tuple[str | None, str, dict[str, object]]]:
    """(agency, jurisdiction, body) of the year's reports that are in, some of them late."""
    rng = random.Random(f"{seed}:submissions")
    out: list[tuple[str | None, str, dict[str, object]]] = []
    for agency in ("drc", "mee", "samr", "mem", "water"):
        on = date(2019, 6, 20) + timedelta(days=rng.randint(0, 14))
        out.append((agency, "city", {"kind": "half_year", "submitted_on": on}))
    for who in [*District, *Agency]:
        if rng.random() < 0.8:
            on = date(2019, 12, 16) + timedelta(days=rng.randint(0, 20))
            body: dict[str, object] = {"kind": "annual", "submitted_on": on}
            if who in District:
                out.append((None, who.value, body))
            else:
                out.append((who.value, "city", body))
    return [(a, j, {**b, "year": 2019, "note": "演示数据"}) for a, j, b in out]


async def submit(c: Client, seed: int, tally: Tally) -> None:
    for agency, jurisdiction, body in submissions(seed):
        token = c.token(agency, jurisdiction)
        r = await c.send("aggregator", "/v1/submissions", body, token)
        if _expect(r, 201, 409) and r.status_code == 201:
            tally.submissions += 1
