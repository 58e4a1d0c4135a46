// simbind console: lists, the live ladder of the selected UE, the lab actions and the four demo scenarios.
// Every value from the daemons goes into the page as text (textContent), never as markup.
"use strict";

const LANES = ["lab", "UE", "MME", "HSS", "prov", "keydir"];
const MAX_STEPS = 400;  // drawn per ladder: older steps scroll out
const state = {
  selected: null,       // {imei, imsi}
  steps: [],            // of the selected UE, sorted
  seen: new Set(),      // seq of the steps drawn
  uesOffset: 0, subsOffset: 0, pageSize: 50,
  ues: [],              // the UEs of the page shown
  busy: false,
};

const $ = (id) => document.getElementById(id);
function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

async function api(path, body) {
  const options = body === undefined ? {} : {
    method: "POST", headers: {"Content-Type": "application/json", "X-Simbind-Console": "1"}, body: JSON.stringify(body),
  };
  const res = await fetch(path, options);
  let json;
  try { json = await res.json(); } catch (e) { json = {ok: false, message: `HTTP ${res.status}`}; }
  if (!res.ok && json.ok === undefined) json.ok = false;
  return json;
}
const action = (name, body) => api(`/api/actions/${name}`, body || {});

// --- outcomes -------------------------------------------------------------------------------------------------
function outcome(text, cls) {
  const li = el("li", cls || "", `${new Date().toLocaleTimeString()}  ${text}`);
  $("outcomes").prepend(li);
  while ($("outcomes").children.length > 200) $("outcomes").lastChild.remove();
  return li;
}
function report(name, r) {
  outcome(`${name}: ${r.message || (r.ok ? "done" : "failed")}`, r.ok ? "ok" : "bad");
  return r;
}

// --- the ladder -----------------------------------------------------------------------------------------------
// By time in microseconds (two processes' events of one millisecond), then the rank within one event's steps.
function compareSteps(a, b) { return a.us - b.us || a.rank - b.rank || a.seq - b.seq; }
function concerns(step) {
  const s = state.selected;
  return s && ((s.imei && step.imei === s.imei) || (s.imsi && step.imsi === s.imsi));
}
function drawLadder() {
  const box = $("ladder-steps");
  const atBottom = $("ladder").scrollTop + $("ladder").clientHeight >= $("ladder").scrollHeight - 40;
  box.replaceChildren();
  const t0 = state.steps.length ? state.steps[0].us : 0;
  const devices = new Set(state.steps.map((s) => s.imei).filter((i) => i));
  for (const s of state.steps) {
    const row = el("div", "step");
    row.dataset.seq = s.seq;
    row.append(el("div", "time", `+${((s.us - t0) / 1e6).toFixed(3)}s`));
    const from = LANES.indexOf(s.from), to = s.to ? LANES.indexOf(s.to) : -1;
    const msg = el("div", "msg " + (s.tone || ""));
    const label = el("span", "label");
    if (devices.size > 1 && s.imei && (s.from === "UE" || s.to === "UE")) label.append(el("span", "tag", `…${s.imei.slice(-5)}`));
    label.append(document.createTextNode(s.text));
    msg.append(label);
    if (to < 0 || from < 0) {
      msg.classList.add("note");
      const lane = Math.max(from, 0);
      msg.style.gridColumn = `${lane + 2} / span 1`;
    } else {
      const lo = Math.min(from, to), hi = Math.max(from, to);
      msg.classList.add(to > from ? "right" : "left");
      // From the middle of one lane to the middle of the other: span the lanes, inset by half a lane.
      msg.style.gridColumn = `${lo + 2} / ${hi + 3}`;
      msg.style.marginLeft = `calc(100% / ${2 * (hi - lo + 1)})`;
      msg.style.marginRight = `calc(100% / ${2 * (hi - lo + 1)})`;
    }
    msg.dataset.from = s.from;
    msg.dataset.to = s.to;
    row.append(msg);
    box.append(row);
  }
  if (atBottom) $("ladder").scrollTop = $("ladder").scrollHeight;
}
function addSteps(steps) {
  let added = false;
  for (const s of steps) {
    if (state.seen.has(s.seq) || !concerns(s)) continue;
    state.seen.add(s.seq);
    state.steps.push(s);
    added = true;
  }
  if (!added) return;
  state.steps.sort(compareSteps);
  if (state.steps.length > MAX_STEPS) state.steps.splice(0, state.steps.length - MAX_STEPS);
  drawLadder();
}
async function select(imei, imsi) {
  state.selected = {imei, imsi};
  state.steps = [];
  state.seen = new Set();
  $("selected-label").textContent = `${imei}${imsi ? " (UICC " + imsi + ")" : " (no UICC)"}`;
  $("ladder-title").textContent = `device ${imei}${imsi ? ", subscriber " + imsi : ""}`;
  for (const b of document.querySelectorAll(".needs-ue")) b.disabled = false;
  for (const tr of document.querySelectorAll("#ues tbody tr")) tr.classList.toggle("selected", tr.dataset.imei === imei);
  drawLadder();
  const q = new URLSearchParams({imei, imsi: imsi || ""});
  const r = await api(`/api/ladder?${q}`);
  if (r.ok) addSteps(r.steps);
}

