import { test, expect } from '@playwright/test';
import { open, login, reportCase } from './helpers.mjs';

const phone = { viewport: { width: 390, height: 844 }, locale: 'zh-CN', isMobile: true, hasTouch: true };

// A first-time resident, as a new user goes: register, then use the forms
// as they come, leaving every select that already shows a value alone.
test('a new resident posts a wish without touching the community picker', async ({ browser, baseURL }) => {
  const page = await (await browser.newContext({ ...phone, baseURL })).newPage();
  await open(page, '/register');
  await page.getByLabel('姓名').fill('新居民');
  await page.getByLabel('手机号').fill(`133${String(Date.now()).slice(-8)}`);
  await page.getByLabel('密码').fill('longenough1');
  await page.getByTestId('consent').check();
  await page.getByRole('button', { name: '注册' }).click();
  await expect(page.getByTestId('me-name')).toHaveText('新居民');

  // The report form keeps a report private unless the resident opts in.
  await open(page, '/report');
  await expect(page.getByTestId('public')).not.toBeChecked();

  await open(page, '/wishes/new');
  const picker = page.getByTestId('community');
  await expect(picker.locator('option').first()).toBeAttached();
  await page.getByTestId('wish-title-input').fill('想要一盏台灯');
  await page.getByTestId('wish-story').fill('晚上看书光线太暗，想要一盏护眼台灯。');
  await page.getByTestId('wish-address').fill('幸福里2号楼1单元101');
  await page.getByTestId('submit-wish').click();
  await expect(page).toHaveURL(/\/wish\/\d+$/);
  await expect(page.getByTestId('wish')).toHaveAttribute('data-status', 'pending');
});

// A grid worker's queue opens on what needs action (待办, soonest deadline first) with
// counts on the deadline tabs, and keeps its tab and filters in the address: 我的's
// overdue tile opens 已超期, and a reload or Back finds it as it was left.
test('the queue opens on 待办 with counts and keeps its filters across a reload', async ({ browser, baseURL }) => {
  // A fresh report waits in the worker's 待办, whichever tests ran before (run
  // alone, the demo district's open cases may all be overdue).
  const resident = await (await browser.newContext({ ...phone, baseURL })).newPage();
  await login(resident, '13800000011');
  await reportCase(resident, `楼道灯不亮${Date.now() % 100000}`);
  const page = await (await browser.newContext({ ...phone, baseURL })).newPage();
  await open(page, '/login');
  await page.getByLabel('手机号').fill('13800000005');
  await page.getByLabel('密码').fill('demo1234');
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page).toHaveURL(/\/me$/);
  // The tile and the tab count the same cases (the worker has one grid).
  const tile = (await page.getByTestId('home-cases_overdue').locator('.tile-count').textContent()).trim();
  await page.getByTestId('home-cases_overdue').click();
  await expect(page).toHaveURL(/\/cases\?.*view=overdue/);
  await expect(page.getByTestId('view-overdue')).toHaveClass(/active/);
  await expect(page.getByTestId('view-overdue').locator('.count')).toHaveText(tile);
  await expect(page.getByTestId('case-list').locator('li')).toHaveCount(Math.min(Number(tile), 20));

  await page.getByTestId('view-all').click();
  await page.locator('select').first().selectOption('reported');
  await expect(page).toHaveURL(/status=reported/);
  await expect(page).toHaveURL(/view=all/);
  await page.reload();
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  await expect(page.locator('select').first()).toHaveValue('reported');
  await expect(page.getByTestId('view-all')).toHaveClass(/active/);

  // Opened plainly, the inbox starts on 待办, soonest deadline first.
  await open(page, '/cases');
  await expect(page.getByTestId('view-todo')).toHaveClass(/active/);
  await expect(page.getByTestId('view-todo').locator('.count')).toHaveText(/^[1-9]\d*$/);
  await expect(page.getByTestId('case-list').locator('li').first()).toContainText('办理时限');
});

// Sending an empty report names every missing field at once, beside each field;
// each message goes as soon as that field is right. Long text is counted, never cut.
test('the report form names every problem at once and counts long text', async ({ browser, baseURL }) => {
  const page = await (await browser.newContext({ ...phone, baseURL })).newPage();
  await login(page, '13800000011');
  await open(page, '/report');
  await page.getByRole('button', { name: '提交', exact: true }).click();
  const error = (field) => page.locator(`.field-error[data-field="${field}"]`);
  await expect(error('category')).toHaveText('请填写问题类别。');
  await expect(error('description')).toHaveText('请填写问题描述。');
  await expect(error('coordinates')).toHaveText('请在地图上点选位置，或使用我的位置。');

  const description = page.getByTestId('description');
  await description.fill('楼道灯坏了'.repeat(201)); // 1,005 characters: kept whole, counted, refused
  await expect(description).toHaveValue('楼道灯坏了'.repeat(201));
  await expect(page.locator('.char-count.over')).toHaveText('1005/1000');
  await expect(error('description')).toHaveText('问题描述太长了。');
  await description.fill('三号楼二单元楼道灯坏了一周');
  await expect(page.locator('.char-count')).toHaveText('13/1000');
  await expect(error('description')).toHaveCount(0);
  await expect(error('category')).toBeVisible();
  await expect(error('coordinates')).toBeVisible();
  // Nothing was sent: no case, no outbox draft.
  await expect(page).toHaveURL(/\/report$/);
  await expect(page.getByTestId('outbox')).toHaveCount(0);
});

// A long queue: opening a case and coming Back finds the list where it was left.
test('a queue keeps its place across Back', async ({ browser, baseURL }) => {
  const page = await (await browser.newContext({ ...phone, baseURL })).newPage();
  await login(page, '13800000002'); // the street's queue: every case of the street
  await open(page, '/cases');
  const rows = page.getByTestId('case-list').locator('li');
  await expect(rows.nth(11)).toBeVisible();
  await rows.nth(11).scrollIntoViewIfNeeded();
  const left = await page.evaluate(() => window.scrollY);
  expect(left).toBeGreaterThan(400);
  const href = await rows.nth(11).locator('a').getAttribute('href');
  await rows.nth(11).locator('a').click();
  await expect(page).toHaveURL(new RegExp(`${href}$`));
  await page.goBack();
  await expect(page).toHaveURL(/\/cases/);
  await expect(rows.nth(11)).toBeVisible();
  await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(left - 60);

  // A category filter, too, still shows as chosen after Back (its options
  // load after the page is built: it used to show 全部分类 over a filtered list).
  // The category picked is one the list shows, so the filtered list has a row.
  const category = page.getByTestId('queue-category');
  await expect(category.locator('option').nth(1)).toBeAttached();
  const shown = await page.getByTestId('case-list').innerText();
  const options = await category.locator('option').evaluateAll((os) => os.map((o) => [o.value, o.textContent.trim()]));
  const [first] = options.find(([v, name]) => v && shown.includes(name));
  await category.selectOption(first);
  const filtered = new RegExp(`cat=${first}(&|$)`);
  await expect(page).toHaveURL(filtered);
  await rows.first().locator('a').click();
  await expect(page).toHaveURL(/\/case\/\d+/);
  await page.goBack();
  await expect(page).toHaveURL(filtered);
  await expect(category).toHaveValue(first);
});
