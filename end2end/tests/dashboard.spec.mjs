import { test, expect } from '@playwright/test';
import { open, login } from './helpers.mjs';
import fs from 'node:fs';

const phone = { viewport: { width: 390, height: 844 }, locale: 'zh-CN', isMobile: true, hasTouch: true };

test('the street admin opens the dashboard, filters a community and downloads an export', async ({ browser, baseURL }) => {
  test.setTimeout(90_000);
  const street = await (await browser.newContext({ ...phone, baseURL, })).newPage();
  await login(street, '13800000002');
  await street.getByTestId('shortcut-dashboard').click();
  await expect(street).toHaveURL(/\/dashboard$/);
  // The street's figures over the last 30 days, each with its formula.
  await expect(street.getByTestId('figure-cards')).toBeVisible();
  await expect(street.getByTestId('figure-cards')).toContainText('巡查到位率');
  await expect(street.getByTestId('figure-cards')).toContainText('达标天数 ÷ 应巡查天数');
  await expect(street.getByTestId('trend')).toBeVisible();
  await expect(street.getByTestId('ranking-areas')).toBeVisible();
  await expect(street.getByTestId('department-figures')).toBeVisible();

  // One community, closer: its grids and workers ranked, the top 30% marked.
  await street.getByTestId('dashboard-area').selectOption({ label: '· 兴隆社区' });
  await street.getByTestId('dashboard-apply').click();
  const workers = street.getByTestId('ranking-workers');
  await expect(workers).toBeVisible();
  await expect(workers.locator('tr[data-top="true"]').first()).toBeVisible();
  await expect(street.getByTestId('heat-map').locator('polygon').first()).toBeAttached();

  // The community's cases as CSV: ready at once, a BOM for Excel.
  await street.getByTestId('export-cases-csv').click();
  const link = street.getByTestId('export-download');
  await expect(link).toBeVisible();
  const [download] = await Promise.all([street.waitForEvent('download'), link.click()]);
  expect(download.suggestedFilename()).toBe('事件明细.csv');
  const bytes = fs.readFileSync(await download.path());
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  expect(bytes.toString('utf8', 3, 40)).toContain('编号,类别,问题描述');

  // A grid worker is not let in; a stranger is asked to sign in.
  const worker = await (await browser.newContext({ ...phone, baseURL })).newPage();
  await login(worker, '13800000005');
  await open(worker, '/dashboard');
  await expect(worker.getByRole('alert')).toBeVisible();
  await expect(worker.getByTestId('figure-cards')).toHaveCount(0);
});
