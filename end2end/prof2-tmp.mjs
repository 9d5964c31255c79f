import { chromium } from '@playwright/test';
const url = process.argv[2] || 'http://127.0.0.1:3190/';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
const page = await ctx.newPage();
await page.route(url, async (route) => {
  const r = await route.fetch(); let body = await r.text();
  body = body.replace("mod.default({", "performance.mark('imported');mod.default({").replace("mod.hydrate();", "performance.mark('inited');mod.hydrate();performance.mark('hydrated');");
  await route.fulfill({ response: r, body });
});
await page.addInitScript(() => {
  window.__lt = [];
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__lt.push([Math.round(e.startTime), Math.round(e.duration)]); }).observe({ type: 'longtask', buffered: true });
});
for (let i = 0; i < 3; i++) {
await page.goto(url);
await page.waitForSelector('body[data-hydrated]', { timeout: 20000 });
await page.waitForTimeout(3000);
console.log('longtasks', JSON.stringify(await page.evaluate(() => window.__lt)));
console.log('marks', JSON.stringify(await page.evaluate(() => performance.getEntriesByType('mark').map(p => [p.name, Math.round(p.startTime)]))), JSON.stringify(await page.evaluate(() => performance.getEntriesByType('paint').map(p => [p.name, Math.round(p.startTime)]))));
}
await browser.close();
