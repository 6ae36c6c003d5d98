// The map page of `redline serve` in a real browser (Debian's chromium driven
// by puppeteer-core): the layers drawn, a site clicked on the map, an industry
// picked from the autocompletion, the verdict, the findings and the evidence
// in the DOM and on the map, the English switch, and not one request leaving
// the server. Usage: node page_test.js PORT SCREENSHOT.png
"use strict";
const puppeteer = require("puppeteer-core");

const port = process.argv[2];
const shot = process.argv[3];
const base = `http://127.0.0.1:${port}`;
let failures = 0;
function expect(ok, what) {
  console.log((ok ? "ok   " : "FAIL ") + what);
  if (!ok) failures += 1;
}

(async () => {
  const browser = await puppeteer.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
  const page = await browser.newPage();
  await page.setViewport({ width: 1400, height: 900 });
  const outside = [];
  page.on("request", (r) => {
    const u = r.url();
    if (!u.startsWith(base) && !u.startsWith("data:")) outside.push(u);
  });
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(base + "/", { waitUntil: "networkidle0" });
  await page.waitForFunction(() => Number(document.body.dataset.layersLoaded || 0) > 0, { timeout: 20000 });
  const paths = await page.$$eval("#map path.leaflet-interactive", (p) => p.length);
  expect(paths > 10, `the rulebook's layers are drawn (${paths} shapes)`);
  expect((await page.$eval("h1", (h) => h.textContent)).includes("选址核查"), "the page is in Chinese");

  // Click the README's site on the map: project lon/lat to a pixel.
  const xy = await page.evaluate(() => {
    const p = map.latLngToContainerPoint([28.8712688, 120.075685]);
    const r = document.getElementById("map").getBoundingClientRect();
    return { x: r.left + p.x, y: r.top + p.y };
  });
  await page.mouse.click(xy.x, xy.y);
  const site = await page.$eval("#site", (i) => i.value);
  expect(/^120\.07\d*,28\.87\d*$/.test(site), `clicking the map sets the site (${site})`);

  // The industry by its Chinese name, from the autocompletion.
  await page.type("#industry", "金属门窗");
  await page.waitForFunction(() => document.querySelectorAll("#industries option").length > 0, { timeout: 10000 });
  const option = await page.$eval("#industries option", (o) => o.value);
  expect(option.startsWith("C3312"), `the autocompletion offers ${option}`);
  await page.$eval("#industry", (i, v) => { i.value = v; }, option);
  const attr = await page.$("#attrs input[name=voc_tpa]");
  expect(attr !== null, "the page asks for the attribute the checks read (voc_tpa)");
  if (attr) await attr.type("1.37");
  await page.click("#check");
  await page.waitForSelector("#verdict", { timeout: 10000 });
  const verdict = await page.$eval("#verdict", (v) => v.dataset.verdict);
  const findings = await page.$$eval("tr.finding", (r) => r.map((x) => x.dataset.outcome));
  const text = await page.$eval("#result", (r) => r.textContent);
  expect(verdict === "CONDITIONAL", `the verdict is in the DOM (${verdict})`);
  expect(findings.length >= 2 && findings.includes("CONDITIONAL"), `the findings are listed (${findings.join(", ")})`);
  expect(text.includes("《") && text.includes("区域削减替代"), "each finding with its clause and basis");
  const evidence = await page.evaluate(() => Number(document.body.dataset.evidence || 0));
  expect(evidence >= 1, `the evidence is drawn on the map (${evidence})`);

  // A parcel drawn by clicks, in English.
  await page.click("#lang");
  await page.waitForFunction(() => document.querySelector("h1").textContent.includes("site check"));
  await page.click("#tool-polygon");
  for (const [dx, dy] of [[0, 0], [60, 0], [60, 40], [0, 40]]) await page.mouse.click(xy.x + dx, xy.y + dy);
  await page.click("#tool-finish");
  const wkt = await page.$eval("#site", (i) => i.value);
  expect(wkt.startsWith("POLYGON((") && wkt.split(",").length === 5, `a parcel drawn by clicks (${wkt.slice(0, 40)}…)`);
  await page.click("#check");
  await page.waitForFunction(() => /overlap|within|restrict|PASS|CONDITIONAL|FAIL/.test(document.getElementById("result").textContent), { timeout: 10000 });
  const en = await page.$eval("#result", (r) => r.textContent);
  expect(/PASS|CONDITIONAL|FAIL|INCOMPLETE/.test(en) && !/有条件通过/.test(en), "the parcel's result in English");
  if (shot) {
    await page.click("#lang");
    await page.click("#tool-point");
    await page.mouse.click(xy.x, xy.y);
    await page.click("#check");
    await page.waitForFunction(() => document.getElementById("verdict") && /有条件/.test(document.getElementById("verdict").textContent));
    await page.screenshot({ path: shot });
  }
  expect(errors.length === 0, `no script errors (${errors.join("; ")})`);
  expect(outside.length === 0, `no request leaves the server (${outside.slice(0, 3).join(", ")})`);
  await browser.close();
  process.exit(failures ? 1 : 0);
})().catch((e) => { console.error(e); process.exit(1); });