// --- the live feed --------------------------------------------------------------------------------------------
let refreshTimer = null, countersTimer = null;
function refreshSoon() {  // after events: the lists soon, the counters at most once a second
  if (!refreshTimer) refreshTimer = setTimeout(() => { refreshTimer = null; refreshLists(); }, 300);
  if (!countersTimer) countersTimer = setTimeout(() => { countersTimer = null; refreshCounters(); }, 1000);
}
function openFeed() {
  const source = new EventSource("/api/events");
  source.onmessage = (m) => {
    const step = JSON.parse(m.data);
    addSteps([step]);
    refreshSoon();
  };
  source.onerror = () => { $("ue-stream").className = "pill down"; };
}

// --- lists ----------------------------------------------------------------------------------------------------
function kmeText(kmes) { return kmes.map((k) => `${k.kme_id}${k.confirmed ? "✓" : ""}`).join(", "); }
async function refreshUes() {
  const q = new URLSearchParams({offset: state.uesOffset, limit: state.pageSize, q: $("ue-filter").value.trim()});
  const r = await api(`/api/ues?${q}`);
  const body = $("ues").querySelector("tbody");
  if (!r.ok) { $("ues-summary").textContent = r.message; return; }
  state.ues = r.ues;
  $("ues-summary").textContent = `${r.total} shown of the filter, ${r.registered} registered, MME ${r.mme_connected ? "connected" : "not connected"}`;
  $("ues-page").textContent = `${r.total ? state.uesOffset + 1 : 0}–${state.uesOffset + r.ues.length} of ${r.total}`;
  const rows = r.ues.map((u) => {
    const tr = el("tr");
    tr.dataset.imei = u.imei;
    tr.dataset.imsi = u.imsi;
    if (state.selected && state.selected.imei === u.imei) {
      tr.classList.add("selected");
      if (state.selected.imsi !== u.imsi) select(u.imei, u.imsi);  // its UICC moved
    }
    const st = u.attached ? (u.without_pdn ? "attached, no PDN" : "attached") : u.state;
    for (const [text, cls] of [[u.imei], [u.imsi || "—"], [st, u.attached ? "ok" : (u.last_emm_cause ? "bad" : "")],
      [u.ip || ""], [kmeText(u.kmes)]]) tr.append(el("td", cls || "", text));
    tr.onclick = () => select(u.imei, u.imsi);
    return tr;
  });
  body.replaceChildren(...rows);
  const target = $("target-imei"), keep = target.value;
  target.replaceChildren(...r.ues.filter((u) => !state.selected || u.imei !== state.selected.imei)
    .map((u) => { const o = el("option", "", `${u.imei}${u.imsi ? " (UICC " + u.imsi + ")" : " (empty)"}`); o.value = u.imei; return o; }));
  if ([...target.options].some((o) => o.value === keep)) target.value = keep;
}
async function refreshSubscribers() {
  const q = new URLSearchParams({offset: state.subsOffset, limit: state.pageSize});
  const r = await api(`/api/subscribers?${q}`);
  if (!r.ok) { $("subs-summary").textContent = r.message; return; }
  $("subs-summary").textContent = `${r.total} in the HSS`;
  $("subs-page").textContent = `${r.total ? state.subsOffset + 1 : 0}–${state.subsOffset + r.subscribers.length} of ${r.total}`;
  $("subscribers").querySelector("tbody").replaceChildren(...r.subscribers.map((s) => {
    const tr = el("tr");
    tr.dataset.imsi = s.imsi;
    for (const [text, cls] of [[s.imsi], [s.policy], [s.state, s.state === "established" ? "bind" : ""],
      [s.has_kme ? String(s.kme_id) : "—"], [s.bound_imei || "—"], [s.authorized_imei || ""],
      [String(s.failure_reports), s.failure_reports ? "bad" : ""]]) tr.append(el("td", cls || "", text));
    return tr;
  }));
}
async function refreshLists() { await Promise.all([refreshUes(), refreshSubscribers()]); }
async function refreshStatus() {
  const r = await api("/api/overview");
  $("ue-stream").className = "pill " + (r.ue_stream ? "up" : "down");
  $("ue-stream").textContent = r.ue_stream ? "UE events live" : "UE events down";
  $("hss-audit").className = "pill " + (r.hss_audit ? "up" : "down");
  $("hss-audit").textContent = r.hss_audit ? "HSS audit live" : "HSS audit down";
  $("health").title = r.problem || "";
  $("act-factory-kme").title = r.factory_kmes ? "" : "the console has no transfer key (lab.transfer_key_file)";
}
const COUNTER_LABELS = {
  "mme/attaches_completed": "attaches with bearer", "mme/attaches_without_pdn": "attaches without PDN",
  "mme/attaches_rejected": "attaches rejected", "mme/mac_failures_reported": "#20 reported",
  "hss/vectors_issued": "vectors", "hss/binding_outcomes": "binding", "prov/kme_establishments": "KME establishments",
  "hss/binding_activations": "activations",
};
async function refreshCounters() {
  const r = await api("/api/counters");
  if (!r.ok) return;
  const tiles = [];
  for (const c of r.counters) {
    const label = COUNTER_LABELS[`${c.daemon}/${c.name}`];
    if (!label) continue;
    const t = el("span", "counter");
    t.append(el("b", "", String(c.value)), document.createTextNode(`${label}${c.labels ? " " + c.labels.replace(/"/g, "") : ""}`));
    tiles.push(t);
  }
  if (r.missing.length) tiles.push(el("span", "counter bad", `no /metrics from ${r.missing.join(", ")}`));
  $("counters").replaceChildren(...tiles);
}

