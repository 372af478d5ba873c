// Evidence files and enforcement documents (证据材料与执法文书): listed on the enterprise page
// and on a case's page, attached to a case by drag and drop or a file picker (with a progress
// bar), previewed (photos inline, PDFs in a frame), printed, and the enterprise's archive
// downloaded. They stay in the agency service that keeps them; the aggregator relays these
// requests there under /v1/dimensions/{dimension}/… with the user's own token, so what a page
// shows or accepts is what that service lets the user read or do (a 403 is said, not thrown).

import {
  ApiError,
  amount,
  api,
  chip,
  empty,
  enterpriseLink,
  errorBox,
  field,
  h,
  isOfficer,
  nameOf,
  section,
  state,
  stateName,
  t,
  today,
  token,
} from "./core.js";

const ORDERS = new Set(["rectification_notice", "shutdown_order", "closure_order"]);
const SIGNED = new Set(["acceptance_record", "public_commitment"]);
const MB = 1_048_576;
const REFUSED = new Set([401, 403, 404, 413, 415, 422]);

function base(dimension) {
  return `/v1/dimensions/${encodeURIComponent(dimension)}`;
}

/** The first 12 hex digits of a SHA-256, the whole one in its title. */
export function shortHash(sha256) {
  return h(
    "span",
    { class: "mono hash", title: sha256, "data-sha256": sha256 },
    `${sha256.slice(0, 12)}…`,
  );
}

