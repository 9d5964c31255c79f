// Lighthouse 12 (mobile emulation, default throttling) on Debian's Chromium against
// a running server: category scores, LCP/TBT/CLS, and when the map became
// interactive (the app's `gridlink:map-ready` user timing, grids drawn).
// Usage: node run.mjs BASE_URL [path ...]   (make lighthouse starts the server)
import fs from 'node:fs';
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';

const base = process.argv[2] || 'http://127.0.0.1:3000';
const paths = process.argv.slice(3).length ? process.argv.slice(3) : ['/', '/wishes', '/board'];
const runs = Number(process.env.RUNS || 3);
const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH || '/usr/bin/chromium',
  chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const rows = [];
try {
  for (const path of paths) {
    const samples = [];
    for (let i = 0; i < runs; i++) {
      const result = await lighthouse(base + path, {
        port: chrome.port, output: 'json', logLevel: 'error',
        onlyCategories: ['performance', 'accessibility', 'best-practices'],
        locale: 'zh',
      });
      const lhr = result.lhr;
      // LH_SAVE=dir keeps every report for a closer look (LCP element, long tasks).
      if (process.env.LH_SAVE) {
        fs.mkdirSync(process.env.LH_SAVE, { recursive: true });
        fs.writeFileSync(`${process.env.LH_SAVE}/${path.replace(/\W+/g, '_') || 'root'}-${i}.json`, result.report);
      }
      const score = (c) => Math.round((lhr.categories[c]?.score ?? 0) * 100);
      const audit = (a) => lhr.audits[a]?.numericValue ?? NaN;
      const marks = lhr.audits['user-timings']?.details?.items ?? [];
      const ready = marks.find((m) => m.name === 'gridlink:map-ready');
      samples.push({
        perf: score('performance'), a11y: score('accessibility'), bp: score('best-practices'),
        fcp: audit('first-contentful-paint'), lcp: audit('largest-contentful-paint'),
        tbt: audit('total-blocking-time'), cls: audit('cumulative-layout-shift'),
        tti: audit('interactive'), map: ready ? ready.startTime : NaN,
        failed: Object.values(lhr.audits).filter((a) => a.score !== null && a.score < 0.9 && a.scoreDisplayMode === 'binary').map((a) => a.id),
      });
    }
    const m = (k) => median(samples.map((s) => s[k]));
    rows.push({ path, perf: m('perf'), a11y: m('a11y'), bp: m('bp'), fcp: m('fcp'), lcp: m('lcp'), tbt: m('tbt'), cls: m('cls'), tti: m('tti'), map: m('map'), failed: samples[0].failed });
  }
} finally {
  await chrome.kill();
}
const ms = (x) => (Number.isNaN(x) ? '—' : `${(x / 1000).toFixed(2)} s`).padStart(8);
console.log(`Lighthouse 12, mobile (Moto G Power emulation, slow 4G, 4× CPU), median of ${runs} runs`);
console.log('page        perf  a11y  best      FCP      LCP      TBT    CLS      TTI  map ready');
for (const r of rows) {
  console.log(`${r.path.padEnd(10)} ${String(r.perf).padStart(5)} ${String(r.a11y).padStart(5)} ${String(r.bp).padStart(5)} ${ms(r.fcp)} ${ms(r.lcp)} ${`${Math.round(r.tbt)} ms`.padStart(8)} ${r.cls.toFixed(3).padStart(6)} ${ms(r.tti)} ${ms(r.map)}`);
}
for (const r of rows) if (r.failed.length) console.log(`${r.path}: failing audits: ${r.failed.join(', ')}`);
