import { test, expect } from '@playwright/test';
import { open, login, watchErrors } from './helpers.mjs';

test('the map draws every demo grid and a tap opens that grid\'s card', async ({ page, request }) => {
  const problems = watchErrors(page);
  const layer = await (await request.get('/api/v1/grids.geojson')).json();
  const total = layer.features.length;
  expect(total).toBeGreaterThanOrEqual(60);

  await open(page, '/');
  await expect(page.locator('#grid-map')).toHaveAttribute('data-grids-drawn', String(total));
  await expect(page.locator('path.grid-poly')).toHaveCount(total);
  await expect(page.locator('path.grid-dedicated')).toHaveCount(
    layer.features.filter((f) => f.properties.kind === 'dedicated').length);
  await expect(page.locator('.map-status')).toContainText(`${total}个网格`);

  // A plain base grid (no hole), tapped in its middle.
  const code = '370103-001-002-06';
  const expected = layer.features.find((f) => f.properties.code === code).properties;
  await page.locator(`path.gc-${code}`).tap();
  const card = page.getByTestId('grid-card');
  await expect(card).toBeVisible();
  await expect(card.getByTestId('card-code')).toHaveText(code);
  await expect(card.locator('h2')).toHaveText(expected.name);
  await expect(card).toContainText(expected.community_name);
  await expect(card).toContainText('网格长');
  // Part-time workers did not consent to show their phone.
  await expect(card).toContainText('未公开');
  // Closed, it goes; the next tap brings it back.
  await card.getByRole('button', { name: '关闭' }).click();
  await expect(card).toHaveCount(0);
  await page.locator(`path.gc-${code}`).tap();
  await expect(card.getByTestId('card-code')).toHaveText(code);

  await card.getByRole('link', { name: '查看网格公示页' }).click();
  await expect(page).toHaveURL(new RegExp(`/grid/${code}$`));
  await expect(page.getByTestId('grid-public')).toContainText(expected.name);
  expect(problems).toEqual([]);
});

test('search by code and zoom to a community', async ({ page }) => {
  await open(page, '/');
  await expect(page.locator('#grid-map')).toHaveAttribute('data-grids-drawn', /\d+/);
  await page.getByRole('searchbox').fill('领秀城');
  await page.getByRole('button', { name: '搜索' }).click();
  const results = page.locator('.search-results button');
  await expect(results.first()).toContainText('领秀城');
  await results.first().click();
  await expect(page.locator('.search-results')).toHaveCount(0);

  await page.getByRole('searchbox').fill('没有这个地方');
  await page.getByRole('button', { name: '搜索' }).click();
  await expect(page.locator('.search-empty')).toHaveText('没有找到匹配的网格或社区。');

  const picker = page.locator('select.community-picker');
  await picker.selectOption({ label: '七里山社区 · 舜玉路街道' });
  // Zoomed in far enough that grid codes are labelled.
  await expect(page.locator('.grid-label').first()).toBeVisible();
});

test('the case layer shows the public board\'s cases on the map and hides them again', async ({ page, request }) => {
  const problems = watchErrors(page);
  const board = await (await request.post('/api/map_cases', { form: {} })).json();
  expect(board.length).toBeGreaterThan(0);
  await open(page, '/');
  await expect(page.locator('#grid-map')).toHaveAttribute('data-grids-drawn', /\d+/);
  const toggle = page.getByTestId('case-layer');
  await expect(toggle).not.toBeChecked();
  await toggle.check();
  await expect(page.getByTestId('case-count')).toHaveText(new RegExp(`^\\s*\\(${board.length}\\)$`));
  await expect(page.locator('path.case-dot')).toHaveCount(board.length);
  await toggle.uncheck();
  await expect(page.getByTestId('case-count')).toHaveCount(0);
  await expect(page.locator('path.case-dot')).toHaveCount(0);
  expect(problems).toEqual([]);
});

