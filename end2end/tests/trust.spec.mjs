import { test, expect } from '@playwright/test';
import { open, login } from './helpers.mjs';

const phone = { viewport: { width: 390, height: 844 }, locale: 'zh-CN', isMobile: true, hasTouch: true };

/** Reports a case through the API as the page's signed-in user. */
async function reportCase(page, text) {
  const cats = await (await page.request.post('/api/case_categories')).json();
  const sub = cats.find((c) => c.parent_id !== null);
  const res = await page.request.post('/api/report_case', {
    data: { case: { category_id: sub.id, description: text, lat: 36.6372, lng: 117.0135, public: false, source: 'resident', contact_phone: null } },
  });
  expect(res.ok()).toBeTruthy();
  return (await res.json()).id;
}

test('a department is chosen from the district\'s list, never typed', async ({ browser, baseURL }) => {
  const resident = await (await browser.newContext({ ...phone, baseURL })).newPage();
  const street = await (await browser.newContext({ ...phone, baseURL })).newPage();
  await login(resident, '13800000011');
  const id = await reportCase(resident, `占道经营堵塞消防通道${Date.now() % 100000}`);

  await login(street, '13800000002');
  await open(street, `/case/${id}`);
  const card = street.getByTestId('case');
  await street.getByRole('button', { name: '确认', exact: true }).click();
  await expect(card).toHaveAttribute('data-status', 'confirmed');

  // The select offers exactly the departments the server keeps, and
  // starts on "choose one" rather than on somebody's guess.
  const select = street.getByTestId('department');
  const listed = await (await street.request.post('/api/departments')).json();
  await expect(select.locator('option')).toHaveCount(listed.length + 1);
  await expect(select).toHaveValue('');
  // Only codes the district keeps can be chosen at all: the options are
  // exactly the server's list, nothing typed, nothing hard-coded.
  const values = await select.locator('option').evaluateAll((os) => os.map((o) => o.value));
  expect(values).toEqual(['', ...listed.map((d) => d.code)]);
  await expect(select.selectOption('NOPE', { timeout: 1000 })).rejects.toThrow();
  // Whistling without choosing asks for the department, in Chinese.
  await street.getByRole('button', { name: '吹哨·职能部门' }).click();
  await expect(street.getByRole('alert')).toContainText('职能部门');
  await expect(card).toHaveAttribute('data-status', 'confirmed');
  await select.selectOption({ label: '区城市管理局' });
  await street.getByRole('button', { name: '吹哨·职能部门' }).click();
  await expect(card).toHaveAttribute('data-status', 'dispatched');
});

test('staff see the reporter\'s phone to call back, and the audit page lists every contact reveal', async ({ browser, baseURL }) => {
  test.setTimeout(90_000);
  const member = await (await browser.newContext({ ...phone, baseURL })).newPage();
  const admin = await (await browser.newContext({ ...phone, baseURL })).newPage();

  // A unit claims a published wish from the wall: its contact shows.
  await login(member, '13800000009');
  const wall = await (await member.request.get('/api/v1/wishes.json?status=published&limit=100')).json();
  const items = wall.items ?? wall;
  expect(items.length).toBeGreaterThan(0);
  await open(member, `/wish/${items[0].id}`);
  await member.getByRole('button', { name: '以单位认领' }).click();
  await expect(member.getByTestId('contact')).toBeVisible();
  const wishId = new URL(member.url()).pathname.split('/').pop();

  // The system admin finds that reveal in the audit log.
  await login(admin, '13800000001');
  await open(admin, '/audit');
  await admin.getByTestId('audit-action').selectOption('contact_reveal');
  await admin.getByRole('button', { name: '筛选' }).click();
  const line = admin.locator('.audit-line', { hasText: `wish ${wishId}` }).first();
  await expect(line).toBeVisible();
  await expect(line).toContainText('区税务局 孙主任');

  // A stranger is turned away from the audit page.
  await login(member, '13800000011');
  await open(member, '/audit');
  await expect(member.getByText('审计日志仅限系统管理员和街道管理员查看。')).toBeVisible();
});
