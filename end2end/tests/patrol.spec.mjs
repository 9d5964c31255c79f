import { test, expect } from '@playwright/test';
import { open, login } from './helpers.mjs';

const phone = { viewport: { width: 390, height: 844 }, locale: 'zh-CN', isMobile: true, hasTouch: true };
const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAAABJRU5ErkJggg==', 'base64');

test('a grid worker patrols: starts, logs a visit with a photo, files a finding as a case, and ends', async ({ browser, baseURL }) => {
  test.setTimeout(90_000);
  const context = await browser.newContext({
    ...phone,
    baseURL,
    geolocation: { latitude: 36.6372, longitude: 117.0135, accuracy: 10 },
    permissions: ['geolocation'],
  });
  const worker = await context.newPage();
  await login(worker, '13800000005');
  // From the worker's home, as a first-time user finds it.
  await worker.getByTestId('shortcut-patrol').click();
  await expect(worker).toHaveURL(/\/patrol$/);
  await expect(worker.getByTestId('day-rule')).toBeVisible();
  await worker.getByTestId('start-patrol').click();
  const running = worker.getByTestId('running-patrol');
  await expect(running).toBeVisible();
  // The first point is recorded at once.
  await expect(worker.getByTestId('points')).not.toHaveText('0');

  // A visit: the kind select already shows 入户走访 and is left alone.
  await worker.getByTestId('log-visit').click();
  await expect(worker.getByTestId('visit-form').getByRole('alert')).toBeVisible();
  await worker.getByTestId('visit-subject').fill('3号楼2单元');
  await worker.getByTestId('visit-note').fill('楼道堆放纸箱，存在消防隐患');
  await worker.getByTestId('visit-photos').setInputFiles({ name: 'hall.png', mimeType: 'image/png', buffer: png });
  await worker.getByTestId('log-visit').click();
  const visit = worker.getByTestId('visit').filter({ hasText: '3号楼2单元' });
  await expect(visit).toBeVisible();
  await expect(visit.locator('img')).toHaveCount(1);

  // The finding becomes a case in one tap, once a category is chosen.
  await visit.getByTestId('to-case').click();
  await expect(visit.getByRole('alert')).toContainText('类别');
  await visit.getByTestId('finding-category').selectOption({ index: 1 });
  await visit.getByTestId('to-case').click();
  const filed = visit.getByTestId('visit-case');
  await expect(filed).toBeVisible();
  const href = await filed.getAttribute('href');

  // Ending it stores the patrol; the start button is back.
  await worker.getByTestId('end-patrol').click();
  await expect(worker.getByTestId('start-patrol')).toBeVisible();
  await expect(worker.getByTestId('recent-patrols')).toBeVisible();
  await expect(worker.getByTestId('worker-days')).toContainText('网格员 张伟');

  // The case carries the finding, from patrol, with the visit's photo.
  await open(worker, href);
  const card = worker.getByTestId('case');
  await expect(card).toHaveAttribute('data-status', 'reported');
  await expect(card).toContainText('3号楼2单元');
  await expect(card).toContainText('主动发现');
  await expect(worker.getByTestId('photos').locator('img')).toHaveCount(1);

  // A resident is told the page is for grid staff.
  const resident = await (await browser.newContext({ ...phone, baseURL })).newPage();
  await login(resident, '13800000011');
  await open(resident, '/patrol');
  await expect(resident.getByText('巡查走访仅限网格工作人员使用。')).toBeVisible();
  await expect(resident.getByTestId('start-patrol')).toHaveCount(0);
});
