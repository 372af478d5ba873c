"""The city bureau's dashboard in a real browser: the six services as processes on the test stack,
a little of the demo city and a few cases, exits and disclosures made through the agencies' APIs,
then Debian's headless Chromium loads each page, checks what it shows, works the filters, the
sort, the pager, an export and the language switch, proves that a district government sees its
own district only, and saves a screenshot of each page in test-artifacts/screenshots/.

Chromium is driven over the DevTools protocol on a pipe (`--remote-debugging-pipe`): no driver
and no browser download, only the standard library.
"""

from __future__ import annotations

import base64
import contextlib
import csv
import fcntl
import hashlib
import io
import json
import os
import random
import select
import signal
import time
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import StackUnderTest
from support import make_uscc

from phaseout_cli import demo, keycloak, platform, processes, stack
from phaseout_shared import auth

pytestmark = pytest.mark.e2e
CHROMIUM = Path("/usr/bin/chromium")
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="/usr/bin/chromium is missing: apt-get install chromium fonts-noto-cjk (.ci/run does)",
)
SLOT = int(os.environ.get("PHASEOUT_TEST_SLOT", "0"))
PORTS = {name: port + 20000 + 100 * SLOT for name, port in platform.PORTS.items()}
"""Apart from test_processes.py's (+10000) so that the two never share a port."""
KEYCLOAK_PORT = 28180 + 100 * SLOT
SHOTS = stack.REPO / "test-artifacts" / "screenshots"
DASHBOARD = stack.REPO / "dashboard"
STATIC = stack.REPO / "services/aggregator/src/phaseout_aggregator/static"
AS_OF = "2020-03-01"
"""The day the pages are read as of: the 2019 exits are in, the August inspections overdue."""
SEALED = dict.fromkeys(
    ("water_cut", "power_cut", "power_units_removed", "main_equipment_sealed", "public_commitment"),
    True,
)
ALUMINIUM = "gb21346.aluminium_liquid_ac_power"
KILNS = [("dapeng", "800000"), ("dapeng", "1200000"), ("futian", "600000"), ("luohu", "500000")]
"""Earth kilns found, sealed and accepted in 2019: (district, capacity in m²/a)."""
INSPECTIONS = (
    [("luohu", "2019-08-31")] * 3 + [("longgang", "2019-08-31")] + [("longgang", "2019-12-01")] * 2
)
"""Aluminium works over the energy limit, due six months later: on AS_OF luohu has three of three
cases overdue (a talk), longgang one of three (a circular)."""


# ---------------------------------------------------------------- the platform and its data


@dataclass
class City:
    base: str
    tokens: dict[str, str]
    issuer: str | None = None
    """The local identity provider's (Keycloak's), when it could start here."""
    kilns: list[tuple[str, str]] = field(default_factory=list)
    """(uscc, district) of each exited kiln, in KILNS order."""
    overdue: list[str] = field(default_factory=list)
    disclosed: str = ""
    shut_down: str = ""
    """An aluminium works drc's officer ordered shut down (2019-11-15) and miit verified."""


def token(private: str, agency: str | None, jurisdiction: str, role: str = "reader") -> str:
    return auth.issue(
        private, sub="dashboard-e2e", agency=agency, jurisdiction=jurisdiction, roles=[role]
    )


def poll(probe: Callable[[], bool], what: str, within: float = 40) -> None:
    deadline = time.monotonic() + within
    while not probe():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {within}s: {what}")
        time.sleep(0.2)


def make_data(city: City, private: str) -> None:
    """A little of the demo city, then exits, overdue cases, a disclosure and a submission."""
    demo.load(PORTS, private, count=30, seed=2019, year=False)
    rng = random.Random(1111)
    officer = {"Authorization": f"Bearer {token(private, 'miit', 'city', 'officer')}"}

    def post(service: str, path: str, body: dict[str, Any], headers: dict[str, str]) -> Any:
        r = http.post(f"http://127.0.0.1:{PORTS[service]}{path}", json=body, headers=headers)
        assert r.status_code in (200, 201), r.text
        return r.json()

    def register(service: str, headers: dict[str, str], **body: str) -> str:
        uscc = make_uscc(rng)
        post(
            service,
            "/v1/enterprises",
            {"uscc": uscc, "effective_on": "2019-04-01", **body},
            headers,
        )
        return uscc

    with httpx.Client(timeout=10) as http:
        for n, (district, capacity) in enumerate(KILNS, 1):
            name = f"深圳市示范陶瓷有限公司{n:02d}"
            uscc = register(
                "technology", officer, name=name, district=district, industry="ceramics"
            )
            item = {
                "item_id": "K-1",
                "equipment": {"kind": "kiln", "type": "earth"},
                "capacity_amount": capacity,
                "capacity_unit": "m²/a",
                "effective_on": "2019-05-06",
            }
            case = post("technology", f"/v1/enterprises/{uscc}/items", item, officer)["case_id"]
            sealing = {"measures": SEALED, "effective_on": "2019-06-01"}
            post("technology", f"/v1/cases/{case}/sealing", sealing, officer)
            acceptance = {"passed": True, "effective_on": "2019-06-20"}
            post("technology", f"/v1/cases/{case}/acceptance", acceptance, officer)
            city.kilns.append((uscc, district))
        # The first kiln's meter, steady until its sealing, dark after (the consumption curve):
        # an account no other test uses, as readings are kept once per account and month.
        kiln, where = city.kilns[0]
        readings = ["uscc,account,address,district,period,kwh,max_demand_kw"] + [
            f"{kiln},GD-E2E-KILN-1,深圳市大鹏新区某路1号,{where},2019-{m:02d},"
            f"{80_000 if m < 6 else 500},{160 if m < 6 else 1}"
            for m in range(1, 13)
        ]
        loaded = http.post(
            f"http://127.0.0.1:{PORTS['technology']}/v1/watch/feeds/electricity/imports",
            content="\n".join(readings).encode(),
            headers={**officer, "Content-Type": "text/csv"},
        )
        assert loaded.status_code == 201, loaded.text
        for n, (district, on) in enumerate(INSPECTIONS, 1):
            uscc = register(
                "energy",
                officer,
                name=f"深圳市示范铝业有限公司{n:02d}",
                district=district,
                industry="electrolytic_aluminium",
            )
            inspection = {
                "indicator_id": ALUMINIUM,
                "measured_value": "13800",
                "unit": "kWh/t",
                "effective_on": on,
                "capacity_amount": "120000",
                "capacity_unit": "t/a",
            }
            post("energy", f"/v1/enterprises/{uscc}/inspections", inspection, officer)
            if on == "2019-08-31":
                city.overdue.append(uscc)
        city.shut_down = register(
            "energy",
            officer,
            name="深圳市示范铝业有限公司99",
            district="pingshan",
            industry="electrolytic_aluminium",
        )
        inspection = {**inspection, "effective_on": "2019-06-28"}
        case = post("energy", f"/v1/enterprises/{city.shut_down}/inspections", inspection, officer)
        failed = {"inspected_on": "2019-11-08", "measured_value": "13900", "unit": "kWh/t"}
        post("energy", f"/v1/cases/{case['case_id']}/reinspection", failed, officer)
        drc = {"Authorization": f"Bearer {token(private, 'drc', 'city', 'officer')}"}
        order = {"ordered_on": "2019-11-15", "exit_by": "2020-01-31"}
        post("energy", f"/v1/cases/{case['case_id']}/shutdown-order", order, drc)
        verified = {"verified_on": "2020-01-10"}
        post("energy", f"/v1/cases/{case['case_id']}/shutdown-verification", verified, officer)
        mem = {"Authorization": f"Bearer {token(private, 'mem', 'nanshan', 'officer')}"}
        city.disclosed = register(
            "safety", mem, name="深圳市示范钢铁有限公司", district="nanshan", industry="steel"
        )
        disclosure = {
            "uscc": city.disclosed,
            "violation": "安全条件不符合国家标准",
            "order": "责令停产停业整顿",
            "publicity_from": "2019-07-01",
            "publicity_until": "2020-12-31",
            "effective_on": "2019-07-01",
        }
        post("safety", "/v1/disclosures", disclosure, mem)
        futian = {"Authorization": f"Bearer {token(private, None, 'futian', 'officer')}"}
        submission = {"year": 2019, "kind": "annual", "submitted_on": "2019-12-20"}
        post("aggregator", "/v1/submissions", submission, futian)

        city_wide = {"Authorization": f"Bearer {city.tokens['city']}"}

        def read(path: str, **params: str) -> Any:
            r = http.get(f"{city.base}{path}", params=params, headers=city_wide)
            assert r.status_code == 200, r.text
            return r.json()

        poll(
            lambda: (
                {u for u, _ in city.kilns} | {city.shut_down}
                <= {r["uscc"] for r in read("/v1/exits", as_of=AS_OF)["rows"]}
            ),
            "the exits reach the aggregator",
        )
        poll(
            lambda: set(city.overdue) <= {c["uscc"] for c in read("/v1/overdue", as_of=AS_OF)},
            "the overdue cases reach the aggregator",
        )
        poll(
            lambda: (
                city.disclosed in {d["uscc"] for d in read("/v1/public/disclosures", as_of=AS_OF)}
            ),
            "the disclosure reaches the aggregator",
        )
        poll(lambda: len(read("/v1/registers")) >= 30, "the demo registers reach the aggregator")


