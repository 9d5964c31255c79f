import { test, expect } from '@playwright/test';
import { open, login } from './helpers.mjs';

const phone = { viewport: { width: 390, height: 844 }, locale: 'zh-CN', isMobile: true, hasTouch: true };

test('三张清单: the community takes up a suggested resource for a need, edits the project\'s resources and closes the need', async ({ browser, baseURL }) => {
  test.setTimeout(120_000);
  const ctx = async () => (await browser.newContext({ ...phone, baseURL })).newPage();
  const [unit, admin, stranger] = [await ctx(), await ctx(), await ctx()];
  const tag = Date.now() % 100000;
  const offer = `上门陪老人聊天${tag}`;
  const wanted = `独居老人陪伴${tag}`;

  // The unit offers a resource (care, the need form's first category).
  await login(unit, '13800000009');
  const res = await unit.request.post('/api/add_resource', {
    form: { category: 'care', title: offer, detail: '', availability: '每周六上午' },
  });
  expect(res.ok(), await res.text()).toBeTruthy();

  // The community adds a need, leaving the community and category as shown.
  await login(admin, '13800000003');
  await open(admin, '/lists');
  await admin.locator('summary', { hasText: '添加需求' }).click();
  const needForm = admin.locator('details', { hasText: '添加需求' });
  await needForm.getByLabel('标题').fill(wanted);
  await needForm.getByRole('button', { name: '添加需求' }).click();
  const need = admin.getByTestId('needs').locator('li', { hasText: wanted });
  await expect(need).toBeVisible();

  // Its matching resources: take the unit's up.
  await need.getByRole('button', { name: '匹配资源' }).click();
  const suggestion = need.getByTestId('suggestions').locator('li', { hasText: offer });
  await suggestion.getByTestId('accept-resource').click();
  const project = admin.locator(`[data-testid=projects] > li[data-title="${wanted}"]`);
  await expect(project.getByTestId('project-resources')).toContainText(offer);

  // A stranger sees the project with its resource, and no editing.
  await open(stranger, '/lists');
  await expect(stranger.locator(`[data-testid=projects] > li[data-title="${wanted}"]`).getByTestId('project-resources')).toContainText(offer);
  await expect(stranger.getByTestId('link-editor')).toHaveCount(0);
  await expect(stranger.getByTestId('close-need')).toHaveCount(0);

  // The project's resources edited from the page. The editor stays open while
  // the list is drawn again (here after the progress is saved beside it).
  const editor = project.getByTestId('link-editor');
  const tick = editor.getByLabel(new RegExp(offer));
  await project.locator('summary', { hasText: '编辑关联' }).click();
  await expect(tick).toBeVisible();
  await project.getByLabel('进度').fill('30');
  await project.locator('.row').getByRole('button', { name: '保存' }).click();
  await expect(project).toContainText('30%');
  await expect(tick).toBeVisible();
  await expect(tick).toBeChecked();
  await tick.uncheck();
  await editor.getByTestId('save-links').click();
  await expect(project.getByTestId('project-resources')).not.toContainText(offer);
  // Saved: the editor closes.
  await expect(editor).toBeHidden();

  // The need is met: closed, once the phone's question is answered.
  admin.once('dialog', (d) => d.accept());
  await admin.getByTestId('needs').locator('li', { hasText: wanted }).getByTestId('close-need').click();
  await expect(admin.getByTestId('needs').locator('li', { hasText: wanted }).getByTestId('need-closed')).toBeVisible();
  const width = await admin.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(390);
});
