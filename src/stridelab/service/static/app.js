// stridelab dashboard: plain JavaScript, no build step, no external resources.
// Every value from the server is put into the page as text (textContent), never as HTML;
// the report is shown in a sandboxed frame (no scripts).
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  let token = sessionStorage.getItem("stridelab-token") || "";
  let current = null;

  function show(section) {
    for (const id of ["signin", "runners", "runner"]) $(id).hidden = !section.includes(id);
    $("signout").hidden = !token;
  }
  function error(msg) { $("error").textContent = msg || ""; }

  async function api(path, options) {
    const opts = Object.assign({}, options || {});
    opts.headers = Object.assign({ Authorization: "Bearer " + token }, opts.headers || {});
    const r = await fetch(path, opts);
    if (r.status === 401) { signOut(); throw new Error("token not accepted: sign in again"); }
    return r;
  }
  async function json(path, options) {
    const r = await api(path, options);
    const body = await r.json().catch(() => ({}));
    if (!r.ok && r.status !== 202) throw new Error(typeof body.detail === "string" ? body.detail : "request failed (" + r.status + ")");
    return body;
  }
  function cell(tr, text) { const td = document.createElement("td"); td.textContent = text; tr.appendChild(td); return td; }
  function num(v, d) { return v === null || v === undefined ? "-" : Number(v).toPrecision(d || 4); }

  function signOut() { token = ""; sessionStorage.removeItem("stridelab-token"); show(["signin"]); }

  async function loadRunners() {
    const rows = await json("/runners");
    const body = $("runner-table").tBodies[0];
    body.replaceChildren();
    for (const r of rows) {
      const tr = document.createElement("tr");
      tr.className = "link"; tr.dataset.runner = r.id;
      cell(tr, r.id); cell(tr, r.name || ""); cell(tr, String(r.n_sessions)); cell(tr, r.first_date || "-"); cell(tr, r.last_date || "-");
      tr.addEventListener("click", () => openRunner(r.id).catch((e) => error(e.message)));
      body.appendChild(tr);
    }
    show(["runners"]);
  }

  async function openRunner(id) {
    current = id; error("");
    $("runner-title").textContent = "Runner " + id;
    show(["runners", "runner"]);
    const enc = encodeURIComponent(id);
    const [hist, flags] = await Promise.all([json("/runners/" + enc + "/history"), json("/runners/" + enc + "/flags")]);
    const sb = $("sessions").tBodies[0]; sb.replaceChildren();
    for (const s of hist.sessions) {
      const tr = document.createElement("tr");
      cell(tr, s.date); cell(tr, s.source); cell(tr, num(s.metrics.speed_mps, 3)); cell(tr, num(s.metrics.cadence_spm, 4)); cell(tr, num(s.metrics.gct_ms, 4));
      sb.appendChild(tr);
    }
    const cb = $("changes").tBodies[0]; cb.replaceChildren();
    for (const c of hist.changes) {
      const tr = document.createElement("tr");
      cell(tr, c.metric); cell(tr, num(c.baseline)); cell(tr, num(c.latest)); cell(tr, num(c.change, 3));
      cell(tr, c.mdc === null || c.mdc === undefined ? "-" : "\u00b1" + num(c.mdc, 3));
      cell(tr, c.change === null ? "speeds do not match" : (c.beyond_noise ? "beyond noise" : "within noise"));
      cb.appendChild(tr);
    }
    const fl = $("flags"); fl.replaceChildren();
    if (!flags.flags.length) { const li = document.createElement("li"); li.textContent = "No screening flags."; fl.appendChild(li); }
    for (const f of flags.flags) {
      const li = document.createElement("li");
      li.className = f.status === "resolved" ? "flag-clear" : "flag-raised";
      const head = document.createElement("strong");
      head.textContent = f.id + " (" + f.status + "): " + f.metric + " " + num(f.value) + " (" + f.direction + " " + f.threshold + ")";
      const ev = document.createElement("p"); ev.textContent = f.evidence + " Evidence: " + f.strength + ". " + f.citation;
      li.append(head, ev); fl.appendChild(li);
    }
    $("disclaimer").textContent = flags.disclaimer;
    const rep = await api("/runners/" + enc + "/report", { headers: { Accept: "text/html" } });
    $("report").srcdoc = rep.ok ? await rep.text() : "";
  }

  async function pollJob(job) {
    while (job.state === "queued" || job.state === "running") {
      $("upload-status").textContent = "Analysing: " + job.done_files + " of " + job.n_files + " file(s) done";
      await new Promise((r) => setTimeout(r, 1000));
      job = await json("/jobs/" + encodeURIComponent(job.job));
    }
    return job;
  }

  async function upload(ev) {
    ev.preventDefault(); error("");
    const fd = new FormData();
    for (const f of $("files").files) fd.append("files", f, f.name);
    if ($("date").value) fd.append("date", $("date").value);
    if ($("mass").value) fd.append("mass_kg", $("mass").value);
    $("upload-status").textContent = "Uploading...";
    const r = await api("/runners/" + encodeURIComponent(current) + "/sessions", { method: "POST", body: fd });
    let job = await r.json().catch(() => ({}));
    if (!r.ok && r.status !== 202 && r.status !== 422) throw new Error(typeof job.detail === "string" ? job.detail : "upload failed (" + r.status + ")");
    job = await pollJob(job);
    $("upload-status").textContent = job.results.map((x) => x.file + ": " + x.status + (x.error ? " (" + x.error + ")" : "")).join("; ") || job.error || job.state;
    await openRunner(current);
    await loadRunners().then(() => show(["runners", "runner"]));
  }

  async function newRunner(ev) {
    ev.preventDefault(); error("");
    await json("/runners", { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ id: $("new-id").value, name: $("new-name").value || null }) });
    $("new-id").value = ""; $("new-name").value = "";
    await loadRunners();
  }

  function guard(fn) { return (ev) => fn(ev).catch((e) => error(e.message)); }

  document.addEventListener("DOMContentLoaded", () => {
    $("signin-form").addEventListener("submit", guard(async (ev) => {
      ev.preventDefault();
      token = $("token").value.trim(); $("token").value = "";
      sessionStorage.setItem("stridelab-token", token);
      const h = await json("/health");
      $("who").textContent = "signed in (stridelab " + h.version + ")";
      await loadRunners();
    }));
    $("signout").addEventListener("click", signOut);
    $("upload").addEventListener("submit", guard(upload));
    $("new-runner").addEventListener("submit", guard(newRunner));
    if (token) loadRunners().catch((e) => { error(e.message); show(["signin"]); }); else show(["signin"]);
  });
})();
