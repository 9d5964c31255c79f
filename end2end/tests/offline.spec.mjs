import { test, expect } from '@playwright/test';
import { open, login } from './helpers.mjs';

const phone = { viewport: { width: 390, height: 844 }, locale: 'zh-CN', isMobile: true, hasTouch: true };
// A photo from the phone's gallery (a 1×1 PNG).
const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

// In a basement: the report is filled in without a connection, kept on the phone
// through a reload (the page comes from the service worker), and reaches the grid
// worker exactly once, with its photo, when the signal returns.
test('a report made offline survives a reload and is sent exactly once when back online', async ({ browser, baseURL }) => {
  test.setTimeout(120_000);
  const context = await browser.newContext({ ...phone, baseURL });
  const page = await context.newPage();
  await login(page, '13800000011');
  await open(page, '/report');
  // The worker takes over, then the page it serves is the one it keeps.
  await page.evaluate(async () => { await navigator.serviceWorker.ready; });
  await page.reload();
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  expect(await page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
  await expect(page.locator('#report-map path.gc-370103-001-001-01')).toBeVisible();

  await context.setOffline(true);
  const description = `地下室水管漏水 ${Date.now()}`;
  await page.getByTestId('category-top').selectOption({ label: '设施维修' });
  await page.getByTestId('category-sub').selectOption({ label: '路灯不亮' });
  await page.getByLabel('问题描述').fill(description);
  await page.locator('#report-map path.gc-370103-001-001-01').click();
  await page.getByTestId('photos').setInputFiles({ name: 'leak.png', mimeType: 'image/png', buffer: png });
  await page.getByRole('button', { name: '提交' }).click();
  await expect(page.getByTestId('saved-offline')).toBeVisible();
  await expect(page.getByTestId('outbox-count')).toHaveText('1');
  await expect(page.getByTestId('draft')).toHaveAttribute('data-state', 'queued');

  // Closing and opening the app without a signal: the draft is still there.
  await page.reload();
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  await expect(page.getByTestId('outbox-count')).toHaveText('1');

  await context.setOffline(false);
  await expect(page.getByTestId('outbox-sent')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('outbox')).toHaveCount(0);

  const worker = await (await browser.newContext({ ...phone, baseURL })).newPage();
  await login(worker, '13800000005');
  const rows = await (await worker.request.post('/api/case_queue', {
    data: { queue: { grid: '370103-001-001-01' }, statuses: [], overdue_only: false, after: null },
  })).json();
  const ours = rows.filter((r) => r.description === description);
  expect(ours).toHaveLength(1);
  await open(worker, `/case/${ours[0].id}`);
  await expect(worker.getByTestId('photos').locator('img')).toHaveCount(1);
  await context.close();
});

// A report kept on the phone goes out from whatever page is open when the signal
// returns, not only from the report form, and the app says so.
test('a report kept offline is sent from another page when the signal returns', async ({ browser, baseURL }) => {
  test.setTimeout(120_000);
  const context = await browser.newContext({ ...phone, baseURL });
  const page = await context.newPage();
  await login(page, '13800000011');
  await open(page, '/report');
  await expect(page.locator('#report-map path.gc-370103-001-001-01')).toBeVisible();
  await context.setOffline(true);
  const description = `楼顶水箱溢水 ${Date.now()}`;
  await page.getByTestId('category-top').selectOption({ label: '设施维修' });
  await page.getByTestId('category-sub').selectOption({ label: '路灯不亮' });
  await page.getByLabel('问题描述').fill(description);
  await page.locator('#report-map path.gc-370103-001-001-01').click();
  await page.getByRole('button', { name: '提交' }).click();
  await expect(page.getByTestId('outbox-count')).toHaveText('1');

  await page.getByTestId('nav-map').click();
  await expect(page).toHaveURL(/\/$/);
  await context.setOffline(false);
  await expect(page.getByTestId('outbox-sent')).toBeVisible({ timeout: 30_000 });
  const id = (await page.getByTestId('outbox-sent').locator('a').first().textContent()).replace(/\D/g, '');
  const mine = await (await page.request.post('/api/case_queue', {
    data: { queue: 'mine', statuses: [], overdue_only: false, after: null },
  })).json();
  expect(mine.filter((c) => c.description === description).map((c) => String(c.id))).toEqual([id]);
  await context.close();
});
