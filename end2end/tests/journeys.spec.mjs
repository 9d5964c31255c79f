import { test, expect } from '@playwright/test';
import { open } from './helpers.mjs';

const phone = { viewport: { width: 390, height: 844 }, locale: 'zh-CN', isMobile: true, hasTouch: true };

// A first-time resident, as a new user goes: register, then use the forms
// as they come, leaving every select that already shows a value alone.
test('a new resident posts a wish without touching the community picker', async ({ browser, baseURL }) => {
  const page = await (await browser.newContext({ ...phone, baseURL })).newPage();
  await open(page, '/register');
  await page.getByLabel('姓名').fill('新居民');
  await page.getByLabel('手机号').fill(`133${String(Date.now()).slice(-8)}`);
  await page.getByLabel('密码').fill('longenough1');
  await page.getByTestId('consent').check();
  await page.getByRole('button', { name: '注册' }).click();
  await expect(page.getByTestId('me-name')).toHaveText('新居民');

  // The report form keeps a report private unless the resident opts in.
  await open(page, '/report');
  await expect(page.getByTestId('public')).not.toBeChecked();

  await open(page, '/wishes/new');
  const picker = page.getByTestId('community');
  await expect(picker.locator('option').first()).toBeAttached();
  await page.getByTestId('wish-title-input').fill('想要一盏台灯');
  await page.getByTestId('wish-story').fill('晚上看书光线太暗，想要一盏护眼台灯。');
  await page.getByTestId('wish-address').fill('幸福里2号楼1单元101');
  await page.getByTestId('submit-wish').click();
  await expect(page).toHaveURL(/\/wish\/\d+$/);
  await expect(page.getByTestId('wish')).toHaveAttribute('data-status', 'pending');
});
