// What every view stands on: words in two languages, building the DOM, the session, the
// address, the API with the bearer token, charts, and the table tools (filter, sort, page).
// Text always goes in through textContent, never as HTML.

import { EVENTS_ZH, LABELS, STATES_ZH } from "./i18n.js";

export const TOKEN_KEY = "phaseout.token"; // sessionStorage: gone when the tab closes
export const AS_OF_KEY = "phaseout.asOf"; // sessionStorage
export const LANG_KEY = "phaseout.lang"; // localStorage: the language choice persists
export const PRINCIPAL_KEY = "phaseout.principal"; // sessionStorage: who a provider's token names
const PAGE_SIZES = [10, 25, 50, 100];

export const state = {
  ref: null,
  clock: null,
  lang: "zh",
  charts: [],
  pendingCharts: [],
  renders: 0,
};

// ---------------------------------------------------------------- words

export function t(key, vars = {}) {
  const text = LABELS[state.lang][key] ?? LABELS.zh[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, k) => String(vars[k] ?? ""));
}

function words(code) {
  const text = String(code).replaceAll("_", " ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A district, industry, dimension or agency code, named in the current language. */
export function nameOf(code) {
  if (code == null) return "";
  return state.ref.names[state.lang][code] ?? code;
}

/** A thing the API names in both languages ({zh, en}), in the current one. */
export function named(names) {
  if (names == null) return "";
  return names[state.lang] ?? names.zh ?? "";
}

/** A capacity unit as officials write it (吨/年 rather than t/a). */
export function unitName(code) {
  if (code == null) return "";
  return state.ref.units?.[code]?.[state.lang] ?? code;
}

/** A case, measure or referral state. */
export function stateName(code) {
  if (code == null) return "";
  return state.lang === "zh" ? (STATES_ZH[code] ?? code) : words(code);
}

/** `phaseout.technology.case.acceptance_passed.v1` → "案件验收通过" / "Case: acceptance passed". */
export function eventName(type) {
  const [, , noun, verb] = type.split(".");
  if (state.lang === "zh")
    return `${EVENTS_ZH[noun] ?? words(noun)}${EVENTS_ZH[verb] ?? words(verb)}`;
  return `${words(noun)}: ${String(verb).replaceAll("_", " ")}`;
}

const DEADLINES = ["deadline", "due_on", "rectify_by", "exit_by", "until", "check_by"];

/** An event told as an official would: who did what, under which rule, by when. Who is the
 * agency whose officer acted (`acting_agency`); for an event no officer's command recorded, or
 * one recorded before it was carried, the agency the event names (who amended, answered or
 * received it) or else the dimension's leads. */
export function story(entry) {
  const data = entry.data ?? {};
  const [, dimension] = entry.type.split(".");
  const leads = state.ref.leads?.[dimension] ?? [];
  const who =
    entry.acting_agency ??
    data.amended_by ??
    data.answered_by ??
    data.receiver ??
    (leads.length ? leads : null);
  const agency = Array.isArray(who) ? who.map(nameOf).join("、") : nameOf(who);
  const zh = state.lang === "zh";
  const parts = [
    agency ? `${agency}${zh ? "：" : ": "}${eventName(entry.type)}` : eventName(entry.type),
  ];
  if (data.capacity_amount != null && data.capacity_unit) {
    parts.push(`${amount(data.capacity_amount)} ${unitName(data.capacity_unit)}`);
  }
  if (data.kind && state.ref.kinds?.[data.kind]) parts.push(named(state.ref.kinds[data.kind]));
  if (typeof data.number === "string" && entry.type.includes(".document.")) parts.push(data.number);
  const due = DEADLINES.map((k) => data[k]).find((v) => typeof v === "string");
  if (due) parts.push(zh ? `期限 ${due}` : `due ${due}`);
  if (Array.isArray(data.to) && data.to.length) {
    const checkers = data.to.map(nameOf).join(zh ? "、" : ", ");
    parts.push(zh ? `须${checkers}现场核查` : `to be checked on site by ${checkers}`);
  }
  if (data.period && data.alert_id)
    parts.push(t("alert.period", { period: data.period.slice(0, 7) }));
  if (data.outcome) parts.push(t(`outcome.${data.outcome}`));
  if (data.reason) {
    // a reason the event states as a code (an energy shutdown's: overdue, reinspection_failed)
    const why = t(`why.${data.reason}`);
    const reason = why === `why.${data.reason}` ? data.reason : why;
    parts.push(zh ? `理由：${reason}` : `reason: ${reason}`);
  }
  return parts.join(zh ? "，" : "; ");
}

export function amount(value) {
  const n = Number(value);
  return Number.isFinite(n) ? n.toLocaleString(state.lang === "zh" ? "zh-CN" : "en-GB") : value;
}

// ---------------------------------------------------------------- DOM

/** h("a", {href, class, onclick}, children…): an element; strings become text nodes. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value == null || value === false) continue;
    if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else if (key === "class") el.className = value;
    else if (key === "value") el.value = value;
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child == null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function section(title, ...children) {
  return h("section", { class: "card" }, h("h2", {}, title), ...children);
}

export function chip(text, kind) {
  return h("span", { class: `chip ${kind ?? ""}` }, text);
}

export function empty(key) {
  return h("p", { class: "empty" }, t(key));
}

/** A table: columns are [label, cell(row) → text or node, {key to sort by, wrap}]. Cells do
 * not wrap unless their column says so (names, legal bases and other long text). */
export function table(columns, rows, { rowAttrs, sort, onSort } = {}) {
  const head = columns.map(([label, , opts = {}]) => {
    if (!opts.key || !onSort) return h("th", {}, label);
    const active = sort?.key === opts.key;
    const mark = active ? (sort.dir === "desc" ? " ▼" : " ▲") : "";
    return h(
      "th",
      {
        class: "sortable",
        "data-sort": opts.key,
        "aria-sort": active ? (sort.dir === "desc" ? "descending" : "ascending") : null,
        tabindex: 0,
        onclick: () => onSort(opts.key),
        onkeydown: (e) => e.key === "Enter" && onSort(opts.key),
      },
      label + mark,
    );
  });
  const body = rows.map((row) =>
    h(
      "tr",
      rowAttrs ? rowAttrs(row) : {},
      columns.map(([, cell, opts = {}]) =>
        h("td", { class: opts.wide ? "wrap wide" : opts.wrap ? "wrap" : null }, cell(row)),
      ),
    ),
  );
  return h("table", {}, h("thead", {}, h("tr", {}, head)), h("tbody", {}, body));
}

export function enterpriseLink(uscc) {
  return h("a", { href: `#/enterprise?uscc=${encodeURIComponent(uscc)}`, class: "mono" }, uscc);
}

export function select(id, options, current, onchange, { disabled } = {}) {
  return h(
    "select",
    { id, onchange: (e) => onchange(e.target.value), disabled },
    options.map(([value, label]) => h("option", { value, selected: value === current }, label)),
  );
}

export function field(label, control) {
  return h("label", { class: "field" }, h("span", {}, label), control);
}

// ---------------------------------------------------------------- session, routing, API

export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function claimsOf(jwt) {
  try {
    const part = jwt.split(".")[1].replaceAll("-", "+").replaceAll("_", "/");
    const json = new TextDecoder().decode(Uint8Array.from(atob(part), (c) => c.charCodeAt(0)));
    const claims = JSON.parse(json);
    const expired = typeof claims.exp === "number" && claims.exp * 1000 < Date.now();
    return typeof claims.jurisdiction === "string" && !expired ? claims : null;
  } catch {
    return null;
  }
}

function claims() {
  const jwt = token();
  if (!jwt) return null;
  const mapped = sessionStorage.getItem(PRINCIPAL_KEY);
  return mapped ? JSON.parse(mapped) : claimsOf(jwt);
}

/** Signed in through the city's identity provider (not with a pasted token). */
export function viaProvider() {
  return sessionStorage.getItem(PRINCIPAL_KEY) != null;
}

let refreshing = null;

/** A fresh access token from the aggregator's sign-in (refreshed at the provider), kept in
 * this tab with who it names, and refreshed again a little before it expires. */
export async function providerToken() {
  const response = await fetch("/auth/token", {
    credentials: "same-origin",
    headers: { "Accept-Language": state.lang === "zh" ? "zh-CN" : "en" },
  });
  if (!response.ok) {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(PRINCIPAL_KEY);
    return false;
  }
  const body = await response.json();
  sessionStorage.setItem(TOKEN_KEY, body.access_token);
  sessionStorage.setItem(PRINCIPAL_KEY, JSON.stringify(body.principal));
  clearTimeout(refreshing);
  const seconds = Math.max(10, Number(body.expires_in ?? 300) - 30);
  refreshing = setTimeout(providerToken, seconds * 1000);
  return true;
}

/** Whether the signed-in user holds the officer role (may record; a reader only reads). */
export function isOfficer() {
  const roles = claims()?.roles;
  return Array.isArray(roles) && roles.includes("officer");
}

/** The caller's own district, or null for a city-wide user. */
export function ownDistrict() {
  const c = claims();
  return c && c.jurisdiction !== "city" ? c.jurisdiction : null;
}

export function whoLabel() {
  const c = claims();
  if (!c) return t("who.public");
  const place = nameOf(c.jurisdiction);
  return c.agency ? `${nameOf(c.agency)} · ${place}` : `${place} · ${t("who.government")}`;
}

export function asOf() {
  return sessionStorage.getItem(AS_OF_KEY) || "";
}

const CITY_OFFSET_MS = 8 * 3600 * 1000; // the city's time, UTC+8, all year round

/** Today in the city (UTC+8) by the platform's one clock: the aggregator's, as reference.json
 * gave it when the page loaded, moved on by the time elapsed since. Never the UTC date. */
export function today() {
  const loaded = state.clock ?? { now: Date.now(), at: Date.now() };
  return new Date(loaded.now + (Date.now() - loaded.at) + CITY_OFFSET_MS)
    .toISOString()
    .slice(0, 10);
}

export function route() {
  const [path, query] = location.hash.replace(/^#\/?/, "").split("?");
  return { view: path || defaultView(), params: new URLSearchParams(query ?? "") };
}

export function defaultView() {
  if (!token()) return "signin";
  return ownDistrict() ? "district" : "overview";
}

export function go(view, params = {}) {
  const query = new URLSearchParams(
    Object.entries(params).filter(([, v]) => v != null && v !== ""),
  ).toString();
  const hash = `#/${view}${query ? `?${query}` : ""}`;
  if (location.hash === hash) window.dispatchEvent(new HashChangeEvent("hashchange"));
  else location.hash = hash; // renders on hashchange
}

export class ApiError extends Error {
  constructor(status, reason) {
    super(reason);
    this.status = status;
  }
}

/** GET an API path with the token and the chosen as-of day; JSON, or the Response if raw. */
export async function api(path, params = {}, { auth = true, raw = false } = {}) {
  const url = new URL(path, location.origin);
  const query = { as_of: asOf(), ...params };
  for (const [key, value] of Object.entries(query)) {
    if (value != null && value !== "") url.searchParams.set(key, value);
  }
  const headers = { "Accept-Language": state.lang === "zh" ? "zh-CN,zh;q=0.9" : "en" };
  if (auth && token()) headers.Authorization = `Bearer ${token()}`;
  let response;
  try {
    response = await fetch(url, { headers });
  } catch (err) {
    throw new ApiError(0, err.message);
  }
  if (!response.ok) {
    let reason = response.statusText;
    try {
      const body = await response.json();
      reason = (body.detail ?? []).map((d) => d.reason).join("; ") || reason;
    } catch {
      // not JSON: keep the status text
    }
    throw new ApiError(response.status, reason);
  }
  return raw ? response : response.json();
}

/** Fetch an export with the token and hand it to the browser as a download. */
export async function download(path, params) {
  const response = await api(path, params, { raw: true });
  const blob = await response.blob();
  const disposition = response.headers.get("Content-Disposition") ?? "";
  const filename = /filename="([^"]+)"/.exec(disposition)?.[1] ?? "export";
  const link = h("a", { href: URL.createObjectURL(blob), download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
}

export function errorBox(err) {
  const status = err instanceof ApiError ? err.status : -1;
  const prefix =
    status === 401
      ? t("error.401")
      : status === 403
        ? t("error.403")
        : status === 404
          ? t("error.404")
          : status === 0
            ? t("error.network")
            : t("error.other");
  const reason = status === 401 ? "" : err.message;
  const signIn = status === 401 ? h("a", { href: "#/signin" }, t("nav.signin")) : null;
  return h(
    "div",
    { class: "error", role: "alert", "data-status": status },
    prefix,
    reason,
    " ",
    signIn,
  );
}

// ---------------------------------------------------------------- charts

/** A chart placeholder; it is drawn once it is in the page (ECharts needs its size). */
export function chart(option, height = 340, name = null) {
  const el = h("div", { class: "chart", "data-chart": name });
  el.style.height = `${height}px`;
  state.pendingCharts.push([el, option]);
  return el;
}

export function drawCharts() {
  for (const [el, option] of state.pendingCharts) {
    if (!el.isConnected) continue; // from a render that a newer one replaced
    const instance = window.echarts.init(el, null, { renderer: "svg" });
    instance.setOption({ animation: false, ...option });
    state.charts.push(instance);
  }
  state.pendingCharts = [];
}

export function disposeCharts() {
  for (const instance of state.charts) instance.dispose();
  state.charts = [];
  state.pendingCharts = [];
}

window.addEventListener("resize", () => state.charts.forEach((c) => c.resize()));

const COUNTS = ["inspected", "open_cases", "overdue", "exited"];
const COLOURS = {
  inspected: "#5470c6",
  open_cases: "#fac858",
  overdue: "#ee6666",
  exited: "#91cc75",
};

export function countsChart(categories, counts) {
  return chart({
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 40, right: 16, top: 36, bottom: 64 },
    xAxis: { type: "category", data: categories, axisLabel: { interval: 0, rotate: 30 } },
    yAxis: { type: "value", minInterval: 1 },
    series: COUNTS.map((key) => ({
      name: t(`count.${key}`),
      type: "bar",
      itemStyle: { color: COLOURS[key] },
      data: counts.map((c) => c[key]),
    })),
  });
}

// ---------------------------------------------------------------- shared pieces

export const COUNT_KEYS = ["registered", "inspected", "open_cases", "overdue", "exited"];

export function flagChip(flag) {
  return flag ? chip(t(`flag.${flag}`), `flag-${flag}`) : "";
}

export function pager(rows, params, view) {
  const size = Math.min(500, Math.max(1, Number(params.get("size")) || 25));
  const pages = Math.max(1, Math.ceil(rows.length / size));
  const page = Math.min(pages, Math.max(1, Number(params.get("page")) || 1));
  const to = (p, s = size) => go(view, { ...Object.fromEntries(params), page: p, size: s });
  const sizes = PAGE_SIZES.includes(size) ? PAGE_SIZES : [size, ...PAGE_SIZES];
  const controls = h(
    "div",
    { class: "pager", "data-page": page, "data-pages": pages },
    h(
      "button",
      { id: "page-prev", disabled: page <= 1, onclick: () => to(page - 1) },
      t("page.prev"),
    ),
    h("span", {}, t("page.of", { page, pages, count: rows.length })),
    h(
      "button",
      { id: "page-next", disabled: page >= pages, onclick: () => to(page + 1) },
      t("page.next"),
    ),
    select(
      "page-size",
      sizes.map((s) => [String(s), String(s)]),
      String(size),
      (s) => to(1, s),
    ),
  );
  return { rows: rows.slice((page - 1) * size, page * size), controls };
}

export function sortRows(rows, params, numeric) {
  const key = params.get("sort");
  if (!key) return rows;
  const dir = params.get("dir") === "desc" ? -1 : 1;
  const value = (r) => (numeric.has(key) ? Number(r[key]) : String(r[key] ?? ""));
  return [...rows].sort((a, b) => (value(a) > value(b) ? dir : value(a) < value(b) ? -dir : 0));
}

export function sorter(params, view) {
  return {
    sort: { key: params.get("sort"), dir: params.get("dir") },
    onSort: (key) => {
      const dir = params.get("sort") === key && params.get("dir") !== "desc" ? "desc" : "asc";
      go(view, { ...Object.fromEntries(params), sort: key, dir, page: 1 });
    },
  };
}

export function codeOptions(codes, { all = true } = {}) {
  return [...(all ? [["", t("all")]] : []), ...codes.map((c) => [c, nameOf(c)])];
}

export function years(from, to) {
  const list = [];
  for (let y = to; y >= from; y--) list.push([String(y), String(y)]);
  return list;
}