// --- the actions ----------------------------------------------------------------------------------------------
function busy(on) {
  state.busy = on;
  for (const b of document.querySelectorAll("button")) if (!b.id.endsWith("prev") && !b.id.endsWith("next")) b.disabled = on || (b.classList.contains("needs-ue") && !state.selected);
}
async function guarded(fn) {
  if (state.busy) return;
  busy(true);
  try { await fn(); } catch (e) { outcome(`error: ${e}`, "bad"); } finally { busy(false); refreshLists(); }
}
async function newDevice(withUicc, binding, scheme) {
  const r = report(withUicc ? "new subscriber + device" : "new device", await action("new-device", {
    binding: binding || $("new-binding").value, scheme: scheme || $("new-scheme").value, with_uicc: withUicc}));
  return r;
}
async function ueStatus(imei) {
  const r = await api(`/api/ues?${new URLSearchParams({q: imei, limit: 1})}`);
  return r.ok && r.ues.length ? r.ues[0] : null;
}
async function waitBearer(imei, seconds) {
  for (let i = 0; i < seconds * 4; i++) {
    const u = await ueStatus(imei);
    if (u && u.attached && u.ip) return u;
    await new Promise((res) => setTimeout(res, 250));
  }
  return null;
}
function wire() {
  $("act-new-device").onclick = () => guarded(async () => { const r = await newDevice(true); if (r.ok) await select(r.imei, r.imsi); });
  $("act-new-empty").onclick = () => guarded(async () => { await newDevice(false); });
  $("act-attach").onclick = () => guarded(async () => {
    const r = report("attach", await action("attach", {imei: state.selected.imei}));
    if (r.pre_processed) outcome(`RAND on the air (RAND*) ${r.rand_on_air}, RAND the UICC ran on ${r.rand_used}`, "bind");
  });
  $("act-detach").onclick = () => guarded(async () => report("detach", await action("detach", {imei: state.selected.imei})));
  $("act-reset").onclick = () => guarded(async () => report("factory reset", await action("factory-reset", {imei: state.selected.imei})));
  $("act-factory-kme").onclick = () => guarded(async () => report("factory KME",
    await action("factory-kme", {imsi: state.selected.imsi, imei: state.selected.imei})));
  $("act-move").onclick = () => guarded(async () => {
    const r = report("move UICC", await action("move-uicc", {imsi: state.selected.imsi, to_imei: $("target-imei").value}));
    if (r.ok) await select($("target-imei").value, state.selected.imsi);
  });
  $("act-authorize").onclick = () => guarded(async () => report("authorize device",
    await action("authorize-device", {imsi: state.selected.imsi, imei: $("target-imei").value})));
  for (const b of document.querySelectorAll("[data-scenario]")) b.onclick = () => guarded(() => scenario(b.dataset.scenario));
  $("ues-prev").onclick = () => { state.uesOffset = Math.max(0, state.uesOffset - state.pageSize); refreshUes(); };
  $("ues-next").onclick = () => { state.uesOffset += state.pageSize; refreshUes(); };
  $("subs-prev").onclick = () => { state.subsOffset = Math.max(0, state.subsOffset - state.pageSize); refreshSubscribers(); };
  $("subs-next").onclick = () => { state.subsOffset += state.pageSize; refreshSubscribers(); };
  $("ue-filter").oninput = () => { state.uesOffset = 0; refreshUes(); };
}

