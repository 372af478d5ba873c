// The dashboard's pages. Each view gets the address's parameters and returns the nodes of the
// page; what it fetches, it fetches with the signed-in user's token, so it shows what the API
// lets that user read.

import {
  COUNT_KEYS,
  TOKEN_KEY,
  amount,
  api,
  asOf,
  chart,
  chip,
  claimsOf,
  codeOptions,
  countsChart,
  defaultView,
  download,
  empty,
  enterpriseLink,
  errorBox,
  eventName,
  field,
  flagChip,
  go,
  h,
  nameOf,
  named,
  ownDistrict,
  pager,
  section,
  select,
  sortRows,
  sorter,
  state,
  stateName,
  story,
  t,
  table,
  today,
  token,
  unitName,
  years,
} from "./core.js";
import { caseView, enterpriseFiles } from "./files.js";

const DAY = 24 * 3600 * 1000;

async function overview() {
  const thisYear = Number((asOf() || today()).slice(0, 4));
  const [progress, exits, registers] = await Promise.all([
    api("/v1/districts/progress"),
    api("/v1/exits"),
    api("/v1/registers"),
  ]);
  const sum = (key) => progress.reduce((n, p) => n + p.totals[key], 0);
  const kpis = [
    ["enterprises", registers.length],
    ["inspected", sum("inspected")],
    ["open", sum("open_cases")],
    ["overdue", sum("overdue")],
    ["exited", sum("exited")],
  ];
  const flagged = progress.filter((p) => p.flag);
  return [
    h(
      "div",
      { class: "title-row" },
      h("h1", {}, t("overview.title")),
      h(
        "div",
        { class: "exports" },
        select(
          "annual-year",
          years(2019, thisYear),
          String(Math.max(2019, thisYear - 1)),
          () => {},
        ),
        h(
          "button",
          {
            id: "annual-report",
            onclick: () => {
              const year = document.getElementById("annual-year").value;
              download("/v1/reports/annual", { as_of: "", year, format: "xlsx", lang: state.lang });
            },
          },
          t("overview.annual"),
        ),
      ),
    ),
    h(
      "div",
      { class: "kpis" },
      kpis.map(([key, value]) =>
        h(
          "div",
          { class: "kpi", "data-kpi": key },
          h("b", {}, amount(value)),
          h("span", {}, t(`kpi.${key}`)),
        ),
      ),
    ),
    h(
      "div",
      { class: "columns" },
      section(
        t("overview.capacity"),
        exits.totals.length
          ? table(
              [
                [t("col.industry"), (r) => nameOf(r.industry)],
                [t("col.capacity"), (r) => amount(r.capacity_amount)],
                [t("col.unit"), (r) => named(r.unit_name) || unitName(r.capacity_unit)],
                [t("col.items"), (r) => r.items],
              ],
              exits.totals,
              { rowAttrs: (r) => ({ "data-industry": r.industry }) },
            )
          : empty("exits.empty"),
      ),
      section(
        t("overview.flagged"),
        flagged.length
          ? h(
              "ul",
              { class: "flags" },
              flagged.map((p) =>
                h(
                  "li",
                  { "data-district": p.district },
                  flagChip(p.flag),
                  " ",
                  h("a", { href: `#/district?district=${p.district}` }, nameOf(p.district)),
                  ` — ${t("count.overdue")} ${p.totals.overdue} / ${t("count.open_cases")} ${p.totals.open_cases}`,
                ),
              ),
            )
          : empty("overview.noflag"),
      ),
    ),
    section(
      t("overview.chart"),
      countsChart(
        progress.map((p) => nameOf(p.district)),
        progress.map((p) => p.totals),
      ),
    ),
    section(
      t("overview.table"),
      table(
        [
          [
            t("col.district"),
            (p) => h("a", { href: `#/district?district=${p.district}` }, nameOf(p.district)),
          ],
          ...COUNT_KEYS.map((key) => [t(`count.${key}`), (p) => p.totals[key]]),
          [t("col.flag"), (p) => flagChip(p.flag)],
        ],
        progress,
        { rowAttrs: (p) => ({ "data-district": p.district }) },
      ),
      h("p", { class: "note" }, t("overview.per_dimension")),
    ),
  ];
}

const EXIT_FILTERS = ["year", "district", "industry", "dimension", "status"];

