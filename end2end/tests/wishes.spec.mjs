import { test, expect } from '@playwright/test';
import { open, login } from './helpers.mjs';

const phone = { viewport: { width: 390, height: 844 }, locale: 'zh-CN', isMobile: true, hasTouch: true };
const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

test('a wish goes from a resident to a party member, and the points reach the ledger', async ({ browser, baseURL }) => {
  test.setTimeout(150_000);
  const ctx = async () => (await browser.newContext({ ...phone, baseURL })).newPage();
  const [resident, community, member, unit] = [await ctx(), await ctx(), await ctx(), await ctx()];
  const title = `想要一本字典${Date.now() % 100000}`;

  // The member's points before.
  await login(member, '13800000010');
  await open(member, '/service');
  const before = Number(await member.getByTestId('my-points').innerText());

  // The resident posts a wish with a photo.
  await login(resident, '13800000011');
  await open(resident, '/wishes/new');
  await resident.getByTestId('wish-title-input').fill(title);
  await resident.getByTestId('wish-story').fill('孙子上小学了，想给他买一本新华字典。');
  await resident.getByTestId('community').selectOption('370103-001-001');
  await resident.getByTestId('wish-address').fill('阳光花园1号楼3单元502');
  await resident.getByTestId('photos').setInputFiles({ name: 'dict.png', mimeType: 'image/png', buffer: png });
  await resident.getByTestId('submit-wish').click();
  await expect(resident).toHaveURL(/\/wish\/\d+$/);
  const path = new URL(resident.url()).pathname;
  await expect(resident.getByTestId('wish')).toHaveAttribute('data-status', 'pending');
  await expect(resident.getByTestId('photos-shown').locator('img')).toHaveCount(1);

  // The community approves it; the resident hears of it live.
  await login(community, '13800000003');
  await open(community, path);
  await community.getByRole('button', { name: '审核通过' }).click();
  await expect(community.getByTestId('wish')).toHaveAttribute('data-status', 'published');
  await expect(resident.getByTestId('unread')).toHaveText(/^[1-9]\d*$/);

  // The party member finds it on the wall; no contact until claimed.
  await open(member, '/wishes');
  await member.locator('.case-list a', { hasText: title }).click();
  await expect(member.getByTestId('wish')).toHaveAttribute('data-status', 'published');
  await expect(member.getByTestId('contact')).toHaveCount(0);
  await member.getByRole('button', { name: '我来认领' }).click();
  await expect(member.getByTestId('wish')).toHaveAttribute('data-status', 'claimed');
  await expect(member.getByTestId('contact')).toContainText('阳光花园1号楼3单元502');
  await expect(member.getByTestId('claimed-by')).toHaveText('吴**');

  // Fulfils it with a photo, a note and the hours spent.
  await member.getByTestId('wish-photo-input').setInputFiles({ name: 'done.png', mimeType: 'image/png', buffer: png });
  await member.getByTestId('add-photo').click();
  await expect(member.getByText('完成照片')).toBeVisible();
  await member.getByTestId('wish-note').fill('字典已送到老人家中');
  await member.getByTestId('hours').fill('1');
  await member.getByRole('button', { name: '完成心愿' }).click();
  await expect(member.getByTestId('wish')).toHaveAttribute('data-status', 'fulfilled');

  // The resident confirms and thanks.
  await open(resident, path);
  await expect(resident.getByTestId('fulfil-note')).toHaveText('字典已送到老人家中');
  await resident.getByTestId('wish-note').fill('谢谢吴同志！');
  await resident.getByRole('button', { name: '确认并致谢' }).click();
  await expect(resident.getByTestId('wish')).toHaveAttribute('data-status', 'closed');

  // 10 points for the wish and 2 for the hour, on the member's record…
  await open(member, '/service');
  await expect(member.getByTestId('my-points')).toHaveText(String(before + 12));
  // …and in the unit's ledger.
  await login(unit, '13800000009');
  await open(unit, '/service');
  await unit.getByTestId('show-ledger').first().click();
  await expect(unit.getByTestId('ledger')).toContainText(title);
});

