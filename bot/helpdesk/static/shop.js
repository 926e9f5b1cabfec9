// The demo storefront: starts the rasa-webchat widget with the customer's context.
//
// customData (sent with every message, and Rasa keeps it as message metadata):
//   locale   - the browser's language, e.g. "de-DE"
//   timezone - the browser's IANA time zone
//   customer - {id, name, title} of the demo account picked in the page header
"use strict";

(function () {
  const CUSTOMER_KEY = "kestrel-demo-customer";
  // The widget's text elements; each gets dir="auto" so Arabic reads right to left. Only
  // the innermost ones: dir="auto" ignores descendants that have a dir of their own.
  const MESSAGE_SELECTOR = ".rw-message-text, .rw-reply, .rw-new-message";

  function widgetLanguage(labels) {
    const tags = navigator.languages && navigator.languages.length
      ? navigator.languages : [navigator.language || "en"];
    for (const tag of tags) {
      if (labels[tag]) return tag;
      const base = String(tag).split("-")[0].toLowerCase();
      if (labels[base]) return base;
    }
    return "en";
  }

  function timeZone() {
    try {
      return Intl.DateTimeFormat().resolvedOptions().timeZone || undefined;
    } catch (error) {
      return undefined;
    }
  }

  function chosenCustomer(customers) {
    const id = window.localStorage.getItem(CUSTOMER_KEY);
    return customers.find((customer) => customer.id === id) || null;
  }

  function fillAccountPicker(customers, current, guestLabel) {
    const picker = document.getElementById("demo-customer");
    const guest = new Option(guestLabel, "");
    picker.add(guest);
    for (const customer of customers) {
      const label = customer.title ? `${customer.title} ${customer.name}` : customer.name;
      picker.add(new Option(label, customer.id, false, current && current.id === customer.id));
    }
    picker.addEventListener("change", () => {
      if (picker.value) window.localStorage.setItem(CUSTOMER_KEY, picker.value);
      else window.localStorage.removeItem(CUSTOMER_KEY);
      window.location.reload();
    });
  }

  function markDirections(root) {
    for (const element of root.querySelectorAll(MESSAGE_SELECTOR)) {
      if (!element.hasAttribute("dir")) element.setAttribute("dir", "auto");
    }
  }

  async function start() {
    const config = await (await fetch("/shop/config.json")).json();
    const language = widgetLanguage(config.labels);
    const labels = config.labels[language];
    const customer = chosenCustomer(config.customers);
    fillAccountPicker(config.customers, customer, labels.guest);

    if (!window.WebChat) {
      document.getElementById("widget-missing").hidden = false;
      return;
    }
    const customData = { locale: navigator.language || "en", timezone: timeZone() };
    if (customer) customData.customer = { id: customer.id, name: customer.name, title: customer.title };

    const chat = document.getElementById("chat");
    new MutationObserver(() => markDirections(chat)).observe(chat, { childList: true, subtree: true });
    window.WebChat.default({
      socketUrl: config.socket_url,
      socketPath: "/socket.io/",
      customData: customData,
      // Opening the chat greets the customer in the browser's language, with suggested
      // topics as quick replies (data/suggestions.yml); a returning one keeps the history.
      initPayload: "/greet",
      // A short typing pause before each reply (the widget's default waits up to 3 s).
      customMessageDelay: (message) => Math.min(1000, 250 + 8 * message.length),
      title: labels.title,
      subtitle: labels.subtitle,
      inputTextFieldHint: labels.input_hint,
      connectingText: labels.connecting,
      // The conversation survives a reload: the session id and messages stay in localStorage.
      params: { storage: "local" },
      hideWhenNotConnected: false,
      showFullScreenButton: true,
    }, chat);
  }

  start().catch((error) => console.error("Could not start the chat widget", error));
})();