@pytest.fixture(scope="module")
def city(test_stack: StackUnderTest) -> Iterator[City]:
    config = test_stack.config
    folder = config.state / "services-dashboard"
    urls = stack.ensure_databases(config, list(PORTS))
    issuer = platform.identity_provider(config, KEYCLOAK_PORT, PORTS["aggregator"])
    services = platform.services(config, urls, PORTS, issuer)
    private = platform.dev_keys()[0].read_text()
    tokens = {
        "city": token(private, "miit", "city"),
        "futian": token(private, None, "futian"),
        "officer": token(private, "miit", "city", "officer"),
    }
    try:
        processes.start_services(folder, services)
        base = f"http://127.0.0.1:{PORTS['aggregator']}"
        if httpx.get(f"{base}/dashboard/", timeout=10).status_code != 200:
            pytest.fail(
                "the aggregator does not serve /dashboard/: add dashboard.router to the routers "
                "of phaseout_aggregator.main.SPEC"
            )
        built = City(base, tokens, issuer)
        make_data(built, private)
        yield built
    finally:
        processes.stop_services(folder, list(PORTS))
        keycloak.down(config.state / "keycloak")


# ---------------------------------------------------------------- the browser


class BrowserError(Exception):
    pass


def _high(fd: int) -> int:
    """The same pipe end on a descriptor above 9, so that moving it to 3 or 4 clobbers none."""
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return moved


