import { test, expect } from '@playwright/test';
import { open, DEMO_PASSWORD } from './helpers.mjs';

const phone = { viewport: { width: 390, height: 844 }, locale: 'zh-CN', isMobile: true, hasTouch: true };
const GRID = '370103-001-001-01';
// The middle of demo grid 01, and of its neighbour 02 to the east.
const INSIDE = { latitude: 36.6372, longitude: 117.0135 };
const NEXT_DOOR = { latitude: 36.6372, longitude: 117.0165 };

test('a passer-by opens the poster, follows its QR link and reports in that grid', async ({ browser, baseURL }) => {
  test.setTimeout(90_000);
  const context = await browser.newContext({ ...phone, baseURL, geolocation: NEXT_DOOR, permissions: ['geolocation'] });
  const page = await context.newPage();

  // The grid's public page links its poster; the poster needs no account.
  await open(page, `/grid/${GRID}`);
  await page.getByTestId('grid-poster-link').click();
  await expect(page).toHaveURL(new RegExp(`/grid/${GRID}/poster$`));
  const poster = page.getByTestId('poster');
  await expect(poster).toContainText('网格员上岗公示');
  await expect(poster).toContainText('兴隆社区第1网格');
  await expect(poster.locator('svg.poster-map')).toBeVisible();
  await expect(poster.locator('svg.poster-qr')).toBeVisible();
  await expect(page.getByTestId('poster-staff').locator('tbody tr').first()).toBeVisible();
  // What the QR code holds is printed under it: this server's bound form.
  const url = (await page.getByTestId('poster-qr').locator('.url').textContent()).trim();
  expect(url).toBe(`${baseURL.replace(/\/$/, '')}/report?grid=${GRID}`);

  // A stranger is asked to sign in first and comes back to the bound form.
  await page.goto(url);
  await page.getByTestId('sign-in-prompt').click();
  await page.getByLabel('手机号').fill('13800000011');
  await page.getByLabel('密码').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page).toHaveURL(new RegExp(`/report\\?grid=${GRID}$`));
  await expect(page.getByTestId('bound-grid')).toContainText('兴隆社区第1网格');
  // The sign-in lands on a fresh page: wait until it is interactive.
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');

  await page.getByTestId('category-top').selectOption({ label: '市容环境' });
  await page.getByTestId('category-sub').selectOption({ index: 1 });
  await page.getByLabel('问题描述').fill('公示牌旁的垃圾桶满了');
  // Standing next door: the place is refused at once, and by the server.
  await page.getByRole('button', { name: '使用我的位置' }).click();
  await expect(page.getByTestId('outside-grid')).toBeVisible();
  await page.getByRole('button', { name: '提交' }).click();
  await expect(page.getByRole('alert').filter({ hasText: '不在本网格内' }).first()).toBeVisible();
  await expect(page).toHaveURL(/\/report\?grid=/);
  // Inside the grid it goes through and lands in that grid.
  await context.setGeolocation(INSIDE);
  await page.getByRole('button', { name: '使用我的位置' }).click();
  await expect(page.getByTestId('picked-place')).toContainText('兴隆社区第1网格');
  await expect(page.getByTestId('outside-grid')).toHaveCount(0);
  await page.getByRole('button', { name: '提交' }).click();
  await expect(page).toHaveURL(/\/case\/\d+\?submitted=1$/);
  await expect(page.locator('body')).toContainText(GRID);
});