test('the public wall shows no private details and filters by kind', async ({ page }) => {
  await open(page, '/wishes');
  const rows = page.locator('[data-testid=wish-list] li');
  await expect(rows.first()).toBeVisible();
  await expect(page.locator('[data-testid=wall]')).not.toContainText('单元');
  await page.locator('select').nth(1).selectOption('service');
  await expect(rows.first()).toContainText('服务类');
});

test('volunteers sign up on a phone and the places left go down', async ({ page }) => {
  await login(page, '13800000011');
  await open(page, '/volunteer');
  const first = page.getByTestId('activity').first();
  await expect(first).toBeVisible();
  const left = Number(await first.getByTestId('places-left').innerText());
  await first.getByTestId('sign-up').click();
  await expect(first.getByTestId('signed-up')).toBeVisible();
  await expect(first.getByTestId('places-left')).toHaveText(String(left - 1));
});

test('the wall opens on the map as a layer of wishes at their communities', async ({ page }) => {
  await open(page, '/?layer=wishes');
  await expect(page.getByTestId('wish-layer')).toBeChecked();
  await expect(page.getByTestId('wish-count')).toHaveText(/\([1-9]\d*\)/);
  await expect(page.locator('path.wish-dot').first()).toBeVisible();
});

test('a unit registers and a member reports on a phone; the community approves both', async ({ browser, baseURL }) => {
  test.setTimeout(120_000);
  const ctx = async () => (await browser.newContext({ ...phone, baseURL })).newPage();
  const [applicant, community] = [await ctx(), await ctx()];
  const stamp = String(Date.now()).slice(-8);
  const unitName = `历下区图书馆${stamp.slice(-4)}`;

  // A new account registers a unit with the community.
  await open(applicant, '/register');
  await applicant.getByLabel('姓名').fill('韩馆长');
  await applicant.getByLabel('手机号').fill(`134${stamp}`);
  await applicant.getByLabel('密码').fill('longenough1');
  await applicant.getByTestId('consent').check();
  await applicant.getByRole('button', { name: '注册' }).click();
  await expect(applicant.getByTestId('me-name')).toHaveText('韩馆长');
  await open(applicant, '/service');
  const units = applicant.getByTestId('units');
  await units.getByText('单位报到').click();
  await units.getByLabel('单位名称').fill(unitName);
  await units.getByLabel('党组织名称').fill('区图书馆党支部');
  await units.getByLabel('联系人').fill('韩馆长');
  await units.getByLabel('联系电话').fill('13912345678');
  await units.getByTestId('community').selectOption('370103-001-001');
  await units.getByRole('button', { name: '提交' }).click();
  await expect(units.getByTestId('unit').filter({ hasText: unitName })).toContainText('待审核');

  // The community sees it waiting and approves it.
  await login(community, '13800000003');
  await open(community, '/service');
  const row = community.getByTestId('unit').filter({ hasText: unitName });
  await expect(row).toContainText('待审核');
  await row.getByRole('button', { name: '通过', exact: true }).click();
  await expect(community.getByTestId('unit').filter({ hasText: unitName })).toContainText('已通过');

  // A resident who is a party member reports under it to the community.
  const member = await ctx();
  await login(member, '13800000011');
  await open(member, '/service');
  const card = member.getByTestId('membership');
  await card.locator('summary').click();
  await card.getByTestId('unit-choice').selectOption({ label: unitName });
  await card.getByTestId('community').selectOption('370103-001-001');
  await card.getByRole('button', { name: '提交报到' }).click();
  await expect(member.getByTestId('membership')).toContainText('待审核');

  await open(community, '/service');
  const who = community.getByTestId('members').locator('li').filter({ hasText: '居民 郑丽' });
  await who.getByRole('button', { name: '通过', exact: true }).click();
  await expect(community.getByTestId('members').locator('li').filter({ hasText: '居民 郑丽' })).toContainText('已通过');
});