function exitColumns() {
  return [
    [t("col.uscc"), (r) => enterpriseLink(r.uscc), { key: "uscc" }],
    [t("col.name"), (r) => r.name, { key: "name", wrap: true }],
    [t("col.district"), (r) => nameOf(r.district), { key: "district" }],
    [t("col.industry"), (r) => nameOf(r.industry), { key: "industry" }],
    [t("col.dimension"), (r) => nameOf(r.dimension), { key: "dimension" }],
    [t("col.item"), (r) => named(r.item_name), { key: "item", wrap: true }],
    [
      t("col.capacity"),
      (r) => `${amount(r.capacity_amount)} ${named(r.unit_name)}`,
      { key: "capacity_amount" },
    ],
    [
      t("col.basis"),
      (r) => h("span", { title: r.legal_basis }, named(r.basis)),
      { wrap: true, wide: true },
    ],
    [
      t("col.dates"),
      (r) => [
        h("div", {}, `${t("col.opened_short")} ${r.opened_on ?? "—"}`),
        h("div", {}, `${t("col.exited_short")} ${r.exited_on ?? "—"}`),
      ],
      { key: "exited_on" },
    ],
    [
      t("col.status"),
      (r) => chip(t(`status.${r.status}`), `status-${r.status}`),
      { key: "status" },
    ],
  ];
}

function exitRowAttrs(r) {
  return { "data-uscc": r.uscc, "data-district": r.district, "data-status": r.status };
}

async function exitsView(params) {
  const filters = Object.fromEntries(EXIT_FILTERS.map((k) => [k, params.get(k) ?? ""]));
  const mine = ownDistrict();
  const set = (key) => (value) =>
    go("exits", { ...Object.fromEntries(params), [key]: value, page: 1 });
  const thisYear = Number((asOf() || today()).slice(0, 4));
  const form = h(
    "form",
    { class: "filters", id: "exit-filters", onsubmit: (e) => e.preventDefault() },
    field(
      t("exits.year"),
      select("f-year", [["", t("all")], ...years(2019, thisYear)], filters.year, set("year")),
    ),
    field(
      t("col.district"),
      select(
        "f-district",
        mine ? codeOptions([mine]) : codeOptions(state.ref.districts),
        filters.district,
        set("district"),
      ),
    ),
    field(
      t("col.industry"),
      select("f-industry", codeOptions(state.ref.industries), filters.industry, set("industry")),
    ),
    field(
      t("col.dimension"),
      select("f-dimension", codeOptions(state.ref.dimensions), filters.dimension, set("dimension")),
    ),
    field(
      t("col.status"),
      select(
        "f-status",
        [
          ["", t("all")],
          ["exited", t("status.exited")],
          ["revived", t("status.revived")],
        ],
        filters.status,
        set("status"),
      ),
    ),
    h(
      "div",
      { class: "exports" },
      ["xlsx", "csv"].map((format) =>
        h(
          "button",
          {
            type: "button",
            id: `export-${format}`,
            onclick: () => download("/v1/exits", { ...filters, format, lang: state.lang }),
          },
          t(`exits.export_${format}`),
        ),
      ),
    ),
  );
  let listed;
  try {
    listed = await api("/v1/exits", filters);
  } catch (err) {
    return [h("h1", {}, t("exits.title")), form, errorBox(err)];
  }
  const sorted = sortRows(listed.rows, params, new Set(["capacity_amount"]));
  const { rows, controls } = pager(sorted, params, "exits");
  return [
    h("h1", {}, t("exits.title")),
    form,
    section(
      `${t("exits.title")} (${listed.rows.length})`,
      rows.length
        ? [
            table(exitColumns(), rows, { rowAttrs: exitRowAttrs, ...sorter(params, "exits") }),
            controls,
          ]
        : empty("exits.empty"),
    ),
    section(
      t("exits.totals"),
      listed.totals.length
        ? table(
            [
              [t("col.industry"), (r) => nameOf(r.industry)],
              [t("col.capacity"), (r) => amount(r.capacity_amount)],
              [t("col.unit"), (r) => named(r.unit_name) || unitName(r.capacity_unit)],
              [t("col.items"), (r) => r.items],
            ],
            listed.totals,
          )
        : empty("exits.empty"),
    ),
  ];
}

