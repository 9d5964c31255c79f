// Times the map page in Chromium at a phone viewport: navigation → hydration →
// every grid polygon drawn. Usage: node perf/map-timing.mjs BASE_URL [RUNS]
import { chromium } from '@playwright/test';

const base = process.argv[2] || 'http://127.0.0.1:3000';
const runs = Number(process.argv[3] || 7);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const rows = [];
for (let i = 0; i < runs; i++) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(base + '/');
  await page.waitForSelector('[data-grids-drawn]', { timeout: 60_000 });
  const r = await page.evaluate(() => ({
    hydrated: Number(document.body.dataset.hydratedAt),
    drawn: Number(document.body.dataset.gridsDrawnAt),
    grids: Number(document.querySelector('#grid-map').dataset.gridsDrawn),
    paths: document.querySelectorAll('path.grid-poly').length,
  }));
  rows.push(r);
  await context.close();
}
await browser.close();
const med = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const max = (xs) => Math.max(...xs);
console.log(`runs: ${runs} (first one with a cold browser cache), grids: ${rows[0].grids}, paths: ${rows[0].paths}`);
console.log('run  hydrated_ms  drawn_ms  drawn_after_hydration_ms');
rows.forEach((r, i) => console.log(`${i + 1}`.padEnd(5) + `${r.hydrated.toFixed(0)}`.padStart(11) + `${r.drawn.toFixed(0)}`.padStart(10) + `${(r.drawn - r.hydrated).toFixed(0)}`.padStart(26)));
console.log(`median: hydrated ${med(rows.map((r) => r.hydrated)).toFixed(0)} ms, drawn ${med(rows.map((r) => r.drawn)).toFixed(0)} ms, ` +
  `drawn after hydration ${med(rows.map((r) => r.drawn - r.hydrated)).toFixed(0)} ms (max ${max(rows.map((r) => r.drawn - r.hydrated)).toFixed(0)} ms)`);
