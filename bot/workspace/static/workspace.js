// Kestrel Shop support-lead workspace. Vanilla JS, no build step, no third-party code.
//
// Safety rules for this file (as in the agent console):
// - Customer text is ALWAYS inserted as text nodes (createTextNode / textContent); nothing
//   here parses a string as HTML.
// - The API token lives in sessionStorage (this tab only) and is sent only in the
//   Authorization header of same-origin fetch calls, never in a URL.
"use strict";

(() => {
  const TOKEN_KEY = "kestrelWorkspace.token";
  const POLL_MS = 2000;
  const FLAG_NAMES = {
    fallback: "Fell back",
    low_confidence: "Low confidence",
    frustration_rose: "Frustration rose",
    escalated: "Escalated",
    low_csat: "Low CSAT",
    didnt_help: "Didn't help",
  };
  const state = {
    token: null, meta: null, conversation: null, versions: {}, job: null, timer: null,
    corrections: {}, fixTurn: null,
  };
  const byId = (id) => document.getElementById(id);

  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (name === "className") node.className = value;
      else node.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children) {
      if (child === undefined || child === null) continue;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }

  function flash(message, kind = "error") {
    const box = byId("flash");
    box.textContent = message;
    box.className = kind === "info" ? "flash info" : "flash";
    box.hidden = false;
  }

  class ApiError extends Error {
    constructor(status, message) { super(message); this.status = status; }
  }

  async function api(path, options = {}) {
    const headers = { Authorization: `Bearer ${state.token}` };
    if (options.body !== undefined) headers["Content-Type"] = "application/json";
    const answer = await fetch(path, {
      method: options.method || "GET",
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    if (answer.status === 401) { signOut(); throw new ApiError(401, "Please sign in again."); }
    if (options.raw) return answer;
    const data = await answer.json().catch(() => ({}));
    if (!answer.ok) throw new ApiError(answer.status, data.error || `HTTP ${answer.status}`);
    return data;
  }

  const pct = (value) => (value === null || value === undefined ? "–" : `${(value * 100).toFixed(1)}%`);
  const num = (value) => (value === null || value === undefined ? "–" : Number(value).toFixed(2));

  // --- sign in ------------------------------------------------------------------------------

  async function signIn(token) {
    state.token = token;
    try {
      state.meta = await api("/api/workspace/meta");
    } catch (error) {
      state.token = null;
      const box = byId("login-error");
      box.textContent = error.status === 401 ? "That token is not valid." : error.message;
      box.hidden = false;
      return;
    }
    sessionStorage.setItem(TOKEN_KEY, token);
    byId("login").hidden = true;
    byId("tabs").hidden = false;
    fillMeta();
    showTab("conversations-view");
    await loadConversations();
  }

  function signOut() {
    sessionStorage.removeItem(TOKEN_KEY);
    state.token = null;
    clearTimeout(state.timer);
    for (const view of document.querySelectorAll(".view")) view.hidden = true;
    byId("tabs").hidden = true;
    byId("login").hidden = false;
  }

  function fillMeta() {
    const languages = byId("filter-language");
    const fixLanguages = byId("fix-language");
    languages.replaceChildren(el("option", { value: "" }, "any"));
    fixLanguages.replaceChildren();
    for (const tag of state.meta.languages) {
      languages.appendChild(el("option", { value: tag }, tag));
      fixLanguages.appendChild(el("option", { value: tag }, tag));
    }
    const flags = byId("filter-flags");
    flags.replaceChildren(el("legend", {}, "Flags (all must hold)"));
    for (const flag of state.meta.flags) {
      flags.appendChild(el("label", {}, el("input", { type: "checkbox", value: flag, name: "flag" }),
        ` ${FLAG_NAMES[flag] || flag}`));
    }
    const intents = byId("fix-intent");
    intents.replaceChildren();
    for (const intent of state.meta.intents) intents.appendChild(el("option", { value: intent }, intent));
  }

  function showTab(id) {
    for (const view of document.querySelectorAll(".view")) view.hidden = view.id !== id;
    for (const tab of document.querySelectorAll(".tab")) {
      tab.setAttribute("aria-pressed", String(tab.dataset.tab === id));
    }
  }

  // --- conversations ------------------------------------------------------------------------

  async function loadConversations() {
    const query = new URLSearchParams();
    for (const [name, id] of [["language", "filter-language"], ["channel", "filter-channel"],
      ["since", "filter-since"], ["until", "filter-until"]]) {
      if (byId(id).value) query.set(name, byId(id).value);
    }
    const flags = [...document.querySelectorAll("#filter-flags input:checked")].map((box) => box.value);
    if (flags.length) query.set("flags", flags.join(","));
    let rows;
    try {
      rows = await api(`/api/workspace/conversations?${query}`);
    } catch (error) { flash(error.message); return; }
    const body = byId("conversation-rows");
    body.replaceChildren();
    if (!rows.length) body.appendChild(el("tr", {}, el("td", { colspan: "5" }, "No conversation matches.")));
    for (const row of rows) {
      const line = el("tr", { "data-conversation-id": row.id },
        el("td", {}, row.last_at.replace("T", " ").replace("+00:00", " UTC")),
        el("td", {}, row.id),
        el("td", {}, row.language || "–"),
        el("td", {}, row.channel || "–"),
        el("td", {}, ...row.flags.map((flag) => el("span", { className: "flag" }, FLAG_NAMES[flag] || flag))));
      line.addEventListener("click", () => openConversation(row.id));
      body.appendChild(line);
    }
  }

  async function openConversation(id) {
    let conversation;
    try {
      conversation = await api(`/api/workspace/conversations/${encodeURIComponent(id)}`);
    } catch (error) { flash(error.message); return; }
    if (!state.conversation || state.conversation.id !== conversation.id) state.corrections = {};
    state.conversation = conversation;
    for (const row of document.querySelectorAll("#conversation-rows tr")) {
      row.classList.toggle("selected", row.dataset.conversationId === id);
    }
    byId("conversation").hidden = false;
    byId("fix-form").hidden = true;
    byId("export-result").hidden = true;
    byId("conversation-heading").textContent = `${conversation.id} · ${conversation.language || "?"} · ${conversation.channel || "?"}`;
    byId("conversation-flags").replaceChildren(
      ...conversation.flags.map((flag) => el("span", { className: "flag" }, FLAG_NAMES[flag] || flag)));
    const list = byId("transcript");
    list.replaceChildren();
    for (const turn of conversation.turns) {
      if (turn.role === "customer") {
        const fix = el("button", { type: "button", className: "fix-button" }, "Correct intent");
        fix.addEventListener("click", () => openFix(turn));
        list.appendChild(el("li", { className: "customer", "data-index": turn.index },
          el("span", { dir: "auto", className: "text" }, turn.text),
          el("span", { className: "nlu" },
            `intent ${turn.intent || "–"} (${num(turn.confidence)}) · language ${turn.language || "–"} (${num(turn.language_confidence)}) · frustration ${num(turn.frustration)} `,
            fix)));
      } else if (turn.role === "bot") {
        list.appendChild(el("li", { className: "bot" }, el("span", { dir: "auto" }, turn.text),
          turn.name ? el("span", { className: "nlu" }, turn.name) : null));
      } else if (turn.role === "action") {
        list.appendChild(el("li", { className: "action" }, `action ${turn.name}`));
      }
    }
  }

  async function openFix(turn) {
    const form = byId("fix-form");
    form.hidden = false;
    state.fixTurn = turn.index;
    byId("fix-text").value = turn.text;
    const language = state.meta.languages.includes(turn.language) ? turn.language : state.conversation.language;
    if (language) byId("fix-language").value = language;
    if (turn.intent && state.meta.intents.includes(turn.intent)) byId("fix-intent").value = turn.intent;
    byId("fix-status").textContent = "";
    await loadVersion(byId("fix-language").value);
    byId("fix-intent").focus();
  }

  async function loadVersion(language) {
    try {
      const answer = await api(`/api/workspace/nlu/${encodeURIComponent(language)}/version`);
      state.versions[language] = answer.version;
    } catch (error) { flash(error.message); }
  }

  async function submitFix(event) {
    event.preventDefault();
    const language = byId("fix-language").value;
    if (!(language in state.versions)) await loadVersion(language);
    const status = byId("fix-status");
    try {
      const answer = await api("/api/workspace/nlu/examples", {
        method: "POST",
        body: { language, intent: byId("fix-intent").value, text: byId("fix-text").value,
          version: state.versions[language] },
      });
      state.versions[language] = answer.version;
      state.corrections[state.fixTurn] = answer.intent;
      status.className = "";
      status.textContent = `Added to ${answer.file}: ${answer.example} (${answer.intent})`;
    } catch (error) {
      status.className = "error";
      status.textContent = error.status === 409
        ? `Not saved: ${error.message}`
        : `Not saved: ${error.message}`;
      if (error.status === 409) await loadVersion(language);
    }
  }

  async function exportStory(kind) {
    const box = byId("export-result");
    box.hidden = false;
    try {
      const answer = await api(`/api/workspace/conversations/${encodeURIComponent(state.conversation.id)}/export`,
        { method: "POST", body: { kind, corrections: state.corrections } });
      const lines = [`Saved '${answer.story.story}' to ${answer.file}`, ...answer.notes.map((n) => `note: ${n}`), ""];
      for (const step of answer.story.steps) {
        const [key] = Object.keys(step);
        lines.push(step.user !== undefined ? `- user: ${step.user}\n  intent: ${step.intent}` : `- ${key}: ${step[key]}`);
      }
      box.textContent = lines.join("\n");
    } catch (error) {
      box.textContent = `Not saved: ${error.message}`;
    }
  }

  // --- coverage -----------------------------------------------------------------------------

  async function loadCoverage() {
    let report;
    try { report = await api("/api/workspace/coverage"); } catch (error) { flash(error.message); return; }
    byId("coverage-model").textContent = report.evaluated_model
      ? `confusions from the evaluation of ${report.evaluated_model}` : "no stored evaluation yet (run Retrain)";
    const table = byId("coverage-table");
    table.replaceChildren(el("tr", {}, el("th", {}, "intent / topic"), ...report.languages.map((l) => el("th", {}, l))));
    for (const label of report.labels) {
      table.appendChild(el("tr", {}, el("th", {}, label), ...report.languages.map((language) => {
        const n = report.examples[label][language];
        return el("td", { className: n < 12 ? "low" : "" }, `${n} · ${report.heldout[label][language]}`);
      })));
    }
    const missing = byId("coverage-missing");
    missing.replaceChildren(...report.missing.map((item) =>
      el("li", {}, `${item.language} · ${item.kind} · ${item.name}: ${item.detail}`)));
    const confusions = byId("coverage-confusions");
    confusions.replaceChildren();
    for (const [language, pairs] of Object.entries(report.confusions)) {
      for (const pair of pairs) {
        confusions.appendChild(el("li", {}, `${language}: ${pair.expected} → ${pair.predicted} ×${pair.count}`));
      }
    }
    const responses = byId("coverage-responses");
    responses.replaceChildren(el("tr", {}, el("th", {}, "response"), ...report.languages.map((l) => el("th", {}, l))));
    for (const [key, counts] of Object.entries(report.responses)) {
      responses.appendChild(el("tr", {}, el("th", {}, key), ...report.languages.map((language) =>
        el("td", { className: counts[language] ? "" : "low" }, String(counts[language])))));
    }
    const picture = await api("/api/workspace/coverage.png", { raw: true });
    if (picture.ok) {
      const image = byId("coverage-plot");
      if (image.src) URL.revokeObjectURL(image.src);
      image.src = URL.createObjectURL(await picture.blob());
      image.hidden = false;
    }
  }

  // --- retrain ------------------------------------------------------------------------------

  async function startRetrain(event) {
    event.preventDefault();
    const tolerance = Number(byId("retrain-tolerance").value) / 100;
    try {
      const answer = await api("/api/workspace/retrain", { method: "POST", body: { tolerance } });
      state.job = answer.job;
      byId("retrain-state").textContent = "running";
      pollRetrain();
    } catch (error) { flash(error.message); }
  }

  async function pollRetrain() {
    clearTimeout(state.timer);
    if (!state.token) return;
    let status;
    try {
      status = await api(`/api/workspace/retrain/${state.job || "latest"}`);
    } catch (error) {
      if (error.status !== 404) flash(error.message);
      return;
    }
    state.job = status.id;
    showRetrain(status);
    if (status.state === "running") state.timer = setTimeout(pollRetrain, POLL_MS);
  }

  function showRetrain(status) {
    const result = status.result;
    byId("retrain-state").textContent = result
      ? `${status.state}${result.activated ? " · new model activated" : " · the previous model keeps serving"}`
      : (status.state === "lost" ? "lost · the run stopped without a result; see the log" : "running");
    const log = byId("retrain-log");
    log.textContent = status.log;
    log.scrollTop = log.scrollHeight;
    byId("retrain-steps").replaceChildren(...(result ? result.steps : []).map((step) =>
      el("li", {}, `${step.ok ? "✔" : "✘"} ${step.name} (${step.seconds} s) ${step.detail}`)));
    const rows = byId("comparison-rows");
    rows.replaceChildren();
    const comparison = result ? result.comparison : {};
    for (const [language, row] of Object.entries(comparison)) {
      const change = row.delta === null ? "new" : `${row.delta >= 0 ? "+" : ""}${(row.delta * 100).toFixed(1)}`;
      rows.appendChild(el("tr", { "data-language": language }, el("th", {}, language),
        el("td", {}, pct(row.previous)), el("td", {}, pct(row.candidate)),
        el("td", { className: row.delta < 0 ? "worse" : "better" }, change),
        el("td", {}, row.ok ? "yes" : "no")));
    }
    byId("comparison").hidden = !Object.keys(comparison).length;
  }

  // --- wiring -------------------------------------------------------------------------------

  document.addEventListener("DOMContentLoaded", () => {
    byId("login-form").addEventListener("submit", (event) => {
      event.preventDefault();
      signIn(byId("login-token").value.trim());
    });
    byId("logout").addEventListener("click", signOut);
    for (const tab of document.querySelectorAll(".tab")) {
      tab.addEventListener("click", () => {
        showTab(tab.dataset.tab);
        if (tab.dataset.tab === "coverage-view") loadCoverage();
        if (tab.dataset.tab === "retrain-view") pollRetrain();
      });
    }
    byId("filters").addEventListener("submit", (event) => { event.preventDefault(); loadConversations(); });
    byId("fix-form").addEventListener("submit", submitFix);
    byId("fix-language").addEventListener("change", () => loadVersion(byId("fix-language").value));
    byId("fix-cancel").addEventListener("click", () => { byId("fix-form").hidden = true; });
    byId("export-test").addEventListener("click", () => exportStory("test"));
    byId("export-training").addEventListener("click", () => exportStory("training"));
    byId("coverage-load").addEventListener("click", loadCoverage);
    byId("retrain-form").addEventListener("submit", startRetrain);
    const saved = sessionStorage.getItem(TOKEN_KEY);
    if (saved) signIn(saved);
  });
})();