async function enterpriseView(params) {
  const uscc = params.get("uscc");
  const lookup = h(
    "form",
    {
      class: "filters",
      id: "lookup",
      onsubmit: (e) => {
        e.preventDefault();
        go("enterprise", { uscc: e.target.elements.uscc.value.trim().toUpperCase() });
      },
    },
    field(
      t("col.uscc"),
      h("input", { name: "uscc", value: uscc ?? "", maxlength: 18, size: 22, class: "mono" }),
    ),
    h("button", { type: "submit" }, t("enterprise.find")),
  );
  if (!uscc) return [h("h1", {}, t("enterprise.title")), lookup, await registersSection(params)];
  let e;
  try {
    e = await api(`/v1/enterprises/${encodeURIComponent(uscc)}`);
  } catch (err) {
    return [h("h1", {}, t("enterprise.title")), lookup, errorBox(err)];
  }
  return [
    h("h1", {}, e.name, " ", h("small", { class: "mono" }, e.uscc)),
    lookup,
    identitySection(e),
    section(
      t("enterprise.dimensions"),
      h("div", { class: "dimensions" }, e.dimensions.map(dimensionCard)),
    ),
    casesSection(e),
    measuresSection(e),
    referralsSection(e),
    await enterpriseFiles(e),
    await watchSection(e),
    section(
      t("enterprise.exits"),
      e.exits.length
        ? table(
            [
              [t("col.dimension"), (x) => nameOf(x.dimension)],
              [t("col.item"), (x) => named(x.item_name), { wrap: true }],
              [t("col.capacity"), (x) => `${amount(x.capacity_amount)} ${named(x.unit_name)}`],
              [
                t("col.basis"),
                (x) => h("span", { title: `${x.rule} (${x.catalogue_version})` }, named(x.basis)),
                { wrap: true, wide: true },
              ],
              [t("col.exited_on"), (x) => x.exited_on ?? ""],
              [t("col.status"), (x) => chip(t(`status.${x.status}`), `status-${x.status}`)],
            ],
            e.exits,
          )
        : empty("none"),
    ),
    section(
      t("enterprise.timeline"),
      table(
        [
          [t("col.date"), (x) => x.effective_on ?? ""],
          [t("col.dimension"), (x) => nameOf(x.dimension)],
          [t("col.event"), (x) => story(x), { wrap: true, wide: true }],
          [
            t("col.source"),
            (x) =>
              h(
                "details",
                { class: "provenance" },
                h("summary", {}, t("timeline.provenance")),
                h("span", { class: "mono" }, `${x.topic}@${x.partition}:${x.offset}`),
              ),
          ],
        ],
        e.timeline,
        { rowAttrs: (x) => ({ "data-type": x.type }) },
      ),
    ),
  ];
}

function identitySection(e) {
  const facts = [
    [t("col.uscc"), h("span", { class: "mono" }, e.uscc)],
    [t("col.district"), nameOf(e.district)],
    [t("col.industry"), nameOf(e.industry)],
    [t("enterprise.supervised_by"), e.supervised_by.map(nameOf).join("、")],
    [t("enterprise.exit_status"), chip(t(`exit_status.${e.exit_status}`), `exit-${e.exit_status}`)],
    [t("asof.label"), e.as_of],
  ];
  return section(
    t("enterprise.identity"),
    h(
      "dl",
      { class: "facts", id: "identity" },
      facts.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]),
    ),
    e.conflicts.length
      ? [
          h("h3", {}, t("enterprise.conflicts")),
          h(
            "ul",
            { class: "conflicts" },
            e.conflicts.map((c) =>
              h(
                "li",
                {},
                `${c.field}: `,
                Object.entries(c.values)
                  .map(([value, dims]) => `${nameOf(value)} (${dims.map(nameOf).join("、")})`)
                  .join(" ≠ "),
              ),
            ),
          ),
        ]
      : null,
    h("h3", {}, t("enterprise.agencies")),
    table(
      [
        [t("col.dimension"), (a) => nameOf(a.dimension)],
        [t("col.name"), (a) => a.name],
        [t("col.district"), (a) => nameOf(a.district)],
        [t("col.industry"), (a) => nameOf(a.industry)],
        [t("col.address"), (a) => a.address ?? "", { wrap: true }],
        [t("col.since"), (a) => a.effective_on],
      ],
      e.agencies,
    ),
  );
}

function dimensionCard(d) {
  const kind = d.overdue ? "overdue" : d.state;
  return h(
    "div",
    { class: `dimension state-${kind}`, "data-dimension": d.dimension, "data-state": d.state },
    h("h3", {}, nameOf(d.dimension)),
    d.supervised
      ? chip(t(`dimstate.${d.state}`), `state-${kind}`)
      : h("p", { class: "muted" }, t("enterprise.not_supervised")),
    h(
      "dl",
      {},
      h("dt", {}, t("enterprise.open_cases")),
      h("dd", {}, d.open_cases.length),
      h("dt", {}, t("enterprise.next_deadline")),
      h("dd", {}, d.next_deadline ?? "—"),
    ),
  );
}

function casesSection(e) {
  const open = e.dimensions.flatMap((d) => d.open_cases);
  return section(
    t("enterprise.open_cases"),
    open.length
      ? table(
          [
            [t("col.dimension"), (c) => nameOf(c.dimension)],
            [
              t("col.case"),
              (c) =>
                h(
                  "a",
                  {
                    class: "mono",
                    title: c.case_id,
                    href: `#/case?uscc=${encodeURIComponent(e.uscc)}&dimension=${c.dimension}&case=${encodeURIComponent(c.case_id)}`,
                  },
                  c.case_id.slice(0, 8),
                ),
            ],
            [t("col.state"), (c) => stateName(c.state)],
            [t("col.opened_on"), (c) => c.opened_on],
            [t("col.deadline"), (c) => c.deadline ?? "—"],
            [t("count.overdue"), (c) => (c.overdue ? chip(t("yes"), "state-overdue") : t("no"))],
          ],
          open,
          { rowAttrs: (c) => ({ "data-case": c.case_id, class: c.overdue ? "late" : null }) },
        )
      : empty("none"),
  );
}

