"use strict";
// Helpers shared by the translation page and the glossary page.
const bilingual = {
  status(text, isError) {
    const el = document.getElementById("status");
    el.textContent = text;
    el.classList.toggle("error", Boolean(isError));
  },
  key() {
    const value = document.getElementById("api-key").value.trim();
    if (value) sessionStorage.setItem("bilingual-api-key", value);
    return value;
  },
  restoreKey() {
    const saved = sessionStorage.getItem("bilingual-api-key");
    if (saved) document.getElementById("api-key").value = saved;
  },
  async call(method, url, body) {
    const options = { method, headers: {} };
    if (body !== undefined) {
      const key = bilingual.key();
      if (key) body.api_key = key;
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(url, options);
    } catch (err) {
      throw new Error("The server cannot be reached: " + err.message);
    }
    let data = null;
    try { data = await response.json(); } catch (err) { data = null; }
    if (!response.ok) {
      const message = data && data.error ? data.error : response.status + " " + response.statusText;
      const error = new Error(message);
      error.status = response.status;
      throw error;
    }
    return data;
  },
  el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (name === "text") node.textContent = value; else node.setAttribute(name, value);
    }
    for (const child of children) node.append(child);
    return node;
  },
  async glossaries(select) {
    const list = await bilingual.call("GET", "/v1/glossaries");
    for (const g of list) {
      select.append(bilingual.el("option", { value: g.name, text: `${g.name} (${g.terms} terms)` }));
    }
    return list;
  },
};
