// vigil web UI: live updates and actions. The server renders every page; this
// script only (1) listens to /api/v1/stream (server-sent events) and re-fetches
// the page's <main id="content"> when the published state changed, and (2) posts
// the action forms with the CSRF token and shows vigil's answer in place.
"use strict";
(function () {
  const csrf = () => (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  let busy = false, again = false;
  // Absolute URLs from the origin: a page opened as http://user:pw@host/ has the
  // credentials in its base URL, and fetch() refuses URLs that carry them.
  const at = (path) => new URL(path, location.origin);

  function keepInputs(main) {
    // Text typed into a form survives a refresh of the content.
    const kept = {};
    main.querySelectorAll("input[name], select[name]").forEach((el, i) => {
      if (el.type !== "hidden") kept[(el.form && el.form.id || "") + "/" + el.name + "/" + i] = el.value;
    });
    return kept;
  }
  function restoreInputs(main, kept) {
    main.querySelectorAll("input[name], select[name]").forEach((el, i) => {
      const k = (el.form && el.form.id || "") + "/" + el.name + "/" + i;
      if (el.type !== "hidden" && k in kept) el.value = kept[k];
    });
  }

  async function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    try {
      const url = at(location.pathname + location.search);
      url.searchParams.set("fragment", "1");
      const r = await fetch(url, { credentials: "same-origin" });
      if (r.ok) {
        const main = document.getElementById("content");
        const answers = {};
        main.querySelectorAll(".answer[id]").forEach(a => answers[a.id] = [a.innerHTML, a.className]);
        const kept = keepInputs(main);
        main.innerHTML = await r.text();
        restoreInputs(main, kept);
        for (const id in answers) {
          const a = document.getElementById(id);
          if (a) { a.innerHTML = answers[id][0]; a.className = answers[id][1]; }
        }
        main.dataset.refreshed = String((+main.dataset.refreshed || 0) + 1);
      }
    } catch (e) { /* the next update retries */ }
    busy = false;
    if (again) { again = false; refresh(); }
  }

  function live() {
    const dot = document.getElementById("live");
    if (!window.EventSource) return;
    const es = new EventSource(at("/api/v1/stream"));
    es.addEventListener("open", () => dot && dot.classList.add("on"));
    es.addEventListener("error", () => dot && dot.classList.remove("on"));
    es.addEventListener("update", refresh);
  }

  async function submitAction(form) {
    const data = Object.fromEntries(new FormData(form).entries());
    if (data.minutes) data.minutes = Number(data.minutes);
    const out = document.getElementById("action-answer");
    out.textContent = "sending…";
    try {
      const r = await fetch(at("/api/v1/commands"), {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf() },
        body: JSON.stringify(data),
      });
      const a = await r.json();
      out.className = "answer " + (a.ok ? "oc-good" : "oc-bad");
      out.textContent = a.error ? ("refused: " + a.error) : (a.command + " → " + a.result);
      out.dataset.ok = a.ok ? "1" : "0";
    } catch (e) { out.textContent = "failed: " + e; }
  }

  async function whatIf(form) {
    const out = document.getElementById("whatif-answer");
    const q = new URLSearchParams(new FormData(form));
    out.textContent = "asking…";
    const r = await fetch(at("/api/v1/whatif?" + q), { credentials: "same-origin" });
    const a = await r.json();
    if (a.error) { out.textContent = a.error; return; }
    const lines = [];
    (a.log || []).forEach(l => lines.push("log: " + l));
    (a.would_run || []).forEach(w => lines.push("would run (" + w.handler + "): " + w.command + "\n    " + w.exec));
    if (a.reason) lines.push("nothing would run: " + a.reason);
    out.textContent = lines.join("\n");
  }

  document.addEventListener("submit", ev => {
    const f = ev.target;
    if (f.classList.contains("act")) { ev.preventDefault(); submitAction(f); }
    else if (f.id === "whatif") { ev.preventDefault(); whatIf(f); }
  });
  document.addEventListener("DOMContentLoaded", live);
})();