function measuresSection(e) {
  return section(
    t("enterprise.measures"),
    e.measures.length
      ? table(
          [
            [t("col.dimension"), (m) => nameOf(m.dimension)],
            [t("col.kind"), (m) => stateName(m.kind)],
            [t("col.since"), (m) => m.since],
            [t("col.until"), (m) => m.until ?? "—"],
            [t("col.reference"), (m) => h("span", { class: "mono" }, m.reference.slice(0, 8))],
          ],
          e.measures,
        )
      : empty("none"),
  );
}

/** The act an answer "acted on" names: a price with its days in force, a request, a case. */
function actCell(r) {
  if (!r.act) return "";
  const what = `${t(`act.${r.act.type}`)} ${r.act.id.slice(0, 8)}`;
  if (r.act.in_force == null) return what;
  const days = `${r.act.since} – ${r.act.until ?? ""}`;
  return r.act_ended
    ? [what, " ", chip(t("act.ended"), "state-overdue"), ` ${days}`]
    : [what, " ", chip(t("act.in_force"), "state-closed"), ` ${days}`];
}

/** Who answered a referral, when, and why it was declined or what was done. */
function answerCell(r) {
  if (!r.answered_by) return "";
  return `${nameOf(r.answered_by)} · ${r.answered_on}`;
}

/** The aggregator's referrals of the enterprise, as of the day: each one's state and answer. */
function referralsSection(e) {
  const rows = e.referrals;
  return section(
    t("enterprise.referrals"),
    rows.length
      ? table(
          [
            [t("col.kind"), (r) => t(`referral.${r.kind}`)],
            [t("col.sender"), (r) => nameOf(r.sender)],
            [t("col.receiver"), (r) => nameOf(r.receiver)],
            [t("col.state"), (r) => t(`refstate.${r.state}`)],
            [t("col.due_on"), (r) => r.due_on],
            [t("col.answered"), answerCell],
            [t("col.reason"), (r) => r.reason ?? "", { wrap: true }],
            [t("col.act"), actCell, { wrap: true }],
          ],
          rows,
          { rowAttrs: (r) => ({ "data-referral": r.referral_id, "data-state": r.state }) },
        )
      : empty("none"),
  );
}

async function registersSection(params) {
  const mine = ownDistrict();
  const district = mine ?? params.get("district") ?? "";
  const industry = params.get("industry") ?? "";
  const text = (params.get("q") ?? "").trim();
  const set = (key) => (value) =>
    go("enterprise", { ...Object.fromEntries(params), [key]: value, page: 1 });
  const registers = await api("/v1/registers", { as_of: "", district, industry });
  const found = registers.filter(
    (r) => !text || r.name.includes(text) || r.uscc.includes(text.toUpperCase()),
  );
  const { rows, controls } = pager(found, params, "enterprise");
  return section(
    t("enterprise.registers"),
    h(
      "form",
      {
        class: "filters",
        onsubmit: (e) => (e.preventDefault(), set("q")(e.target.elements.q.value)),
      },
      field(t("enterprise.search"), h("input", { name: "q", value: text })),
      field(
        t("col.district"),
        select(
          "r-district",
          codeOptions(mine ? [mine] : state.ref.districts),
          district,
          set("district"),
        ),
      ),
      field(
        t("col.industry"),
        select("r-industry", codeOptions(state.ref.industries), industry, set("industry")),
      ),
    ),
    rows.length
      ? [
          table(
            [
              [t("col.uscc"), (r) => enterpriseLink(r.uscc)],
              [t("col.name"), (r) => r.name],
              [t("col.district"), (r) => nameOf(r.district)],
              [t("col.industry"), (r) => nameOf(r.industry)],
              [t("col.supervised_by"), (r) => r.supervised_by.map(nameOf).join("、")],
            ],
            rows,
            { rowAttrs: (r) => ({ "data-uscc": r.uscc, "data-district": r.district }) },
          ),
          controls,
        ]
      : empty("enterprise.empty_registers"),
  );
}

function daysLate(deadline) {
  const day = asOf() || today();
  return Math.round((Date.parse(day) - Date.parse(deadline)) / DAY);
}

/** The enterprise's referrals that a receiver declined: who, when and why. */
function declinedCell(c) {
  return (c.referrals_declined ?? []).map((r) =>
    h(
      "div",
      { class: "declined" },
      `${t(`referral.${r.kind}`)}: ${nameOf(r.answered_by)} · ${r.answered_on} · ${r.reason ?? ""}`,
    ),
  );
}