function size(bytes) {
  if (bytes >= MB) return `${Number((bytes / MB).toFixed(1))} MB`;
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

function limits() {
  return state.ref.evidence ?? { max_bytes: 20 * MB, media_types: [] };
}

function mediaName(type) {
  return t(`media.${type}`);
}

/** What an attachment or a document is on: the act, named, linked to its case's page. */
function actCell(dimension, uscc, kind, id) {
  const what = `${t(`target.${kind}`)} ${id.slice(0, 8)}`;
  if (kind !== "case") return h("span", { title: id }, what);
  const href = `#/case?uscc=${encodeURIComponent(uscc)}&dimension=${dimension}&case=${encodeURIComponent(id)}`;
  return h("a", { href, title: id }, what);
}

const CITY_OFFSET_MS = 8 * 3600 * 1000; // the city's time, UTC+8, all year round

/** A moment as the city's clock read it: 2019-06-01 14:05. */
function when(iso) {
  if (!iso) return "";
  return new Date(Date.parse(iso) + CITY_OFFSET_MS).toISOString().replace("T", " ").slice(0, 16);
}

// ---------------------------------------------------------------- fetching with the token

/** GET a relayed file with the token, as a Blob (an ApiError with the service's reason). */
async function blobOf(path) {
  const response = await api(path, {}, { raw: true });
  return response.blob();
}

async function sha256Hex(blob) {
  const digest = await crypto.subtle.digest("SHA-256", await blob.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** The reason of a refusal, in the page's language (the services localise it). */
async function reasonOf(status, text) {
  let reason = "";
  try {
    reason = (JSON.parse(text).detail ?? []).map((d) => d.reason).join("；");
  } catch {
    reason = "";
  }
  const prefix = t(REFUSED.has(status) ? `upload.refused.${status}` : "upload.refused");
  return `${prefix}${reason || t("upload.status", { status })}`;
}

// ---------------------------------------------------------------- the preview

/** The preview card: one file or document at a time, with its hash. */
function previewCard() {
  return h("section", { class: "card preview", id: "preview", hidden: true });
}

function lightbox(url, caption) {
  const box = h(
    "div",
    {
      class: "lightbox",
      id: "lightbox",
      role: "dialog",
      onclick: () => box.remove(),
    },
    h("img", { src: url, alt: caption }),
    h("p", {}, caption, " · ", t("preview.close")),
  );
  document.body.append(box);
}

async function showPreview(item) {
  const card = document.getElementById("preview");
  if (!card) return;
  card.hidden = false;
  card.dataset.state = "loading";
  card.replaceChildren(h("h2", {}, item.title), h("p", { class: "loading" }, t("loading")));
  let blob;
  try {
    blob = await blobOf(item.path);
  } catch (err) {
    card.replaceChildren(h("h2", {}, item.title), errorBox(err));
    card.dataset.state = "error";
    return;
  }
  const url = URL.createObjectURL(blob);
  const hash = await sha256Hex(blob);
  const intact = hash === item.sha256;
  const facts = h(
    "p",
    { class: "hashline" },
    "SHA-256 ",
    h("code", { id: "preview-hash", "data-sha256": item.sha256 }, item.sha256),
    " ",
    intact
      ? chip(t("preview.intact"), "state-closed")
      : chip(t("preview.altered"), "state-overdue"),
  );
  const tools = h(
    "div",
    { class: "actions" },
    h(
      "a",
      { href: url, download: item.filename, class: "button", id: "preview-download" },
      t("preview.download"),
    ),
  );
  let body;
  if (blob.type.startsWith("image/")) {
    body = h("img", {
      src: url,
      alt: item.title,
      class: "thumb large",
      id: "preview-image",
      title: t("preview.enlarge"),
      onclick: () => lightbox(url, item.title),
    });
  } else {
    body = h("iframe", { src: url, id: "preview-pdf", title: item.title, class: "pdf" });
    if (item.printable) {
      tools.prepend(
        h(
          "button",
          {
            id: "preview-print",
            class: "primary",
            onclick: () => {
              try {
                body.contentWindow.print();
              } catch {
                window.open(url, "_blank", "noopener");
              }
            },
          },
          t("preview.print"),
        ),
      );
    }
  }
  card.replaceChildren(h("h2", {}, item.title), facts, tools, body);
  card.dataset.state = intact ? "shown" : "altered";
  card.dataset.sha256 = hash;
  card.scrollIntoView({ block: "nearest" });
}

// ---------------------------------------------------------------- the lists

function evidenceTable(dimension, rows, { showDimension }) {
  const columns = [
    [
      t("files.file"),
      (e) =>
        h(
          "button",
          {
            class: "link",
            "data-preview": e.evidence_id,
            onclick: () =>
              showPreview({
                title: e.caption || t("files.untitled"),
                path: `${base(dimension)}/evidence/${e.evidence_id}/content`,
                sha256: e.sha256,
                filename: `${e.sha256.slice(0, 12)}.${e.media_type.split("/")[1]}`,
                printable: e.media_type === "application/pdf",
              }),
          },
          e.media_type.startsWith("image/") ? thumbnail(dimension, e) : null,
          e.caption || t("files.untitled"),
        ),
      { wrap: true },
    ],
    [t("col.kind"), (e) => `${mediaName(e.media_type)} · ${size(e.size)}`],
    ["SHA-256", (e) => shortHash(e.sha256)],
    [t("files.by"), (e) => `${nameOf(e.agency)} · ${e.attached_by}`, { wrap: true }],
    [t("files.taken_on"), (e) => e.effective_on],
    [t("files.attached_at"), (e) => when(e.attached_at)],
    [t("files.act"), (e) => actCell(dimension, e.uscc, e.target_kind, e.target_id)],
  ];
  if (showDimension) columns.splice(1, 0, [t("col.dimension"), () => nameOf(dimension)]);
  return table(columns, rows, (e) => ({
    "data-evidence": e.evidence_id,
    "data-sha256": e.sha256,
    "data-dimension": dimension,
  }));
}

function table(columns, rows, rowAttrs) {
  return h(
    "div",
    { class: "scroll" },
    h(
      "table",
      { class: "files" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          columns.map(([label]) => h("th", {}, label)),
        ),
      ),
      h(
        "tbody",
        {},
        rows.map((row) =>
          h(
            "tr",
            rowAttrs(row),
            columns.map(([, cell, opts = {}]) =>
              h("td", { class: opts.wrap ? "wrap" : null }, cell(row)),
            ),
          ),
        ),
      ),
    ),
  );
}

/** A photo's thumbnail, fetched with the token once it is in the page. */
function thumbnail(dimension, e) {
  const img = h("img", { class: "thumb", alt: "", "data-thumb": e.evidence_id });
  blobOf(`${base(dimension)}/evidence/${e.evidence_id}/content`)
    .then((blob) => {
      img.src = URL.createObjectURL(blob);
    })
    .catch(() => img.remove());
  img.addEventListener("error", () => img.remove());
  return img;
}

function signedCell(d) {
  if (!SIGNED.has(d.kind)) return t("docs.no_signature");
  return d.signed_off_on
    ? chip(t("docs.signed", { on: d.signed_off_on }), "state-closed")
    : chip(t("docs.unsigned"), "state-open");
}

function documentsTable(dimension, rows, { showDimension }) {
  const columns = [
    [t("docs.number"), (d) => d.number],
    [
      t("docs.title"),
      (d) => [d.title, d.replaced_by ? [" ", chip(t("docs.replaced"), "state-overdue")] : null],
      { wrap: true },
    ],
    [t("docs.issued_on"), (d) => d.issued_on],
    [t("col.deadline"), (d) => d.deadline ?? "—"],
    [t("docs.signed_off"), signedCell],
    ["SHA-256", (d) => shortHash(d.sha256)],
    [t("files.act"), (d) => actCell(dimension, d.uscc, d.target_kind, d.target_id)],
    [
      t("docs.actions"),
      (d) => [
        h(
          "button",
          {
            class: "link",
            "data-pdf": d.document_id,
            onclick: () =>
              showPreview({
                title: `${d.title} ${d.number}`,
                path: `${base(dimension)}/documents/${d.document_id}/pdf`,
                sha256: d.sha256,
                filename: `${d.number}.pdf`,
                printable: true,
              }),
          },
          ORDERS.has(d.kind) ? t("docs.view_print") : t("docs.view"),
        ),
        " ",
        h(
          "a",
          {
            href: `/v1/public/dimensions/${dimension}/documents/${d.document_id}`,
            target: "_blank",
            rel: "noopener",
            "data-verify": d.document_id,
          },
          t("docs.verify"),
        ),
      ],
    ],
  ];
  if (showDimension) columns.splice(2, 0, [t("col.dimension"), () => nameOf(dimension)]);
  return table(columns, rows, (d) => ({
    "data-document": d.document_id,
    "data-sha256": d.sha256,
    "data-kind": d.kind,
    "data-dimension": dimension,
  }));
}

/** Each dimension's answer: its rows, or why it gave none (403, 404, away). */
async function gather(dimensions, path, params) {
  return Promise.all(
    dimensions.map(async (dimension) => {
      try {
        const page = await api(`${base(dimension)}${path}`, { ...params, limit: 500, as_of: null });
        return { dimension, items: page.items, total: page.total };
      } catch (err) {
        return { dimension, error: err };
      }
    }),
  );
}

function refusals(answers, key) {
  return answers
    .filter((a) => a.error)
    .map((a) => {
      const status = a.error instanceof ApiError ? a.error.status : -1;
      const why = status === 403 || status === 404 ? t(`files.${status}`) : t("files.away");
      return h(
        "p",
        { class: "muted refused", "data-dimension": a.dimension, "data-status": status },
        t(key, { dimension: nameOf(a.dimension) }),
        why,
      );
    });
}

/** The evidence and documents of an enterprise (every dimension given), or of one case. */
async function listing({ uscc, dimensions, caseId }) {
  const evidenceParams = caseId ? { uscc, target_kind: "case", target_id: caseId } : { uscc };
  const documentParams = caseId ? { uscc, target_id: caseId } : { uscc };
  const [files, docs] = await Promise.all([
    gather(dimensions, "/evidence", evidenceParams),
    gather(dimensions, "/documents", documentParams),
  ]);
  const showDimension = !caseId;
  const fileRows = files.flatMap((a) => (a.items ?? []).map((e) => [a.dimension, e]));
  const docRows = docs.flatMap((a) => (a.items ?? []).map((d) => [a.dimension, d]));
  const evidenceNodes = files
    .filter((a) => a.items?.length)
    .map((a) => evidenceTable(a.dimension, a.items, { showDimension }));
  const documentNodes = docs
    .filter((a) => a.items?.length)
    .map((a) => documentsTable(a.dimension, a.items, { showDimension }));
  return h(
    "div",
    { id: "files-list", "data-files": fileRows.length, "data-documents": docRows.length },
    h("h3", {}, t("docs.title_list", { n: docRows.length })),
    documentNodes.length ? documentNodes : empty("docs.none"),
    refusals(docs, "docs.refused"),
    h("h3", {}, t("files.title_list", { n: fileRows.length })),
    evidenceNodes.length ? evidenceNodes : empty("files.none"),
    refusals(files, "files.refused"),
  );
}

/** A button that fetches a dimension's archive of the enterprise with the token and saves it. */
function archiveButton(uscc, dimension) {
  const status = h("span", { class: "muted", "data-archive-status": dimension });
  const button = h(
    "button",
    {
      id: `archive-${dimension}`,
      onclick: async () => {
        status.textContent = t("archive.preparing");
        try {
          const response = await api(
            `${base(dimension)}/enterprises/${encodeURIComponent(uscc)}/archive`,
            { as_of: null },
            { raw: true },
          );
          const blob = await response.blob();
          const disposition = response.headers.get("Content-Disposition") ?? "";
          const filename =
            /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? `${dimension}-${uscc}-archive.zip`;
          const link = h("a", { href: URL.createObjectURL(blob), download: filename });
          document.body.append(link);
          link.click();
          link.remove();
          setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
          status.textContent = t("archive.done", { size: size(blob.size) });
        } catch (err) {
          status.replaceChildren(errorBox(err));
        }
      },
    },
    t("archive.download", { dimension: nameOf(dimension) }),
  );
  return h("span", { class: "archive" }, button, " ", status);
}

/** The enterprise page's section: its evidence and documents in every dimension that keeps it
 * on a register, and its archive per dimension. */
export async function enterpriseFiles(e) {
  const dimensions = e.dimensions.filter((d) => d.supervised).map((d) => d.dimension);
  if (!dimensions.length) return section(t("files.section"), empty("files.none"));
  return [
    section(
      t("files.section"),
      h(
        "p",
        { class: "actions archives" },
        dimensions.map((d) => archiveButton(e.uscc, d)),
      ),
      await listing({ uscc: e.uscc, dimensions }),
    ),
    previewCard(),
  ];
}

// ---------------------------------------------------------------- attaching

function uploadRow(file) {
  const bar = h("progress", { max: 100, value: 0 });
  const status = h("span", { class: "upload-status" }, t("upload.waiting"));
  const row = h(
    "li",
    { class: "upload", "data-name": file.name, "data-state": "waiting" },
    h("span", { class: "upload-name" }, file.name, ` (${size(file.size)})`),
    bar,
    status,
  );
  return { row, bar, status };
}

/** Send one file's bytes with its progress, then attach it to the case. */
function send(file, { dimension, uscc, caseId, caption, takenOn }, { row, bar, status }) {
  const done = (kind, text) => {
    row.dataset.state = kind;
    status.textContent = text;
  };
  const { max_bytes: limit, media_types: types } = limits();
  if (!types.includes(file.type)) {
    done(
      "refused",
      `${t("upload.refused.415")}${t("upload.type_local", { type: file.type || t("upload.no_type") })}`,
    );
    return Promise.resolve(false);
  }
  if (file.size > limit) {
    done(
      "refused",
      `${t("upload.refused.413")}${t("upload.size_local", { bytes: amount(file.size), limit: size(limit), limit_bytes: amount(limit) })}`,
    );
    return Promise.resolve(false);
  }
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `${base(dimension)}/evidence/files`);
    xhr.setRequestHeader("Authorization", `Bearer ${token()}`);
    xhr.setRequestHeader("Content-Type", file.type);
    xhr.setRequestHeader("Accept-Language", state.lang === "zh" ? "zh-CN,zh;q=0.9" : "en");
    xhr.upload.onprogress = (ev) => {
      if (ev.lengthComputable) bar.value = Math.round((ev.loaded / ev.total) * 100);
      done("sending", t("upload.sending", { percent: bar.value }));
    };
    xhr.onerror = () => {
      done("refused", t("upload.network"));
      resolve(false);
    };
    xhr.onload = async () => {
      if (xhr.status !== 200 && xhr.status !== 201) {
        done("refused", await reasonOf(xhr.status, xhr.responseText));
        resolve(false);
        return;
      }
      bar.value = 100;
      const stored = JSON.parse(xhr.responseText);
      done("stored", t("upload.stored"));
      const response = await fetch(`${base(dimension)}/evidence`, {
        method: "POST",
        headers: {
          Authorization: `Bearer ${token()}`,
          "Content-Type": "application/json",
          "Accept-Language": state.lang === "zh" ? "zh-CN,zh;q=0.9" : "en",
        },
        body: JSON.stringify({
          sha256: stored.sha256,
          uscc,
          target_kind: "case",
          target_id: caseId,
          caption: (caption || file.name).slice(0, 500),
          effective_on: takenOn,
        }),
      }).catch(() => null);
      if (!response) {
        done("refused", t("upload.network"));
        resolve(false);
        return;
      }
      if (response.status !== 201) {
        done("refused", await reasonOf(response.status, await response.text()));
        resolve(false);
        return;
      }
      row.dataset.sha256 = stored.sha256;
      done("attached", t("upload.attached", { hash: stored.sha256.slice(0, 12) }));
      resolve(true);
    };
    xhr.send(file);
  });
}

