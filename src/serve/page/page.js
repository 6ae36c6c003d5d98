// The planner's page of `redline serve`: the rulebook's layers on a map, a
// site clicked, drawn or typed, an industry picked from GB/T 4754-2017, the
// verdict and every finding with its clause, basis and evidence. Everything
// comes from this server (no tiles, no CDN).
"use strict";

const state = { lang: "zh", tool: "point", vertices: [], site: null, rulebook: null, evidence: null, drawn: null };
const T = {
  zh: { outcome: { PASS: "通过", CONDITIONAL: "有条件通过", INCOMPLETE: "信息不全", FAIL: "不通过", ERROR: "错误", INFO: "提示" },
        rule: "规则", result: "结果", feature: "要素", measured: "量测", clause: "条款", basis: "依据", print: "打印核查结果",
        none: "未触及任何管控规则", needSite: "请先选定选址", layers: "图层", checking: "核查中…", attr: "（申报值）" },
  en: { outcome: { PASS: "PASS", CONDITIONAL: "CONDITIONAL", INCOMPLETE: "INCOMPLETE", FAIL: "FAIL", ERROR: "ERROR", INFO: "INFO" },
        rule: "Rule", result: "Outcome", feature: "Feature", measured: "Measured", clause: "Clause", basis: "Basis", print: "Print the result",
        none: "no rule is triggered", needSite: "Pick a site first", layers: "Layers", checking: "checking…", attr: " (as filed)" },
};
const COLORS = { PASS: "#2e7d32", CONDITIONAL: "#f9a825", INCOMPLETE: "#6d6d6d", FAIL: "#c62828", ERROR: "#6a1b9a", INFO: "#1565c0" };

// Layer styles like the QGIS ones (src/output/styles.cpp): red lines red, water blue, ...
function layerStyle(name) {
  const n = name.toLowerCase();
  if (n.includes("red")) return { color: "#b71c1c", weight: 1, fillColor: "#e53935", fillOpacity: 0.35 };
  if (n.includes("water")) return { color: "#0d47a1", weight: 1, fillColor: "#42a5f5", fillOpacity: 0.35 };
  if (n.includes("park")) return { color: "#6a1b9a", weight: 1.5, fillColor: "#ba68c8", fillOpacity: 0.2 };
  if (n.includes("township")) return { color: "#37474f", weight: 1.2, dashArray: "4 3", fill: false };
  if (n.includes("unit")) return { color: "#78909c", weight: 0.8, fillColor: "#cfd8dc", fillOpacity: 0.15 };
  if (n.includes("cover") || n.includes("county") || n.includes("boundary")) return { color: "#000", weight: 2, fill: false };
  return { color: "#546e7a", weight: 1, fillColor: "#90a4ae", fillOpacity: 0.2 };
}

const map = L.map("map", { zoomControl: true, doubleClickZoom: false, attributionControl: false });
map.setView([30, 120], 8);
const siteLayer = L.layerGroup().addTo(map);
const evidenceLayer = L.layerGroup().addTo(map);

function esc(s) {
  return String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
}

function applyLang() {
  document.documentElement.lang = state.lang === "zh" ? "zh-CN" : "en";
  document.querySelectorAll("[data-zh]").forEach((el) => { el.textContent = el.dataset[state.lang]; });
  document.getElementById("lang").textContent = state.lang === "zh" ? "English" : "中文";
  renderAttrs();
  if (state.lastResult) renderResult(state.lastResult);
}

async function getJSON(url, options) {
  const r = await fetch(url, options);
  const body = await r.json();
  if (!r.ok) throw new Error(body.detail || r.statusText);
  return body;
}