function overdueTable(cases, names) {
  return cases.length
    ? table(
        [
          [t("col.uscc"), (c) => enterpriseLink(c.uscc)],
          [t("col.name"), (c) => names.get(c.uscc) ?? ""],
          [t("col.district"), (c) => nameOf(c.district)],
          [t("col.industry"), (c) => nameOf(c.industry)],
          [t("col.dimension"), (c) => nameOf(c.dimension)],
          [t("col.state"), (c) => stateName(c.state)],
          [t("col.deadline"), (c) => c.deadline ?? "—"],
          [t("col.days_late"), (c) => (c.deadline ? daysLate(c.deadline) : "—")],
          [t("col.declined"), declinedCell, { wrap: true }],
        ],
        cases,
        {
          rowAttrs: (c) => ({
            "data-uscc": c.uscc,
            "data-district": c.district,
            "data-case": c.case_id,
          }),
        },
      )
    : empty("overdue.empty");
}

async function overdueView(params) {
  // The year's reports run into the next January (the city report is due on 15 January).
  const day = asOf() || today();
  const year =
    params.get("year") || String(Number(day.slice(0, 4)) - (day.slice(5, 7) === "01" ? 1 : 0));
  const [cases, calendar, registers] = await Promise.all([
    api("/v1/overdue"),
    api("/v1/calendar", { year }),
    api("/v1/registers", { as_of: "" }),
  ]);
  const names = new Map(registers.map((r) => [r.uscc, r.name]));
  const tally = { in: 0, in_late: 0, overdue: 0, pending: 0 };
  for (const entry of calendar) tally[entry.status] += 1;
  return [
    h("h1", {}, t("overdue.title")),
    section(`${t("overdue.title")} (${cases.length})`, overdueTable(cases, names)),
    section(
      t("calendar.title"),
      h(
        "div",
        { class: "filters" },
        field(
          t("calendar.year"),
          select(
            "c-year",
            years(2019, Math.max(Number(year), Number(day.slice(0, 4)))),
            year,
            (y) => go("overdue", { ...Object.fromEntries(params), year: y }),
          ),
        ),
        h(
          "p",
          { id: "calendar-summary" },
          t("calendar.summary", {
            in: tally.in,
            late: tally.in_late,
            overdue: tally.overdue,
            pending: tally.pending,
          }),
        ),
      ),
      table(
        [
          [t("col.kind"), (e) => t(`kind.${e.kind}`)],
          [t("col.submitter"), (e) => nameOf(e.submitter)],
          [t("col.due_on"), (e) => e.due_on],
          [t("col.submitted_on"), (e) => e.submitted_on ?? "—"],
          [t("col.status"), (e) => chip(t(`calstatus.${e.status}`), `cal-${e.status}`)],
        ],
        calendar,
        {
          rowAttrs: (e) => ({
            "data-submitter": e.submitter,
            "data-kind": e.kind,
            "data-status": e.status,
          }),
        },
      ),
    ),
  ];
}

async function districtView(params) {
  const mine = ownDistrict();
  const district = params.get("district") || mine || state.ref.districts[0];
  const chooser = mine
    ? null
    : h(
        "div",
        { class: "filters" },
        field(
          t("district.choose"),
          select("d-district", codeOptions(state.ref.districts, { all: false }), district, (d) =>
            go("district", { district: d }),
          ),
        ),
      );
  const title = h("h1", {}, `${t("district.title")} · ${nameOf(district)}`);
  let progress, exits, cases, registers;
  try {
    [progress, exits, cases, registers] = await Promise.all([
      api("/v1/districts/progress"),
      api("/v1/exits", { district }),
      api("/v1/overdue", { district }),
      api("/v1/registers", { as_of: "", district }),
    ]);
  } catch (err) {
    return [title, chooser, errorBox(err)];
  }
  const mineProgress = progress.find((p) => p.district === district);
  const dims = state.ref.dimensions.filter((d) => mineProgress?.by_dimension[d]);
  const names = new Map(registers.map((r) => [r.uscc, r.name]));
  return [
    title,
    chooser,
    mineProgress
      ? h(
          "div",
          { class: "kpis" },
          COUNT_KEYS.map((key) =>
            h(
              "div",
              { class: "kpi", "data-kpi": key },
              h("b", {}, amount(mineProgress.totals[key])),
              h("span", {}, t(`count.${key}`)),
            ),
          ),
          h(
            "div",
            { class: "kpi" },
            h("b", {}, flagChip(mineProgress.flag) || "—"),
            h("span", {}, t("col.flag")),
          ),
        )
      : null,
    mineProgress
      ? section(
          t("district.progress"),
          countsChart(
            dims.map(nameOf),
            dims.map((d) => mineProgress.by_dimension[d]),
          ),
          table(
            [
              [t("col.dimension"), (d) => nameOf(d)],
              ...COUNT_KEYS.map((key) => [
                t(`count.${key}`),
                (d) => mineProgress.by_dimension[d][key],
              ]),
            ],
            dims,
          ),
        )
      : null,
    section(`${t("district.overdue")} (${cases.length})`, overdueTable(cases, names)),
    section(
      `${t("district.exits")} (${exits.rows.length})`,
      exits.rows.length
        ? table(exitColumns(), exits.rows, { rowAttrs: exitRowAttrs })
        : empty("exits.empty"),
    ),
  ];
}

