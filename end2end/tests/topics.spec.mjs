import { test, expect } from '@playwright/test';
import { open, login } from './helpers.mjs';

const phone = { viewport: { width: 390, height: 844 }, locale: 'zh-CN', isMobile: true, hasTouch: true };

/** China time `seconds` from now, as a datetime-local input takes it. */
function chinaLocal(seconds) {
  const t = new Date(Date.now() + seconds * 1000 + 8 * 3600 * 1000);
  return t.toISOString().slice(0, 19);
}

test('四步议事: a topic is proposed, seconded onto the agenda, discussed, voted on and its result published', async ({ browser, baseURL }) => {
  test.setTimeout(180_000);
  const ctx = async () => (await browser.newContext({ ...phone, baseURL })).newPage();
  const [resident, admin, member, worker, stranger] = [await ctx(), await ctx(), await ctx(), await ctx(), await ctx()];
  const title = `增设小区休闲座椅${Date.now() % 100000}`;

  // 1 征集: the resident proposes, leaving the community as the form shows it.
  await login(resident, '13800000011');
  await open(resident, '/topics');
  await resident.getByTestId('propose').click();
  await expect(resident.locator('[data-field=title]')).toBeVisible();
  await resident.getByTestId('topic-title').fill(title);
  await resident.getByTestId('topic-body').fill('小区里老人多，散步累了没有地方坐，建议在中心花园增设几组座椅。');
  await resident.getByTestId('propose').click();
  await expect(resident).toHaveURL(/\/topics\/\d+$/);
  const path = new URL(resident.url()).pathname;
  await expect(resident.getByTestId('topic')).toHaveAttribute('data-stage', 'proposed');

  // A stranger neither finds nor opens it before the review.
  await open(stranger, '/topics');
  await expect(stranger.getByTestId('topics')).not.toContainText(title);
  await open(stranger, path);
  await expect(stranger.getByTestId('topic')).toHaveCount(0);
  await expect(stranger.locator('.form-error')).toBeVisible();

  // The community side sets two seconds as the threshold (the community the
  // form shows first, as the resident's did) and approves the topic.
  await login(admin, '13800000001');
  await open(admin, '/topics');
  await admin.getByTestId('threshold').fill('2');
  await admin.getByRole('button', { name: '保存' }).click();
  await expect(admin.getByText('已保存。')).toBeVisible();
  await open(admin, path);
  await admin.getByTestId('approve').click();
  await expect(admin.getByTestId('topic')).toHaveAttribute('data-stage', 'seconding');

  // Two neighbours second it: on the agenda.
  for (const [page, who] of [[member, '13800000010'], [worker, '13800000005']]) {
    await login(page, who);
    await open(page, path);
    await page.getByTestId('second').click();
    await expect(page.getByText('已附议')).toBeVisible();
  }
  await expect(worker.getByTestId('topic')).toHaveAttribute('data-stage', 'agenda');
  await expect(worker.getByTestId('seconds')).toHaveText('2');

  // 2 商议: the meeting opens the vote (closing in a minute).
  await open(admin, path);
  await admin.getByTestId('meeting-place').fill('社区党群服务中心');
  await admin.getByTestId('minutes').fill('居民代表、物业参加，商定在中心花园增设座椅，提交表决。');
  await admin.getByTestId('closes-at').fill(chinaLocal(50));
  await admin.getByTestId('open-vote').click();
  await expect(admin.getByTestId('topic')).toHaveAttribute('data-stage', 'voting');

  // 3 表决: two residents vote; the tally is live; a second vote is not offered.
  for (const page of [resident, member]) {
    await open(page, path);
    await page.getByTestId('vote').first().click();
    await expect(page.getByTestId('voted')).toBeVisible();
    await expect(page.getByTestId('vote')).toHaveCount(0);
  }
  await expect(member.getByTestId('total-votes')).toHaveText('2');

  // The result once the window has closed.
  await open(admin, path);
  await admin.getByTestId('decision-text').fill('全票同意，由物业在中心花园增设三组座椅。');
  await expect(async () => {
    await admin.getByTestId('publish').click();
    await expect(admin.getByTestId('topic')).toHaveAttribute('data-stage', 'decided', { timeout: 2_000 });
  }).toPass({ timeout: 90_000, intervals: [5_000] });

  // The public result page: the whole path, counts only, no names.
  await open(stranger, path);
  await expect(stranger.getByTestId('topic')).toHaveAttribute('data-stage', 'decided');
  await expect(stranger.getByTestId('decision')).toHaveText('全票同意，由物业在中心花园增设三组座椅。');
  await expect(stranger.getByTestId('meeting')).toContainText('社区党群服务中心');
  await expect(stranger.getByTestId('option-votes').first()).toHaveText('2');
  const text = await stranger.getByTestId('topic').innerText();
  for (const name of ['郑丽', '吴磊', '张伟']) expect(text).not.toContain(name);
  await open(stranger, '/topics');
  await expect(stranger.getByTestId('topics')).toContainText(title);
});
