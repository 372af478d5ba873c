"""The revival watch's rules, versioned as data (`rules.json`), and how they read the feeds.

Each rule names its basis in the plan and its thresholds. Two families:

- `after_order`: an enterprise's electricity after an order that should have stopped its
  production (a dismantling, a sealing with its power cut, an on-site acceptance, a verified
  shutdown, a closure) or during a suspension, above `share_of_baseline` of its own mean monthly
  consumption over the `baseline_months` before the order. The months of the order and the
  `grace_months` after it are not watched (a meter is read for the whole month).
- the 地条钢 signature: kWh per tonne of invoiced steel within the induction furnace band, or
  steel invoiced with production power, by an enterprise without licensed steel capacity.

Everything here is pure: the caller gives the facts of one enterprise and gets the findings.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from phaseout_shared.domain.errors import InvalidInput, NotFound
from phaseout_shared.reference import Agency

RULES_FILE = Path(__file__).with_name("rules.json")
NAMESPACE = uuid.UUID("1f0c7a52-5b0e-4b8e-9d0c-6a3f2d9e0b17")
DITIAOGANG = "ditiaogang"


class Rule(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    kind: Literal[
        "after_order", "new_code_at_address", "ditiaogang_intensity", "ditiaogang_unlicensed"
    ]
    name_zh: str
    basis: str
    to: tuple[Agency, ...] = Field(min_length=1)
    to_by_order: dict[str, tuple[Agency, ...]] = Field(
        default_factory=dict,
        description="The agencies named in place of `to` when the order broken is of this type "
        "(the agency that ordered it)",
    )
    check_within_days: int = Field(ge=1, le=90)
    orders: tuple[str, ...] = ()
    only_measure: str | None = None
    ends: tuple[str, ...] = ()
    share_of_baseline: Decimal | None = Field(default=None, gt=0)
    baseline_months: int = Field(default=12, ge=1, le=36)
    grace_months: int = Field(default=1, ge=0, le=12)
    steel_categories: tuple[str, ...] = ()
    kwh_per_tonne_min: Decimal | None = None
    kwh_per_tonne_max: Decimal | None = None
    min_tonnes: Decimal = Decimal(0)
    min_kwh: Decimal = Decimal(0)


class Catalogue(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    version: str
    title: str
    rules: tuple[Rule, ...]

    def exit_types(self) -> frozenset[str]:
        """The event types after which another enterprise at the same address is watched."""
        return frozenset(t for r in self.rules if r.kind == "new_code_at_address" for t in r.orders)

    def order_types(self) -> frozenset[str]:
        """Every event type a rule starts or ends a watch on."""
        return frozenset(t for r in self.rules for t in (*r.orders, *r.ends))


AMENDABLE = frozenset(
    {
        "check_within_days",
        "share_of_baseline",
        "baseline_months",
        "grace_months",
        "kwh_per_tonne_min",
        "kwh_per_tonne_max",
        "min_tonnes",
        "min_kwh",
    }
)
"""The figures of a rule its agency may amend; what a rule watches (its kind and orders) and
whom it sends to are the plan's, changed only with the code."""


def amended(rules: Catalogue, rule_id: str, changes: Mapping[str, object]) -> Catalogue:
    """The catalogue with one rule's figures changed and the next version number (2019.1 →
    2019.2); InvalidInput naming the field for a figure that is not amendable, not valid, or
    not one the rule has."""
    found = next((r for r in rules.rules if r.id == rule_id), None)
    if found is None:
        raise NotFound(f"no watch rule {rule_id}", field="rule_id")
    if not changes:
        raise InvalidInput("name at least one figure to change", field="changes")
    for name in changes:
        if name not in AMENDABLE:
            raise InvalidInput(
                f"{name} is not a figure that may be amended (those are: "
                f"{', '.join(sorted(AMENDABLE))})",
                field=f"changes.{name}",
            )
        if getattr(found, name) is None:
            raise InvalidInput(f"rule {rule_id} has no {name}", field=f"changes.{name}")
    try:
        rule = Rule.model_validate({**found.model_dump(), **changes})
    except ValidationError as exc:
        error = exc.errors()[0]
        raise InvalidInput(
            error["msg"], field="changes." + ".".join(str(p) for p in error["loc"])
        ) from None
    low, high = rule.kwh_per_tonne_min, rule.kwh_per_tonne_max
    if low is not None and high is not None and low >= high:
        raise InvalidInput(
            f"the band's lower bound {low} must be below its upper bound {high}",
            field="changes.kwh_per_tonne_min",
        )
    base, _, n = rules.version.rpartition(".")
    return Catalogue(
        version=f"{base}.{int(n) + 1}" if n.isdigit() else f"{rules.version}.1",
        title=rules.title,
        rules=tuple(rule if r.id == rule_id else r for r in rules.rules),
    )


