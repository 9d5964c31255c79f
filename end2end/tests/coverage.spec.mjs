import { test, expect } from '@playwright/test';
import { open, login } from './helpers.mjs';

const phone = { viewport: { width: 390, height: 844 }, locale: 'zh-CN', isMobile: true, hasTouch: true };

test('the street admin checks coverage; an overlapping import is refused naming both grids', async ({ browser, baseURL }) => {
  test.setTimeout(90_000);
  const street = await (await browser.newContext({ ...phone, baseURL })).newPage();
  await login(street, '13800000002');
  await open(street, '/admin');
  await street.getByTestId('coverage-link').click();
  await expect(street).toHaveURL(/\/coverage$/);
  // The street's own area is checked at once: the demo street has no gap or overlap.
  await expect(street.getByTestId('coverage-summary')).toContainText('已检查网格：38');
  await expect(street.getByTestId('coverage-summary')).toContainText('无盲区、无重叠');
  await expect(street.locator('#coverage-map')).toHaveAttribute('data-drawn', '1');
  await expect(street.locator('#coverage-map .grid-poly').first()).toBeAttached();
  // One community, closer (the select already showed the street; change it once).
  await street.getByTestId('coverage-area').selectOption({ label: '· 兴隆社区' });
  await expect(street.getByTestId('coverage-summary')).toContainText('已检查网格：13');

  // The system admin pastes a grid that reaches into demo grid 01: refused,
  // both grids named, nothing written.
  const admin = await (await browser.newContext({ ...phone, baseURL })).newPage();
  await login(admin, '13800000001');
  await open(admin, '/admin');
  const square = [[117.013, 36.637], [117.014, 36.637], [117.014, 36.6378], [117.013, 36.6378], [117.013, 36.637]];
  const file = { type: 'FeatureCollection', features: [{ type: 'Feature',
    properties: { level: 'grid', code: '370103-001-001-X9', name: '测试网格', parent: '370103-001-001', kind: 'base' },
    geometry: { type: 'Polygon', coordinates: [square] } }] };
  await admin.locator('textarea').first().fill(JSON.stringify(file));
  await admin.getByRole('button', { name: '导入', exact: true }).click();
  const error = admin.getByRole('alert').filter({ hasText: '重叠' });
  await expect(error).toContainText('370103-001-001-X9');
  await expect(error).toContainText('370103-001-001-01');
  await expect(error).toContainText('未写入任何数据');
  const layer = await (await admin.request.get('/api/v1/grids.geojson')).text();
  expect(layer).not.toContain('370103-001-001-X9');

  // A grid worker is told the page is for admins; a stranger is asked to sign in.
  const worker = await (await browser.newContext({ ...phone, baseURL })).newPage();
  await login(worker, '13800000005');
  await open(worker, '/coverage');
  await expect(worker.getByText('覆盖检查需要社区、街道或系统管理员账号')).toBeVisible();
  const stranger = await (await browser.newContext({ ...phone, baseURL })).newPage();
  await open(stranger, '/coverage');
  await expect(stranger.getByTestId('sign-in-prompt')).toBeVisible();
  await expect(stranger.getByTestId('coverage-summary')).toHaveCount(0);
});