// ---------------------------------------------------------------- charts and the revival watch

const MONTHS = Array.from({ length: 12 }, (_, i) => i + 1);

/** "水泥 · 吨/年": a capacity row's label, its code and unit named. */
function capacityLabel(r) {
  return `${nameOf(r.code)} · ${named(r.unit_name)}`;
}

function capacityChart(rows, name) {
  return chart(
    {
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 80, right: 16, top: 36, bottom: 80 },
      xAxis: {
        type: "category",
        data: rows.map(capacityLabel),
        axisLabel: { interval: 0, rotate: 30 },
      },
      yAxis: { type: "value" },
      series: [
        {
          name: t("charts.listed"),
          type: "bar",
          itemStyle: { color: "#fac858" },
          data: rows.map((r) => Number(r.listed)),
        },
        {
          name: t("charts.exited"),
          type: "bar",
          itemStyle: { color: "#91cc75" },
          data: rows.map((r) => Number(r.exited)),
        },
      ],
    },
    340,
    name,
  );
}

function capacityTable(rows) {
  return table(
    [
      [t("col.code_named"), (r) => nameOf(r.code)],
      [t("col.unit"), (r) => named(r.unit_name)],
      [t("charts.listed"), (r) => `${amount(r.listed)} (${r.listed_items})`],
      [t("charts.exited"), (r) => `${amount(r.exited)} (${r.exited_items})`],
      [
        t("charts.share"),
        (r) => (Number(r.listed) > 0 ? `${Math.round((100 * r.exited) / r.listed)}%` : "—"),
      ],
    ],
    rows,
    { rowAttrs: (r) => ({ "data-code": r.code, "data-unit": r.capacity_unit }) },
  );
}

function agencyLabel(row) {
  return row.agencies.map(nameOf).join("、");
}

function alertsTable(alerts) {
  return alerts.length
    ? table(
        [
          [t("col.uscc"), (a) => enterpriseLink(a.uscc)],
          [t("col.name"), (a) => a.name, { wrap: true }],
          [t("col.district"), (a) => nameOf(a.district)],
          [t("col.alert"), (a) => t(`alert.${a.kind}`)],
          [t("col.checkers"), (a) => a.agencies.map(nameOf).join("、")],
          [t("col.check_by"), (a) => a.check_by],
          [t("col.days_late"), (a) => (a.overdue ? daysLate(a.check_by) : "—")],
        ],
        alerts,
        { rowAttrs: (a) => ({ "data-alert": a.alert_id, "data-district": a.district }) },
      )
    : empty("alerts.none_overdue");
}