def with_figures(stored: Catalogue) -> Catalogue:
    """A stored version's figures on the rules as the code ships them: what a rule watches
    and whom it names are the plan's and follow the code, whichever version is in force; the
    figures (`AMENDABLE`) are the version's. A rule the version lacks keeps the shipped
    figures."""
    kept = {r.id: r for r in stored.rules}

    def figures_of(rule: Rule) -> Rule:
        old = kept.get(rule.id)
        if old is None:
            return rule
        return rule.model_copy(update={k: getattr(old, k) for k in AMENDABLE})

    return Catalogue(
        version=stored.version,
        title=stored.title,
        rules=tuple(figures_of(r) for r in catalogue().rules),
    )


@cache
def catalogue() -> Catalogue:
    return Catalogue.model_validate_json(RULES_FILE.read_text(encoding="utf-8"))


def month(day: date) -> date:
    return day.replace(day=1)


def add_months(period: date, n: int) -> date:
    index = period.year * 12 + period.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Order:
    """An event of an agency that stops (or, among `ends`, lets resume) production."""

    event_id: str
    event_type: str
    ref: str
    effective_on: date
    district: str
    measure: str | None = None


@dataclass(frozen=True)
class Predecessor:
    """Another enterprise whose readings were at an address this one now draws power at."""

    uscc: str
    address: str
    kwh: Mapping[date, Decimal]
    """Its current readings at that address, by month."""
    orders: Sequence[Order]


@dataclass
class Facts:
    """What the watch knows of one enterprise."""

    uscc: str
    kwh: Mapping[date, Decimal] = field(default_factory=dict)
    """Current readings summed over its accounts, by month."""
    tonnes: Mapping[tuple[date, str], Decimal] = field(default_factory=dict)
    """Invoiced tonnes by month and product category."""
    orders: Sequence[Order] = ()
    licensed_steel: bool = False
    predecessors: Sequence[Predecessor] = ()


@dataclass(frozen=True)
class Finding:
    rule: Rule
    uscc: str
    period: date
    basis: str
    key: str
    """Alerts of one key are one watch: while one is open, no other is raised."""
    order: Order | None = None

    @property
    def to(self) -> tuple[Agency, ...]:
        """The agencies that must check: those named for the broken order's type, or the
        rule's."""
        if self.order is not None and self.order.event_type in self.rule.to_by_order:
            return self.rule.to_by_order[self.order.event_type]
        return self.rule.to

    @property
    def alert_id(self) -> uuid.UUID:
        return uuid.uuid5(NAMESPACE, f"{self.key}|{self.period.isoformat()}")


def evaluate(rules: Catalogue, facts: Facts) -> list[Finding]:
    """The findings the rules make of one enterprise's facts, oldest period first."""
    found: list[Finding] = []
    for rule in rules.rules:
        if rule.kind == "after_order":
            found += _after_order(rule, facts)
        elif rule.kind == "new_code_at_address":
            found += _new_code(rule, facts)
        else:
            found += _ditiaogang(rule, facts)
    return sorted(found, key=lambda f: f.period)


def _watches(rule: Rule, facts: Facts) -> Iterator[tuple[Order, date | None]]:
    """Each order the rule watches (the first of its reference), and when its watch ends."""
    first: dict[str, Order] = {}
    for o in sorted(facts.orders, key=lambda o: (o.effective_on, o.event_id)):
        if o.event_type in rule.orders and (
            rule.only_measure is None or o.measure == rule.only_measure
        ):
            first.setdefault(o.ref, o)
    for ref, start in first.items():
        ends = [
            o.effective_on
            for o in facts.orders
            if o.ref == ref and o.event_type in rule.ends and o.effective_on >= start.effective_on
        ]
        yield start, min(ends) if ends else None


