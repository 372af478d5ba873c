"""`phaseout`: run the platform locally, issue development tokens, assess, publish schemas.

It starts fast: what a command needs beyond typer (the stack, the services' models, the HTTP
client, the JWT library) is imported inside that command, and each dimension's `assess` command
is loaded only when it runs.
"""

from __future__ import annotations

import json
from importlib.metadata import entry_points
from pathlib import Path
from typing import Annotated

import typer
from typer._click import Command, Context  # the click that typer's groups are made of
from typer.core import TyperGroup

from phaseout_cli.ports import PORTS

CITY = "city"

app = typer.Typer(
    help="Phaseout: the phase-out of backward production capacity.",
    no_args_is_help=True,
    # Plain help: rendering it with rich costs more than the rest of the start-up together.
    rich_markup_mode=None,
)


class _Plugged(TyperGroup):
    """A group whose commands each dimension's service adds through entry points (the group
    `phaseout.<name>`), loaded (with its rules and models) only when that command runs."""

    group = ""

    def list_commands(self, ctx: Context) -> list[str]:
        return sorted(ep.name for ep in entry_points(group=self.group))

    def get_command(self, ctx: Context, cmd_name: str) -> Command | None:
        found = entry_points(group=self.group, name=cmd_name)
        if not found:
            return None
        one = typer.Typer()
        one.command(cmd_name)(next(iter(found)).load())
        return typer.main.get_command(one)


class _Assessors(_Plugged):
    """`phaseout assess`: the `phaseout.assess` entry points."""

    group = "phaseout.assess"


class _Catalogues(_Plugged):
    """`phaseout catalogue`: the `phaseout.catalogue` entry points."""

    group = "phaseout.catalogue"


assess_app = typer.Typer(
    cls=_Assessors,
    help="Judge equipment or readings against a dimension's rules, recording nothing.",
)
app.add_typer(assess_app, name="assess")
catalogue_app = typer.Typer(
    cls=_Catalogues,
    help="List a dimension's catalogue: its kinds, their parameters and rules, in both languages.",
)
app.add_typer(catalogue_app, name="catalogue")

feed_app = typer.Typer(help="The revival watch's feeds: electricity readings and tax invoices.")
app.add_typer(feed_app, name="feed")


@app.command()
def up(
    demo: Annotated[bool, typer.Option(help="Load the demo city once the platform runs")] = True,
) -> None:
    """Start Kafka, PostgreSQL and the six services locally (starting twice is harmless)."""
    from phaseout_cli import platform

    platform.up(demo=demo)


def service_urls(given: list[str]) -> dict[str, str | int]:
    """The local ports, with NAME=URL overrides (a platform on a container network)."""
    found: dict[str, str | int] = dict(PORTS)
    for item in given:
        name, _, url = item.partition("=")
        if name not in PORTS or not url.startswith(("http://", "https://")):
            raise typer.BadParameter(
                f"{item!r}: expected NAME=http://host:port with NAME one of {', '.join(PORTS)}",
                param_hint="--service",
            )
        found[name] = url
    return found


