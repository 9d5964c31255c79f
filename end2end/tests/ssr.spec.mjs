import { test, expect } from '@playwright/test';
import { DEMO_PASSWORD } from './helpers.mjs';

// Public pages come with their first page of data in the HTML itself: what a phone
// shows before the WebAssembly has loaded, and what a link preview reads.

test('the first HTML of the public pages carries their content', async ({ request }) => {
  const board = await (await request.get('/board')).text();
  expect(board).toMatch(/data-testid="board"[^>]*>\s*<li/);
  const wall = await (await request.get('/wishes')).text();
  expect(wall).toMatch(/data-testid="wish-list"[^>]*>\s*<li/);
  expect(wall).not.toContain('暂无心愿');
  const grid = await (await request.get('/grid/370103-001-001-01')).text();
  expect(grid).toContain('data-testid="grid-public"');
  // The board and the wall never show a phone number (the grid's notice board
  // shows the numbers staff agreed to publish, by design).
  for (const html of [board, wall]) expect(html).not.toMatch(/(?<![\d.])1[3-9]\d{9}(?!\d)/);
});

test('without scripts, the wall and the board are readable', async ({ browser, baseURL }) => {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 }, locale: 'zh-CN', baseURL });
  const page = await context.newPage();
  await page.goto('/wishes');
  await expect(page.locator('[data-testid=wish-list] li').first()).toBeVisible();
  await page.goto('/board');
  await expect(page.locator('[data-testid=board] li').first()).toBeVisible();
  await context.close();
});

test('signing in works before the WebAssembly has loaded', async ({ browser, baseURL }) => {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 }, locale: 'zh-CN', baseURL });
  const page = await context.newPage();
  await page.goto('/login');
  await page.getByLabel('手机号').fill('13800000011');
  await page.getByLabel('密码').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page).toHaveURL(/\/me$/);
  await expect(page.getByTestId('me-name')).toHaveText('居民 郑丽');
  await context.close();
});

test('a wrong password sent before the WebAssembly loaded is answered on the page', async ({ browser, baseURL }) => {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 }, locale: 'zh-CN', baseURL });
  const page = await context.newPage();
  await page.goto('/login');
  await page.getByLabel('手机号').fill('13800000011');
  await page.getByLabel('密码').fill('not-the-password');
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page).toHaveURL(/\/login\?/);
  await expect(page.getByRole('alert')).toBeVisible();
  // A link names an error by its code and the page words it ...
  const link = (error) => `/login?error=${encodeURIComponent(JSON.stringify(error))}`;
  await page.goto(link({ code: 'wrong_credentials' }));
  await expect(page.getByRole('alert')).toContainText('手机号或密码错误');
  // ... but a crafted link cannot put its own words on the page.
  await page.goto(link({ code: 'already_handled', text: '请拨打 400-000 领奖' }));
  await expect(page.locator('main')).not.toContainText('领奖');
  await page.goto(link({ code: 'boundary_refused', refusal: { problem: 'x', zh: '请拨打 400-000 领奖', en: 'x', conflict: false } }));
  await expect(page.locator('main')).not.toContainText('领奖');
  await context.close();
});

test('signing in returns to the page that asked for it', async ({ page }) => {
  await page.goto('/report');
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  await page.getByTestId('sign-in-prompt').click();
  await expect(page).toHaveURL(/\/login\?next=%2Freport$/);
  await page.getByLabel('手机号').fill('13800000011');
  await page.getByLabel('密码').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page).toHaveURL(/\/report$/);
  await expect(page.getByTestId('photos')).toBeVisible();
});

test('the page that asked keeps its query through the sign-in', async ({ page }) => {
  await page.goto('/cases?view=overdue');
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  await expect(page.getByTestId('sign-in-prompt')).toHaveAttribute('href', '/login?next=%2Fcases%3Fview%3Doverdue');
  await page.getByTestId('sign-in-prompt').click();
  await page.getByLabel('手机号').fill('13800000005');
  await page.getByLabel('密码').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page).toHaveURL(/\/cases\?.*view=overdue/);
  await expect(page.getByTestId('view-overdue')).toHaveClass(/active/);
});