def _baseline(rule: Rule, kwh: Mapping[date, Decimal], start: date) -> tuple[Decimal, int]:
    """The mean monthly consumption over the months before `start` with a reading, and how
    many there were."""
    before = [
        kwh[p]
        for p in (add_months(start, -n) for n in range(1, rule.baseline_months + 1))
        if p in kwh
    ]
    return (sum(before, Decimal(0)) / len(before) if before else Decimal(0)), len(before)


def _new_code(rule: Rule, facts: Facts) -> Iterator[Finding]:
    assert rule.share_of_baseline is not None
    for before in facts.predecessors:
        for order, _ in _watches(rule, Facts(before.uscc, orders=before.orders)):
            start = month(order.effective_on)
            baseline, months = _baseline(rule, before.kwh, start)
            if baseline <= 0:
                continue
            first_watched = add_months(start, rule.grace_months + 1)
            for period in sorted(p for p in facts.kwh if p >= first_watched):
                share = facts.kwh[period] / baseline
                if share > rule.share_of_baseline:
                    yield Finding(
                        rule=rule,
                        uscc=facts.uscc,
                        period=period,
                        key=f"{rule.id}|{facts.uscc}|{before.uscc}",
                        order=order,
                        basis=(
                            f"{rule.basis}. In {period:%Y-%m} this enterprise drew {share:.0%} "
                            f"of what {before.uscc} drew at {before.address} over the {months} "
                            f"months before its exit on {order.effective_on} "
                            f"({order.event_type}); the rule allows "
                            f"{rule.share_of_baseline:.0%} (rules {rule.id})"
                        ),
                    )


def _after_order(rule: Rule, facts: Facts) -> Iterator[Finding]:
    assert rule.share_of_baseline is not None
    for order, ends in _watches(rule, facts):
        start = month(order.effective_on)
        baseline, months = _baseline(rule, facts.kwh, start)
        if baseline <= 0:
            continue
        first_watched = add_months(start, rule.grace_months + 1)
        for period in sorted(p for p in facts.kwh if p >= first_watched):
            if ends is not None and period >= month(ends):
                break
            share = facts.kwh[period] / baseline
            if share > rule.share_of_baseline:
                yield Finding(
                    rule=rule,
                    uscc=facts.uscc,
                    period=period,
                    key=f"{rule.id}|{facts.uscc}|{order.ref}",
                    order=order,
                    basis=(
                        f"{rule.basis}. In {period:%Y-%m} the enterprise drew {share:.0%} of its "
                        f"mean monthly consumption over the {months} months before "
                        f"{order.effective_on} ({order.event_type}); the rule allows "
                        f"{rule.share_of_baseline:.0%} (rules {rule.id})"
                    ),
                )


def _ditiaogang(rule: Rule, facts: Facts) -> Iterator[Finding]:
    if facts.licensed_steel:
        return
    periods = sorted({p for p, c in facts.tonnes if c in rule.steel_categories})
    for period in periods:
        tonnes = sum(
            (t for (p, c), t in facts.tonnes.items() if p == period and c in rule.steel_categories),
            Decimal(0),
        )
        kwh = facts.kwh.get(period, Decimal(0))
        if tonnes <= 0 or tonnes < rule.min_tonnes or kwh < rule.min_kwh:
            continue
        intensity = kwh / tonnes
        if rule.kind == "ditiaogang_intensity":
            assert rule.kwh_per_tonne_min is not None and rule.kwh_per_tonne_max is not None
            if not rule.kwh_per_tonne_min <= intensity <= rule.kwh_per_tonne_max:
                continue
            figures = (
                f"{intensity:.0f} kWh per tonne of invoiced steel, within the induction furnace "
                f"band {rule.kwh_per_tonne_min}–{rule.kwh_per_tonne_max} kWh/t"
            )
        else:
            figures = f"{tonnes:.0f} t of steel invoiced while drawing production power"
        yield Finding(
            rule=rule,
            uscc=facts.uscc,
            period=period,
            key=f"{DITIAOGANG}|{facts.uscc}",
            basis=(
                f"{rule.basis}. In {period:%Y-%m}: {figures}, and no production licence for steel "
                f"products is on record (rules {rule.id})"
            ),
        )
