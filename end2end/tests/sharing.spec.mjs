import { test, expect } from '@playwright/test';
import { open, login } from './helpers.mjs';

const phone = { viewport: { width: 390, height: 844 }, locale: 'zh-CN', isMobile: true, hasTouch: true };

/** The page fits the phone: nothing wider than the screen. */
async function fits(page) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(390);
}

test('共享小屋: a stranger sees what is in, a resident borrows, the community sees who has it, records the return and adds a thing', async ({ browser, baseURL }) => {
  test.setTimeout(120_000);
  const ctx = async () => (await browser.newContext({ ...phone, baseURL })).newPage();
  const [stranger, resident, community] = [await ctx(), await ctx(), await ctx()];

  // A stranger: the things and how many are in; no borrowing, no names.
  await open(stranger, '/sharing');
  const tables = stranger.locator('[data-testid=shed-item][data-item="折叠桌椅"]');
  await expect(tables).toBeVisible();
  await expect(tables.getByTestId('in-shed')).toContainText('共 10');
  await expect(stranger.getByTestId('borrow')).toHaveCount(0);
  await expect(stranger.getByTestId('kept-loans')).toHaveCount(0);
  expect(await stranger.locator('main').innerText()).not.toContain('郑丽');
  await fits(stranger);

  // The resident, from the home's shortcut: borrows one set, leaving the
  // number as the select shows it.
  await login(resident, '13800000011');
  await resident.getByTestId('shortcut-sharing').click();
  await expect(resident).toHaveURL(/\/sharing$/);
  const mine = resident.locator('[data-testid=shed-item][data-item="折叠桌椅"]');
  const before = await mine.getByTestId('in-shed').innerText();
  await mine.getByTestId('borrow').click();
  await expect(resident.getByTestId('sharing-said')).toContainText('借用成功');
  await expect(mine.getByTestId('in-shed')).not.toHaveText(before);
  const loan = resident.getByTestId('my-loans').getByTestId('loan').filter({ hasText: '折叠桌椅' });
  await expect(loan.first()).toBeVisible();
  await expect(resident.getByTestId('give-back')).toHaveCount(0);
  await fits(resident);

  // The community: who has it, and the return recorded.
  await login(community, '13800000003');
  await open(community, '/sharing');
  const out = community.getByTestId('kept-loans').getByTestId('loan').filter({ hasText: '折叠桌椅' }).filter({ hasText: '郑丽' });
  await expect(out.first()).toBeVisible();
  const count = await out.count();
  community.on('dialog', (d) => d.accept());
  await out.first().getByTestId('give-back').click();
  await expect(community.getByTestId('sharing-said')).toBeVisible();
  await expect(out).toHaveCount(count - 1);

  // …and a new thing for the shed, first refused without a name.
  const form = community.getByTestId('shed-form').last();
  await form.getByTestId('save-shed-item').click();
  await expect(form.locator('[data-field=item]')).toBeVisible();
  const name = `儿童推车${Date.now() % 1000}`;
  await form.getByTestId('shed-name').fill(name);
  await form.getByTestId('save-shed-item').click();
  await expect(community.locator(`[data-testid=shed-item][data-item="${name}"]`)).toBeVisible();
  await fits(community);
});
