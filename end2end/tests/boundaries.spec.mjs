import { test, expect } from '@playwright/test';
import { open, login, watchErrors } from './helpers.mjs';

const phone = { viewport: { width: 390, height: 844 }, locale: 'zh-CN', isMobile: true, hasTouch: true };
const GRID = '370103-001-001-01';
const CUT = '370103-001-001-E2';

test('a street admin moves a vertex, splits a grid on the map and undoes both', async ({ browser, baseURL }) => {
  test.setTimeout(120_000);
  const street = await (await browser.newContext({ ...phone, baseURL })).newPage();
  const problems = watchErrors(street);
  await login(street, '13800000002');
  await open(street, '/admin');
  await street.getByTestId('boundaries-link').click();
  await expect(street).toHaveURL(/\/boundaries$/);
  const map = street.locator('#boundary-map');
  await expect(map).toHaveAttribute('data-drawn', '1');
  await expect(street.getByTestId('picked')).toContainText('请先在地图上点选一个网格');

  // Tap the demo grid, then reshape it: one corner dragged inwards.
  const grid = map.locator(`.gc-${GRID}`);
  await grid.scrollIntoViewIfNeeded();
  await grid.click();
  await expect(street.getByTestId('picked')).toContainText(GRID);
  await street.getByRole('button', { name: '调整边界' }).click();
  const vertices = map.locator('.vertex-handle');
  await expect(vertices).toHaveCount(4);
  await expect(map.locator('.midpoint-handle')).toHaveCount(4);
  await map.scrollIntoViewIfNeeded();
  const box = await grid.boundingBox();
  const corner = await vertices.nth(2).boundingBox();
  const cx = corner.x + corner.width / 2;
  const cy = corner.y + corner.height / 2;
  await street.mouse.move(cx, cy);
  await street.mouse.down();
  // Towards the middle of the grid, in steps so the map sees a drag.
  await street.mouse.move(cx - box.width * 0.2, cy + box.height * 0.2, { steps: 8 });
  await street.mouse.up();
  await expect(vertices).toHaveCount(4);
  await street.getByTestId('save-boundary').click();
  await expect(street.getByTestId('boundary-saved')).toContainText('已保存');
  const history = street.getByTestId('boundary-change');
  await expect(history.first()).toContainText('调整边界');
  await expect(history.first()).toContainText(GRID);
  await expect(history.first()).toContainText('王主任');
  // Before and after on the map, then undo.
  await history.first().getByRole('button', { name: '对比前后' }).click();
  await expect(map.locator('.version-before')).toHaveCount(1);
  await expect(map.locator('.version-after')).toHaveCount(1);
  await history.first().getByTestId('undo-change').click();
  await expect(history.first()).toContainText('撤销修改');
  await expect(history.nth(1)).toContainText('已撤销');

  // Split: a line tapped across the grid's east side; the larger side
  // keeps the code, the strip becomes a new grid on the map.
  await grid.click();
  await expect(street.getByTestId('picked')).toContainText(GRID);
  await street.getByRole('button', { name: '拆分' }).click();
  // The map frames the grid with room around it to start the line outside.
  await expect(street.getByText('从网格外开始')).toBeVisible();
  await map.scrollIntoViewIfNeeded();
  const g = await grid.boundingBox();
  const x = g.x + g.width * 0.8;
  await street.mouse.click(x, g.y - 12);
  await street.mouse.click(x, g.y + g.height + 12);
  await expect(street.getByText('已点：2')).toBeVisible();
  await expect(map.locator('.edit-line')).toHaveCount(1);
  await street.getByTestId('new-code').fill(CUT);
  await street.getByTestId('new-name').fill('东侧试划网格');
  await street.getByTestId('save-boundary').click();
  await expect(street.getByTestId('boundary-saved')).toContainText('已保存');
  await expect(history.first()).toContainText('拆分网格');
  await expect(map.locator(`.gc-${CUT}`)).toBeAttached();
  const located = await (await street.request.post('/api/search_places', { form: { query: CUT } })).json();
  expect(located.map((p) => p.code)).toContain(CUT);
  // Undo: the new grid leaves the map and the search.
  await history.first().getByTestId('undo-change').click();
  await expect(history.first()).toContainText('撤销修改');
  await expect(map.locator(`.gc-${CUT}`)).toHaveCount(0);
  const gone = await (await street.request.post('/api/search_places', { form: { query: CUT } })).json();
  expect(gone).toEqual([]);
  expect(problems).toEqual([]);

  // A line that misses the grid is refused in words, nothing saved.
  await grid.click();
  await street.getByRole('button', { name: '拆分' }).click();
  await expect(street.getByText('从网格外开始')).toBeVisible();
  await map.scrollIntoViewIfNeeded();
  await street.mouse.click(g.x - 30, g.y + 10);
  await street.mouse.click(g.x - 15, g.y - 25);
  await street.getByTestId('new-code').fill('370103-001-001-E3');
  await street.getByTestId('new-name').fill('试划');
  await street.getByTestId('save-boundary').click();
  await expect(street.getByRole('alert')).toContainText('分割线没有把网格分成两部分');
  await expect(street.getByRole('alert')).toContainText('未保存');

  // A grid worker is told the page is for admins; a stranger is asked to sign in.
  const worker = await (await browser.newContext({ ...phone, baseURL })).newPage();
  await login(worker, '13800000005');
  await open(worker, '/boundaries');
  await expect(worker.getByText('边界调整需要街道管理员或系统管理员账号')).toBeVisible();
  const stranger = await (await browser.newContext({ ...phone, baseURL })).newPage();
  await open(stranger, '/boundaries');
  await expect(stranger.getByTestId('sign-in-prompt')).toBeVisible();
  await expect(stranger.getByTestId('edit-panel')).toHaveCount(0);
});

test('the public map draws street outlines, and community outlines closer in', async ({ browser, baseURL }) => {
  const page = await (await browser.newContext({ ...phone, baseURL })).newPage();
  await open(page, '/');
  await expect(page.locator('#grid-map .grid-poly').first()).toBeAttached();
  await expect(page.locator('#grid-map .street-outline').first()).toBeAttached();
  // Zoomed in a step at a time until the communities show.
  for (let i = 0; i < 3 && (await page.locator('#grid-map .community-outline').count()) === 0; i++) {
    await page.locator('.leaflet-control-zoom-in').click();
  }
  await expect(page.locator('#grid-map .community-outline').first()).toBeAttached();
  // Still the grids answer taps: the outlines lie over them untouchable.
  await page.locator('#grid-map .gc-370103-001-001-01').click({ force: true });
});