async function chartsView(params) {
  const mine = ownDistrict();
  const day = asOf() || today();
  const year = params.get("year") || day.slice(0, 4);
  const district = mine ? "" : params.get("district") || "";
  const filters = h(
    "div",
    { class: "filters" },
    field(
      t("calendar.year"),
      select("ch-year", years(2019, Math.max(Number(year), Number(day.slice(0, 4)))), year, (y) =>
        go("charts", { district, year: y }),
      ),
    ),
    mine
      ? null
      : field(
          t("col.district"),
          select("ch-district", codeOptions(state.ref.districts), district, (d) =>
            go("charts", { district: d, year }),
          ),
        ),
  );
  const title = h("h1", {}, t("charts.title", { year }));
  const where = district ? { district } : {};
  let capacity, months, late, summary, overdue;
  try {
    [capacity, months, late, summary, overdue] = await Promise.all([
      api("/v1/charts/capacity", { year, ...where }),
      api("/v1/charts/months", { year, ...where }),
      api("/v1/charts/overdue-by-agency", where),
      api("/v1/watch/summary", where),
      api("/v1/watch/alerts", { overdue_as_of: day, ...where }),
    ]);
  } catch (err) {
    return [title, filters, errorBox(err)];
  }
  const agencies = Object.keys(summary.by_agency);
  return [
    title,
    filters,
    h("p", { class: "note", id: "task-note" }, named(capacity.task_note)),
    section(
      t("charts.by_industry"),
      capacity.by_industry.length
        ? [
            capacityChart(capacity.by_industry, "capacity-industry"),
            capacityTable(capacity.by_industry),
          ]
        : empty("charts.empty"),
    ),
    section(
      t("charts.by_district"),
      capacity.by_district.length
        ? [
            capacityChart(capacity.by_district, "capacity-district"),
            capacityTable(capacity.by_district),
          ]
        : empty("charts.empty"),
    ),
    section(
      t("charts.months"),
      chart(
        {
          tooltip: { trigger: "axis" },
          legend: { top: 0 },
          grid: { left: 40, right: 16, top: 36, bottom: 32 },
          xAxis: { type: "category", data: MONTHS.map((m) => t("charts.month", { m })) },
          yAxis: { type: "value", minInterval: 1 },
          series: [
            ["opened", "#5470c6"],
            ["closed", "#fac858"],
            ["exited_items", "#91cc75"],
          ].map(([key, color]) => ({
            name: t(`charts.${key}`),
            type: "bar",
            itemStyle: { color },
            data: months.months.map((m) => m[key]),
          })),
        },
        300,
        "months",
      ),
    ),
    h(
      "div",
      { class: "columns" },
      section(
        t("charts.overdue_by_agency"),
        late.rows.length
          ? chart(
              {
                tooltip: { trigger: "axis" },
                legend: { top: 0 },
                grid: { left: 150, right: 16, top: 36, bottom: 24 },
                yAxis: { type: "category", data: late.rows.map(agencyLabel), inverse: true },
                xAxis: { type: "value", minInterval: 1 },
                series: [
                  ["cases", "#ee6666"],
                  ["referrals", "#fac858"],
                  ["checks", "#9a60b4"],
                ].map(([key, color]) => ({
                  name: t(`charts.late_${key}`),
                  type: "bar",
                  stack: "late",
                  itemStyle: { color },
                  data: late.rows.map((r) => r[key]),
                })),
              },
              Math.max(200, 60 + 36 * late.rows.length),
              "overdue-agency",
            )
          : empty("overdue.empty"),
      ),
      section(
        t("alerts.title"),
        agencies.length ? null : empty("alerts.none"),
        agencies.length
          ? table(
              [
                [t("col.agency"), (a) => nameOf(a)],
                [t("alerts.open"), (a) => summary.by_agency[a].open],
                [t("alerts.overdue"), (a) => summary.by_agency[a].overdue],
                [t("alerts.closed"), (a) => summary.by_agency[a].closed],
                [t("alerts.confirmed"), (a) => summary.by_agency[a].confirmed],
              ],
              agencies,
              { rowAttrs: (a) => ({ "data-agency": a }) },
            )
          : null,
        agencies.length
          ? table(
              [
                [t("col.district"), (d) => nameOf(d)],
                [t("alerts.open"), (d) => summary.by_district[d].open],
                [t("alerts.overdue"), (d) => summary.by_district[d].overdue],
                [t("alerts.closed"), (d) => summary.by_district[d].closed],
              ],
              Object.keys(summary.by_district),
              { rowAttrs: (d) => ({ "data-district": d }) },
            )
          : null,
      ),
    ),
    section(`${t("alerts.overdue_checks")} (${overdue.length})`, alertsTable(overdue)),
  ];
}

/** The enterprise's revival-watch alerts and its consumption curve around its exit (raw
 * figures only for those the technology service lets read them; others see why not). */
