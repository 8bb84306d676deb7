// The operator console (docs/console.md). The page works without this script (every action is a form POST); with it:
// - the forms post to the API (presence, preview) or to the page (outcome) without reloading;
// - the event stream (/api/me/events) tells when something changed: the regions whose key changed are swapped in from
//   /console?handler=Stato, and the event's announcement is read by the live regions;
// - focus moves only where docs/console.md says (card heading, first field of the outcome form), never while typing;
// - the wrap-up countdown, the Alt+Shift shortcuts and their help dialog, the browser softphone.
// What it says is in the page's language (<html lang>: Italian, or English for an operator who chose it); times stay
// it-IT in Europe/Rome whatever the language.
"use strict";

(() => {
  const english = document.documentElement.lang === "en";
  // The Italian sentence, or the English one for an operator who reads English.
  const t = (italian, inEnglish) => (english ? inEnglish : italian);
  const csrf = document.querySelector('meta[name="csrf-token"]')?.content ?? "";
  const polite = document.getElementById("annuncio");
  const assertive = document.getElementById("annuncio-urgente");
  const help = document.getElementById("aiuto");
  const shortcutsToggle = document.getElementById("scorciatoie-attive");
  const shortcutsKey = "dialer.console.scorciatoie";
  let warned = null; // the deadline already warned about
  let extending = 0; // until when a wrap-up presence event is the echo of Altro tempo (said once, as "Altro tempo concesso")
  const rome = (date) => date.toLocaleTimeString("it-IT", { hour: "2-digit", minute: "2-digit", timeZone: "Europe/Rome" });
  let timer = null;

  // A live region announces a change of its text: empty it first, then write, so that the same sentence twice is read twice.
  function announce(text, urgent) {
    if (!text) return;
    const region = urgent ? assertive : polite;
    region.textContent = "";
    window.setTimeout(() => { region.textContent = text; }, 50);
  }

  // Typing: focus in a text field, a select or a radio/checkbox of a form. Then nothing moves focus.
  function typing() {
    const el = document.activeElement;
    return !!el && el !== document.body && (el.matches("input, select, textarea") || el.isContentEditable);
  }

  function focusTarget(main) {
    const target = main?.dataset.focus;
    if (!target) return null;
    if (target === "esito-prima") {
      return document.querySelector('#esito input[name="Esito"]:checked') ?? document.querySelector('#esito input[data-first]');
    }
    return document.getElementById(target);
  }

  // Swaps in the regions whose key changed (or that ask for it), keeping focus on the same control when it survives.
  function swap(html, force) {
    const fresh = new DOMParser().parseFromString(`<div>${html}</div>`, "text/html");
    const focusedId = document.activeElement?.id;
    let mainChanged = false;
    for (const next of fresh.querySelectorAll("[data-region]")) {
      const current = document.getElementById(next.id);
      if (!current) continue;
      const changed = current.dataset.key !== next.dataset.key;
      if (!changed && !force && next.dataset.force !== "true") continue;
      const adopted = document.importNode(next, true);
      current.replaceWith(adopted);
      if (adopted.id === "principale" && changed) mainChanged = true;
    }
    enhance();
    if (focusedId && document.getElementById(focusedId) && document.activeElement === document.body) {
      document.getElementById(focusedId).focus();
    }
    if (mainChanged && !typing()) focusTarget(document.getElementById("principale"))?.focus();
    const notice = document.getElementById("avviso");
    if (notice) announce(notice.textContent.trim(), false);
    return mainChanged;
  }

  async function refresh(force) {
    const response = await fetch("/console?handler=Stato", { headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" });
    if (response.ok) swap(await response.text(), force);
  }

  // A form with data-api posts its fields as JSON to that API route, with the antiforgery header.
  async function postApi(form) {
    const extend = form.dataset.api.endsWith("/wrap-up/extend");
    if (extend) extending = Date.now() + 5000;
    const body = {};
    for (const [name, value] of new FormData(form)) {
      if (name !== "__RequestVerificationToken") body[name] = value;
    }
    const response = await fetch(form.dataset.api, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-TOKEN": csrf },
      body: JSON.stringify(body),
    });
    if (response.status === 204 && form.dataset.api.endsWith("/preview/next")) {
      announce(t("Nessuna persona da chiamare adesso.", "Nobody to call right now."), false);
    } else if (response.ok && extend) {
      // The outcome form being typed in stays: only the countdown learns its new deadline.
      const presence = await response.json();
      const clock = document.getElementById("conto-alla-rovescia");
      if (clock && presence.wrapUpDeadline) {
        clock.dataset.deadline = presence.wrapUpDeadline;
        countdown();
        const until = rome(new Date(presence.wrapUpDeadline));
        announce(t(`Altro tempo concesso: fino alle ${until}.`, `More time granted: until ${until}.`), false);
      }
      return;
    } else if (!response.ok) {
      let detail = t("Operazione non riuscita.", "The operation did not succeed.");
      try {
        const problem = await response.json();
        detail = problem.detail ?? Object.values(problem.errors ?? {}).flat().join(" ") ?? problem.title ?? detail;
      } catch { /* not JSON */ }
      showNotice(detail);
    }
    await refresh(false);
  }

  // A page form (the outcome, Riaggancia) posts to the page, which answers with the regions. A saved outcome replaces
  // every region; a refused one comes back with its error summary, which takes focus (the GOV.UK pattern).
  async function postPage(form) {
    const response = await fetch(form.action, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
      body: new FormData(form),
    });
    const html = await response.text();
    swap(html, response.ok && form.id === "esito" && !html.includes("data-error-summary"));
    const summary = document.querySelector("[data-error-summary]");
    if (form.id === "esito" && summary) summary.focus();
  }

  function showNotice(text) {
    let notice = document.getElementById("avviso");
    if (!notice) {
      notice = document.createElement("div");
      notice.id = "avviso";
      notice.className = "alert alert-warning";
      document.getElementById("principale").prepend(notice);
    }
    notice.textContent = text;
    announce(text, false);
  }

  // Shows only the fields of the chosen outcome (without the script, every fieldset is shown, each with its legend).
  function outcomeFields() {
    const chosen = document.querySelector('#esito input[name="Esito"]:checked')?.value;
    for (const group of document.querySelectorAll("[data-per-esito]")) {
      group.hidden = group.dataset.perEsito !== chosen;
    }
  }

  // 25/11/2026 (or 25-11-2026, 25.11.2026, 2026-11-25) → 2026-11-25; null when it is not a date.
  function isoDate(text) {
    const t = (text ?? "").trim();
    let m = /^(\d{1,2})[\/.-](\d{1,2})[\/.-](\d{4})$/.exec(t);
    if (m) return `${m[3]}-${m[2].padStart(2, "0")}-${m[1].padStart(2, "0")}`;
    m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t);
    return m ? t : null;
  }

  // 9:30, 9.30, 0930 → 09:30; null when it is not a time.
  function hhmm(text) {
    const m = /^(\d{1,2})[:.]?(\d{2})$/.exec((text ?? "").trim());
    return m ? `${m[1].padStart(2, "0")}:${m[2]}` : null;
  }

  // The CPI's hours and the chosen slot's load (GET /api/cpis/{code}/slots), beside the appointment's time; a full slot
  // is announced (it can still be booked: the ledger only warns).
  async function slotHint() {
    const hint = document.querySelector("[data-slots]");
    if (!hint) return;
    const cpi = document.getElementById("cpi")?.value;
    const date = isoDate(document.getElementById("data-appuntamento")?.value);
    const time = hhmm(document.getElementById("ora-appuntamento")?.value);
    if (!cpi || !date) { hint.textContent = ""; return; }
    let day;
    try {
      const response = await fetch(`/api/cpis/${encodeURIComponent(cpi)}/slots?date=${encodeURIComponent(date)}`, { credentials: "same-origin" });
      if (!response.ok) { hint.textContent = ""; return; }
      day = await response.json();
    } catch { hint.textContent = ""; return; }
    const slots = day.slots ?? [];
    if (day.holiday) {
      hint.textContent = t(`Giorno festivo (${day.holiday}): il CPI è chiuso.`, `Public holiday (${day.holiday}): the CPI is closed.`);
      return;
    }
    if (day.opening === "chiuso" || day.opening === "closed") {
      hint.textContent = t("Il CPI è chiuso in questo giorno.", "The CPI is closed on this day.");
      return;
    }
    if (slots.length === 0) { hint.textContent = ""; return; }
    let text = t(`Orario del CPI: ${day.opening}.`, `CPI opening hours: ${day.opening}.`);
    const slot = time ? slots.find((s) => s.start <= time && time < s.end) : null;
    if (time && !slot) text += t(" L'ora scelta è fuori dall'orario.", " The chosen time is outside the opening hours.");
    if (slot?.full) {
      text += t(` La fascia ${slot.start}–${slot.end} è al completo (${slot.booked} su ${slot.capacity}): meglio proporre un altro orario.`,
        ` The ${slot.start}–${slot.end} slot is full (${slot.booked} of ${slot.capacity}): better to offer another time.`);
      announce(t(`Fascia al completo: ${slot.booked} appuntamenti su ${slot.capacity}.`, `Slot full: ${slot.booked} appointments of ${slot.capacity}.`), false);
    } else if (slot) {
      text += t(` Fascia ${slot.start}–${slot.end}: ${slot.booked} su ${slot.capacity} già prenotati.`,
        ` Slot ${slot.start}–${slot.end}: ${slot.booked} of ${slot.capacity} already booked.`);
    }
    hint.textContent = text;
  }

  function countdown() {
    window.clearInterval(timer);
    const clock = document.getElementById("conto-alla-rovescia");
    if (!clock) return;
    const deadline = new Date(clock.dataset.deadline);
    // The server's clock decides the deadline: measure from its "now" at render, whatever this computer's clock says.
    const skew = new Date(clock.dataset.now) - Date.now();
    const tick = () => {
      const left = Math.max(0, Math.round((deadline - (Date.now() + skew)) / 1000));
      const text = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}`;
      clock.textContent = t(`Tempo per l'esito: ${text} (fino alle ${rome(deadline)})`, `Time for the outcome: ${text} (until ${rome(deadline)})`);
      if (left <= 20 && left > 0 && warned !== clock.dataset.deadline) {
        warned = clock.dataset.deadline;
        announce(t(`Tempo di post-chiamata quasi scaduto: ${left} secondi. Alt+Maiusc+T per altro tempo; quello che hai scritto resta.`,
          `Wrap-up time almost up: ${left} seconds. Alt+Shift+T for more time; what you typed stays.`), true);
      }
    };
    tick();
    timer = window.setInterval(tick, 1000);
  }

  function enhance() {
    for (const form of document.querySelectorAll("form[data-api]")) {
      if (form.dataset.enhanced) continue;
      form.dataset.enhanced = "true";
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        const select = form.querySelector("select[required]");
        if (select && !select.value) {
          showNotice(t("Per saltare la persona scegliere il motivo.", "To skip the person, choose the reason."));
          select.focus();
          return;
        }
        postApi(form);
      });
    }
    for (const form of document.querySelectorAll("form[data-page]")) {
      if (form.dataset.enhanced) continue;
      form.dataset.enhanced = "true";
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        postPage(form);
      });
    }
    const outcome = document.getElementById("esito");
    if (outcome && !outcome.dataset.enhanced) {
      outcome.dataset.enhanced = "true";
      outcome.addEventListener("submit", (event) => {
        event.preventDefault();
        postPage(outcome);
      });
      outcome.addEventListener("change", (event) => {
        outcomeFields();
        if (["cpi", "data-appuntamento", "ora-appuntamento"].includes(event.target.id)) slotHint();
      });
      outcomeFields();
      slotHint();
    }
    const open = document.getElementById("apri-aiuto");
    if (open && help?.showModal) {
      open.hidden = false;
      open.onclick = () => help.showModal();
    }
    countdown();
    softphone();
  }

  // Alt+Shift+letter: a modifier, so that a screen reader's single-letter navigation keys still work.
  function shortcut(event) {
    if (!event.altKey || !event.shiftKey || event.ctrlKey || event.metaKey) return;
    const key = event.code.startsWith("Key") ? event.code.slice(3) : "";
    if (key === "H") {
      event.preventDefault();
      if (help?.open) help.close(); else help?.showModal();
      return;
    }
    if (!shortcutsToggle.checked) return;
    const target = document.querySelector(`[data-shortcut="${key}"]`);
    if (!target) return;
    event.preventDefault();
    if (target.matches('input[type="radio"], input[type="checkbox"]')) {
      target.click();
      target.focus();
    } else if (target.matches("select")) {
      target.focus();
    } else {
      target.click();
    }
  }

  // The browser softphone (operators without a desk phone): Twilio's Voice SDK when the page has it and the API issues
  // tokens; otherwise (the emulator) the call is answered by the emulator and the page shows its state.
  let device = null;
  let activeCall = null;
  async function softphone() {
    const panel = document.getElementById("softphone");
    if (!panel || !window.Twilio?.Device) return;
    panel.hidden = false;
    const answer = document.getElementById("rispondi");
    const mute = document.getElementById("muto");
    answer.onclick = () => { activeCall?.accept(); answer.hidden = true; };
    mute.onclick = () => {
      const muted = !activeCall?.isMuted();
      activeCall?.mute(muted);
      mute.setAttribute("aria-pressed", String(muted));
    };
    if (device) return;
    const response = await fetch("/api/me/voice-token", { method: "POST", credentials: "same-origin", headers: { "X-CSRF-TOKEN": csrf } });
    if (!response.ok) return;
    const { token } = await response.json();
    device = new window.Twilio.Device(token, { closeProtection: t("Una chiamata è in corso: chiudere davvero la console?", "A call is in progress: really close the console?") });
    device.on("incoming", (call) => {
      activeCall = call;
      document.getElementById("rispondi").hidden = false;
      document.getElementById("muto").hidden = false;
      announce(t("Chiamata in arrivo nel browser: premi Rispondi.", "Incoming call in the browser: press Answer."), true);
      call.on("disconnect", () => { activeCall = null; announce(t("Chiamata terminata", "Call ended"), false); refresh(false); });
    });
    await device.register();
  }

  function stream() {
    if (!window.EventSource) return;
    const source = new EventSource("/api/me/events");
    let lost = false;
    source.onerror = () => { lost = true; };
    source.onopen = () => {
      // After a reconnection, whatever happened meanwhile is read from the page.
      if (lost) refresh(false);
      lost = false;
    };
    for (const name of ["presence", "ringing", "connected", "ended", "disposed", "appointment"]) {
      source.addEventListener(name, async (event) => {
        let data = {};
        try { data = JSON.parse(event.data); } catch { /* keep going */ }
        await refresh(false);
        if (name === "presence" && data.state === "wrap_up" && Date.now() < extending) {
          extending = 0;
        } else if (name === "connected") {
          const person = document.getElementById("principale")?.dataset.person;
          const online = t("Persona in linea", "Person on the line");
          announce(person ? `${online}: ${person}` : (data.announcement ?? online), true);
        } else {
          announce(data.announcement, false);
        }
      });
    }
  }

  // Keeps "da N min" ("for N min") of the presence line current.
  function sinceTicker() {
    window.setInterval(() => {
      for (const el of document.querySelectorAll("[data-since]")) {
        const minutes = Math.max(0, Math.floor((Date.now() - new Date(el.dataset.since)) / 60000));
        const length = minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h${minutes % 60 ? ` ${minutes % 60} min` : ""}`;
        el.textContent = minutes === 0 ? t("da meno di un minuto", "for less than a minute") : t(`da ${length}`, `for ${length}`);
      }
    }, 30000);
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.body.classList.add("js");
    shortcutsToggle.checked = window.localStorage.getItem(shortcutsKey) !== "off";
    shortcutsToggle.addEventListener("change", () => {
      window.localStorage.setItem(shortcutsKey, shortcutsToggle.checked ? "on" : "off");
      announce(shortcutsToggle.checked ? t("Scorciatoie attive", "Shortcuts on") : t("Scorciatoie disattivate", "Shortcuts off"), false);
    });
    document.getElementById("aiuto-chiudi").addEventListener("click", () => help.close());
    document.addEventListener("keydown", shortcut);
    enhance();
    const summary = document.querySelector("[data-error-summary]");
    if (summary) summary.focus();
    else if (!typing()) focusTarget(document.getElementById("principale"))?.focus();
    stream();
    sinceTicker();
  });
})();