async function loadRulebook() {
  const rb = await getJSON("/v1/rulebook");
  state.rulebook = rb;
  document.getElementById("rulebook").textContent = `${rb.rulebook.name} ${rb.rulebook.version || ""}`;
  let bounds = null;
  const legend = [];
  for (const l of rb.layers) {
    if (l.extent) {
      const b = L.latLngBounds([l.extent[1], l.extent[0]], [l.extent[3], l.extent[2]]);
      bounds = bounds ? bounds.extend(b) : b;
    }
  }
  if (bounds) map.fitBounds(bounds);
  const drawable = rb.layers.filter((l) => !/source|point/i.test(l.name));
  await Promise.all(drawable.map(async (l) => {
    const gj = await getJSON(`/v1/layers/${encodeURIComponent(l.name)}`);
    const style = layerStyle(l.name);
    L.geoJSON(gj, {
      style: () => style,
      pointToLayer: (f, ll) => L.circleMarker(ll, { radius: 3, ...style }),
      onEachFeature: (f, layer) => layer.bindTooltip(`${l.name}: ${f.properties.label || f.properties.key}`, { sticky: true }),
    }).addTo(map).bringToBack();
    legend.push(`<div><span class="layerkey" style="background:${style.fill === false ? "transparent" : style.fillColor};border-color:${style.color}"></span>${esc(l.name)} (${l.features})</div>`);
  }));
  document.getElementById("legend").innerHTML = `<b>${T[state.lang].layers}</b>` + legend.join("");
  document.body.dataset.layersLoaded = String(drawable.length);
  renderAttrs();
}

function renderAttrs() {
  const box = document.getElementById("attrs");
  if (!state.rulebook) return;
  const seen = new Set();
  const kept = {};
  box.querySelectorAll("input").forEach((i) => { kept[i.name] = i.value; });
  box.innerHTML = "";
  for (const a of state.rulebook.attributes) {
    if (seen.has(a.name)) continue;
    seen.add(a.name);
    box.insertAdjacentHTML("beforeend",
      `<label for="attr-${esc(a.name)}">${esc(a.name)}${T[state.lang].attr} · ${esc(a.check)}</label>` +
      `<input type="text" id="attr-${esc(a.name)}" name="${esc(a.name)}" value="${esc(kept[a.name] || "")}">`);
  }
}

// ---- the site: clicked, drawn or typed ----
function setTool(tool) {
  state.tool = tool;
  state.vertices = [];
  for (const t of ["point", "polygon", "line"]) document.getElementById(`tool-${t}`).classList.toggle("on", t === tool);
}

function fmt(v) { return Number(v.toFixed(7)).toString(); }

function drawSite() {
  siteLayer.clearLayers();
  const v = state.vertices;
  if (state.tool === "point" && state.site && state.site.point) {
    L.circleMarker(state.site.point, { radius: 7, color: "#111", weight: 2, fillColor: "#fff", fillOpacity: 0.9 }).addTo(siteLayer);
  } else if (v.length) {
    const style = { color: "#111", weight: 2, fillColor: "#fff", fillOpacity: 0.4 };
    (state.tool === "polygon" && v.length > 2 ? L.polygon(v, style) : L.polyline(v, style)).addTo(siteLayer);
    v.forEach((p) => L.circleMarker(p, { radius: 3, color: "#111" }).addTo(siteLayer));
  }
}

function finishDrawing() {
  const v = state.vertices;
  if (state.tool === "polygon" && v.length >= 3) {
    const ring = [...v, v[0]].map((p) => `${fmt(p.lng)} ${fmt(p.lat)}`).join(",");
    document.getElementById("site").value = `POLYGON((${ring}))`;
  } else if (state.tool === "line" && v.length >= 2) {
    document.getElementById("site").value = `LINESTRING(${v.map((p) => `${fmt(p.lng)} ${fmt(p.lat)}`).join(",")})`;
  }
}

map.on("click", (e) => {
  if (state.tool === "point") {
    state.site = { point: e.latlng };
    document.getElementById("site").value = `${fmt(e.latlng.lng)},${fmt(e.latlng.lat)}`;
  } else {
    state.vertices.push(e.latlng);
    finishDrawing();
  }
  drawSite();
});
map.on("dblclick", () => finishDrawing());
document.getElementById("tool-point").onclick = () => setTool("point");
document.getElementById("tool-polygon").onclick = () => setTool("polygon");
document.getElementById("tool-line").onclick = () => setTool("line");
document.getElementById("tool-finish").onclick = () => finishDrawing();
document.getElementById("tool-clear").onclick = () => {
  state.vertices = []; state.site = null; siteLayer.clearLayers(); evidenceLayer.clearLayers();
  document.getElementById("site").value = "";
};

// ---- the industry: autocompletion from /v1/industries ----
let industryTimer = null;
document.getElementById("industry").addEventListener("input", (e) => {
  clearTimeout(industryTimer);
  const q = e.target.value.trim();
  industryTimer = setTimeout(async () => {
    if (!q) return;
    const { industries } = await getJSON(`/v1/industries?q=${encodeURIComponent(q.split(" ")[0])}&limit=30`);
    document.getElementById("industries").innerHTML =
      industries.filter((i) => i.level >= 3).map((i) => `<option value="${esc(i.code)} ${esc(i.name)}"></option>`).join("");
    document.body.dataset.industries = String(industries.length);
  }, 120);
});

