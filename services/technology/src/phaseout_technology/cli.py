"""`phaseout assess technology`: judge one item against Table 5, recording nothing; and
`phaseout catalogue technology`: Table 5's equipment kinds, their parameters and rules.

Names are accepted wherever codes are: `--industry 钢铁` as `steel`, `"kind": "炼铁高炉"` as
`blast_furnace`. The verdict is one JSON object, or with `--lang zh` (or `en`) told in words.
"""

from __future__ import annotations

import json
from typing import Annotated, Literal

import typer

from phaseout_shared.domain.errors import DomainError
from phaseout_shared.reference import Industry, code_of, name_of
from phaseout_technology.domain.catalogue import Catalogue, table5
from phaseout_technology.domain.evaluate import Verdict, evaluate

Lang = Literal["zh", "en"]

VERDICTS = {"eliminate": ("淘汰", "eliminate"), "allowed": ("不属淘汰", "not eliminated")}
TYPES = {
    "number": ("数值", "number"),
    "boolean": ("是/否", "yes or no"),
    "enum": ("取值之一", "one of"),
}


def _industry(value: str) -> Industry:
    try:
        return code_of(Industry, value)
    except ValueError as exc:
        _refuse("industry", str(exc))
        raise  # unreachable: _refuse exits


def _kind(value: object, book: Catalogue) -> object:
    """A kind's code from its code or its Chinese or English name."""
    if not isinstance(value, str) or value in book.kinds:
        return value
    wanted = value.strip().casefold()
    for code, spec in book.kinds.items():
        if wanted in (spec.name_zh.casefold(), spec.name_en.casefold()):
            return code
    return value


def assess(
    industry: Annotated[str, typer.Option(help="Industry: a code or a name, e.g. steel or 钢铁")],
    equipment: Annotated[
        str,
        typer.Option(help='The item as JSON: {"kind": code or name (炼铁高炉), …parameters}'),
    ],
    lang: Annotated[
        str | None, typer.Option(help="zh or en: the verdict in words instead of JSON")
    ] = None,
) -> None:
    """Print the verdict as one JSON object (or in words with --lang); exit 2 naming the field
    on invalid input."""
    if lang not in (None, "zh", "en"):
        _refuse("lang", "zh or en")
    try:
        item = json.loads(equipment)
    except json.JSONDecodeError as exc:
        _refuse("equipment", f"not JSON: {exc}")
    if not isinstance(item, dict):
        _refuse("equipment", "must be a JSON object")
    book = table5()
    item = {**item, "kind": _kind(item.get("kind"), book)}
    try:
        verdict = evaluate(_industry(industry), item)
    except DomainError as exc:
        _refuse(exc.field or "equipment", exc.reason)
    if lang is None:
        typer.echo(verdict.model_dump_json())
    else:
        typer.echo(in_words(verdict, book, "zh" if lang == "zh" else "en"))


def in_words(verdict: Verdict, book: Catalogue, lang: Lang) -> str:
    """The verdict as an official reads it: what, the outcome, the plan's words and where."""
    spec = book.kinds[verdict.kind]
    rule = book.rule_for(verdict.kind)
    outcome = VERDICTS[verdict.verdict.value][0 if lang == "zh" else 1]
    if lang == "zh":
        where = f"表 {rule.source.table} 第 {rule.source.row} 行"
        where += f"第（{rule.source.item}）项" if rule.source.item is not None else ""
        lines = [
            f"{name_of(verdict.industry, 'zh')} · {spec.name_zh}：{outcome}",
            f"依据：{rule.wording_zh}（{where}，目录 {verdict.catalogue_version} 版）",
        ]
        if verdict.exemption:
            found = next(e for e in rule.exemptions if e.id == verdict.exemption)
            lines.append(f"适用除外情形：{found.wording_zh}")
    else:
        lines = [
            f"{name_of(verdict.industry, 'en')} · {spec.name_en}: {outcome}",
            f"Basis: {rule.wording_en} ({rule.citation}, catalogue {verdict.catalogue_version})",
        ]
        if verdict.exemption:
            found = next(e for e in rule.exemptions if e.id == verdict.exemption)
            lines.append(f"Exempt: {found.wording_en}")
    return "\n".join(lines)


def catalogue(
    industry: Annotated[
        str | None, typer.Option(help="Only this industry: a code or a name, e.g. 钢铁")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object")] = False,
) -> None:
    """Table 5's equipment kinds: names in Chinese and English, parameters, and the rule."""
    book = table5()
    wanted = None if industry is None else _industry(industry)
    kinds = {
        code: spec for code, spec in book.kinds.items() if wanted is None or spec.industry == wanted
    }
    if as_json:
        listed = {
            code: {
                "industry": spec.industry.value,
                "industry_zh": name_of(spec.industry, "zh"),
                "name_zh": spec.name_zh,
                "name_en": spec.name_en,
                "rule": book.rule_for(code).id,
                "parameters": {
                    name: p.model_dump(mode="json", exclude_defaults=True)
                    for name, p in spec.parameters.items()
                },
            }
            for code, spec in kinds.items()
        }
        body = {"version": book.version, "title_zh": book.title_zh, "kinds": listed}
        typer.echo(json.dumps(body, ensure_ascii=False, indent=1))
        return
    typer.echo(f"{book.title_zh}\n{book.title_en}\n(catalogue {book.version})")
    for code, spec in kinds.items():
        rule = book.rule_for(code)
        typer.echo("")
        typer.echo(f"{name_of(spec.industry, 'zh')} {name_of(spec.industry, 'en')}")
        typer.echo(f"  {spec.name_zh} | {spec.name_en}  [{code}]")
        typer.echo(f"  规则 {rule.wording_zh}")
        typer.echo(f"  rule {rule.wording_en}  [{rule.id}]")
        for name, p in spec.parameters.items():
            kind = TYPES[p.type]
            unit = f" ({p.unit})" if p.unit else ""
            need = "必填 required" if p.required else "选填 optional"
            allowed = f": {', '.join(p.allowed)}" if p.allowed else ""
            typer.echo(f"    {name}{unit}  {kind[0]} {kind[1]}{allowed}  {need}")
            typer.echo(f"      {p.description}")


def _refuse(field: str, reason: str) -> None:
    typer.echo(
        json.dumps({"error": {"field": field, "reason": reason}}, ensure_ascii=False), err=True
    )
    raise typer.Exit(2)