// --- the four demo scenarios (the testbed's text demo, driven through the same actions) ------------------------
const TITLES = {a: "(a) KME over the air", b: "(b) factory KME", c: "(c) stolen UICC", d: "(d) authorized device change"};

// Plays one scenario; every check goes through `check`. Returns early when a step it needs failed.
async function play(key, check) {
  const fresh = async () => {  // a binding-required subscriber in a new device, selected
    const d = await newDevice(true, "required", "ecies-a");
    if (!d.ok) return check("new subscriber + device", false), null;
    await select(d.imei, d.imsi);
    return d;
  };
  const bound = async () => {  // the same, bound to its device over the air, then detached
    const one = await fresh();
    if (!one) return null;
    report("attach", await action("attach", {imei: one.imei}));
    const u = await waitBearer(one.imei, 30);
    report("detach", await action("detach", {imei: one.imei}));
    check("setup: the UICC bound to its device over the air", !!u);
    return u ? one : null;
  };
  if (key === "a") {
    const d = await fresh();
    if (!d) return;
    const first = report("attach", await action("attach", {imei: d.imei}));
    check("first attach: registered without PDN (ESM #33) while the KME is established", first.registered_without_pdn === true);
    const u = await waitBearer(d.imei, 30);
    check("automatic re-attach with a default bearer", !!u);
    check("the device holds the new KME, confirmed by a pre-processed attach", !!u && u.kmes.some((k) => k.confirmed));
  } else if (key === "b") {
    const d = await fresh();
    if (!d) return;
    const act = report("factory KME", await action("factory-kme", {imsi: d.imsi, imei: d.imei}));
    check("prov imported the factory export and the HSS answered 2001", act.result_code === 2001);
    const r = report("attach", await action("attach", {imei: d.imei}));
    check("first attach: pre-processed, under the factory KME-Id", r.ok && r.pre_processed && r.kme_id === act.kme_id);
    check(`RAND* on the air (${(r.rand_on_air || "").slice(0, 12)}…) differs from the RAND the UICC ran on (${(r.rand_used || "").slice(0, 12)}…)`,
      !!r.rand_on_air && r.rand_on_air !== r.rand_used);
  } else if (key === "c") {
    const owner = await bound();
    if (!owner) return;
    const thief = await newDevice(false, "required", "ecies-a");
    report("move UICC", await action("move-uicc", {imsi: owner.imsi, to_imei: thief.imei}));
    await select(thief.imei, owner.imsi);
    const r = report("attach", await action("attach", {imei: thief.imei}));
    check("the other device is rejected with #6 Illegal ME", !r.ok && r.emm_cause === 6);
  } else if (key === "d") {
    const old = await bound();
    if (!old) return;
    const next = await newDevice(false, "required", "ecies-a");
    report("authorize device", await action("authorize-device", {imsi: old.imsi, imei: next.imei}));
    report("move UICC", await action("move-uicc", {imsi: old.imsi, to_imei: next.imei}));
    await select(next.imei, old.imsi);
    const first = report("attach", await action("attach", {imei: next.imei}));
    check("the new device's first attach: without PDN while its KME is established", first.registered_without_pdn === true);
    const u = await waitBearer(next.imei, 30);
    check("the new device re-attaches with a bearer under its own KME", !!u && u.kmes.some((k) => k.confirmed));
    report("detach", await action("detach", {imei: next.imei}));
    report("move UICC", await action("move-uicc", {imsi: old.imsi, to_imei: old.imei}));
    const back = report("attach", await action("attach", {imei: old.imei}));
    check("the old device is refused with #6 Illegal ME", !back.ok && back.emm_cause === 6);
  }
}

// Every scenario ends with a RESULT line (id result-KEY), also when a step failed or threw.
async function scenario(key) {
  const checks = [];
  const check = (what, ok) => { checks.push(ok); outcome(`${ok ? "PASS" : "FAIL"}  ${what}`, ok ? "pass" : "fail"); };
  outcome(`scenario ${TITLES[key]}: started`);
  try { await play(key, check); } catch (e) { check(`error: ${e}`, false); }
  const passed = checks.length > 0 && checks.every((c) => c);
  const old = document.getElementById(`result-${key}`);
  if (old) old.removeAttribute("id");
  const li = outcome(`RESULT ${TITLES[key]}: ${passed ? "PASS" : "FAIL"}`, passed ? "pass" : "fail");
  li.id = `result-${key}`;
}

wire();
busy(false);
refreshStatus();
refreshLists();
refreshCounters();
openFeed();
setInterval(refreshStatus, 3000);
setInterval(refreshCounters, 3000);
setInterval(refreshLists, 5000);
