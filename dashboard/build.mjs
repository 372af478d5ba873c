// Builds the dashboard into the aggregator's static folder, which is committed, so that the
// Python service serves it without npm at run time:
//   src/*                               -> static/
//   node_modules/echarts/dist/echarts.min.js (and its licences) -> static/vendor/
//   a NOTICE naming what is vendored, its version and its licence -> static/NOTICE
// `node build.mjs --check` writes nothing and fails if the committed folder is not what a build
// would make (run `npm ci && npm run build` after changing src/ or package.json).

import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "services", "aggregator", "src", "phaseout_aggregator", "static");
const modules = join(here, "node_modules");

function pkg(name) {
  return JSON.parse(readFileSync(join(modules, name, "package.json"), "utf8"));
}

function notice() {
  const echarts = pkg("echarts");
  const zrender = pkg("zrender");
  const tslib = pkg("tslib");
  return [
    "Phaseout dashboard: third-party software vendored in this folder",
    "",
    `vendor/echarts.min.js: Apache ECharts ${echarts.version} (npm package echarts@${echarts.version}), licence ${echarts.license}, see vendor/LICENSE-echarts.txt;`,
    `  it bundles ZRender ${zrender.version} (licence ${zrender.license}, see vendor/LICENSE-zrender.txt) and tslib ${tslib.version} (licence ${tslib.license}).`,
    "",
    "The NOTICE of Apache ECharts follows.",
    "",
    readFileSync(join(modules, "echarts", "NOTICE"), "utf8").trim(),
    "",
  ].join("\n");
}

/** Every file of the build: path under static/ -> its content. */
function files() {
  const built = new Map();
  for (const name of readdirSync(join(here, "src"))) {
    built.set(name, readFileSync(join(here, "src", name)));
  }
  built.set(
    "vendor/echarts.min.js",
    readFileSync(join(modules, "echarts", "dist", "echarts.min.js")),
  );
  built.set("vendor/LICENSE-echarts.txt", readFileSync(join(modules, "echarts", "LICENSE")));
  built.set("vendor/LICENSE-zrender.txt", readFileSync(join(modules, "zrender", "LICENSE")));
  built.set("NOTICE", Buffer.from(notice()));
  return built;
}

if (!existsSync(join(modules, "echarts"))) {
  console.error("node_modules/echarts is missing: run `npm ci` in dashboard/ first");
  process.exit(2);
}

const check = process.argv.includes("--check");
const built = files();
const stale = [];
const present = existsSync(out) ? readdirSync(out, { recursive: true, withFileTypes: true }) : [];
for (const entry of present.filter((e) => e.isFile())) {
  const path = join(entry.parentPath, entry.name).slice(out.length + 1);
  if (built.has(path)) continue;
  if (check) stale.push(path);
  else {
    rmSync(join(out, path));
    console.log(`removed static/${path}`);
  }
}
for (const [path, content] of built) {
  const target = join(out, path);
  const same = existsSync(target) && readFileSync(target).equals(content);
  if (same) continue;
  if (check) {
    stale.push(path);
  } else {
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
    console.log(`wrote static/${path}`);
  }
}
if (stale.length) {
  console.error(`static/ is out of date: ${stale.join(", ")} (run npm run build in dashboard/)`);
  process.exit(1);
}
console.log(check ? "static/ is up to date" : `static/ built in ${out}`);
