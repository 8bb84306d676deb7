// The supervisor's wallboard (docs/supervision.md "Situazione in tempo reale"). The page is complete without this
// script (rendered on the server, with a link to reload it); with it:
// - /api/wallboard/events pushes the whole view each time the floor changes: tiles, both tables and the time are put in
//   place from its texts (already in the reader's language, numbers it-IT);
// - the time in state counts on between snapshots, on the server's clock;
// - a summary is read politely at most every 30 s, unless "Annuncia gli aggiornamenti" is unticked (kept in localStorage).
"use strict";

(() => {
  const root = document.getElementById("situazione");
  if (!root || !("EventSource" in window)) return;
  const english = document.documentElement.lang === "en";
  const t = (italian, inEnglish) => (english ? inEnglish : italian);
  const region = document.getElementById("annuncio");
  const toggle = document.getElementById("annunci");
  const storageKey = "dialer.situazione.annunci";
  const quietMs = 30000;
  // The server's clock minus this computer's: time in state is counted on the server's clock.
  let skew = Date.parse(root.dataset.at) - Date.now();
  let lastSaid = null;
  let lastSaidAt = 0;
  let pending = null;
  let pendingTimer = null;

  function stored() {
    try { return window.localStorage.getItem(storageKey); } catch { return null; }
  }

  function store(value) {
    try { window.localStorage.setItem(storageKey, value); } catch { /* private mode: the choice lasts for this page */ }
  }

  toggle.checked = stored() !== "off";
  toggle.addEventListener("change", () => {
    store(toggle.checked ? "on" : "off");
    if (!toggle.checked) {
      pending = null;
      window.clearTimeout(pendingTimer);
      pendingTimer = null;
    }
  });
  document.getElementById("annunci-scelta").hidden = false;
  document.getElementById("aggiornamento-automatico").hidden = false;
  document.getElementById("aggiornamento-manuale").hidden = true;

  function say(text) {
    lastSaid = text;
    lastSaidAt = Date.now();
    region.textContent = "";
    window.setTimeout(() => { region.textContent = text; }, 50);
  }

  // At most one summary every 30 s: a change inside the quiet time waits for its end, and only the latest is read.
  function announce(text) {
    if (!toggle.checked || !text || text === lastSaid) return;
    const wait = lastSaidAt + quietMs - Date.now();
    if (wait <= 0) {
      say(text);
      return;
    }
    pending = text;
    if (pendingTimer) return;
    pendingTimer = window.setTimeout(() => {
      pendingTimer = null;
      if (pending && toggle.checked && pending !== lastSaid) say(pending);
      pending = null;
    }, wait);
  }

  // "da 3 min", as the page says it (Labels.Since on the server).
  function since(ms) {
    const minutes = Math.max(0, Math.floor(ms / 60000));
    if (minutes === 0) return t("da meno di un minuto", "for less than a minute");
    if (minutes < 60) return t(`da ${minutes} min`, `for ${minutes} min`);
    const length = minutes % 60 === 0 ? `${Math.floor(minutes / 60)} h` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
    return t(`da ${length}`, `for ${length}`);
  }

  function tick() {
    const now = Date.now() + skew;
    for (const el of root.querySelectorAll("[data-since]")) el.textContent = since(now - Date.parse(el.dataset.since));
  }

  function cell(tag, text, className) {
    const el = document.createElement(tag);
    el.textContent = text;
    if (className) el.className = className;
    return el;
  }

  function rows(table, items, empty, columns, build) {
    const body = document.querySelector(`#${table} tbody`);
    const fresh = document.createElement("tbody");
    if (items.length === 0) {
      const row = fresh.insertRow();
      const td = cell("td", empty);
      td.colSpan = columns;
      row.append(td);
    }
    for (const item of items) fresh.append(build(item));
    body.replaceWith(fresh);
  }

  function operatorRow(o) {
    const row = document.createElement("tr");
    const th = cell("th", o.name);
    th.scope = "row";
    const state = cell("td", "");
    state.append(cell("span", o.stateText, `wallboard-state wallboard-state-${o.state}`));
    const time = document.createElement("time");
    time.dateTime = o.since;
    time.dataset.since = o.since;
    time.textContent = o.inState;
    const when = cell("td", "");
    when.append(time);
    row.append(th, state, when, cell("td", o.campaign ?? "–"));
    return row;
  }

  function campaignRow(c) {
    const row = document.createElement("tr");
    const th = cell("th", c.active ? c.name : `${c.name}${t(" (non attiva)", " (inactive)")}`);
    th.scope = "row";
    const abandoned = cell("td", c.overTarget ? `${c.abandonRate}${t(", oltre l'obiettivo", ", above target")}` : c.abandonRate,
      c.overTarget ? "text-end wallboard-alert" : "text-end");
    row.append(th, ...[c.ready, c.waiting, c.ringing, c.connected, c.answerRate].map((v) => cell("td", v, "text-end")), abandoned);
    return row;
  }

  function apply(view) {
    skew = Date.parse(view.at) - Date.now();
    for (const tile of view.tiles) {
      const el = root.querySelector(`[data-tile="${tile.key}"]`);
      if (!el) continue;
      el.querySelector(".wallboard-value").textContent = tile.value;
      el.querySelector(".wallboard-label").textContent = tile.label;
      el.querySelector(".wallboard-detail").textContent = tile.detail ?? "";
      el.classList.toggle("wallboard-alert", tile.alert);
    }
    const updated = document.getElementById("aggiornato");
    updated.dateTime = view.at;
    updated.textContent = view.updated;
    rows("operatori", view.operators, t("Nessun operatore in servizio.", "No operator on duty."), 4, operatorRow);
    rows("campagne", view.campaigns, t("Nessuna campagna attiva.", "No active campaign."), 7, campaignRow);
    root.querySelector('[data-count="operators"]').textContent = view.operators.length;
    root.querySelector('[data-count="campaigns"]').textContent = view.campaigns.length;
    root.dataset.at = view.at;
    announce(view.announcement);
  }

  // The first snapshot of a stream is the floor as the page already shows it: nothing to announce then.
  let first = true;
  const events = new EventSource(root.dataset.events);
  events.addEventListener("snapshot", (e) => {
    const view = JSON.parse(e.data);
    if (first) {
      first = false;
      lastSaid = view.announcement;
    }
    apply(view);
  });
  window.setInterval(tick, 15000);
})();
