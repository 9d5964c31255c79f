import { test, expect } from '@playwright/test';
import { open, login } from './helpers.mjs';

const phone = { viewport: { width: 390, height: 844 }, locale: 'zh-CN', isMobile: true, hasTouch: true };

/** The demo resident reports a 市容环境 problem in grid 370103-001-001-01, as a
 * resident goes through the form; returns the case's id and its category. */
async function reportInTheDemoGrid(resident, description) {
  await login(resident, '13800000011');
  await open(resident, '/report');
  await resident.getByTestId('category-top').selectOption({ label: '市容环境' });
  await resident.getByTestId('category-sub').selectOption({ index: 1 });
  const category = (await resident.getByTestId('category-sub').locator('option:checked').textContent()).trim();
  await resident.getByLabel('问题描述').fill(description);
  await resident.locator('#report-map path.gc-370103-001-001-01').click();
  await expect(resident.getByTestId('picked-place')).toBeVisible();
  await resident.getByRole('button', { name: '提交' }).click();
  await expect(resident).toHaveURL(/\/case\/\d+\?submitted=1$/);
  return { id: new URL(resident.url()).pathname.split('/').pop(), category };
}

test('a resident report travels the whole loop, live on both phones', async ({ browser, baseURL }) => {
  test.setTimeout(120_000);
  const resident = await (await browser.newContext({ ...phone, baseURL })).newPage();
  const worker = await (await browser.newContext({ ...phone, baseURL })).newPage();

  // The grid worker watches the grid inbox.
  await login(worker, '13800000005');
  await open(worker, '/cases');
  await expect(worker.locator('body')).toHaveAttribute('data-live', 'true');
  await expect(worker.getByRole('tab').first()).toContainText('网格待办');

  // The resident reports a broken street light at a map tap.
  await login(resident, '13800000011');
  await open(resident, '/report');
  await resident.getByTestId('category-top').selectOption({ label: '设施维修' });
  await resident.getByTestId('category-sub').selectOption({ label: '路灯不亮' });
  await resident.getByLabel('问题描述').fill('小区东门路灯不亮，晚上看不清路');
  await resident.locator('#report-map path.gc-370103-001-001-01').click();
  await expect(resident.getByTestId('picked-place')).toContainText('兴隆社区第1网格');
  // A photo from the phone's gallery (a 1×1 PNG).
  const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
  await resident.getByTestId('photos').setInputFiles({ name: 'light.png', mimeType: 'image/png', buffer: png });
  await resident.getByRole('button', { name: '提交' }).click();
  await expect(resident).toHaveURL(/\/case\/\d+\?submitted=1$/);
  const id = new URL(resident.url()).pathname.split('/').pop();
  await expect(resident.getByTestId('submitted')).toBeVisible();
  await expect(resident.getByTestId('case-number')).toHaveText(`#${id}`);
  await expect(resident.getByTestId('case')).toHaveAttribute('data-status', 'reported');
  await expect(resident.getByTestId('due-at')).toBeVisible();
  await expect(resident.getByTestId('photos').locator('img')).toHaveCount(1);

  // It arrives in the worker's inbox without a reload.
  const row = worker.locator('.case-list a', { hasText: `#${id}` });
  await expect(row).toBeVisible();
  await expect(worker.getByTestId('unseen')).toHaveText(/^[1-9]\d*$/);
  await row.click();
  const card = worker.getByTestId('case');
  await expect(card).toHaveAttribute('data-status', 'reported');
  await expect(worker.getByTestId('photos').locator('img')).toHaveCount(1);
  const act = async (name, status) => {
    await worker.getByRole('button', { name, exact: true }).click();
    await expect(card).toHaveAttribute('data-status', status);
  };
  await act('确认', 'confirmed');
  await act('派单·网格立即解决', 'dispatched');
  await act('接单', 'in_progress');
  await worker.getByLabel('说明').fill('已更换路灯灯泡，恢复照明');
  await act('办结处理', 'resolved');
  await act('反馈居民', 'fed_back');

  // The resident's page follows live, shows the result, and rates it.
  await expect(resident.getByTestId('case')).toHaveAttribute('data-status', 'fed_back');
  await expect(resident.getByTestId('result')).toHaveText('已更换路灯灯泡，恢复照明');
  await resident.getByTestId('stars').selectOption('5');
  await resident.getByRole('button', { name: '评价', exact: true }).click();
  await expect(resident.getByTestId('case')).toHaveAttribute('data-status', 'evaluated');

  await expect(card).toHaveAttribute('data-status', 'evaluated');
  await act('结案', 'closed');
  await expect(resident.getByTestId('case')).toHaveAttribute('data-status', 'closed');
  await expect(resident.getByTestId('timeline').locator('li')).toHaveCount(8);
  // The timeline reads as what happened, newest first.
  await expect(resident.getByTestId('timeline').locator('li').first()).toContainText('已结案');
  await expect(resident.getByTestId('timeline').locator('li').last()).toContainText('提交了上报');
});

// The street's queue opens on 待办; its 已超期 tab lists overdue cases only, as many
// as its count says (up to a page), each flagged.
test('overdue cases are flagged in the street queue', async ({ page }) => {
  await login(page, '13800000002');
  await open(page, '/cases');
  await expect(page.getByRole('tab').first()).toContainText('街道');
  await expect(page.getByTestId('view-todo')).toHaveClass(/active/);
  await page.getByTestId('view-overdue').click();
  const count = page.getByTestId('view-overdue').locator('.count');
  await expect(count).toHaveText(/^[1-9]\d*$/);
  const rows = page.locator('.case-list li');
  await expect(rows).toHaveCount(Math.min(Number(await count.textContent()), 20));
  await expect(page.locator('.case-list .flag.overdue')).toHaveCount(await rows.count());
});

