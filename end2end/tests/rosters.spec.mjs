import { test, expect } from '@playwright/test';
import { open, login } from './helpers.mjs';

const phone = { viewport: { width: 390, height: 844 }, locale: 'zh-CN', isMobile: true, hasTouch: true };
const GRID = '370103-001-001-01';

test('the community admin checks staffing and edits a roster; others are kept out', async ({ browser, baseURL }) => {
  test.setTimeout(90_000);
  const admin = await (await browser.newContext({ ...phone, baseURL })).newPage();
  await login(admin, '13800000003');
  await open(admin, '/admin');
  await admin.getByTestId('rosters-link').click();
  await expect(admin).toHaveURL(/\/rosters$/);
  // The community's grids against 1+1+N+X: the demo is fully staffed.
  const row = admin.getByTestId('staffing').locator(`tr[data-grid="${GRID}"]`);
  await expect(row).toContainText('1/1/2/1');
  await expect(row).toContainText('配备齐全');

  // A part-time worker's duties change.
  await row.getByRole('button', { name: '编辑' }).click();
  const editor = admin.getByTestId('roster-editor');
  const person = editor.locator('li[data-phone="13900010003"]');
  await expect(person).toBeVisible();
  await person.getByLabel('职责').fill('协助巡查，联系5号楼');
  await person.getByRole('button', { name: '保存' }).click();
  await expect(editor.getByRole('status')).toContainText('已保存');
  await expect(editor.locator('li[data-phone="13900010003"]').getByLabel('职责')).toHaveValue('协助巡查，联系5号楼');

  // Someone without an account cannot be put on the grid: said plainly.
  await editor.getByTestId('roster-phone').fill('13999999999');
  await editor.getByRole('button', { name: '加入本网格' }).click();
  await expect(editor.getByRole('alert')).toContainText('手机号');

  // A grid worker is told the page is for admins; a stranger is asked to sign in.
  const worker = await (await browser.newContext({ ...phone, baseURL })).newPage();
  await login(worker, '13800000005');
  await open(worker, '/rosters');
  await expect(worker.getByText('网格力量配备需要社区、街道或系统管理员账号')).toBeVisible();
  const stranger = await (await browser.newContext({ ...phone, baseURL })).newPage();
  await open(stranger, '/rosters');
  await expect(stranger.getByTestId('sign-in-prompt')).toBeVisible();
});
