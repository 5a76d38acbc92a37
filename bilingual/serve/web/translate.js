"use strict";
// The translation page: sends the article to POST /v1/articles and shows the translation with
// each glossary term marked by what happened to it, and the segments side by side.
const SYMBOLS = { applied: "✓", repaired: "✎", missed: "✗", "hangul-left": "!", "unknown-name": "?" };
const el = bilingual.el;

function mark(text, status) {
  const kind = SYMBOLS[status] && !["applied", "repaired", "missed"].includes(status) ? "notice" : status;
  return el("mark", { class: "term " + kind, "data-status": status, title: status },
    el("span", { "aria-hidden": "true", text: (SYMBOLS[status] || "") + " " }), text,
    el("span", { class: "sr-only", text: ` (${status})` }));
}

// ``text`` as nodes, each occurrence of a term of ``events`` (by its target) marked.
function marked(text, events) {
  const wanted = events.filter((e) => (e.status === "applied" || e.status === "repaired") && e.target);
  const nodes = [];
  let at = 0;
  while (at < text.length) {
    let best = null;
    for (const e of wanted) {
      const found = text.indexOf(e.target, at);
      if (found >= 0 && (best === null || found < best.found || (found === best.found && e.target.length > best.e.target.length))) {
        best = { found, e };
      }
    }
    if (best === null) break;
    nodes.push(document.createTextNode(text.slice(at, best.found)));
    nodes.push(mark(best.e.target, best.e.status));
    at = best.found + best.e.target.length;
  }
  nodes.push(document.createTextNode(text.slice(at)));
  return nodes;
}

// The source with each event's match (by its offsets) marked.
function markedSource(text, events) {
  const spans = events.filter((e) => e.start >= 0 && e.end > e.start).sort((a, b) => a.start - b.start);
  const nodes = [];
  let at = 0;
  for (const e of spans) {
    if (e.start < at) continue;
    nodes.push(document.createTextNode(text.slice(at, e.start)));
    nodes.push(mark(text.slice(e.start, e.end), e.status));
    at = e.end;
  }
  nodes.push(document.createTextNode(text.slice(at)));
  return nodes;
}

function eventList(events) {
  const list = el("ul", { class: "events" });
  for (const e of events) {
    const words = e.target ? `${e.source} → ${e.target}` : e.matched || e.source;
    list.append(el("li", {}, mark(words, e.status)));
  }
  return list;
}

function show(data) {
  const segments = data.report.segments || [];
  const all = segments.flatMap((s) => s.terms || []);
  const text = data.text !== undefined ? data.text : JSON.stringify(data.article, null, 2);
  const box = document.getElementById("translation");
  box.replaceChildren(...marked(text, all));
  const missed = all.filter((e) => e.status === "missed" || !["applied", "repaired"].includes(e.status));
  if (missed.length) box.append(el("p", { text: "Missed terms and notices (not marked above):" }), eventList(missed));
  const t = data.report.summary.terms || {};
  const n = data.report.summary.notices || {};
  const notices = Object.entries(n).filter(([, v]) => v).map(([k, v]) => `${v} ${k}`).join(", ");
  document.getElementById("summary").textContent =
    `${data.source} → ${data.target}: ${segments.length} segments; terms applied ${t.applied || 0}, ` +
    `repaired ${t.repaired || 0}, missed ${t.missed || 0}` + (notices ? `; notices: ${notices}` : "") + ".";
  const body = document.querySelector("#segments tbody");
  body.replaceChildren(...segments.map((s, i) => el("tr", {},
    el("td", { text: String(i + 1) }),
    el("td", { lang: data.source }, ...markedSource(s.source, s.terms || [])),
    el("td", { lang: data.target }, ...marked(s.output, s.terms || []), ...((s.terms || []).length ? [eventList(s.terms)] : [])),
  )));
  const section = document.getElementById("result");
  section.hidden = false;
  section.focus();
}

async function translate(event) {
  event.preventDefault();
  const button = document.getElementById("translate");
  const direction = document.getElementById("direction").value;
  const request = { text: document.getElementById("text").value, format: document.getElementById("format").value };
  if (direction !== "auto") [request.source, request.target] = direction.split("-");
  const glossary = document.getElementById("glossary").value;
  if (glossary) request.glossary = glossary;
  button.disabled = true;
  bilingual.status("Translating…");
  try {
    const data = await bilingual.call("POST", "/v1/articles", request);
    show(data);
    bilingual.status("Translated.");
  } catch (err) {
    bilingual.status("Cannot translate: " + err.message, true);
  } finally {
    button.disabled = false;
  }
}

function openFile() {
  const file = document.getElementById("file").files[0];
  if (!file) return;
  const suffix = file.name.split(".").pop().toLowerCase();
  if (["txt", "md", "jsonl"].includes(suffix)) document.getElementById("format").value = suffix;
  file.text().then((text) => {
    document.getElementById("text").value = text;
    bilingual.status(`Opened ${file.name}.`);
  });
}

async function start() {
  bilingual.restoreKey();
  const direction = document.getElementById("direction");
  try {
    const health = await bilingual.call("GET", "/health");
    for (const d of health.directions) {
      direction.append(el("option", { value: d, text: d.replace("-", " → ") }));
    }
    await bilingual.glossaries(document.getElementById("glossary"));
    const select = document.getElementById("glossary");
    if (select.options.length > 1) select.selectedIndex = 1;
  } catch (err) {
    bilingual.status("Cannot load the settings: " + err.message, true);
  }
  document.getElementById("translate-form").addEventListener("submit", translate);
  document.getElementById("file").addEventListener("change", openFile);
  document.body.dataset.ready = "true";
}

start();