// Issue 10: a new case has a named owner, who is told; the grid leader gives it to
// another of the grid's staff. The resident sees neither.
test('a new report is named to its grid worker, who is told, and the leader reassigns it', async ({ browser, baseURL }) => {
  test.setTimeout(120_000);
  const resident = await (await browser.newContext({ ...phone, baseURL })).newPage();
  const { id, category } = await reportInTheDemoGrid(resident, '单元门口堆了很多装修垃圾，一周没人清');
  await expect(resident.getByTestId('owner')).toHaveCount(0);

  const worker = await (await browser.newContext({ ...phone, baseURL })).newPage();
  await login(worker, '13800000005');
  await open(worker, '/notices');
  await expect(worker.getByText(new RegExp(`事件「[^」]*${category}」已交由您负责，请及时处置`)).first()).toBeVisible();
  await open(worker, `/case/${id}`);
  await expect(worker.getByTestId('owner')).toContainText('网格员 张伟');
  await expect(worker.getByTestId('assign')).toHaveCount(0);
  // The place on a map, and navigation to it for the worker going there.
  await expect(worker.locator('#case-map')).toHaveAttribute('data-drawn', '1');
  await expect(worker.locator('#case-map .me-dot')).toBeAttached();
  await expect(worker.getByTestId('navigate')).toHaveAttribute('href', /^https:\/\/uri\.amap\.com\/marker\?position=117\.\d+,36\.\d+&coordinate=wgs84/);
  await expect(worker.getByTestId('contact').locator('a[href^="tel:"]')).toBeVisible();

  const leader = await (await browser.newContext({ ...phone, baseURL })).newPage();
  await login(leader, '13800000004');
  await open(leader, `/case/${id}`);
  await expect(leader.getByTestId('owner')).toContainText('网格员 张伟');
  // The picker shows the owner; nothing to do until another person is chosen.
  const picker = leader.getByTestId('assign-to');
  await expect(picker.locator('option:checked')).toContainText('网格员 张伟');
  await expect(leader.getByTestId('assign-button')).toBeDisabled();
  const other = picker.locator('option', { hasText: '兼职网格员' }).first();
  const name = (await other.textContent()).split(' · ')[0].trim();
  await picker.selectOption({ label: (await other.textContent()).trim() });
  await leader.getByTestId('assign-button').click();
  await expect(leader.getByTestId('owner')).toContainText(name);
  await expect(leader.getByTestId('timeline').locator('li').first()).toContainText('赵敏 改派了负责人');

  // The resident's page has no owner and no staff arrangement on its timeline.
  await resident.reload();
  await expect(resident.getByTestId('case')).toBeVisible();
  await expect(resident.getByTestId('owner')).toHaveCount(0);
  await expect(resident.getByTestId('timeline')).not.toContainText('改派');
  // A stranger reads the board's view: no navigation to a blurred place.
  const stranger = await (await browser.newContext({ ...phone, baseURL })).newPage();
  await open(stranger, `/case/${id}`);
  await expect(stranger.getByTestId('navigate')).toHaveCount(0);
});

// Issue 10, 立即解决: the grid worker settles a new report on the spot in one step
// (受理并自行处置) with a photo after handling; a readable message says what is
// missing first. The resident then has the result and the after photo, and rates it.
test('a grid worker solves a new report at once, with a photo after', async ({ browser, baseURL }) => {
  test.setTimeout(120_000);
  const resident = await (await browser.newContext({ ...phone, baseURL })).newPage();
  const { id } = await reportInTheDemoGrid(resident, '楼道里堆的纸箱挡住了消防通道');
  await expect(resident.getByTestId('solve-now')).toHaveCount(0);

  const worker = await (await browser.newContext({ ...phone, baseURL })).newPage();
  await login(worker, '13800000005');
  await open(worker, `/case/${id}`);
  const panel = worker.getByTestId('solve-now');
  await expect(panel).toBeVisible();
  await panel.getByTestId('solve-submit').click();
  await expect(panel.getByRole('alert')).toHaveText('请填写办理结果。');
  await panel.getByTestId('solve-result').fill('纸箱已清走，通道畅通');
  await panel.getByTestId('solve-submit').click();
  await expect(panel.getByRole('alert')).toHaveText('请先拍一张处置后的照片。');
  const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
  await panel.getByTestId('photo-after').setInputFiles({ name: 'after.png', mimeType: 'image/png', buffer: png });
  await panel.getByTestId('solve-submit').click();
  await expect(worker.getByTestId('solve-now')).toHaveCount(0);
  await expect(worker.getByTestId('timeline').locator('li').first()).toContainText('立即解决：受理并自行处置');
  await expect(worker.getByTestId('result')).toHaveText('纸箱已清走，通道畅通');

  await open(resident, `/case/${id}`);
  await expect(resident.getByTestId('result')).toHaveText('纸箱已清走，通道畅通');
  await expect(resident.locator('[data-testid="photos"] a[data-phase="after"]')).toHaveCount(1);
  await expect(resident.locator('[data-testid="actions"] [data-action="evaluate"]')).toBeVisible();
});