// ---- the check ----
function siteValue() {
  const text = document.getElementById("site").value.trim();
  const m = text.match(/^\s*(-?[\d.]+)\s*[, ]\s*(-?[\d.]+)\s*$/);
  if (m) return [Number(m[1]), Number(m[2])];
  return text;
}

async function check() {
  const site = siteValue();
  const out = document.getElementById("result");
  if (!site || (typeof site === "string" && !site)) { out.textContent = T[state.lang].needSite; return; }
  const attrs = {};
  document.querySelectorAll("#attrs input").forEach((i) => { if (i.value.trim()) attrs[i.name] = i.value.trim(); });
  const industry = document.getElementById("industry").value.trim().split(/\s+/)[0];
  out.textContent = T[state.lang].checking;
  try {
    const r = await getJSON(`/v1/check?lang=${state.lang}`, {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ site, industry, attrs, id: "web" }),
    });
    state.lastResult = r;
    state.lastRequest = { site, industry, attrs };
    renderResult(r);
  } catch (err) {
    out.textContent = err.message;
  }
}

function measured(f) {
  const unit = f.unit === "m2" ? "m²" : f.unit;
  const parts = [];
  if (f.value !== null && f.value !== undefined) parts.push(`${Number(f.value.toFixed(2))} ${unit}`);
  if (f.threshold !== null && f.threshold !== undefined) parts.push(`≥ ${Number(f.threshold.toFixed(2))} ${unit}`);
  if (f.share_pct !== null && f.share_pct !== undefined) parts.push(`${f.share_pct.toFixed(1)}%`);
  return parts.join(" · ");
}

function renderResult(r) {
  const t = T[state.lang];
  const rows = r.findings.map((f) => `<tr class="finding" data-outcome="${esc(f.outcome)}">
      <td>${esc(f.rule_id)}<div class="meta">${esc(f.check_type)}</div></td>
      <td class="outcome" style="color:${COLORS[f.outcome]}">${esc(t.outcome[f.outcome] || f.outcome)}</td>
      <td>${esc(f.feature_label || f.feature_key)}<div class="meta">${esc(f.layer)}</div><div>${esc(f.detail)}</div></td>
      <td>${esc(measured(f))}</td>
      <td>${esc(f.clause)}<div class="meta">${esc(f.basis)}</div></td></tr>`).join("");
  document.getElementById("result").innerHTML =
    `<span class="verdict v-${esc(r.verdict)}" id="verdict" data-verdict="${esc(r.verdict)}">${esc(t.outcome[r.verdict])} · ${esc(r.verdict)}</span>
     <div id="message">${esc(r.message)}</div>
     ${r.findings.length ? `<table><tr><th>${t.rule}</th><th>${t.result}</th><th>${t.feature}</th><th>${t.measured}</th><th>${t.clause} / ${t.basis}</th></tr>${rows}</table>` : `<p>${t.none}</p>`}
     <p><a href="#" id="print" onclick="window.print();return false;">${t.print}</a></p>`;
  evidenceLayer.clearLayers();
  let drawn = 0;
  for (const f of r.findings) {
    if (!f.evidence) continue;
    L.geoJSON(f.evidence, {
      style: () => ({ color: COLORS[f.outcome], weight: 3, fillColor: COLORS[f.outcome], fillOpacity: 0.55, dashArray: f.check_type === "setback" ? "6 4" : null }),
      pointToLayer: (ft, ll) => L.circleMarker(ll, { radius: 6, color: COLORS[f.outcome], weight: 3 }),
    }).addTo(evidenceLayer);
    drawn += 1;
  }
  if (r.geometry && state.tool === "point" && !state.site) {
    const c = r.geometry.coordinates;
    state.site = { point: L.latLng(c[1], c[0]) };
    drawSite();
  }
  document.body.dataset.evidence = String(drawn);
}

document.getElementById("check").onclick = check;
document.getElementById("lang").onclick = () => {
  state.lang = state.lang === "zh" ? "en" : "zh";
  applyLang();
  if (state.lastRequest) check();
};

loadRulebook().catch((e) => { document.getElementById("result").textContent = e.message; });
