import { test, expect } from '@playwright/test';
import { open, login, watchErrors } from './helpers.mjs';

const phone = { viewport: { width: 390, height: 844 }, locale: 'zh-CN', isMobile: true, hasTouch: true };

// A system admin registers another system on 管理, hands over the key shown
// once, and that system files a case through Open311: it reaches the grid
// worker's case page as an ordinary case. Revoked, the key files nothing.
test('an Open311 client is registered on the admin page, files a case, and is revoked', async ({ browser, baseURL }) => {
  const admin = await (await browser.newContext({ ...phone, baseURL })).newPage();
  const problems = watchErrors(admin);
  await login(admin, '13800000001');
  await open(admin, '/admin');
  const panel = admin.getByTestId('open311-clients');
  await expect(panel.getByRole('heading', { name: 'Open311 接入应用' })).toBeVisible();
  const name = `12345平台${Date.now() % 100000}`;
  // Nothing typed: the name is asked for by name.
  await panel.getByRole('button', { name: '登记并生成密钥' }).click();
  await expect(panel.getByRole('alert')).toContainText('应用名称');
  await panel.getByTestId('open311-name').fill(name);
  await panel.getByRole('button', { name: '登记并生成密钥' }).click();
  const key = (await panel.getByTestId('open311-key').textContent()).trim();
  expect(key).toMatch(/^[0-9a-f]{64}$/);
  const line = panel.locator('li', { hasText: name });
  await expect(line).toContainText(`…${key.slice(-4)}`);
  await expect(line).not.toContainText(key);

  // The other system files (no cookie: a plain request).
  const cats = await (await admin.request.post('/api/case_categories')).json();
  const sub = cats.find((c) => c.parent_id !== null);
  const other = await browser.newContext({ baseURL });
  const res = await other.request.post('/open311/v2/requests.json', {
    form: {
      api_key: key, service_code: String(sub.id), lat: '36.6372', long: '117.0135',
      description: `Open311井盖缺失${Date.now() % 100000}`,
      media_url: 'https://example.org/open311/photo-1.jpg', phone: '13800001234',
    },
  });
  expect(res.status()).toBe(200);
  const id = (await res.json())[0].service_request_id;

  const worker = await (await browser.newContext({ ...phone, baseURL })).newPage();
  await login(worker, '13800000005');
  await open(worker, `/case/${id}`);
  await expect(worker.getByTestId('case')).toHaveAttribute('data-status', 'reported');
  await expect(worker.getByText('Open311接入')).toBeVisible();
  // The sending system's photo: a link out (never fetched by us, no referrer
  // sent), and the reporter's phone, for the staff handling it; the page
  // still fits the phone.
  await expect(worker.getByText('来源系统照片')).toBeVisible();
  const media = worker.getByTestId('media-url');
  await expect(media).toHaveAttribute('href', 'https://example.org/open311/photo-1.jpg');
  await expect(media).toHaveAttribute('rel', /noreferrer/);
  await expect(worker.getByTestId('contact')).toContainText('13800001234');
  expect(await worker.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  // A stranger reads none of it: the case is private.
  const stranger = await (await browser.newContext({ ...phone, baseURL })).newPage();
  await stranger.goto(`/case/${id}`);
  await expect(stranger.getByTestId('media-url')).toHaveCount(0);
  await expect(stranger.getByText('13800001234')).toHaveCount(0);

  // Revoked (after the confirm dialog), the key is refused.
  admin.once('dialog', (d) => d.accept());
  await open(admin, '/admin');
  await panel.locator('li', { hasText: name }).getByRole('button', { name: '撤销密钥' }).click();
  await expect(panel.locator('li', { hasText: name })).toContainText('已撤销');
  const again = await other.request.post('/open311/v2/requests.json', {
    form: { api_key: key, service_code: String(sub.id), lat: '36.6372', long: '117.0135', description: '撤销后的提交' },
  });
  expect(again.status()).toBe(403);
  expect(problems).toEqual([]);
});