class Browser:
    """Headless Chromium, one page, driven over the DevTools protocol on fds 3 and 4."""

    def __init__(self, folder: Path, *extra: str) -> None:
        self.downloads = folder / "downloads"
        self.downloads.mkdir(parents=True)
        self.problems: list[str] = []
        self.requested: list[str] = []
        self._buffer = b""
        self._id = 0
        commands, self._out = (_high(fd) for fd in os.pipe())
        self._in, replies = (_high(fd) for fd in os.pipe())
        log = _high(os.open(folder / "chromium.log", os.O_WRONLY | os.O_CREAT, 0o644))
        args = [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={folder / 'profile'}",
            "--remote-debugging-pipe",
            "--hide-scrollbars",
            "--lang=zh-CN",
            *extra,
            "about:blank",
        ]
        self.pid = os.posix_spawn(
            str(CHROMIUM),
            args,
            dict(os.environ),
            file_actions=[
                (os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
                (os.POSIX_SPAWN_DUP2, log, 1),
                (os.POSIX_SPAWN_DUP2, log, 2),
                (os.POSIX_SPAWN_DUP2, commands, 3),
                (os.POSIX_SPAWN_DUP2, replies, 4),
            ],
            setsid=True,
        )
        for fd in (commands, replies, log):
            os.close(fd)
        target = self._call("Target.createTarget", {"url": "about:blank"})["targetId"]
        attached = self._call("Target.attachToTarget", {"targetId": target, "flatten": True})
        self._session = attached["sessionId"]
        self._call(
            "Browser.setDownloadBehavior",
            {"behavior": "allow", "downloadPath": str(self.downloads)},
        )
        for domain in ("Page", "Runtime", "Log"):
            self.call(f"{domain}.enable")
        self.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": 1400, "height": 900, "deviceScaleFactor": 1, "mobile": False},
        )

    # The protocol: JSON messages, each ended by a NUL byte.

    def _call(
        self, method: str, params: dict[str, Any] | None = None, session: str | None = None
    ) -> Any:
        self._id += 1
        message: dict[str, Any] = {"id": self._id, "method": method, "params": params or {}}
        if session is not None:
            message["sessionId"] = session
        data = json.dumps(message).encode() + b"\0"
        while data:
            data = data[os.write(self._out, data) :]
        deadline = time.monotonic() + 30
        while True:
            reply = self._next(deadline)
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise BrowserError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self._note(reply)

    def _next(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise BrowserError("chromium did not answer in time")
            if select.select([self._in], [], [], left)[0]:
                chunk = os.read(self._in, 1 << 20)
                if not chunk:
                    raise BrowserError("chromium closed its pipe")
                self._buffer += chunk
        raw, _, self._buffer = self._buffer.partition(b"\0")
        message: dict[str, Any] = json.loads(raw)
        return message

    def _note(self, event: dict[str, Any]) -> None:
        """Keep what a page should never do: throw, or break its content security policy."""
        params = event.get("params", {})
        if event.get("method") == "Network.requestWillBeSent":
            self.requested.append(params["request"]["url"])
        elif event.get("method") == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            self.problems.append(details.get("exception", {}).get("description") or details["text"])
        elif event.get("method") == "Log.entryAdded":
            entry = params["entry"]
            if entry["source"] in ("security", "javascript"):
                self.problems.append(entry["text"])

    def call(self, method: str, params: dict[str, Any] | None = None) -> Any:
        return self._call(method, params, self._session)

    def close(self) -> None:
        with contextlib.suppress(BrowserError, OSError):
            self._call("Browser.close")
        deadline = time.monotonic() + 10
        while os.waitpid(self.pid, os.WNOHANG) == (0, 0):
            if time.monotonic() > deadline:
                os.killpg(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
                break
            time.sleep(0.1)
        os.close(self._in)
        os.close(self._out)

    # What the tests do with a page.

    def js(self, expression: str) -> Any:
        result = self.call(
            "Runtime.evaluate",
            {"expression": expression, "awaitPromise": True, "returnByValue": True},
        )
        if "exceptionDetails" in result:
            raise BrowserError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait(self, expression: str, within: float = 20) -> Any:
        deadline = time.monotonic() + within
        while True:
            with contextlib.suppress(BrowserError):
                value = self.js(expression)
                if value:
                    return value
            if time.monotonic() > deadline:
                raise AssertionError(f"not within {within}s: {expression}")
            time.sleep(0.1)

    def rendered(self, view: str, action: Callable[[], object]) -> None:
        """Do something that renders a view, and wait until the dashboard says it is done."""
        with contextlib.suppress(BrowserError):
            self.js("document.body && (document.body.dataset.ready = '')")
        action()
        done = f"document.body.dataset.ready === {json.dumps(view)}"
        self.wait(f"document.readyState === 'complete' && {done}")

    def open(self, url: str, view: str) -> None:
        """Go to a dashboard address (the same one again reloads: no hash change renders)."""
        same = self.js(f"location.href === {json.dumps(url)}")
        method, params = ("Page.reload", {}) if same else ("Page.navigate", {"url": url})
        self.rendered(view, lambda: self.call(method, params))

    def act(self, script: str, view: str) -> None:
        self.rendered(view, lambda: self.js(script))

    def texts(self, selector: str) -> list[str]:
        found: list[str] = self.js(
            f"[...document.querySelectorAll({json.dumps(selector)})].map(e => e.innerText)"
        )
        return found

    def attrs(self, selector: str, name: str) -> list[str]:
        found: list[str] = self.js(
            f"[...document.querySelectorAll({json.dumps(selector)})]"
            f".map(e => e.getAttribute({json.dumps(name)}))"
        )
        return found

    def choose(self, selector: str, value: str, view: str) -> None:
        self.act(
            f"{{ const s = document.querySelector({json.dumps(selector)});"
            f" s.value = {json.dumps(value)};"
            " s.dispatchEvent(new Event('change', {bubbles: true})); }",
            view,
        )

    def screenshot(self, name: str) -> Path:
        metrics = self.call("Page.getLayoutMetrics")
        size, width = metrics["cssContentSize"], metrics["cssLayoutViewport"]["clientWidth"]
        clip = {"x": 0, "y": 0, "width": width, "height": min(size["height"], 6000), "scale": 1}
        shot = self.call(
            "Page.captureScreenshot",
            {"format": "png", "clip": clip, "captureBeyondViewport": True},
        )
        SHOTS.mkdir(parents=True, exist_ok=True)
        path = SHOTS / f"{name}.png"
        path.write_bytes(base64.b64decode(shot["data"]))
        return path


@pytest.fixture(scope="module")
def browser(city: City, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    started = Browser(tmp_path_factory.mktemp("chromium"))
    try:
        yield started
    finally:
        started.close()


@pytest.fixture
def page(browser: Browser, city: City) -> Iterator[Browser]:
    """The browser on the dashboard, signed out, in Chinese, read as of AS_OF; no page error."""
    browser.open(f"{city.base}/dashboard/#/public?as_of={AS_OF}", "public")
    browser.js("sessionStorage.clear(); localStorage.clear()")
    browser.js(f"sessionStorage.setItem('phaseout.asOf', '{AS_OF}')")
    browser.problems.clear()
    yield browser
    assert browser.problems == [], "the page threw or broke its security policy"


def sign_in(page: Browser, token: str) -> None:
    page.js(f"sessionStorage.setItem('phaseout.token', {json.dumps(token)})")


# ---------------------------------------------------------------- the tests


def test_the_served_folder_is_the_build_of_the_sources() -> None:
    """static/ is committed: it must be what `npm run build` makes of dashboard/src."""
    for source in sorted((DASHBOARD / "src").iterdir()):
        assert (STATIC / source.name).read_bytes() == source.read_bytes(), (
            f"static/{source.name} differs from dashboard/src: run npm run build in dashboard/"
        )
    pinned = json.loads((DASHBOARD / "package.json").read_text())["dependencies"]["echarts"]
    locked = json.loads((DASHBOARD / "package-lock.json").read_text())
    assert locked["packages"]["node_modules/echarts"]["version"] == pinned
    notice = (STATIC / "NOTICE").read_text()
    assert f"Apache ECharts {pinned}" in notice and "Apache-2.0" in notice
    assert f'"{pinned}"' in (STATIC / "vendor/echarts.min.js").read_text()


def test_the_aggregator_serves_the_dashboard_and_nothing_outside_it(city: City) -> None:
    with httpx.Client(base_url=city.base, timeout=10) as http:
        index = http.get("/dashboard/")
        assert index.status_code == 200 and "text/html" in index.headers["content-type"]
        assert "script-src 'self'" in index.headers["content-security-policy"]
        assert "http://" not in index.text and "https://" not in index.text, "nothing from outside"
        assert http.get("/dashboard", follow_redirects=False).headers["location"] == "/dashboard/"
        library = http.get("/dashboard/vendor/echarts.min.js")
        assert library.status_code == 200 and "javascript" in library.headers["content-type"]
        assert "Apache ECharts" in http.get("/dashboard/NOTICE").text
        reference = http.get("/dashboard/reference.json").json()
        assert reference["names"]["zh"]["dapeng"] == "大鹏新区"
        for group in ("districts", "industries", "dimensions", "agencies"):
            for code in reference[group]:
                assert reference["names"]["zh"][code] and reference["names"]["en"][code], code
        for escape in ("/dashboard/..%2Fmain.py", "/dashboard/%2e%2e/main.py", "/dashboard/vendor"):
            assert http.get(escape).status_code == 404, escape


@needs_chromium
def test_the_public_page_needs_no_sign_in(page: Browser, city: City) -> None:
    page.open(f"{city.base}/dashboard/#/public?as_of={AS_OF}", "public")
    assert city.disclosed in page.attrs("tbody tr", "data-uscc")
    body = page.js("document.body.innerText")
    assert "落后产能退出信息公开" in body and "责令停产停业整顿" in body and "南山区" in body
    assert page.texts("#who") == ["公众（未登录）"]
    assert "nav-exits" not in page.attrs("nav a", "id"), "no signed-in pages offered"
    page.screenshot("public")


@needs_chromium
def test_sign_in_and_the_city_overview(page: Browser, city: City) -> None:
    page.open(f"{city.base}/dashboard/#/overview", "signin")
    page.js("document.querySelector('#signin textarea').value = 'not.a.token'")
    page.js("document.querySelector('#signin button[type=submit]').click()")
    assert page.js("document.querySelector('#signin-error').hidden") is False
    page.js(f"document.querySelector('#signin textarea').value = {json.dumps(city.tokens['city'])}")
    page.act("document.querySelector('#signin button[type=submit]').click()", "overview")
    assert page.texts("#who") == ["市工业和信息化局 · 全市"]
    kpi = dict(zip(page.attrs(".kpi", "data-kpi"), page.texts(".kpi b"), strict=True))
    assert int(kpi["exited"]) >= len(KILNS) and int(kpi["overdue"]) >= 4
    assert int(kpi["enterprises"].replace(",", "")) >= 30
    ceramics = page.texts("tr[data-industry=ceramics] td")
    assert ceramics[0] == "陶瓷" and ceramics[2] == "平方米/年"
    flags = dict(
        zip(page.attrs(".flags li", "data-district"), page.texts(".flags li"), strict=True)
    )
    assert "约谈" in flags["luohu"] and "通报" in flags["longgang"]
    chart = page.js("document.querySelector('.chart svg').textContent")
    assert "大鹏新区" in chart and "深汕特别合作区" in chart, "one bar group per district, named"
    page.screenshot("overview")
    page.js("document.querySelector('#annual-year').value = '2019'")
    page.js("document.querySelector('#annual-report').click()")
    assert downloaded(page, "annual-report-2019.xlsx")[:2] == b"PK"


@needs_chromium
def test_the_language_switch_persists(page: Browser, city: City) -> None:
    sign_in(page, city.tokens["city"])
    page.open(f"{city.base}/dashboard/#/overview", "overview")
    assert page.texts("#nav-overview") == ["全市概览"]
    page.act("document.querySelector('#lang').click()", "overview")
    assert page.texts("#nav-overview") == ["City overview"]
    assert page.js("document.documentElement.lang") == "en"
    assert "Dapeng New District" in page.js("document.querySelector('.chart svg').textContent")
    assert page.texts("tr[data-industry=ceramics] td")[0] == "Ceramics"
    page.rendered("overview", lambda: page.call("Page.reload"))
    assert page.texts("#nav-exits") == ["Exit list"], "the choice survives a reload"
    page.screenshot("overview-en")
    page.act("document.querySelector('#lang').click()", "overview")
    assert page.texts("#nav-exits") == ["退出清单"]


@needs_chromium
def test_the_exit_list_filters_sorts_pages_and_exports(page: Browser, city: City) -> None:
    sign_in(page, city.tokens["city"])
    page.open(f"{city.base}/dashboard/#/exits", "exits")
    assert {u for u, _ in city.kilns} <= set(page.attrs("tbody tr[data-uscc]", "data-uscc"))
    sort_by_capacity = "document.querySelector('th[data-sort=capacity_amount]').click()"
    page.act(sort_by_capacity, "exits")
    page.act(sort_by_capacity, "exits")
    capacities = [
        float(cell.split()[0].replace(",", ""))
        for cell in page.texts("tbody tr[data-uscc] td:nth-child(7)")
    ]
    assert capacities == sorted(capacities, reverse=True) and capacities[0] >= 1_200_000
    assert page.attrs("th[data-sort=capacity_amount]", "aria-sort") == ["descending"]
    page.screenshot("exits")

    page.choose("#f-district", "dapeng", "exits")
    page.choose("#f-industry", "ceramics", "exits")
    page.choose("#f-year", "2019", "exits")
    dapeng = {u for u, d in city.kilns if d == "dapeng"}
    assert set(page.attrs("tbody tr[data-uscc]", "data-district")) == {"dapeng"}
    assert dapeng <= set(page.attrs("tbody tr[data-uscc]", "data-uscc"))
    page.choose("#page-size", "10", "exits")

    page.open(f"{city.base}/dashboard/#/exits?district=dapeng&size=1", "exits")
    first = page.attrs("tbody tr[data-uscc]", "data-uscc")
    assert len(first) == 1 and page.attrs(".pager", "data-page") == ["1"]
    page.act("document.querySelector('#page-next').click()", "exits")
    assert page.attrs(".pager", "data-page") == ["2"]
    assert page.attrs("tbody tr[data-uscc]", "data-uscc") not in ([], first)

    page.js("document.querySelector('#export-csv').click()")
    rows = list(csv.reader(io.StringIO(downloaded(page, "*.csv").decode("utf-8-sig"))))
    assert rows[0][3] == "统一社会信用代码", "headed in the page's language"
    listed = [row for row in rows[1:] if row and row[0].isdigit()]
    assert dapeng <= {row[3] for row in listed}
    assert {row[1] for row in listed} == {"大鹏新区"}, "exported with the page's filters"
    assert {row[5] for row in listed} == {"建筑卫生陶瓷窑炉"}, "the kind by its name"
    assert {row[7] for row in listed} == {"平方米/年"} and {row[11] for row in listed} == {"已退出"}
    page.js("document.querySelector('#export-xlsx').click()")
    assert downloaded(page, "*.xlsx")[:2] == b"PK", "an xlsx workbook (a zip)"


def downloaded(page: Browser, pattern: str) -> bytes:
    """What a click just downloaded, once Chromium has written it (and the file taken away)."""
    found: list[Path] = []

    def complete() -> bool:
        found[:] = [f for f in page.downloads.glob(pattern) if f.stat().st_size > 0]
        return bool(found)

    poll(complete, f"a download matching {pattern}", within=15)
    data = found[0].read_bytes()
    found[0].unlink()
    return data


@needs_chromium
def test_the_enterprise_page_as_of_a_date(page: Browser, city: City) -> None:
    sign_in(page, city.tokens["city"])
    uscc = city.kilns[0][0]
    page.open(f"{city.base}/dashboard/#/enterprise?uscc={uscc}&as_of=2019-06-10", "enterprise")
    assert page.attrs(".dimension", "data-dimension") == [
        "energy",
        "environment",
        "quality",
        "safety",
        "technology",
    ], "the five dimensions side by side"
    assert page.attrs(".dimension[data-dimension=technology]", "data-state") == ["open"]
    assert "已封存" in page.js("document.body.innerText"), "the case sealed, not yet accepted"
    assert "未退出" in page.texts("#identity")[0]
    page.choose("#as-of", "2019-07-01", "enterprise")
    assert page.js("location.hash").endswith("as_of=2019-07-01"), "the address follows the day"
    identity = page.texts("#identity")[0]
    assert "已退出" in identity and "大鹏新区" in identity and "2019-07-01" in identity
    types = page.attrs("tbody tr[data-type]", "data-type")
    assert types[0] == "phaseout.technology.enterprise.registered.v1"
    drawn = page.wait(CHART_DATA.replace("{name}", "consumption"))
    assert drawn == [7], "the kiln's monthly kWh up to the day asked about, drawn"
    marks = page.js(
        "echarts.getInstanceByDom(document.querySelector('[data-chart=consumption]'))"
        ".getOption().series[0].markLine.data.map(d => d.xAxis)"
    )
    assert {"2019-06"} == set(marks), "the sealing and the acceptance marked in June"
    assert "phaseout.technology.case.acceptance_passed.v1" in types
    page.screenshot("enterprise")
    page.open(
        f"{city.base}/dashboard/#/enterprise?uscc={city.overdue[0]}&as_of={AS_OF}", "enterprise"
    )
    assert page.attrs(".dimension[data-dimension=energy]", "data-state") == ["overdue"]
    assert page.attrs("tr.late", "data-case"), "the overdue case is marked late"


@needs_chromium
def test_overdue_work_and_the_calendar(page: Browser, city: City) -> None:
    sign_in(page, city.tokens["city"])
    page.open(f"{city.base}/dashboard/#/overdue?year=2019", "overdue")
    assert set(city.overdue) <= set(page.attrs("tbody tr[data-case]", "data-uscc"))
    days = {
        u: d
        for u, d in zip(
            page.attrs("tbody tr[data-case]", "data-uscc"),
            page.texts("tbody tr[data-case] td:nth-child(8)"),
            strict=True,
        )
    }
    assert days[city.overdue[0]] == "1", "due on 2020-02-29, one day late on 2020-03-01"
    status = dict(
        zip(
            page.attrs("tr[data-kind=annual]", "data-submitter"),
            page.attrs("tr[data-kind=annual]", "data-status"),
            strict=True,
        )
    )
    assert status["futian"] == "in" and status["luohu"] == "overdue"
    assert "已按时报送" in page.texts("tr[data-kind=annual][data-submitter=futian]")[0]
    page.screenshot("overdue")


CHART_DATA = (
    "(() => { const el = document.querySelector('[data-chart={name}]');"
    " const chart = el && window.echarts.getInstanceByDom(el);"
    " if (!chart || !el.querySelector('svg, canvas')) return null;"
    " return chart.getOption().series.map(s => s.data.filter(v => Number(v) > 0).length); })()"
)
"""Per series of a drawn chart, how many of its values are above zero (null if not drawn)."""


@needs_chromium
def test_the_charts_officials_ask_for_render_with_the_years_figures(
    page: Browser, city: City
) -> None:
    """Capacity per industry and per district against the year's work, progress by month,
    overdue work by agency: each drawn, with figures; the plan's lack of task figures said."""
    sign_in(page, city.tokens["city"])
    page.open(f"{city.base}/dashboard/#/charts?year=2019", "charts")
    for name in ("capacity-industry", "capacity-district", "months", "overdue-agency"):
        drawn = page.wait(CHART_DATA.replace("{name}", name))
        assert drawn and max(drawn) > 0, f"{name} is drawn with figures: {drawn}"
    assert "未下达" in page.texts("#task-note")[0], "the plan sets no task figure, and says so"
    ceramics = page.texts("[data-code=ceramics] td")
    assert ceramics[0] == "陶瓷" and "3,100,000" in ceramics[3], ceramics
    districts = page.attrs("tr[data-code][data-unit]", "data-code")
    assert {"dapeng", "futian", "luohu"} <= set(districts)
    page.screenshot("charts")
    sign_in(page, city.tokens["futian"])
    page.open(f"{city.base}/dashboard/#/charts?year=2019", "charts")
    drawn = page.wait(CHART_DATA.replace("{name}", "capacity-district"))
    assert drawn and max(drawn) > 0
    shown = set(page.attrs("tr[data-code][data-unit]", "data-code")) - {"ceramics"}
    assert shown == {"futian"}, f"a district sees its own district only: {shown}"
    page.screenshot("charts-futian")


@needs_chromium
def test_a_district_government_sees_its_own_district_only(page: Browser, city: City) -> None:
    sign_in(page, city.tokens["futian"])
    page.open(f"{city.base}/dashboard/#/", "district")
    assert page.texts("#who") == ["福田区 · 区政府"]
    assert "nav-overview" not in page.attrs("nav a", "id")
    assert "福田区" in page.texts("h1")[0]
    futian = [u for u, d in city.kilns if d == "futian"]
    others = {u for u, d in city.kilns if d != "futian"}
    assert set(futian) <= set(page.attrs("tbody tr[data-uscc]", "data-uscc"))
    assert set(page.attrs("tbody tr[data-district]", "data-district")) == {"futian"}
    page.screenshot("district")
    page.open(f"{city.base}/dashboard/#/exits", "exits")
    assert set(page.attrs("tbody tr[data-uscc]", "data-district")) == {"futian"}
    assert not others & set(page.attrs("tbody tr[data-uscc]", "data-uscc"))
    assert page.attrs("#f-district option", "value") == ["", "futian"]
    page.open(f"{city.base}/dashboard/#/exits?district=luohu", "exits")
    assert page.attrs(".error", "data-status") == ["403"] and not page.attrs(
        "tbody tr[data-uscc]", "data-uscc"
    )
    luohu = next(u for u, d in city.kilns if d == "luohu")
    page.open(f"{city.base}/dashboard/#/enterprise?uscc={luohu}", "enterprise")
    assert page.attrs(".error", "data-status") == ["403"]
    page.open(f"{city.base}/dashboard/#/district?district=luohu", "district")
    assert page.attrs(".error", "data-status") == ["403"]
    assert "无权查看" in page.texts(".error")[0]
    page.screenshot("district-forbidden")
    page.open(f"{city.base}/dashboard/#/overdue?year=2019", "overdue")
    assert set(page.attrs("tbody tr[data-case]", "data-district")) <= {"futian"}
    assert not set(city.overdue) & set(page.attrs("tbody tr[data-case]", "data-uscc"))


OFFLINE = "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"
"""No name resolves but the loopback address: a page that needs a CDN cannot load it."""


@needs_chromium
@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("/docs", "document.querySelector('.swagger-ui .info .title')"),
        ("/redoc", "document.querySelector('.api-content h1')"),
    ],
)
def test_the_api_docs_render_offline(
    city: City, tmp_path_factory: pytest.TempPathFactory, path: str, title: str
) -> None:
    """Swagger UI and ReDoc load their scripts from the service, never from the internet."""
    offline = Browser(tmp_path_factory.mktemp("offline"), OFFLINE)
    try:
        offline.call("Network.enable")
        offline.call("Page.navigate", {"url": f"{city.base}{path}"})
        shown = offline.wait(f"{title}?.innerText", within=30)
        assert "Phaseout aggregator" in shown
        local = ("http://127.0.0.1", "blob:http://127.0.0.1", "data:")
        outside = [u for u in offline.requested if not u.startswith(local)]
        assert offline.requested and outside == []
        offline.screenshot(f"api-docs{path.replace('/', '-')}")
    finally:
        offline.close()


# ---------------------------------------------------------------- names, not codes; 1366 px


def codes() -> set[str]:
    """Every code a Chinese page must show by its name: the city's codes, capacity units, exit
    statuses, case and referral states, the codes of every catalogue an exit names (Table 5's
    kinds and rules, Table 1's indicators, environment's kinds, grounds, Table 2 rules and
    limits)."""
    from phaseout_energy.adapters.catalogue_versions import shipped as limits
    from phaseout_environment.domain.catalogue import shipped as table2
    from phaseout_shared.contracts.energy import ShutdownReason
    from phaseout_shared.reference import UNITS, Agency, Dimension, District, Industry
    from phaseout_technology.domain.catalogue import table5

    catalogue = table5()
    found = {m.value for kind in (Agency, District, Industry, Dimension) for m in kind}
    found |= set(UNITS) | {"exited", "revived", "open", "overdue", "sealed", "dismantled"}
    found |= {reason.value for reason in ShutdownReason}
    found |= set(catalogue.kinds) | {rule.id for rule in catalogue.rules}
    found |= {i.id for s in limits().standards for i in s.indicators}
    environment = table2()
    found |= set(environment.kinds) | {g.id for g in environment.grounds}
    found |= {r.id for r in environment.equipment_rules}
    found |= {limit.id for s in environment.standards for limit in s.limits}
    return found | {"phaseout", "None", "null", "undefined"}


def codes_in(text: str, listed: set[str]) -> set[str]:
    """The codes that stand as words in the text (not inside a longer word or a USCC)."""
    import re

    return {
        code
        for code in listed
        if re.search(rf"(?<![A-Za-z0-9_]){re.escape(code)}(?![A-Za-z0-9_])", text)
    }


PAGES = [
    ("overview", "#/overview"),
    ("district", "#/district?district=dapeng"),
    ("exits", "#/exits"),
    ("enterprise", "#/enterprise"),
    ("overdue", "#/overdue?year=2019"),
    ("charts", "#/charts?year=2019"),
    ("public", "#/public"),
]


@needs_chromium
def test_no_code_where_a_name_belongs_on_any_chinese_page(page: Browser, city: City) -> None:
    """Every page, as the city bureau and as a district government, in Chinese: the visible
    text holds no code (an enterprise's page too, with its timeline told in words)."""
    listed = codes()
    seen: dict[str, set[str]] = {}
    for who in ("city", "futian"):
        sign_in(page, city.tokens[who])
        kiln = next(u for u, d in city.kilns if d == ("dapeng" if who == "city" else "futian"))
        pages = [*PAGES, ("enterprise", f"#/enterprise?uscc={kiln}&as_of={AS_OF}")]
        if who == "city":
            shut = f"#/enterprise?uscc={city.shut_down}&as_of={AS_OF}"
            pages += [("exits", "#/exits?district=pingshan"), ("enterprise", shut)]
        if who == "futian":
            pages = [(v, p.replace("dapeng", "futian")) for v, p in pages if v != "overview"]
        for view, path in pages:
            page.open(f"{city.base}/dashboard/{path}", view)
            text = page.js("document.body.innerText")
            found = codes_in(text, listed)
            if found:
                seen[f"{who} {path}"] = found
    assert seen == {}, "codes shown where names belong"
    sign_in(page, city.tokens["city"])
    page.open(
        f"{city.base}/dashboard/#/enterprise?uscc={city.kilns[0][0]}&as_of={AS_OF}", "enterprise"
    )
    timeline = page.texts("tbody tr[data-type] td:nth-child(3)")
    assert any("市工业和信息化局：案件验收通过" in row for row in timeline), timeline
    assert page.texts("details.provenance summary")[0] == "数据来源", "provenance, as a detail"
    page.screenshot("enterprise-story")


@needs_chromium
def test_an_energy_exit_names_its_basis_and_who_acted(page: Browser, city: City) -> None:
    """An energy exit is named from the limits catalogue the energy service published, and the
    timeline names the agency whose officer acted: drc ordered the shutdown, miit verified it."""
    sign_in(page, city.tokens["city"])
    page.open(
        f"{city.base}/dashboard/#/enterprise?uscc={city.shut_down}&as_of={AS_OF}", "enterprise"
    )
    text = page.js("document.body.innerText")
    assert "铝液生产线" in text, "the line, named"
    assert "铝液交流电耗超过《电解铝企业单位产品能源消耗限额》（GB 21346-2013）限定值" in text
    timeline = page.texts("tbody tr[data-type] td:nth-child(3)")
    rows = dict(zip(page.attrs("tbody tr[data-type]", "data-type"), timeline, strict=True))
    assert rows["phaseout.energy.shutdown.ordered.v1"].startswith("市发展改革委："), rows
    assert "理由：经整改仍未达标" in rows["phaseout.energy.shutdown.ordered.v1"], "in words"
    assert rows["phaseout.energy.shutdown.verified.v1"].startswith("市工业和信息化局："), rows
    assert not any("、" in row.split("：")[0] for row in timeline), "who acted, not the leads"
    page.screenshot("enterprise-energy-exit")


WIDE = (
    "[document.documentElement, ...document.querySelectorAll('.card')]"
    ".filter(e => e.scrollWidth > e.clientWidth + 1)"
    ".map(e => (e.querySelector('h2')?.innerText ?? e.tagName) + ' ' + e.scrollWidth"
    " + '>' + e.clientWidth)"
)
"""What scrolls sideways on the page: the document or a card, with its widths."""


@contextlib.contextmanager
def screen(page: Browser, width: int) -> Iterator[None]:
    """The browser's window at `width` × 768 px, back to 1400 × 900 after."""
    page.call(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": 768, "deviceScaleFactor": 1, "mobile": False},
    )
    try:
        yield
    finally:
        page.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": 1400, "height": 900, "deviceScaleFactor": 1, "mobile": False},
        )