function attachCard(target, refresh) {
  const { max_bytes: limit, media_types: types } = limits();
  const list = h("ul", { class: "uploads", id: "uploads" });
  const caption = h("input", {
    id: "evidence-caption",
    maxlength: 500,
    size: 40,
    placeholder: t("upload.caption_hint"),
  });
  const takenOn = h("input", { id: "evidence-date", type: "date", value: today(), max: today() });
  const take = async (files) => {
    const chosen = [...files];
    if (!chosen.length) return;
    let attached = 0;
    for (const file of chosen) {
      const parts = uploadRow(file);
      list.append(parts.row);
      const ok = await send(
        file,
        { ...target, caption: caption.value.trim(), takenOn: takenOn.value || today() },
        parts,
      );
      if (ok) attached += 1;
    }
    if (attached) await refresh();
  };
  const input = h("input", {
    type: "file",
    id: "evidence-input",
    multiple: true,
    accept: types.join(","),
    class: "visually-hidden",
    onchange: (e) => {
      take(e.target.files);
      e.target.value = "";
    },
  });
  const zone = h(
    "div",
    {
      class: "dropzone",
      id: "dropzone",
      tabindex: 0,
      ondragover: (e) => {
        e.preventDefault();
        zone.classList.add("over");
      },
      ondragleave: () => zone.classList.remove("over"),
      ondrop: (e) => {
        e.preventDefault();
        zone.classList.remove("over");
        take(e.dataTransfer?.files ?? []);
      },
      onkeydown: (e) => e.key === "Enter" && input.click(),
    },
    h(
      "p",
      {},
      t("upload.drop"),
      " ",
      h(
        "button",
        { type: "button", id: "evidence-pick", onclick: () => input.click() },
        t("upload.pick"),
      ),
    ),
    h(
      "p",
      { class: "muted", id: "evidence-limits" },
      t("upload.limits", { types: types.map(mediaName).join("、"), limit: size(limit) }),
    ),
    input,
  );
  return section(
    t("upload.title"),
    h(
      "div",
      { class: "filters" },
      field(t("upload.caption"), caption),
      field(t("files.taken_on"), takenOn),
    ),
    zone,
    list,
  );
}

