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

test('物业联席会: the community convenes and records a meeting with a case on its agenda, the company handles its task and reports the resolution\'s progress', async ({ browser, baseURL }) => {
  test.setTimeout(180_000);
  const ctx = async () => (await browser.newContext({ ...phone, baseURL })).newPage();
  const [stranger, community, staff, resident, worker] = [await ctx(), await ctx(), await ctx(), await ctx(), await ctx()];

  // A stranger: asked to sign in, shown no meeting.
  await open(stranger, '/meetings');
  await expect(stranger.getByTestId('meetings')).toHaveCount(0);
  await expect(stranger.getByRole('link', { name: '登录' }).first()).toBeVisible();
  await open(stranger, '/meetings/1');
  await expect(stranger.getByTestId('meeting-heading')).toHaveCount(0);

  // A resident's report, dispatched to the company of its compound.
  const summary = `消防通道被占用${Date.now() % 100000}`;
  await login(resident, '13800000011');
  const id = await reportCase(resident, summary);
  await login(worker, '13800000005');
  await step(worker, id, 'confirm');
  await step(worker, id, { dispatch: 'company' });

  // The community: from its home to the meetings, convenes one leaving the
  // community as the form shows it.
  await login(community, '13800000003');
  await community.getByTestId('shortcut-meetings').click();
  await expect(community).toHaveURL(/\/meetings$/);
  const convene = community.getByTestId('convene-form');
  await convene.getByTestId('convene').click();
  await expect(convene.locator('[data-field=title]')).toBeVisible();
  const title = `消防通道专题联席会${Date.now() % 1000}`;
  await convene.getByTestId('meeting-title').fill(title);
  await convene.getByTestId('meeting-place').fill('兴隆社区党群服务中心');
  await convene.getByTestId('convene').click();
  await expect(community).toHaveURL(/\/meetings\/\d+$/);
  await expect(community.getByTestId('meeting-heading')).toHaveText(title);

  // It records the meeting: the company invited and present, the case on
  // the agenda, the minutes.
  const form = community.getByTestId('meeting-form');
  await form.locator('[data-testid=pick-company][data-id="1"]').check();
  await form.locator('[data-testid=pick-present][data-id="1"]').check();
  await form.locator(`[data-testid=pick-case][data-id="${id}"]`).check();
  await form.getByTestId('minutes-input').fill('物业公司承诺两周内清理占道车辆并重新划线。');
  await form.getByTestId('save-meeting').click();
  await expect(community.getByTestId('meeting-saved')).toBeVisible();
  await expect(community.getByTestId('agenda')).toContainText(`#${id}`);
  await expect(community.getByTestId('agenda')).not.toContainText(summary);
  await expect(community.getByTestId('invited')).toContainText('泉城红心物业服务有限公司');

  // A resolution: the owner select already shows the invited company.
  const add = community.getByTestId('resolution-form');
  await add.getByTestId('resolution-text').fill('清理占道车辆，重新划设消防通道标线');
  await add.getByTestId('resolution-case').selectOption(String(id));
  await add.getByTestId('add-resolution').click();
  const resolution = community.getByTestId('resolution');
  await expect(resolution).toHaveCount(1);
  await expect(resolution).toContainText('泉城红心物业服务有限公司');
  await expect(resolution.getByTestId('resolution-progress')).toHaveText('0%');
  await fits(community);
  const meetingUrl = community.url();

  // The company's staff: its task on its desk, the case page names the
  // meeting, the task is taken on, the resolution's progress reported.
  await login(staff, '13800000008');
  await open(staff, '/alliance');
  await staff.getByTestId('own-desk').click();
  const task = staff.getByTestId('company-task').filter({ hasText: summary.slice(0, 20) });
  await task.click();
  await expect(staff).toHaveURL(new RegExp(`/case/${id}$`));
  const card = staff.getByTestId('case');
  await staff.getByRole('button', { name: '接单', exact: true }).click();
  await expect(card).toHaveAttribute('data-status', 'in_progress');
  await staff.getByTestId('joint-mark').getByRole('link').click();
  await expect(staff).toHaveURL(/\/meetings\/\d+$/);
  await expect(staff.getByTestId('meeting-heading')).toHaveText(title);
  await expect(staff.getByTestId('meeting-form')).toHaveCount(0);
  const own = staff.getByTestId('resolution');
  await expect(own).toHaveCount(1);
  await own.getByTestId('progress-input').fill('60');
  await own.getByTestId('progress-note').fill('占道车辆已清理，标线下周施工');
  await own.getByTestId('report-progress').click();
  await expect(own.getByTestId('resolution-progress')).toHaveText('60%');
  await expect(own.getByTestId('resolution-status')).toHaveText('落实中');
  await fits(staff);

  // The community sees the progress; the resident who reported is not
  // shown the meeting.
  await open(community, new URL(meetingUrl).pathname);
  await expect(community.getByTestId('resolution').getByTestId('resolution-progress')).toHaveText('60%');
  await open(resident, `/case/${id}`);
  await expect(resident.getByTestId('case')).toBeVisible();
  await expect(resident.getByTestId('joint-mark')).toHaveCount(0);
});
