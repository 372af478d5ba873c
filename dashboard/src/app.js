// The city bureau's dashboard: hash-routed views over the aggregator's JSON API.
// Every request carries the signed-in user's bearer token, so what a page shows is what the API
// lets that user read; the public page needs no token.

import {
  AS_OF_KEY,
  ApiError,
  LANG_KEY,
  PRINCIPAL_KEY,
  TOKEN_KEY,
  asOf,
  defaultView,
  disposeCharts,
  drawCharts,
  errorBox,
  go,
  h,
  providerToken,
  ownDistrict,
  route,
  state,
  t,
  today,
  token,
  viaProvider,
  whoLabel,
} from "./core.js";
import { VIEWS } from "./views.js";

// ---------------------------------------------------------------- chrome and rendering

/** Read every page as of another day (empty: today); an address that names a day follows. */
function setAsOf(day) {
  if (day) sessionStorage.setItem(AS_OF_KEY, day);
  else sessionStorage.removeItem(AS_OF_KEY);
  const { view, params } = route();
  if (params.has("as_of")) params.set("as_of", day);
  go(view, Object.fromEntries(params));
}

function renderChrome(current) {
  document.documentElement.lang = state.lang === "zh" ? "zh-CN" : "en";
  document.title = `${t("app.title")} · Phaseout`;
  document.getElementById("app-title").textContent = t("app.title");
  document.getElementById("app-subtitle").textContent = t("app.subtitle");
  const signedIn = Boolean(token());
  const links = Object.entries(VIEWS)
    .filter(([, v]) => !v.hidden && (v.open || signedIn) && !(v.cityOnly && ownDistrict()))
    .map(([name, v]) =>
      h(
        "a",
        { href: `#/${name}`, id: `nav-${name}`, class: name === current ? "active" : null },
        t(v.label),
      ),
    );
  document.getElementById("nav").replaceChildren(...links);
  const asOfInput = h("input", {
    type: "date",
    id: "as-of",
    value: asOf(),
    max: "2100-12-31",
    onchange: (e) => setAsOf(e.target.value),
  });
  document.getElementById("controls").replaceChildren(
    h("span", { id: "who", class: "who" }, whoLabel()),
    h("label", { class: "as-of" }, h("span", {}, t("asof.label")), asOfInput),
    h(
      "button",
      {
        id: "as-of-today",
        onclick: () => setAsOf(""),
      },
      t("asof.today"),
    ),
    h(
      "button",
      {
        id: "lang",
        onclick: () => {
          state.lang = state.lang === "zh" ? "en" : "zh";
          localStorage.setItem(LANG_KEY, state.lang);
          render();
        },
      },
      t("lang.switch"),
    ),
    signedIn
      ? h(
          "button",
          {
            id: "signout",
            onclick: () => {
              const provider = viaProvider();
              sessionStorage.removeItem(TOKEN_KEY);
              sessionStorage.removeItem(PRINCIPAL_KEY);
              if (provider) location.href = "/auth/logout";
              else go("signin");
            },
          },
          t("nav.signout"),
        )
      : h("button", { id: "signin-link", onclick: () => go("signin") }, t("nav.signin")),
  );
}

async function render() {
  const generation = ++state.renders;
  document.body.dataset.ready = "";
  let { view, params } = route();
  if (params.has("as_of")) sessionStorage.setItem(AS_OF_KEY, params.get("as_of"));
  if (!VIEWS[view] || (!VIEWS[view].open && !token()))
    view = VIEWS[view] ? "signin" : defaultView();
  renderChrome(view);
  const main = document.getElementById("main");
  disposeCharts();
  main.replaceChildren(h("p", { class: "loading" }, t("loading")));
  let content;
  try {
    content = await VIEWS[view].render(params);
  } catch (err) {
    content = [errorBox(err)];
  }
  if (generation !== state.renders) return; // a newer render took over
  main.replaceChildren(...[content].flat(Infinity).filter((c) => c != null));
  drawCharts();
  document.body.dataset.view = view;
  document.body.dataset.ready = view;
}

async function start() {
  state.lang = localStorage.getItem(LANG_KEY) === "en" ? "en" : "zh";
  try {
    const response = await fetch("reference.json");
    state.ref = await response.json();
    state.clock = { now: Date.parse(state.ref.clock.now), at: Date.now() };
  } catch (err) {
    document.getElementById("main").replaceChildren(errorBox(new ApiError(0, err.message)));
    return;
  }
  try {
    state.oidc = (await (await fetch("/auth/config")).json()).oidc === true;
  } catch {
    state.oidc = false;
  }
  const { params } = route();
  if (state.oidc && (params.has("signed_in") || viaProvider())) {
    if ((await providerToken()) && params.has("signed_in")) location.replace(`#/${defaultView()}`);
  }
  window.addEventListener("hashchange", render);
  await render();
}

start();