// ---------------------------------------------------------------- a case's page

export async function caseView(params) {
  const uscc = params.get("uscc") ?? "";
  const dimension = params.get("dimension") ?? "";
  const caseId = params.get("case") ?? "";
  const title = h("h1", {}, t("case.title"));
  if (!uscc || !caseId || !state.ref.dimensions.includes(dimension)) {
    return [
      title,
      h("p", { class: "error", role: "alert", "data-status": 400 }, t("case.missing")),
    ];
  }
  let e;
  try {
    e = await api(`/v1/enterprises/${encodeURIComponent(uscc)}`);
  } catch (err) {
    return [title, errorBox(err)];
  }
  let found = null;
  try {
    const cases = await api("/v1/cases", { uscc, dimension });
    found = cases.find((c) => c.case_id === caseId) ?? null;
  } catch {
    found = null;
  }
  const facts = [
    [t("col.name"), h("a", { href: `#/enterprise?uscc=${encodeURIComponent(uscc)}` }, e.name)],
    [t("col.uscc"), enterpriseLink(uscc)],
    [t("col.dimension"), nameOf(dimension)],
    [t("col.case"), h("span", { class: "mono", title: caseId }, caseId.slice(0, 8))],
    [t("col.state"), found ? stateName(found.state) : "—"],
    [t("col.opened_on"), found?.opened_on ?? "—"],
    [t("col.deadline"), found?.deadline ?? "—"],
  ];
  const holder = h("div", { id: "case-files" });
  const refresh = async () => {
    holder.replaceChildren(await listing({ uscc, dimensions: [dimension], caseId }));
  };
  await refresh();
  return [
    h("h1", {}, t("case.title"), " ", h("small", {}, e.name)),
    section(
      t("case.facts"),
      h(
        "dl",
        { class: "facts", id: "case-facts", "data-case": caseId },
        facts.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]),
      ),
    ),
    isOfficer()
      ? attachCard({ dimension, uscc, caseId }, refresh)
      : section(
          t("upload.title"),
          h("p", { class: "muted", id: "upload-readonly" }, t("upload.readonly")),
        ),
    section(t("case.files"), holder, h("p", { class: "actions" }, archiveButton(uscc, dimension))),
    previewCard(),
  ];
}
