// The room's pages (transition_sim.room): one websocket, small JSON messages. The server sends each page's HTML
// (escaped there) and notices; a button sends the message its data-msg holds, with the values of the inputs its
// data-fields names. A participant's page keeps a random token in localStorage: the same browser gets its seat
// back. Nothing here is trusted by the server: it checks every message against what this page offers.
"use strict";
(function () {
  const main = document.getElementById("ts-main");
  const notice = document.getElementById("ts-notice");
  const lost = document.querySelector(".ts-lost");
  const KEY = "ts-room-token";
  let ws = null;
  let tries = 0;

  function token() {
    let value = localStorage.getItem(KEY) || "";
    if (!/^[0-9a-f]{32}$/.test(value)) {
      const bytes = new Uint8Array(16);
      crypto.getRandomValues(bytes);
      value = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
      localStorage.setItem(KEY, value);
    }
    return value;
  }

  function show(html) {
    const kept = {};
    main.querySelectorAll("input[data-keep], select[data-keep]").forEach((input) => { kept[input.id] = input.value; });
    const focused = document.activeElement && document.activeElement.id;
    const before = main.firstElementChild ? main.firstElementChild.className : "";
    main.innerHTML = html;
    if (main.firstElementChild && main.firstElementChild.className !== before) window.scrollTo(0, 0);
    // a kept choice no longer offered (the free seat a select showed was taken since) is not put back: the select
    // would show a blank and send "" (a malformed message, which closes the page's connection)
    Object.entries(kept).forEach(([id, value]) => {
      const input = document.getElementById(id);
      if (input && (input.tagName !== "SELECT" || Array.from(input.options).some((o) => o.value === value))) {
        input.value = value;
      }
    });
    const again = focused && document.getElementById(focused);
    if (again) {
      again.focus();
      if (again.type === "text") again.setSelectionRange(again.value.length, again.value.length);
    }
    document.body.dataset.ready = "1";
  }

  // a number typed beyond the field's bounds (36 months a round, an empty field) is sent, and shown, at the
  // nearest bound: the room refuses a message out of bounds by closing the page
  function bounded(input) {
    const low = Number(input.min || 0);
    const high = Number(input.max || Number.MAX_SAFE_INTEGER);
    const typed = Math.trunc(Number(input.value || low));
    const value = Math.min(high, Math.max(low, Number.isFinite(typed) ? typed : low));
    input.value = String(value);
    return value;
  }

  function say(text) {
    notice.textContent = text;
    notice.classList.add("ts-show");
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    ws = new WebSocket(scheme + location.host + main.dataset.ws);
    ws.onopen = () => {
      tries = 0;
      document.body.classList.remove("ts-offline");
      const hello = main.dataset.kind === "join" ? { type: "hello", token: token() } : { type: "hello" };
      ws.send(JSON.stringify(hello));
    };
    ws.onmessage = (event) => {
      const message = JSON.parse(event.data);
      if (message.type === "page") show(message.html);
      else if (message.type === "notice") say(message.text);
    };
    ws.onclose = (event) => {
      document.body.classList.add("ts-offline");
      if (event.code !== 1008) setTimeout(connect, Math.min(10000, 500 * 2 ** tries++));
      else lost.textContent = lost.dataset.refused;  // a refused message: the room will not take this page back
    };
  }

  main.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-msg]");
    if (!button || !ws || ws.readyState !== WebSocket.OPEN) return;
    const message = JSON.parse(button.dataset.msg);
    (button.dataset.fields || "").split(",").filter(Boolean).forEach((pair) => {
      const [name, id] = pair.split(":");
      const input = document.getElementById(id);
      if (!input) return;
      message[name] = input.type === "number" ? bounded(input) : input.value;
      if (input.type === "text") input.value = "";
    });
    notice.classList.remove("ts-show");
    button.classList.add("ts-sent");
    ws.send(JSON.stringify(message));
  });

  // a slider (the debrief's months) sends its message when it is let go, with its value under data-name
  main.addEventListener("change", (event) => {
    const input = event.target.closest("input[data-msg][data-name]");
    if (!input || !ws || ws.readyState !== WebSocket.OPEN) return;
    const message = JSON.parse(input.dataset.msg);
    message[input.dataset.name] = parseInt(input.value, 10);
    notice.classList.remove("ts-show");
    ws.send(JSON.stringify(message));
  });

  // while the slider moves, the month it would show (sent when it is let go)
  main.addEventListener("input", (event) => {
    const input = event.target.closest("input[type=range][data-msg]");
    const shown = document.getElementById("ts-month-shown");
    if (input && shown) shown.textContent = shown.dataset.text.replace("{month}", input.value);
  });

  // the projected debrief: its code leaves the address bar at once (the room reads the projected screen); the tab
  // keeps it in its session storage, so a reload of /d connects again
  if (main.dataset.kind === "debrief") {
    const KEPT = "ts-debrief-socket";
    if (main.dataset.ws) {
      sessionStorage.setItem(KEPT, main.dataset.ws.split("?")[0]);
      history.replaceState(null, "", "/d" + location.search);
    } else {
      const kept = sessionStorage.getItem(KEPT) || "";
      if (/^\/ws\/d\/[A-Za-z0-9]+$/.test(kept)) main.dataset.ws = kept + "?lang=" + document.documentElement.lang;
    }
  }
  if (main.dataset.ws) connect();
  else main.textContent = main.dataset.none;
})();
