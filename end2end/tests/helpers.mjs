import { expect } from '@playwright/test';

/** Opens a page and waits until the app has hydrated (clicks before that are lost). */
export async function open(page, path) {
  await page.goto(path);
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
}

/** Collects page errors and failed requests so a test can assert there were none. */
export function watchErrors(page) {
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('response', (r) => { if (r.status() >= 400 && !r.url().includes('/api/')) problems.push(`${r.status()} ${r.url()}`); });
  return problems;
}

export const DEMO_PASSWORD = 'demo1234';
export const DEMO = [
  ['13800000001', '系统管理员'],
  ['13800000002', '街道综治中心 王主任'],
  ['13800000003', '兴隆社区 李书记'],
  ['13800000004', '网格长 赵敏'],
  ['13800000005', '网格员 张伟'],
  ['13800000006', '网格指导员 陈刚'],
  ['13800000007', '区城管执法局 刘科长'],
  ['13800000008', '泉城红心物业 周经理'],
  ['13800000009', '区税务局 孙主任'],
  ['13800000010', '党员 吴磊'],
  ['13800000011', '居民 郑丽'],
];

/** Signs in with a demo account and waits for the profile page. */
export async function login(page, phone) {
  await open(page, '/login');
  await page.getByLabel('手机号').fill(phone);
  await page.getByLabel('密码').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page).toHaveURL(/\/me$/);
}

/** Reports a private case in the demo grid through the API as the page's signed-in user. */
export async function reportCase(page, text) {
  const cats = await (await page.request.post('/api/case_categories')).json();
  const sub = cats.find((c) => c.parent_id !== null);
  const res = await page.request.post('/api/report_case', {
    data: { case: { category_id: sub.id, description: text, lat: 36.6372, lng: 117.0135, public: false, source: 'resident', contact_phone: null } },
  });
  expect(res.ok()).toBeTruthy();
  return (await res.json()).id;
}