@needs_chromium
@pytest.mark.parametrize("width", [1366, 1440])
def test_the_pages_fit_the_screen_without_a_sideways_scroll(
    page: Browser, city: City, width: int
) -> None:
    """Every page, as the city bureau and as a district government, fits the screen and shows
    no code where a name belongs; a screenshot of each at that width."""
    listed = codes()
    with screen(page, width):
        for who in ("city", "futian"):
            sign_in(page, city.tokens[who])
            pages = [*PAGES, ("exits", "#/exits?size=100")]
            if who == "futian":
                pages = [(v, p.replace("dapeng", "futian")) for v, p in pages if v != "overview"]
            for n, (view, path) in enumerate(pages):
                page.open(f"{city.base}/dashboard/{path}", view)
                wide = page.js(WIDE)
                assert wide == [], f"{path} scrolls sideways at {width} px: {wide}"
                found = codes_in(page.js("document.body.innerText"), listed)
                assert found == set(), f"codes on {path} at {width} px as {who}"
                page.screenshot(f"{view}-{who}-{width}-{n}")
        page.open(f"{city.base}/dashboard/#/exits", "exits")
        page.screenshot(f"exits-{width}")


# ---------------------------------------------------------------- sign-in through the provider


@needs_chromium
@pytest.mark.parametrize(
    ("user", "who", "view"),
    [("futian", "福田区 · 区政府", "district"), ("miit", "市工业和信息化局 · 全市", "overview")],
)
def test_signing_in_through_the_identity_provider(
    page: Browser, city: City, user: str, who: str, view: str
) -> None:
    """Authorization code with PKCE through the local Keycloak: a district government and the
    city bureau each see their own scope; the token refreshes; signing out ends the session."""
    if city.issuer is None:
        pytest.skip("the local identity provider could not start here (JDK 21+, Maven Central)")
    page.open(f"{city.base}/dashboard/#/signin", "signin")
    assert page.texts("#signin-oidc") == ["通过统一身份认证登录"]
    assert page.js("document.querySelector('#signin-developer').open") is False, (
        "pasting a token is a developer option only"
    )
    page.js("document.querySelector('#signin-oidc').click()")
    page.wait(
        "location.href.includes('/realms/phaseout/') && !!document.querySelector('#username')",
        within=60,
    )
    page.js(
        f"document.querySelector('#username').value = {json.dumps(user)};"
        f"document.querySelector('#password').value = {json.dumps(keycloak.PASSWORD)};"
        "document.querySelector('#kc-login').click()"
    )
    page.wait(f"document.body && document.body.dataset.ready === {json.dumps(view)}", within=60)
    assert page.js("location.href").startswith(f"{city.base}/dashboard/")
    assert page.texts("#who") == [who]
    with screen(page, 1366):
        # the window narrowed under a drawn page: its charts redraw on the resize event
        page.wait(f"({WIDE}).length === 0", within=10)
        assert codes_in(page.js("document.body.innerText"), codes()) == set()
        page.screenshot(f"signed-in-{user}-1366")
    token = page.js("sessionStorage.getItem('phaseout.token')")
    assert keycloak.issuer(KEYCLOAK_PORT) == city.issuer and token.count(".") == 2
    if user == "futian":
        futian = {u for u, d in city.kilns if d == "futian"}
        assert futian <= set(page.attrs("tbody tr[data-uscc]", "data-uscc"))
        assert set(page.attrs("tbody tr[data-district]", "data-district")) == {"futian"}
        page.open(f"{city.base}/dashboard/#/exits?district=luohu", "exits")
        assert page.attrs(".error", "data-status") == ["403"]
        assert "罗湖区不在您的管辖范围内" in page.texts(".error")[0], "the reason in Chinese"
    else:
        page.open(f"{city.base}/dashboard/#/exits", "exits")
        assert {u for u, _ in city.kilns} <= set(page.attrs("tbody tr[data-uscc]", "data-uscc"))
    refreshed = page.js(
        "fetch('/auth/token').then(r => r.ok ? r.json() : null).then(b => b && b.principal)"
    )
    assert refreshed["jurisdiction"] == ("futian" if user == "futian" else "city")
    page.screenshot(f"signed-in-{user}")
    page.call("Page.navigate", {"url": f"{city.base}/auth/logout"})
    page.wait("document.body && document.body.dataset.ready === 'signin'", within=60)
    assert page.js("fetch('/auth/token').then(r => r.status)") == 401
    assert page.texts("#who") == ["公众（未登录）"]


