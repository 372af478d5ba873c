"""The six services as real processes, started the way `phaseout up` starts them, on the test
stack: an enterprise registered over HTTP at an agency service shows up at the aggregator."""

from __future__ import annotations

import asyncio
import os
import random
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from conftest import StackUnderTest
from support import eventually, make_uscc

from phaseout_cli import demo, demo_year, platform, stack
from phaseout_shared import auth

pytestmark = pytest.mark.e2e
SLOT = int(os.environ.get("PHASEOUT_TEST_SLOT", "0"))
PORTS = {name: port + 10000 + 100 * SLOT for name, port in platform.PORTS.items()}


@pytest.fixture(scope="module")
def processes(test_stack: StackUnderTest) -> Iterator[dict[str, int]]:
    config = test_stack.config
    try:
        platform.start_services(config, PORTS)
        yield PORTS
    finally:
        platform.stop_services(config, list(PORTS))


def headers(agency: str) -> dict[str, str]:
    private, _ = platform.dev_keys()
    token = auth.issue(
        private.read_text(), sub="e2e", agency=agency, jurisdiction="city", roles=["officer"]
    )
    return {"Authorization": f"Bearer {token}"}


async def test_register_over_http_and_read_merged(processes: dict[str, int]) -> None:
    uscc = make_uscc(random.Random(2020))
    body = {
        "uscc": uscc,
        "name": "某电解铝有限公司",
        "district": "shenshan",
        "industry": "electrolytic_aluminium",
        "effective_on": "2019-09-01",
    }
    async with httpx.AsyncClient(timeout=10) as http:
        r = await http.post(
            f"http://127.0.0.1:{processes['environment']}/v1/enterprises",
            json=body,
            headers=headers("mee"),
        )
        assert r.status_code == 201, r.text

        async def merged() -> dict[str, Any] | None:
            r = await http.get(
                f"http://127.0.0.1:{processes['aggregator']}/v1/enterprises/{uscc}",
                headers=headers("miit"),
            )
            return r.json() if r.status_code == 200 else None

        view = await eventually(merged, within=30)
    assert view["supervised_by"] == ["environment"]
    assert view["district"] == "shenshan"


async def test_every_process_serves_its_openapi(processes: dict[str, int]) -> None:
    async with httpx.AsyncClient(timeout=10) as http:
        for name, port in processes.items():
            spec = (await http.get(f"http://127.0.0.1:{port}/openapi.json")).json()
            assert spec["info"]["title"] == f"Phaseout {name}"
            assert "/health/ready" in spec["paths"]
    await asyncio.sleep(0)


def test_processes_are_tracked_by_pid(
    processes: dict[str, int], test_stack: StackUnderTest
) -> None:
    for name in processes:
        assert stack.pid_of(platform.services_folder(test_stack.config) / f"{name}.pid") is not None


async def test_the_demo_city_loads_through_the_apis(processes: dict[str, int]) -> None:
    private, _ = platform.dev_keys()
    expected = list(demo.enterprises(12, seed=70707))
    accepted = await asyncio.to_thread(
        demo.load, processes, private.read_text(), count=12, seed=70707
    )
    assert accepted == sum(len(e.dimensions()) for e in expected)
    again = await asyncio.to_thread(demo.load, processes, private.read_text(), count=12, seed=70707)
    assert again == 0, "loading the same city twice adds nothing"
    last = expected[-1]
    async with httpx.AsyncClient(timeout=10) as http:

        async def merged() -> dict[str, Any] | None:
            r = await http.get(
                f"http://127.0.0.1:{processes['aggregator']}/v1/enterprises/{last.uscc}",
                headers=headers("miit"),
            )
            body = r.json() if r.status_code == 200 else None
            return body if body and len(body["supervised_by"]) == len(last.dimensions()) else None

        view = await eventually(merged, within=30)
    assert view["supervised_by"] == last.dimensions()


EXITS = {
    demo_year.Story.TECH_SEALED: "exited",
    demo_year.Story.TECH_DISMANTLED: "exited",
    demo_year.Story.ENERGY_OVERDUE: "exited",
    demo_year.Story.ENERGY_FAILED: "exited",
    demo_year.Story.ENV_CLOSED: "closed",
    demo_year.Story.SAFETY_CLOSED: "revoked",
}
"""The demo's stories that end in capacity exited in 2019, and the case's last state."""


async def test_the_demo_year_reaches_the_city_bureau(processes: dict[str, int]) -> None:
    """The year played through the agencies' APIs: its cases and its 2019 exits are the city's."""
    private, _ = platform.dev_keys()
    city = list(demo.enterprises(40, seed=4040))
    year = [a for a in demo_year.plan(city, 4040) if a.story is not demo_year.Story.NOTHING]
    await asyncio.to_thread(demo.load, processes, private.read_text(), count=40, seed=4040)
    exiting = {a.enterprise.uscc: EXITS[a.story] for a in year if a.story in EXITS}
    with_case = {a.enterprise.uscc for a in year if a.story is not demo_year.Story.TECH_ALLOWED}
    assert exiting and with_case
    base = f"http://127.0.0.1:{processes['aggregator']}"
    async with httpx.AsyncClient(timeout=10, headers=headers("miit")) as http:

        async def exits() -> set[str] | None:
            params = {"as_of": "2020-01-31", "year": "2019"}
            rows = (await http.get(f"{base}/v1/exits", params=params)).json()["rows"]
            found = {r["uscc"] for r in rows}
            return found if set(exiting) <= found else None

        await eventually(exits, within=60)
        cases = (await http.get(f"{base}/v1/cases", params={"as_of": "2020-01-31"})).json()
    states = {c["uscc"]: c["state"] for c in cases if c["uscc"] in with_case}
    assert set(states) == with_case
    assert {u: states[u] for u in exiting} == exiting


def test_feed_import_loads_a_file_once_and_reports_bad_rows_by_line(
    processes: dict[str, int], tmp_path: Any
) -> None:
    from typer.testing import CliRunner

    from phaseout_cli.main import app

    uscc = make_uscc(random.Random(2021))
    header = "uscc,account,address,district,period,kwh,max_demand_kw"
    good = tmp_path / "grid-2019-01.csv"
    good.write_text(
        f"{header}\n{uscc},GD-E2E-1,深圳市罗湖区某路,luohu,2019-01,1000,3\n"
        f"{uscc},GD-E2E-1,深圳市罗湖区某路,luohu,2019-02,1100,3\n",
        encoding="utf-8",
    )
    service = ["--service", f"technology=http://127.0.0.1:{processes['technology']}"]
    runner = CliRunner()
    first = runner.invoke(app, ["feed", "import", str(good), *service])
    assert first.exit_code == 0, first.output
    assert "electricity: 2 rows, 2 new, 0 corrected, 0 unchanged" in first.output
    again = runner.invoke(app, ["feed", "import", str(good), *service])
    assert "2 rows, 0 new, 0 corrected, 2 unchanged" in again.output
    bad = tmp_path / "grid-bad.csv"
    bad.write_text(good.read_text(encoding="utf-8").replace(",1100,", ",1 100x,"), encoding="utf-8")
    refused = runner.invoke(app, ["feed", "import", str(bad), *service])
    assert refused.exit_code == 1
    assert "line 3, column kwh" in refused.output
    assert "nothing loaded" in refused.output