async function watchSection(e) {
  const [alerts, curve] = await Promise.all([
    api("/v1/watch/alerts", { uscc: e.uscc }).catch(() => []),
    api(`/v1/enterprises/${encodeURIComponent(e.uscc)}/consumption`).catch((err) => err),
  ]);
  const parts = [];
  if (alerts.length) {
    parts.push(
      table(
        [
          [t("col.alert"), (a) => t(`alert.${a.kind}`)],
          [t("alert.month"), (a) => a.period.slice(0, 7)],
          [t("col.checkers"), (a) => a.agencies.map(nameOf).join("、")],
          [t("col.check_by"), (a) => a.check_by],
          [
            t("col.status"),
            (a) =>
              a.state === "closed"
                ? `${t(`outcome.${a.outcome}`)} · ${a.closed_on}`
                : chip(
                    t(a.overdue ? "alerts.overdue" : "alerts.open"),
                    a.overdue ? "flag-talk" : "",
                  ),
          ],
          [t("col.reason"), (a) => a.reason ?? "", { wrap: true }],
        ],
        alerts,
        { rowAttrs: (a) => ({ "data-alert": a.alert_id }) },
      ),
    );
  }
  if (curve instanceof Error) {
    parts.push(
      curve.status === 403
        ? h("p", { class: "note", id: "curve-refused" }, t("curve.refused"))
        : errorBox(curve),
    );
  } else if (!curve.months.length) {
    parts.push(empty("curve.none"));
  } else {
    const periods = curve.months.map((m) => m.period.slice(0, 7));
    const at = (day) => {
      const month = day.slice(0, 7);
      return periods.includes(month) ? month : null;
    };
    const byMonth = new Map(); // the acts of one month on one line, each named once
    for (const [day, label] of [
      ...curve.marks.map((m) => [m.on, eventName(m.type)]),
      ...curve.exited_on.map((d) => [d, t("curve.exit")]),
    ]) {
      const month = at(day);
      if (!month) continue;
      const labels = byMonth.get(month) ?? [];
      if (!labels.includes(label)) labels.push(label);
      byMonth.set(month, labels);
    }
    const lines = [...byMonth].map(([month, labels]) => ({ month, label: labels.join("、") }));
    parts.push(
      chart(
        {
          tooltip: { trigger: "axis" },
          grid: { left: 80, right: 24, top: 24, bottom: 32 },
          xAxis: { type: "category", data: periods },
          yAxis: { type: "value", name: t("curve.kwh") },
          series: [
            {
              name: t("curve.kwh"),
              type: "line",
              data: curve.months.map((m) => Number(m.kwh)),
              markLine: {
                symbol: "none",
                label: { formatter: "{b}", position: "insideEndTop" },
                data: lines.map((l) => ({ name: l.label, xAxis: l.month })),
              },
              markPoint: {
                data: curve.alerts
                  .filter((a) => at(a.period))
                  .map((a) => ({
                    name: t(`alert.${a.kind}`),
                    coord: [
                      at(a.period),
                      Number(curve.months.find((m) => m.period.slice(0, 7) === at(a.period)).kwh),
                    ],
                    value: "!",
                  })),
              },
            },
          ],
        },
        300,
        "consumption",
      ),
      h("p", { class: "note" }, t("curve.note")),
    );
  }
  return section(t("curve.title"), ...parts);
}

async function publicView() {
  const items = await api("/v1/public/disclosures", {}, { auth: false });
  return [
    h("h1", {}, t("public.title")),
    h("p", { class: "lead" }, t("public.help")),
    section(
      `${t("public.title")} (${items.length})`,
      items.length
        ? table(
            [
              [t("col.name"), (d) => d.name],
              [t("col.uscc"), (d) => h("span", { class: "mono" }, d.uscc)],
              [t("col.district"), (d) => nameOf(d.district)],
              [t("col.industry"), (d) => nameOf(d.industry)],
              [t("col.dimension"), (d) => nameOf(d.dimension)],
              [t("col.violation"), (d) => d.violation, { wrap: true }],
              [t("col.order"), (d) => d.order, { wrap: true }],
              [t("col.window"), (d) => `${d.publicity_from} – ${d.publicity_until}`],
            ],
            items,
            { rowAttrs: (d) => ({ "data-uscc": d.uscc }) },
          )
        : empty("public.empty"),
    ),
  ];
}

function signinView() {
  const message = h("p", { class: "error", hidden: true, id: "signin-error" }, t("signin.bad"));
  const paste = h(
    "form",
    {
      class: "signin",
      id: "signin",
      onsubmit: (e) => {
        e.preventDefault();
        const jwt = e.target.elements.token.value.trim();
        if (!claimsOf(jwt)) {
          message.hidden = false;
          return;
        }
        sessionStorage.setItem(TOKEN_KEY, jwt);
        go(defaultView());
      },
    },
    h("p", {}, t("signin.help")),
    field(
      t("signin.token"),
      h("textarea", {
        name: "token",
        rows: 5,
        cols: 80,
        spellcheck: "false",
        autocomplete: "off",
      }),
    ),
    message,
    h("button", { type: "submit" }, t("signin.submit")),
  );
  const provider = state.oidc
    ? [
        h("p", {}, t("signin.provider_help")),
        h(
          "a",
          { id: "signin-oidc", class: "button primary", href: "/auth/login" },
          t("signin.provider"),
        ),
      ]
    : null;
  return [
    h("h1", {}, t("signin.title")),
    h(
      "div",
      { class: "card signin" },
      provider,
      provider
        ? h("details", { id: "signin-developer" }, h("summary", {}, t("signin.developer")), paste)
        : paste,
      h("p", {}, h("a", { href: "#/public" }, t("signin.public"))),
    ),
  ];
}

export const VIEWS = {
  overview: { render: overview, label: "nav.overview", cityOnly: true },
  district: { render: districtView, label: "nav.district" },
  charts: { render: chartsView, label: "nav.charts" },
  exits: { render: exitsView, label: "nav.exits" },
  enterprise: { render: enterpriseView, label: "nav.enterprise" },
  overdue: { render: overdueView, label: "nav.overdue" },
  case: { render: caseView, label: "case.title", hidden: true },
  public: { render: publicView, label: "nav.public", open: true },
  signin: { render: signinView, label: "nav.signin", open: true, hidden: true },
};
