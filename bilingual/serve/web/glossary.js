"use strict";
// The glossary page: search, add, edit and remove terms through /v1/glossaries. An edit sends the
// values the editor saw ("expected"); a row someone else changed meanwhile answers 409 and is shown.
const el = bilingual.el;
const FIELDS = [
  ["korean_forms", "Other forms"], ["wrong_english", "Wrong English"], ["kind", "Kind"], ["note", "Note"], ["english", "English"],
];
let terms = [];

function name() { return document.getElementById("glossary").value; }
function shown(term, field) { return Array.isArray(term[field]) ? term[field].join(" | ") : term[field] || ""; }

async function load() {
  if (!name()) return;
  const query = document.getElementById("search").value;
  const data = await bilingual.call("GET", `/v1/glossaries/${encodeURIComponent(name())}?q=${encodeURIComponent(query)}`);
  terms = data.terms;
  document.getElementById("terms-caption").textContent = `${terms.length} terms of ${name()}` + (query ? ` holding “${query}”` : "");
  document.querySelector("#terms tbody").replaceChildren(...terms.map(row));
}

function row(term, index) {
  const edit = el("button", { type: "button", text: "Edit", "aria-label": `Edit ${term.korean} → ${term.english}` });
  const remove = el("button", { type: "button", text: "Remove", "aria-label": `Remove ${term.korean} → ${term.english}` });
  edit.addEventListener("click", () => startEdit(index));
  remove.addEventListener("click", () => removeTerm(term));
  return el("tr", { "data-korean": term.korean },
    el("td", { lang: "ko", text: term.korean }), el("td", { text: term.english }),
    el("td", { lang: "ko", text: shown(term, "korean_forms") }), el("td", { text: shown(term, "wrong_english") }),
    el("td", { text: term.kind }), el("td", { text: term.note }), el("td", {}, edit, " ", remove));
}

function startEdit(index) {
  const term = terms[index];
  const tr = document.querySelectorAll("#terms tbody tr")[index];
  const cells = tr.querySelectorAll("td");
  const order = ["english", "korean_forms", "wrong_english", "kind", "note"];
  order.forEach((field, i) => {
    const label = FIELDS.find(([f]) => f === field)[1];
    const input = el("input", { "data-field": field, "aria-label": `${label} of ${term.korean}` });
    input.value = shown(term, field);
    cells[i + 1].replaceChildren(input);
  });
  const save = el("button", { type: "button", text: "Save" });
  const cancel = el("button", { type: "button", text: "Cancel" });
  save.addEventListener("click", () => saveEdit(term, tr));
  cancel.addEventListener("click", () => load());
  cells[6].replaceChildren(save, " ", cancel);
  cells[1].querySelector("input").focus();
}

async function saveEdit(term, tr) {
  let english = term.english;
  try {
    for (const [field] of FIELDS) {  // english last: the rows are chosen by it
      const value = tr.querySelector(`input[data-field="${field}"]`).value;
      if (value.trim() === shown(term, field).trim()) continue;
      await bilingual.call("POST", `/v1/glossaries/${encodeURIComponent(name())}`,
        { action: "set", korean: term.korean, english, field, value, expected: shown(term, field) });
      if (field === "english") english = value;
    }
    bilingual.status(`Saved ${term.korean}.`);
    await load();
  } catch (err) {
    const what = err.status === 409 ? "Conflict: " : "Cannot save: ";
    bilingual.status(what + err.message, true);
  }
}

async function removeTerm(term) {
  try {
    await bilingual.call("POST", `/v1/glossaries/${encodeURIComponent(name())}`,
      { action: "remove", korean: term.korean, english: term.english });
    bilingual.status(`Removed ${term.korean} → ${term.english}.`);
    await load();
  } catch (err) {
    bilingual.status("Cannot remove: " + err.message, true);
  }
}

async function add(event) {
  event.preventDefault();
  const value = (id) => document.getElementById(id).value.trim();
  const term = { action: "add", korean: value("add-korean"), english: value("add-english"),
    korean_forms: value("add-forms"), wrong_english: value("add-wrong"), kind: value("add-kind"), note: value("add-note") };
  try {
    await bilingual.call("POST", `/v1/glossaries/${encodeURIComponent(name())}`, term);
    bilingual.status(`Added ${term.korean} → ${term.english}.`);
    event.target.reset();
    await load();
  } catch (err) {
    bilingual.status("Cannot add: " + err.message, true);
  }
}

async function start() {
  bilingual.restoreKey();
  try {
    await bilingual.glossaries(document.getElementById("glossary"));
    await load();
  } catch (err) {
    bilingual.status("Cannot load the glossary: " + err.message, true);
  }
  let timer = null;
  document.getElementById("search").addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => load().catch((err) => bilingual.status(err.message, true)), 200);
  });
  document.getElementById("glossary").addEventListener("change", () => load());
  document.getElementById("add-form").addEventListener("submit", add);
  document.body.dataset.ready = "true";
}

start();
