import { test, expect } from '@playwright/test';
import { open, login, reportCase } from './helpers.mjs';

const phone = { viewport: { width: 390, height: 844 }, locale: 'zh-CN', isMobile: true, hasTouch: true };
const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

test('吹哨报到: the street whistles a lead and an assisting department, the lead accepts and reports, the street closes out with ratings', async ({ browser, baseURL }) => {
  test.setTimeout(120_000);
  const resident = await (await browser.newContext({ ...phone, baseURL })).newPage();
  const street = await (await browser.newContext({ ...phone, baseURL })).newPage();
  const lead = await (await browser.newContext({ ...phone, baseURL })).newPage();
  await login(resident, '13800000011');
  const id = await reportCase(resident, `商户占道经营堵塞通道${Date.now() % 100000}`);

  // 呼叫: the street confirms, picks the lead and an assisting department.
  await login(street, '13800000002');
  await open(street, `/case/${id}`);
  const card = street.getByTestId('case');
  await street.getByRole('button', { name: '确认', exact: true }).click();
  await expect(card).toHaveAttribute('data-status', 'confirmed');
  await street.getByTestId('department').selectOption({ label: '区城市管理局' });
  // The lead is not offered as its own assistant.
  const assisting = street.getByTestId('assisting');
  await expect(assisting.getByLabel('区城市管理局')).toHaveCount(0);
  await assisting.getByLabel('区市场监督管理局').check();
  await street.getByRole('button', { name: '吹哨·职能部门' }).click();
  await expect(card).toHaveAttribute('data-status', 'dispatched');
  const panel = street.getByTestId('whistle');
  await expect(panel.getByTestId('whistle-part')).toHaveCount(2);
  await expect(panel.locator('[data-department="SJ"]')).toHaveAttribute('data-state', 'called');

  // 分办 and 联动: the lead department accepts, then reports with a photo.
  await login(lead, '13800000007');
  await open(lead, `/case/${id}`);
  const mine = lead.getByTestId('whistle');
  await mine.getByRole('button', { name: '签收', exact: true }).click();
  await expect(lead.getByTestId('case')).toHaveAttribute('data-status', 'in_progress');
  // Reporting without words asks for them, in Chinese.
  await lead.getByTestId('whistle').getByRole('button', { name: '报到', exact: true }).click();
  await expect(lead.getByRole('alert')).toContainText('报到情况');
  await lead.getByTestId('whistle-note').fill('已劝离商户，通道已清空');
  await lead.getByTestId('whistle-photos').setInputFiles({ name: 'after.png', mimeType: 'image/png', buffer: png });
  await lead.getByTestId('whistle').getByRole('button', { name: '报到', exact: true }).click();
  await expect(lead.getByTestId('whistle').locator('[data-department="CG"]')).toHaveAttribute('data-state', 'reported');
  await expect(lead.getByTestId('whistle').locator('[data-department="CG"] img')).toHaveCount(1);

  // 销号: the street's page follows live; every department must be rated.
  const close = panel.getByRole('button', { name: '销号', exact: true });
  await expect(close).toBeVisible();
  await street.getByTestId('whistle-note').fill('核查：通道已畅通');
  await close.click();
  await expect(street.getByRole('alert')).toContainText('评分');
  await street.getByTestId('rate-CG').selectOption('5');
  await street.getByTestId('rate-SJ').selectOption('3');
  // A change elsewhere reloads the street's page live (the resident adds a
  // photo): what it typed and rated is still there, and shows.
  const photos = street.getByTestId('photos').locator('img');
  const before = await photos.count();
  const added = await resident.request.post(`/api/v1/cases/${id}/photos`, { headers: { 'content-type': 'image/png' }, data: png });
  expect(added.ok()).toBeTruthy();
  await expect(photos).toHaveCount(before + 1);
  await expect(street.getByTestId('whistle-note')).toHaveValue('核查：通道已畅通');
  await expect(street.getByTestId('rate-CG')).toHaveValue('5');
  await expect(street.getByTestId('rate-SJ')).toHaveValue('3');
  await close.click();
  await expect(card).toHaveAttribute('data-status', 'resolved');
  await expect(panel).toHaveAttribute('data-state', 'closed');
  await expect(panel.locator('[data-department="CG"]')).toContainText('★★★★★');

  // The resident reads the result, never the departments' working record.
  await open(resident, `/case/${id}`);
  await expect(resident.getByTestId('case')).toHaveAttribute('data-status', 'resolved');
  await expect(resident.getByTestId('result')).toHaveText('核查：通道已畅通');
  await expect(resident.getByTestId('whistle')).toHaveCount(0);
  await expect(resident.getByTestId('timeline')).not.toContainText('劝离');
});
