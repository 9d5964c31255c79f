import { test, expect } from '@playwright/test';
import { open, DEMO, DEMO_PASSWORD } from './helpers.mjs';

test('a wrong password shows a Chinese error', async ({ page }) => {
  await open(page, '/login');
  await page.getByLabel('手机号').fill('13800000011');
  await page.getByLabel('密码').fill('not-the-password');
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page.getByRole('alert')).toHaveText('手机号或密码错误，请重新输入。');
  await expect(page).toHaveURL(/\/login$/);
});

for (const [phone, name] of DEMO) {
  test(`demo login ${phone} (${name})`, async ({ page }) => {
    await open(page, '/login');
    await page.getByLabel('手机号').fill(phone);
    await page.getByLabel('密码').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await expect(page).toHaveURL(/\/me$/);
    await expect(page.getByTestId('me-name')).toHaveText(name);
    await page.getByRole('button', { name: '退出登录' }).click();
    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByTestId('nav-login')).toBeVisible();
  });
}

test('a resident registers with a mobile number', async ({ page }) => {
  const phone = `135${String(Date.now()).slice(-8)}`;
  await open(page, '/register');
  await page.getByLabel('姓名').fill('测试居民');
  await page.getByLabel('手机号').fill('12345');
  await page.getByLabel('密码').fill('longenough1');
  await page.getByRole('button', { name: '注册' }).click();
  await expect(page.getByRole('alert')).toHaveText('请输入11位手机号码。');
  await page.getByLabel('手机号').fill(phone);
  // The privacy notice must be accepted before anything is stored.
  await page.getByRole('button', { name: '注册' }).click();
  await expect(page.getByRole('alert')).toContainText('隐私说明');
  await page.getByTestId('consent').check();
  await page.getByRole('button', { name: '注册' }).click();
  await expect(page.getByTestId('me-name')).toHaveText('测试居民');
  await expect(page.locator('[data-role=resident]')).toContainText('居民');
});
