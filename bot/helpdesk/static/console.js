// Kestrel Shop agent console. Vanilla JS, no build step, no third-party code.
//
// Safety rules for this file:
// - Text from customers, agents and tickets is ALWAYS inserted as text nodes
//   (createTextNode / textContent). Nothing in this file parses a string as HTML
//   (tests/e2e/test_console.py checks for the HTML-string sinks).
// - The API token lives in sessionStorage (this tab only) and is sent only in the
//   Authorization header of same-origin fetch calls, never in a URL.
"use strict";

(() => {
  const TOKEN_KEY = "kestrelConsole.token";
  const AGENT_KEY = "kestrelConsole.agent";
  const REFRESH_MS = 3000;
  const PRIORITY_NAMES = { 1: "urgent", 2: "high", 3: "normal", 4: "low" };
  const ROLE_NAMES = { customer: "Customer", bot: "Bot", agent: "Agent" };

  const state = {
    token: null,
    agent: null,
    selectedId: null,
    lastTicketKey: "",
    transcriptKeys: [],
    pollGeneration: 0,
    timer: null,
    queueRequest: 0,
    flashTimer: null,
  };

  const byId = (id) => document.getElementById(id);

  /**
   * Creates an element. Strings among `children` become text nodes; attributes are set
   * with setAttribute (never as markup).
   */
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

  // --- messages to the agent ------------------------------------------------------------

  function flash(message, kind = "error") {
    const box = byId("flash");
    box.textContent = message;
    box.className = kind === "info" ? "flash info" : "flash";
    box.hidden = false;
    clearTimeout(state.flashTimer);
    state.flashTimer = setTimeout(() => { box.hidden = true; }, kind === "info" ? 4000 : 10000);
  }

  function clearFlash() {
    byId("flash").hidden = true;
  }

  // --- API --------------------------------------------------------------------------------

  class ApiError extends Error {
    constructor(status, message) {
      super(message);
      this.status = status;
    }
  }

  async function api(path, options = {}) {
    const headers = { Accept: "application/json", Authorization: `Bearer ${state.token}` };
    const init = {
      method: options.method || "GET",
      headers,
      cache: "no-store",
      credentials: "omit",
      referrerPolicy: "no-referrer",
    };
    if (options.body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(options.body);
    }
    let answer;
    try {
      answer = await fetch(path, init);
    } catch (error) {
      throw new ApiError(0, "The helpdesk cannot be reached. Retrying…");
    }
    let data = null;
    try {
      data = await answer.json();
    } catch (error) {
      data = null;
    }
    if (!answer.ok) {
      const detail = data && typeof data.error === "string" ? data.error : `HTTP ${answer.status}`;
      throw new ApiError(answer.status, detail);
    }
    return data;
  }

  function handleError(error) {
    if (error instanceof ApiError && error.status === 401) {
      signOut("The helpdesk no longer accepts your API token (401). Please sign in again.");
      return;
    }
    flash(error instanceof ApiError ? error.message : `Unexpected error: ${error}`);
  }

  // --- sign in / out ----------------------------------------------------------------------

  function showLoginError(message) {
    const box = byId("login-error");
    box.textContent = message;
    box.hidden = !message;
  }

  async function onLogin(event) {
    event.preventDefault();
    const token = byId("login-token").value.trim();
    const agent = byId("login-name").value.trim();
    if (!token || !agent) {
      showLoginError("Enter both the API token and your display name.");
      return;
    }
    // A header value must be printable ASCII; anything else cannot be a valid token.
    if (!/^[\x21-\x7e]+$/.test(token)) {
      showLoginError("Wrong API token: it contains characters a token cannot have.");
      return;
    }
    byId("login-submit").disabled = true;
    state.token = token;
    try {
      // Any /api call checks the token; this one matches no ticket, so it is cheap.
      await api("/api/tickets?status=resolved&language=-");
    } catch (error) {
      state.token = null;
      if (error instanceof ApiError && error.status === 401) {
        showLoginError("Wrong API token: the helpdesk refused it (401). Check the token and try again.");
      } else {
        showLoginError(error instanceof ApiError ? error.message : String(error));
      }
      byId("login-token").focus();
      return;
    } finally {
      byId("login-submit").disabled = false;
    }
    sessionStorage.setItem(TOKEN_KEY, token);
    sessionStorage.setItem(AGENT_KEY, agent);
    byId("login-token").value = "";
    enterWorkspace(agent);
  }

  function enterWorkspace(agent) {
    state.agent = agent;
    state.token = sessionStorage.getItem(TOKEN_KEY);
    showLoginError("");
    clearFlash();
    byId("agent-name").textContent = agent;
    byId("session").hidden = false;
    byId("login").hidden = true;
    byId("workspace").hidden = false;
    startPolling();
  }

  function signOut(message) {
    stopPolling();
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(AGENT_KEY);
    state.token = null;
    state.agent = null;
    closeTicket();
    byId("queue-body").replaceChildren();
    byId("workspace").hidden = true;
    byId("session").hidden = true;
    byId("login").hidden = false;
    clearFlash();
    showLoginError(message || "");
    byId("login-token").focus();
  }

  // --- refreshing -------------------------------------------------------------------------

  function startPolling() {
    stopPolling();
    const generation = state.pollGeneration;
    const tick = async () => {
      await Promise.all([refreshQueue(), refreshTicket()]);
      if (generation === state.pollGeneration && state.token) {
        state.timer = setTimeout(tick, REFRESH_MS);
      }
    };
    tick();
  }

  function stopPolling() {
    state.pollGeneration += 1;
    clearTimeout(state.timer);
    state.timer = null;
  }

  // --- queue ------------------------------------------------------------------------------

  async function refreshQueue() {
    if (!state.token) return;
    const params = new URLSearchParams();
    const language = byId("filter-language").value;
    const status = byId("filter-status").value;
    if (language) params.set("language", language);
    if (status) params.set("status", status);
    const request = ++state.queueRequest;
    try {
      const tickets = await api(`/api/tickets${params.toString() ? `?${params}` : ""}`);
      if (request !== state.queueRequest || !state.token) return; // a newer filter won
      renderQueue(Array.isArray(tickets) ? tickets : []);
    } catch (error) {
      if (request === state.queueRequest) handleError(error);
    }
  }

  function renderQueue(tickets) {
    const body = byId("queue-body");
    const focused = document.activeElement && document.activeElement.dataset
      ? document.activeElement.dataset.ticketId : undefined;
    const now = Date.now();
    body.replaceChildren(...tickets.map((ticket) => queueRow(ticket, now)));
    byId("queue-empty").hidden = tickets.length > 0;
    byId("queue-updated").textContent = `Updated ${new Date(now).toLocaleTimeString()}`;
    if (focused) {
      const again = body.querySelector(`button[data-ticket-id="${CSS.escape(focused)}"]`);
      if (again) again.focus();
    }
  }

  function queueRow(ticket, now) {
    const id = String(ticket.id);
    const customer = ticket.customer || {};
    const sla = relativeDue(ticket.sla_due_at, now, ticket.status === "resolved");
    const row = el(
      "tr",
      {
        "data-ticket-id": id,
        "data-priority": ticket.priority,
        "data-language": ticket.language || "",
        className: String(ticket.id) === String(state.selectedId) ? "selected" : "",
      },
      el("td", {},
        // The keyboard way in; its click bubbles to the row, which opens the ticket.
        el("button", { type: "button", className: "link open-ticket", "data-ticket-id": id,
          "aria-label": `Open ticket ${id}` }, `#${id}`)),
      el("td", { className: `priority priority-${ticket.priority}` },
        `P${ticket.priority} ${PRIORITY_NAMES[ticket.priority] || ""}`.trim()),
      el("td", { className: "status" }, statusLabel(ticket.status)),
      el("td", { className: "language" }, ticket.language || "—"),
      el("td", { className: "subject", dir: "auto", title: ticket.subject || "" },
        ticket.subject || "(no subject)"),
      el("td", { className: "customer", dir: "auto" }, customer.name || "—"),
      el("td", {},
        el("time", { className: sla.overdue ? "sla overdue" : "sla",
          datetime: ticket.sla_due_at || "", title: fullTime(ticket.sla_due_at) }, sla.text)),
    );
    row.addEventListener("click", () => openTicket(ticket.id));
    return row;
  }

  function statusLabel(status) {
    return String(status || "").replace(/_/g, " ");
  }

  /** "in 3 h", "25 min overdue", ... and whether the time has passed. */
  function relativeDue(iso, now, done) {
    const due = Date.parse(iso);
    if (Number.isNaN(due)) return { text: "—", overdue: false };
    const diff = due - now;
    const minutes = Math.round(Math.abs(diff) / 60000);
    let amount;
    if (minutes < 1) amount = "<1 min";
    else if (minutes < 60) amount = `${minutes} min`;
    else if (minutes < 48 * 60) amount = `${Math.round(minutes / 60)} h`;
    else amount = `${Math.round(minutes / 1440)} d`;
    if (diff >= 0) return { text: `in ${amount}`, overdue: false };
    return { text: done ? `${amount} ago` : `${amount} overdue`, overdue: !done };
  }

  function fullTime(iso) {
    const time = Date.parse(iso);
    return Number.isNaN(time) ? "" : new Date(time).toLocaleString();
  }

  function shortTime(iso) {
    const time = Date.parse(iso);
    if (Number.isNaN(time)) return "";
    const date = new Date(time);
    const sameDay = date.toDateString() === new Date().toDateString();
    return sameDay
      ? date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })
      : date.toLocaleString([], { dateStyle: "short", timeStyle: "short" });
  }

  // --- one ticket ---------------------------------------------------------------------------

  async function openTicket(id) {
    state.selectedId = id;
    state.lastTicketKey = "";
    for (const row of byId("queue-body").querySelectorAll("tr")) {
      row.classList.toggle("selected", row.dataset.ticketId === String(id));
    }
    byId("ticket").hidden = false;
    byId("ticket-heading").textContent = `Ticket #${id}`;
    byId("customer-context").replaceChildren();
    byId("transcript").replaceChildren();
    state.transcriptKeys = [];
    byId("notes").replaceChildren();
    await refreshTicket();
  }

  function closeTicket() {
    state.selectedId = null;
    state.lastTicketKey = "";
    state.transcriptKeys = [];
    byId("ticket").hidden = true;
    for (const row of byId("queue-body").querySelectorAll("tr.selected")) {
      row.classList.remove("selected");
    }
  }

  async function refreshTicket() {
    const id = state.selectedId;
    if (!state.token || id === null) return;
    try {
      const ticket = await api(`/api/tickets/${encodeURIComponent(id)}`);
      if (id === state.selectedId) renderTicket(ticket);
    } catch (error) {
      if (id !== state.selectedId) return;
      if (error instanceof ApiError && error.status === 404) {
        closeTicket();
        flash(`Ticket #${id} no longer exists.`);
      } else {
        handleError(error);
      }
    }
  }

  function renderTicket(ticket) {
    // Unchanged (within the minute that relative times show): keep the view as it is.
    const key = JSON.stringify([ticket, Math.floor(Date.now() / 60000)]);
    if (key === state.lastTicketKey) return;
    state.lastTicketKey = key;
    const customer = ticket.customer || {};

    byId("ticket-heading").textContent = `Ticket #${ticket.id}: ${ticket.subject || "(no subject)"}`;
    byId("ticket-status").textContent = statusLabel(ticket.status);
    byId("ticket-status").dataset.status = ticket.status;
    byId("ticket-assignee").textContent = ticket.assignee || "nobody";
    byId("ticket-handoff").textContent = ticket.handoff_active
      ? "with an agent (the bot is silent)" : "with the bot";

    const resolved = ticket.status === "resolved";
    byId("action-claim").disabled = resolved
      || (ticket.status === "assigned" && ticket.assignee === state.agent);
    byId("action-resolve").disabled = resolved;
    byId("action-handback").disabled = !ticket.handoff_active;

    const frustration = typeof ticket.frustration === "number"
      ? ticket.frustration.toFixed(2) : null;
    const context = [
      ["Name", customer.name],
      ["Customer ID", customer.id],
      ["Tier", customer.tier],
      ["Channel", ticket.channel],
      ["Language", ticket.language],
      ["Register", ticket.register],
      ["Frustration", frustration],
      ["Topic", ticket.topic],
      ["Summary", ticket.summary],
      ["Priority", `P${ticket.priority} ${PRIORITY_NAMES[ticket.priority] || ""}`.trim()],
      ["Created", fullTime(ticket.created_at)],
      ["SLA due", `${relativeDue(ticket.sla_due_at, Date.now(), resolved).text} (${fullTime(ticket.sla_due_at)})`],
      ["Conversation", ticket.conversation_id],
    ];
    byId("customer-context").replaceChildren(...context.flatMap(([label, value]) => [
      el("dt", {}, label),
      el("dd", { dir: "auto", "data-field": label.toLowerCase().replace(/ /g, "-") },
        value === undefined || value === null || value === "" ? "—" : String(value)),
    ]));

    const transcript = byId("transcript");
    const atBottom = transcript.scrollHeight - transcript.scrollTop - transcript.clientHeight < 40;
    const messages = Array.isArray(ticket.transcript) ? ticket.transcript : [];
    const keys = messages.map((message) => JSON.stringify([message, customer.name]));
    const shown = state.transcriptKeys;
    const toItem = (message) => messageItem(
      message.role, ROLE_NAMES[message.role] || message.role, message,
      message.role === "customer" && customer.name ? customer.name : null,
    );
    // New messages are appended, so the live region announces only them.
    const grows = shown.length <= keys.length && shown.every((key, index) => key === keys[index]);
    if (grows && transcript.children.length === shown.length) {
      transcript.append(...messages.slice(shown.length).map(toItem));
    } else {
      transcript.replaceChildren(...messages.map(toItem));
    }
    state.transcriptKeys = keys;
    if (atBottom || keys.length > shown.length) transcript.scrollTop = transcript.scrollHeight;

    const notes = Array.isArray(ticket.notes) ? ticket.notes : [];
    byId("notes").replaceChildren(...notes.map((note) => messageItem(
      "note", "Note", note, note.author || null,
    )));
    byId("notes-empty").hidden = notes.length > 0;
  }

  function messageItem(role, roleName, message, who) {
    const label = who ? `${roleName} · ${who}` : roleName;
    return el("li", { className: `message ${role}`, dir: "auto", "data-role": role },
      el("span", { className: "meta" },
        el("span", { className: "who", dir: "auto" }, label),
        " · ",
        el("time", { datetime: message.at || "", title: fullTime(message.at) },
          shortTime(message.at))),
      el("p", { className: "text", dir: "auto" }, String(message.text ?? "")));
  }

  // --- agent actions ------------------------------------------------------------------------

  const ACTION_BUTTONS = ["action-claim", "action-resolve", "action-handback", "reply-send", "note-add"];

  async function act(operation, body) {
    const id = state.selectedId;
    if (id === null) return false;
    const buttons = ACTION_BUTTONS.map(byId);
    const wasDisabled = buttons.map((button) => button.disabled);
    for (const button of buttons) button.disabled = true;
    let ok = false;
    try {
      const result = await api(`/api/tickets/${encodeURIComponent(id)}/${operation}`,
        { method: "POST", body: body || {} });
      ok = true;
      if (result && result.delivered === false) {
        flash("Saved, but the bot could not be reached: the customer may not get it yet.");
      } else {
        clearFlash();
      }
      state.lastTicketKey = "";
      if (id === state.selectedId && result && result.ticket) renderTicket(result.ticket);
      refreshQueue();
    } catch (error) {
      handleError(error);
      buttons.forEach((button, index) => { button.disabled = wasDisabled[index]; });
    } finally {
      byId("reply-send").disabled = false;
      byId("note-add").disabled = false;
    }
    return ok;
  }

  async function onCompose(event, operation, fieldId) {
    event.preventDefault();
    const field = byId(fieldId);
    const text = field.value;
    if (!text.trim()) {
      flash(operation === "reply" ? "Write a reply first." : "Write a note first.");
      field.focus();
      return;
    }
    if (await act(operation, { agent: state.agent, text })) {
      field.value = "";
      field.focus();
    }
  }

  // --- wiring -------------------------------------------------------------------------------

  function init() {
    byId("login-form").addEventListener("submit", onLogin);
    byId("logout").addEventListener("click", () => signOut(""));
    byId("filters").addEventListener("submit", (event) => event.preventDefault());
    byId("filter-language").addEventListener("change", refreshQueue);
    byId("filter-status").addEventListener("change", refreshQueue);
    byId("ticket-close").addEventListener("click", closeTicket);
    byId("action-claim").addEventListener("click", () => act("claim", { agent: state.agent }));
    byId("action-resolve").addEventListener("click", () => act("resolve"));
    byId("action-handback").addEventListener("click", () => act("handback"));
    byId("reply-form").addEventListener("submit", (event) => onCompose(event, "reply", "reply-text"));
    byId("note-form").addEventListener("submit", (event) => onCompose(event, "note", "note-text"));

    const token = sessionStorage.getItem(TOKEN_KEY);
    const agent = sessionStorage.getItem(AGENT_KEY);
    if (token && agent) {
      enterWorkspace(agent);
    } else {
      byId("login-token").focus();
    }
  }

  init();
})();
