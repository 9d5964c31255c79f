import { test, expect } from '@playwright/test';
import { open, login, reportCase } from './helpers.mjs';

const phone = { viewport: { width: 390, height: 844 }, locale: 'zh-CN', isMobile: true, hasTouch: true };

/** One step of the case loop through the API, as the page's signed-in user. */
async function step(page, id, action) {
  const detail = await (await page.request.post('/api/case_detail', { form: { id: String(id) } })).json();
  const res = await page.request.post('/api/act_on_case', {
    data: { request: { case_id: id, version: detail.version, action, note: '' } },
  });
  expect(res.ok(), await res.text()).toBeTruthy();
}

/** The page fits the phone: nothing wider than the screen. */
async function fits(page) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(390);
}

test('物业联盟: a stranger sees the companies without contacts, the street adds a company and its staff, the company sees its task', async ({ browser, baseURL }) => {
  test.setTimeout(180_000);
  const ctx = async () => (await browser.newContext({ ...phone, baseURL })).newPage();
  const [stranger, street, staff, resident, worker] = [await ctx(), await ctx(), await ctx(), await ctx(), await ctx()];

  // A stranger: every company with its compounds, never a contact, no desk.
  await open(stranger, '/alliance');
  const companies = stranger.getByTestId('companies');
  await expect(companies).toContainText('泉城红心物业服务有限公司');
  await expect(companies).toContainText('联盟成员');
  const text = await stranger.locator('main').innerText();
  expect(text).not.toContain('0531-86001001');
  expect(text).not.toContain('周经理');
  await expect(stranger.getByTestId('own-desk')).toHaveCount(0);
  await expect(stranger.getByTestId('company-form')).toHaveCount(0);
  await fits(stranger);
  // Nor does the address of a desk show anything.
  await open(stranger, '/alliance/1');
  await expect(stranger.getByTestId('company-title')).toHaveCount(0);

  // The street adds a company, leaving the street as the form shows it.
  const name = `明湖物业${Date.now() % 100000}`;
  await login(street, '13800000002');
  await open(street, '/alliance');
  const form = street.getByTestId('company-form');
  await form.getByTestId('company-name').fill(name);
  await form.getByLabel('联系人').fill('孔经理');
  await form.getByLabel('联系电话').fill('电话');
  await form.getByTestId('save-company').click();
  await expect(form.locator('[data-field=phone]')).toBeVisible();
  await form.getByLabel('联系电话').fill('0531-86005555');
  await form.getByTestId('save-company').click();
  await expect(street).toHaveURL(/\/alliance\/\d+$/);
  await expect(street.getByTestId('company-title')).toHaveText(name);
  await expect(street.locator('main')).toContainText('0531-86005555');

  // …and a staff account of it.
  const staffForm = street.getByTestId('staff-form');
  await staffForm.getByLabel('姓名').fill('明湖 客服');
  await staffForm.getByLabel('手机号').fill('13955556666');
  await staffForm.getByLabel('初始密码').fill('Minghu2026!');
  await staffForm.getByRole('button', { name: '新增账号' }).click();
  await expect(street.getByTestId('desk-saved')).toBeVisible();
  await expect(street.getByTestId('staff-form')).toContainText('139****6666');
  await fits(street);

  // A case in company 1's compound, dispatched to it by the grid worker.
  await login(resident, '13800000011');
  const summary = `单元门禁坏了${Date.now() % 100000}`;
  const id = await reportCase(resident, summary);
  await login(worker, '13800000005');
  await step(worker, id, 'confirm');
  await step(worker, id, { dispatch: 'company' });

  // The company's staff: its own desk from the alliance page, the task on it.
  await login(staff, '13800000008');
  await open(staff, '/alliance');
  await staff.getByTestId('own-desk').click();
  await expect(staff.getByTestId('company-title')).toHaveText('泉城红心物业服务有限公司');
  await expect(staff.getByTestId('company-figures')).toBeVisible();
  const task = staff.getByTestId('company-task').filter({ hasText: summary.slice(0, 20) });
  await expect(task).toBeVisible();
  await expect(staff.getByTestId('staff-form')).toHaveCount(0);
  await fits(staff);
  await task.click();
  await expect(staff).toHaveURL(new RegExp(`/case/${id}$`));
  await expect(staff.getByTestId('timeline')).toBeVisible();
});
