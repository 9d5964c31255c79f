import { test, expect } from '@playwright/test';
import { open, login } from './helpers.mjs';

const phone = { viewport: { width: 390, height: 844 }, locale: 'zh-CN', isMobile: true, hasTouch: true };

test('a grid worker adds a household, pushes a 联户组 task and ticks a door done; strangers are kept out', async ({ browser, baseURL }) => {
  test.setTimeout(120_000);
  const worker = await (await browser.newContext({ ...phone, baseURL })).newPage();
  await login(worker, '13800000005');
  await expect(worker.locator('body')).toHaveAttribute('data-hydrated', 'true');
  await worker.getByTestId('shortcut-households').click();
  await expect(worker).toHaveURL(/\/households$/);
  await expect(worker.getByRole('heading', { name: '人房信息' })).toBeVisible();
  await expect(worker.getByTestId('households-total')).not.toHaveText('0');

  // A new household: the grid select already shows the worker's grid, the
  // housing and the relationship their defaults; left as they are.
  await worker.getByTestId('household-add').click();
  const form = worker.getByTestId('household-form');
  await form.getByTestId('household-building').fill('88号楼');
  await form.getByTestId('household-unit').fill('1单元');
  await form.getByTestId('household-room').fill('101');
  await form.getByTestId('member-name').fill('测试户主');
  await form.getByTestId('member-phone').fill('13912345678');
  await form.getByTestId('member-id').fill('11010519491231002X');
  await form.getByTestId('household-save').click();
  const card = worker.getByTestId('household-card');
  await expect(card.getByRole('heading', { name: '88号楼1单元101' })).toBeVisible();
  // Masked until revealed; the reveal shows the whole number.
  await expect(card.getByTestId('household-members')).toContainText('139****5678');
  await expect(card.getByTestId('household-members')).not.toContainText('13912345678');
  await card.getByTestId('household-reveal').click();
  await expect(card.getByTestId('household-members')).toContainText('13912345678');
  await expect(card.getByTestId('household-members')).toContainText('11010519491231002X');

  // Found again by the start of the name.
  await worker.getByTestId('households-search').fill('测试户');
  await worker.getByRole('button', { name: '搜索' }).click();
  await expect(worker.getByTestId('household-hits')).toContainText('88号楼1单元101');

  // A task for the demo 联户组, then one door ticked done.
  await worker.getByTestId('tab-groups').click();
  const group = worker.locator('[data-testid="group"][data-group="1号楼联户组"]');
  await expect(group).toBeVisible();
  await group.getByTestId('task-title').fill('汛期安全提醒');
  await group.getByTestId('task-push').click();
  const task = group.locator('[data-testid="group-task"][data-task="汛期安全提醒"]');
  await expect(task).toContainText('0 / 12');
  await task.getByTestId('door-done').first().check();
  await expect(task).toContainText('1 / 12');
  await expect(task.getByTestId('door-done').first()).toBeChecked();

  // A stranger is asked to sign in; the resident sees only their own home
  // and the group they lead, with the new task.
  const stranger = await (await browser.newContext({ ...phone, baseURL })).newPage();
  await open(stranger, '/households');
  await expect(stranger.getByTestId('sign-in-prompt')).toBeVisible();
  const resident = await (await browser.newContext({ ...phone, baseURL })).newPage();
  await login(resident, '13800000011');
  await expect(resident.locator('body')).toHaveAttribute('data-hydrated', 'true');
  await resident.getByTestId('shortcut-my_home').click();
  await expect(resident.getByTestId('own-household')).toContainText('1号楼1单元101');
  await expect(resident.getByTestId('own-household')).not.toContainText('88号楼');
  const led = resident.locator('[data-testid="group"][data-group="1号楼联户组"]');
  await expect(led.locator('[data-task="汛期安全提醒"]')).toContainText('1 / 12');
  await expect(led.getByTestId('task-form')).toHaveCount(0);
});
