import { chromium } from '@playwright/test';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
const ctx = await browser.newContext({ viewport: { width: 412, height: 823 }, locale: 'zh-CN', serviceWorkers: 'block' });
for (const path of ['/', '/wishes', '/board']) {
  const page = await ctx.newPage();
  await page.addInitScript(() => {
    window.__lcp = [];
    new PerformanceObserver((l) => { for (const e of l.getEntries()) { const el = e.element; window.__lcp.push([Math.round(e.startTime), el && (el.tagName + '.' + el.className), e.size, el && Math.round(el.getBoundingClientRect().top)]); } }).observe({ type: 'largest-contentful-paint', buffered: true });
    const ls = []; window.__ls = ls;
    new PerformanceObserver((l) => { for (const e of l.getEntries()) ls.push([Math.round(e.startTime), e.value.toFixed(4), e.sources?.map(s => s.node?.className).join(',')]); }).observe({ type: 'layout-shift', buffered: true });
  });
  await page.goto('http://127.0.0.1:3190' + path);
  await page.waitForSelector('body[data-hydrated]', { timeout: 20000 });
  await page.waitForTimeout(1500);
  console.log(path, 'lcp', JSON.stringify(await page.evaluate(() => window.__lcp)));
  console.log(path, 'shifts', JSON.stringify(await page.evaluate(() => window.__ls)));
  console.log(path, 'paint', JSON.stringify(await page.evaluate(() => performance.getEntriesByType('paint').map(p => [p.name, Math.round(p.startTime)]))));
  await page.close();
}
await browser.close();
