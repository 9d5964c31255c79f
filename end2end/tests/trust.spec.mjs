import { test, expect } from '@playwright/test';
import { open, login, reportCase } from './helpers.mjs';
import zlib from 'node:zlib';

const phone = { viewport: { width: 390, height: 844 }, locale: 'zh-CN', isMobile: true, hasTouch: true };

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
  // Meanwhile the resident adds a photo: the street's page reloads live, and
  // the department it picked still shows as picked (a rebuilt select once
  // showed "choose one" over it).
  const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
  const added = await resident.request.post(`/api/v1/cases/${id}/photos`, { headers: { 'content-type': 'image/png' }, data: png });
  expect(added.ok()).toBeTruthy();
  await expect(street.getByTestId('photos').locator('img')).toHaveCount(1);
  await expect(select).toHaveValue('CG');
  await expect(select.locator('option:checked')).toHaveText('区城市管理局');
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

/** A PNG of random pixels (incompressible, so a few MB on the wire). */
function noisyPng(width, height) {
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body) >>> 0);
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const row = width * 3 + 1;
  const raw = Buffer.alloc(row * height);
  for (let y = 0; y < height; y++) {
    raw[y * row] = 0;
    for (let i = 1; i < row; i++) raw[y * row + i] = (Math.random() * 256) | 0;
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw, { level: 1 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

test('an ordinary 5 MB phone photo uploads from the report form', async ({ browser, baseURL }) => {
  test.setTimeout(90_000);
  const resident = await (await browser.newContext({ ...phone, baseURL })).newPage();
  const photo = noisyPng(1300, 1300);
  expect(photo.length).toBeGreaterThan(5_000_000);
  expect(photo.length).toBeLessThan(10_000_000);
  await login(resident, '13800000011');
  await open(resident, '/report');
  await resident.getByTestId('category-top').selectOption({ label: '设施维修' });
  await resident.getByTestId('category-sub').selectOption({ label: '井盖缺失' });
  await resident.getByLabel('问题描述').fill('人行道井盖缺失，附现场照片');
  await resident.locator('#report-map path.gc-370103-001-001-01').click();
  await resident.getByTestId('photos').setInputFiles({ name: 'IMG_0001.png', mimeType: 'image/png', buffer: photo });
  await resident.getByRole('button', { name: '提交' }).click();
  await expect(resident).toHaveURL(/\/case\/\d+\?submitted=1$/, { timeout: 60_000 });
  await expect(resident.getByTestId('photos').locator('img')).toHaveCount(1);
});