@app.command()
def demo(
    count: Annotated[int, typer.Option(min=1, max=100_000, help="How many enterprises")] = 300,
    seed: Annotated[int, typer.Option(help="The same seed gives the same city")] = 2019,
    service: Annotated[
        list[str] | None,
        typer.Option(help="NAME=URL of a service not on this machine's default port (repeat)"),
    ] = None,
    private_key_file: Annotated[
        Path | None,
        typer.Option(help="The Ed25519 key that signs the demo's tokens (default: the dev key)"),
    ] = None,
) -> None:
    """Load the demo city into the running platform through its APIs."""
    import httpx

    from phaseout_cli import platform
    from phaseout_cli.demo import load as load_demo
    from phaseout_cli.demo_run import DemoError

    key = private_key_file or platform.dev_keys()[0]
    services = service_urls(service or [])
    try:
        accepted = load_demo(services, key.read_text(), count=count, seed=seed)
    except (DemoError, httpx.HTTPError) as stopped:
        typer.echo(f"demo: stopped: {type(stopped).__name__}: {stopped}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"demo: {accepted} registrations accepted")


@feed_app.command("import")
def feed_import(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="A CSV or xlsx file")],
    feed: Annotated[
        str | None,
        typer.Option(help="electricity or invoices (default: read from the file's header)"),
    ] = None,
    service: Annotated[
        list[str] | None,
        typer.Option(help="technology=URL if the service is not on this machine's default port"),
    ] = None,
    private_key_file: Annotated[
        Path | None,
        typer.Option(help="The Ed25519 key that signs the token (default: the dev key)"),
    ] = None,
) -> None:
    """Load a file into the revival watch: all of it, or nothing (each problem with its line
    and column); loading the same file again changes nothing."""
    from phaseout_cli import platform
    from phaseout_cli.demo import local
    from phaseout_cli.feed import FeedError, upload
    from phaseout_shared import auth

    if feed is not None and feed not in ("electricity", "invoices"):
        raise typer.BadParameter("electricity or invoices", param_hint="--feed")
    url = local(service_urls(service or []))["technology"]
    key = (private_key_file or platform.dev_keys()[0]).read_text()
    token = auth.issue(
        key, sub="phaseout-feed", agency="miit", jurisdiction=CITY, roles=["officer"]
    )
    try:
        report = upload(url, token, file, feed)
    except FeedError as refused:
        typer.echo(str(refused), err=True)
        raise typer.Exit(1) from None
    typer.echo(
        f"{report['feed']}: {report['rows']} rows, {report['new']} new, "
        f"{report['corrected']} corrected, {report['unchanged']} unchanged; "
        f"{len(report['alerts_raised'])} alert(s) raised"
    )


@app.command()
def down() -> None:
    """Stop the six services, Kafka and PostgreSQL."""
    from phaseout_cli import platform

    platform.down()


@app.command()
def status() -> None:
    """What runs, where."""
    from phaseout_cli import platform

    typer.echo(json.dumps(platform.status(), indent=2))


@app.command()
def token(
    agency: Annotated[
        str | None,
        typer.Option(
            help="The agency the bearer acts for (a code such as miit, or its name such as "
            "市生态环境局); omit for a government"
        ),
    ] = None,
    jurisdiction: Annotated[
        str, typer.Option(help="`city` (全市) or a district's code or name (futian, 福田区)")
    ] = CITY,
    role: Annotated[
        list[str] | None, typer.Option(help="officer (writes) or reader; repeatable")
    ] = None,
    sub: Annotated[str, typer.Option(help="Who the bearer is")] = "dev-user",
) -> None:
    """Print a development token signed with the local key."""
    from phaseout_cli import platform
    from phaseout_shared import auth
    from phaseout_shared.reference import Agency, District, code_of

    if agency is not None:
        try:
            agency = code_of(Agency, agency).value
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--agency") from None
    if jurisdiction not in (CITY, "全市"):
        try:
            jurisdiction = code_of(District, jurisdiction).value
        except ValueError:
            raise typer.BadParameter(
                f"unknown jurisdiction {jurisdiction!r}", param_hint="--jurisdiction"
            ) from None
    else:
        jurisdiction = CITY
    roles = role or ["officer"]
    bad = sorted(set(roles) - auth.ROLES)
    if bad:
        raise typer.BadParameter(f"unknown role(s) {bad}", param_hint="--role")
    private, _ = platform.dev_keys()
    typer.echo(
        auth.issue(
            private.read_text(),
            sub=sub,
            agency=agency,
            jurisdiction=jurisdiction,
            roles=roles,
        )
    )


@app.command("schemas")
def write_schemas(
    check: Annotated[
        bool, typer.Option(help="Only report breaking changes; write nothing")
    ] = False,
) -> None:
    """Regenerate the checked-in JSON Schemas of the event types."""
    from phaseout_shared.contracts import schemas

    old = schemas.checked_in()
    problems = [
        f"{name}: {p}"
        for name, schema in schemas.generate().items()
        if name in old
        for p in schemas.breaking_changes(old[name], schema)
    ]
    for line in problems:
        typer.echo(f"breaking: {line}", err=True)
    if problems:
        raise typer.Exit(1)
    if not check:
        for path in schemas.write():
            typer.echo(path.name)
