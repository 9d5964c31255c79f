import { chromium } from '@playwright/test';
import fs from 'fs';
const url = process.argv[2] || 'http://127.0.0.1:3190/';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
const page = await ctx.newPage();
await browser.startTracing(page, { categories: ['devtools.timeline','v8','v8.wasm','disabled-by-default-v8.wasm.detailed','disabled-by-default-devtools.timeline','blink','loading'] });
await page.goto(url);
await page.waitForSelector('body[data-hydrated]', { timeout: 20000 });
await page.waitForTimeout(3000);
const buf = await browser.stopTracing();
fs.writeFileSync('/tmp/trace.json', buf);
await browser.close();
const t = JSON.parse(buf.toString());
const ev = t.traceEvents;
// main thread: find RunTask events > 50ms on the renderer main thread
const tasks = ev.filter(e => e.name === 'RunTask' && e.dur > 50000);
for (const task of tasks) {
  console.log('TASK', task.ts, (task.dur/1000).toFixed(1), 'ms', 'tid', task.tid);
  const inside = ev.filter(e => e.tid === task.tid && e.pid === task.pid && e.ts >= task.ts && e.ts + (e.dur||0) <= task.ts + task.dur && e.dur > 3000 && e !== task);
  const agg = new Map();
  for (const e of inside) { const k = e.name + (e.args?.data?.url ? ' ' + e.args.data.url.split('/').pop() : '') ; agg.set(k, [(agg.get(k)?.[0]||0) + e.dur, (agg.get(k)?.[1]||0)+1]); }
  for (const [k,[d,n]] of [...agg].sort((a,b)=>b[1][0]-a[1][0]).slice(0,25)) console.log('   ', (d/1000).toFixed(1).padStart(7), 'ms x', n, k);
}