# ---------------------------------------------------------------- evidence and documents


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A real PNG image of one colour (the browser draws it as the thumbnail)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 2, 0, 0, 0])
    rows = b"".join(b"\0" + bytes(rgb) * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def choose_files(page: Browser, selector: str, *files: Path) -> None:
    """What an officer does in the file picker: the files set on the input (its change event)."""
    root = page.call("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
    node = page.call("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    page.call("DOM.setFileInputFiles", {"nodeId": node, "files": [str(f) for f in files]})


def upload_state(page: Browser, name: str) -> str:
    return page.wait(
        f"(() => {{ const li = document.querySelector('li.upload[data-name={json.dumps(name)}]');"
        " return li && !['waiting', 'sending', 'stored'].includes(li.dataset.state)"
        " && li.dataset.state; })()",
        within=30,
    )


@needs_chromium
def test_an_officer_attaches_previews_and_prints_on_a_case(
    page: Browser, city: City, tmp_path: Path
) -> None:
    """An officer of the city bureau opens an energy case, attaches a photo by the file picker
    and another by dropping it, sees each upload complete and listed with its SHA-256, previews
    the photo, opens the case's rectification notice as a PDF, downloads the archive; an
    oversize file and a file that is not what it says are refused in Chinese; a district
    government outside the case's district is refused the case."""
    uscc = city.overdue[0]
    officer = {"Authorization": f"Bearer {city.tokens['officer']}"}
    energy = f"http://127.0.0.1:{PORTS['energy']}"
    with httpx.Client(timeout=60) as http:
        cases = http.get(
            f"{city.base}/v1/cases", params={"uscc": uscc, "dimension": "energy"}, headers=officer
        ).json()
        case_id = cases[0]["case_id"]
        notice = {
            "kind": "rectification_notice",
            "target_kind": "case",
            "target_id": case_id,
            "effective_on": "2019-09-02",
        }
        r = http.post(f"{energy}/v1/documents", json=notice, headers=officer)
        assert r.status_code == 201, r.text
        document = r.json()

    sign_in(page, city.tokens["officer"])
    address = f"#/case?uscc={uscc}&dimension=energy&case={case_id}"
    page.open(f"{city.base}/dashboard/{address}", "case")
    assert page.attrs("#case-facts", "data-case") == [case_id]
    row = f"tr[data-document='{document['document_id']}']"
    assert document["number"] in page.texts(row)[0] and "责令限期整改通知书" in page.texts(row)[0]
    assert "查看并打印" in page.texts(f"{row} button[data-pdf]")[0], "an order can be printed"
    limits = page.texts("#evidence-limits")[0]
    assert "JPEG 照片" in limits and "PDF 文件" in limits and "20 MB" in limits

    photo = tmp_path / "封存照片.png"
    photo.write_bytes(png(64, 48, (200, 30, 30)))
    digest = hashlib.sha256(photo.read_bytes()).hexdigest()
    page.js("document.querySelector('#evidence-caption').value = '主体设备封存照片'")
    choose_files(page, "#evidence-input", photo)
    assert upload_state(page, photo.name) == "attached"
    assert page.js("document.querySelector('li.upload[data-state=attached] progress').value") == 100
    assert digest[:12] in page.texts("li.upload[data-state=attached] .upload-status")[0]
    listed = f"tr[data-evidence][data-sha256='{digest}']"
    page.wait(f"!!document.querySelector({json.dumps(listed)})")
    cells = page.texts(f"{listed} td")
    assert cells[0] == "主体设备封存照片" and cells[1].startswith("PNG 图片")
    assert cells[2] == f"{digest[:12]}…" and "市工业和信息化局" in cells[3]
    assert cells[6] == f"案件 {case_id[:8]}", "the act it supports"
    thumb = json.dumps(f"{listed} img[data-thumb]")
    page.wait(f"document.querySelector({thumb})?.src.startsWith('blob:')")

    page.js(f"document.querySelector({json.dumps(listed + ' button[data-preview]')}).click()")
    page.wait("document.querySelector('#preview')?.dataset.state === 'shown'")
    assert page.attrs("#preview", "data-sha256") == [digest], "the bytes shown hash as recorded"
    assert page.texts("#preview-hash") == [digest]
    assert page.js("document.querySelector('#preview-image').naturalWidth") == 64
    page.js("document.querySelector('#preview-image').click()")
    assert page.js("document.querySelector('#lightbox img').src.startsWith('blob:')")
    page.js("document.querySelector('#lightbox').click()")
    assert page.js("document.querySelector('#lightbox')") is None

    dropped = b"\x89PNG\r\n\x1a\n" + b"dropped onto the case"
    page.js(
        "(() => { const t = new DataTransfer();"
        f" t.items.add(new File([new Uint8Array({list(dropped)})], '拖入.png',"
        " {type: 'image/png'}));"
        " document.querySelector('#dropzone').dispatchEvent("
        "new DragEvent('drop', {dataTransfer: t, bubbles: true, cancelable: true})); })()"
    )
    assert upload_state(page, "拖入.png") == "attached"
    dropped_hash = hashlib.sha256(dropped).hexdigest()
    page.wait(f"!!document.querySelector(\"tr[data-evidence][data-sha256='{dropped_hash}']\")")

    large = tmp_path / "过大.png"
    with large.open("wb") as out:
        out.truncate(20 * 1_048_576 + 1)
    choose_files(page, "#evidence-input", large)
    assert upload_state(page, large.name) == "refused"
    refusal = page.texts(f"li.upload[data-name='{large.name}'] .upload-status")[0]
    assert "文件过大" in refusal and "超过上限 20 MB（20,971,520 字节）" in refusal, refusal
    fake = tmp_path / "伪装.png"
    fake.write_bytes(b"GIF89a not a png at all")
    choose_files(page, "#evidence-input", fake)
    assert upload_state(page, fake.name) == "refused"
    refusal = page.texts(f"li.upload[data-name='{fake.name}'] .upload-status")[0]
    assert refusal == "文件类型不符，未上传：文件内容与其类型不符（不是 PNG 文件），未予保存"
    assert len(page.attrs("tr[data-evidence]", "data-sha256")) == 2, "nothing of the refused"

    page.js(f"document.querySelector({json.dumps(row + ' button[data-pdf]')}).click()")
    page.wait(
        f"document.querySelector('#preview')?.dataset.sha256 === {json.dumps(document['sha256'])}"
    )
    assert page.js("document.querySelector('#preview-pdf').src.startsWith('blob:')")
    assert page.texts("#preview-print") == ["打印"]
    page.screenshot("case-files")
    verify = page.attrs(f"{row} a[data-verify]", "href")[0]
    with httpx.Client(base_url=city.base, timeout=10) as http:
        public = http.get(verify).json()
    assert public["number"] == document["number"] and public["sha256"] == document["sha256"]

    page.js("document.querySelector('#archive-energy').click()")
    with zipfile.ZipFile(io.BytesIO(downloaded(page, "*.zip"))) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert {digest, dropped_hash, document["sha256"]} <= {e["sha256"] for e in manifest["files"]}
    assert all(e["verified"] for e in manifest["files"])

    text = page.js("document.body.innerText")
    assert codes_in(text, codes()) == set(), "no code on the case's page"
    for width in (1366, 1440):
        page.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": 768, "deviceScaleFactor": 1, "mobile": False},
        )
        wide = page.js(
            "[document.documentElement, ...document.querySelectorAll('.card')]"
            ".filter(e => e.scrollWidth > e.clientWidth + 1).length"
        )
        assert wide == 0, f"the case's page scrolls sideways at {width} px"
    page.call(
        "Emulation.setDeviceMetricsOverride",
        {"width": 1400, "height": 900, "deviceScaleFactor": 1, "mobile": False},
    )

    page.open(f"{city.base}/dashboard/#/enterprise?uscc={uscc}&as_of={AS_OF}", "enterprise")
    assert digest in page.attrs("tr[data-evidence]", "data-sha256"), "on the enterprise page too"
    assert document["document_id"] in page.attrs("tr[data-document]", "data-document")
    page.screenshot("enterprise-files")
    sign_in(page, city.tokens["city"])
    page.open(f"{city.base}/dashboard/{address}", "case")
    assert digest in page.attrs("tr[data-evidence]", "data-sha256"), "a reader reads the files"
    assert page.js("document.querySelector('#dropzone')") is None, "but attaches none"
    assert "只读身份" in page.texts("#upload-readonly")[0]
    sign_in(page, city.tokens["futian"])
    page.open(f"{city.base}/dashboard/{address}", "case")
    assert page.attrs(".error", "data-status") == ["403"], "outside the district: refused"