test('leaving the map and coming back gives one fresh map whose layer and card work', async ({ page, request }) => {
  const problems = watchErrors(page);
  const total = (await (await request.get('/api/v1/grids.geojson')).json()).features.length;
  await open(page, '/');
  await expect(page.locator('#grid-map')).toHaveAttribute('data-grids-drawn', String(total));
  await page.getByTestId('case-layer').check();
  await expect(page.getByTestId('case-count')).toBeVisible();
  await page.getByTestId('nav-wishes').click();
  await expect(page.getByTestId('wall')).toBeVisible();
  await page.getByTestId('nav-map').click();
  await expect(page.locator('#grid-map')).toHaveAttribute('data-grids-drawn', String(total));
  await expect(page.locator('.leaflet-container')).toHaveCount(1);
  await expect(page.locator('path.grid-poly')).toHaveCount(total);
  // The last visit's layer went with it.
  await expect(page.getByTestId('case-layer')).not.toBeChecked();
  await expect(page.locator('path.case-dot')).toHaveCount(0);
  await expect(page.getByTestId('case-count')).toHaveCount(0);
  const code = '370103-001-002-06';
  await page.locator(`path.gc-${code}`).tap();
  const card = page.getByTestId('grid-card');
  await expect(card.getByTestId('card-code')).toHaveText(code);
  await card.getByRole('button', { name: '关闭' }).click();
  await page.getByTestId('case-layer').check();
  await expect(page.getByTestId('case-count')).toBeVisible();
  expect(problems).toEqual([]);
});

test('locate me finds the grid at the device position', async ({ browser, baseURL }) => {
  const context = await browser.newContext({
    baseURL, viewport: { width: 390, height: 844 }, locale: 'zh-CN',
    geolocation: { latitude: 36.6372, longitude: 117.0285 }, permissions: ['geolocation'],
  });
  const page = await context.newPage();
  await open(page, '/');
  await expect(page.locator('#grid-map')).toHaveAttribute('data-grids-drawn', /\d+/);
  await page.getByRole('button', { name: '定位我' }).click();
  await expect(page.getByTestId('located')).toContainText('十六里河街道 · 土屋社区');
  await context.close();
});

test('the interface switches to English and back', async ({ page }) => {
  await open(page, '/');
  await page.getByRole('button', { name: 'EN' }).click();
  await expect(page.getByRole('link', { name: 'Map', exact: true })).toBeVisible();
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  await page.getByRole('button', { name: '中文' }).click();
  await expect(page.getByRole('link', { name: '地图', exact: true })).toBeVisible();
});

// Leaflet is in the HTML of the pages that open on a map only; a map reached from
// another page loads it then (the wall no longer pays for it: docs/performance.md).
test('a page without a map does not load Leaflet, and the map still draws when reached from it', async ({ page, request }) => {
  const problems = watchErrors(page);
  const total = (await (await request.get('/api/v1/grids.geojson')).json()).features.length;
  const leaflet = [];
  page.on('request', (r) => { if (r.url().includes('/leaflet/')) leaflet.push(r.url()); });
  await open(page, '/wishes');
  await expect(page.getByTestId('wall')).toBeVisible();
  expect(leaflet).toEqual([]);
  expect(await page.evaluate(() => typeof window.L)).toBe('undefined');

  await page.getByTestId('nav-map').click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.locator('#grid-map')).toHaveAttribute('data-grids-drawn', String(total));
  await expect(page.locator('path.grid-poly')).toHaveCount(total);
  expect(leaflet.some((u) => u.endsWith('/leaflet/leaflet.js'))).toBe(true);
  expect(leaflet.some((u) => u.endsWith('/leaflet/leaflet.css'))).toBe(true);

  // And the report form's map, reached in the app from a page without Leaflet.
  await login(page, '13800000011');
  await open(page, '/wishes');
  await page.getByTestId('nav-report').click();
  await expect(page).toHaveURL(/\/report$/);
  await expect(page.locator('#report-map .leaflet-container, #report-map.leaflet-container')).toHaveCount(1);
  expect(problems).toEqual([]);
});
