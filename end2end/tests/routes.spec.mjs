import { test, expect } from '@playwright/test';
import { open, login } from './helpers.mjs';

// Every route, opened directly on a small phone (320 px) and on a common
// one (390 px): it hydrates, logs no page error and no Content-Security-
// Policy violation, and nothing makes the page scroll sideways.
const PUBLIC = ['/', '/board', '/wishes', '/grid/370103-001-001-01', '/login', '/register', '/privacy'];
const SIGNED_IN = ['/report', '/cases', '/wishes/new', '/service', '/volunteer', '/lists', '/notices', '/me', '/admin', '/audit'];

function watch(page) {
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/.test(m.text())) problems.push(`csp: ${m.text()}`);
  });
  return problems;
}

async function checkRoute(page, path, problems) {
  await open(page, path);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, `${path} scrolls sideways by ${overflow}px`).toBeLessThanOrEqual(0);
  expect(problems, `${path}`).toEqual([]);
}

for (const width of [320, 390]) {
  test(`public routes hydrate cleanly at ${width} px`, async ({ browser, baseURL }) => {
    const page = await (await browser.newContext({ viewport: { width, height: 800 }, locale: 'zh-CN', isMobile: true, hasTouch: true, baseURL })).newPage();
    const problems = watch(page);
    for (const path of PUBLIC) await checkRoute(page, path, problems);
  });

  test(`signed-in routes hydrate cleanly at ${width} px`, async ({ browser, baseURL }) => {
    test.setTimeout(90_000);
    const page = await (await browser.newContext({ viewport: { width, height: 800 }, locale: 'zh-CN', isMobile: true, hasTouch: true, baseURL })).newPage();
    const problems = watch(page);
    await login(page, '13800000001');
    const cases = await (await page.request.post('/api/case_queue', { data: { queue: { street: '370103-001' }, statuses: [], overdue_only: false, after: null } })).json();
    const wishes = await (await page.request.get('/api/v1/wishes.json?limit=1')).json();
    const paths = [...SIGNED_IN, `/case/${cases[0].id}`, `/wish/${wishes.items[0].id}`];
    for (const path of paths) await checkRoute(page, path, problems);
  });
}

// The bottom tab bar: each tab is a client-side navigation (the document stays, a
// lazy page loads its chunk), the page under it never scrolls sideways.
test('the tab bar navigates without reloading and the staff pages hang off 我的', async ({ browser, baseURL }) => {
  const page = await (await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', isMobile: true, hasTouch: true, baseURL })).newPage();
  const problems = watch(page);
  await login(page, '13800000005');
  const tabs = page.locator('nav.topnav a:visible');
  await expect(tabs).toHaveText([/地图/, /上报/, /心愿/, /消息/, /我的/]);
  const box = await page.locator('nav.topnav').boundingBox();
  expect(box.y + box.height).toBeGreaterThan(800); // at the bottom, under the thumb
  await page.evaluate(() => { window.__sameDocument = true; });
  for (const [testid, url] of [['nav-wishes', /\/wishes$/], ['nav-report', /\/report$/], ['nav-notices', /\/notices$/], ['nav-map', /\/$/], ['nav-me', /\/me$/]]) {
    await page.getByTestId(testid).click();
    await expect(page).toHaveURL(url);
    await expect(page.getByTestId(testid)).toHaveAttribute('aria-current', 'page');
  }
  // The grid worker's home counts the inbox and leads to it.
  const waiting = page.getByTestId('home-cases_waiting');
  await expect(waiting).toBeVisible();
  await waiting.click();
  // The queue writes itself into the address (?q=…): Back and reloads keep it.
  await expect(page).toHaveURL(/\/cases(\?q=grid%3A[\d-]+&view=todo)?$/);
  expect(await page.evaluate(() => window.__sameDocument)).toBe(true);
  expect(problems).toEqual([]);
});

// Every route reached by in-app navigation (a link clicked, no reload), after a
// first page that did not carry its code: the lazy page loads and renders.
test('every route renders when reached in the app', async ({ browser, baseURL }) => {
  test.setTimeout(90_000);
  const page = await (await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', isMobile: true, hasTouch: true, baseURL })).newPage();
  const problems = watch(page);
  await login(page, '13800000001');
  await open(page, '/');
  await page.evaluate(() => { window.__sameDocument = true; });
  for (const path of [...PUBLIC.filter((p) => p !== '/login' && p !== '/register'), ...SIGNED_IN]) {
    await page.evaluate((href) => {
      const a = document.createElement('a');
      a.href = href;
      a.textContent = 'go';
      document.querySelector('main').appendChild(a);
      a.click();
    }, path);
    await expect(page).toHaveURL(new RegExp(`${path.replace(/[/]/g, '\\/')}(\\?.*)?$`));
    await expect(page.locator('main.page > *').first()).toBeVisible();
    await expect(page.locator('main.page')).not.toContainText('页面不存在');
    expect(await page.evaluate(() => window.__sameDocument), `${path} reloaded the page`).toBe(true);
  }
  expect(problems).toEqual([]);
});

test('in-app navigation keeps the app hydrated and error-free', async ({ browser, baseURL }) => {
  const page = await (await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', isMobile: true, hasTouch: true, baseURL })).newPage();
  const problems = watch(page);
  await login(page, '13800000011');
  for (const [testid, url] of [['nav-wishes', /\/wishes$/], ['nav-report', /\/report$/], ['nav-notices', /\/notices$/], ['nav-me', /\/me$/]]) {
    await page.getByTestId(testid).click();
    await expect(page).toHaveURL(url);
  }
  expect(problems).toEqual([]);
});
