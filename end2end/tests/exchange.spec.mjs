import { test, expect } from '@playwright/test';
import { open, login } from './helpers.mjs';

const phone = { viewport: { width: 390, height: 844 }, locale: 'zh-CN', isMobile: true, hasTouch: true };

/** The page fits the phone: nothing wider than the screen. */
async function fits(page) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(390);
}

test('置换分享: a neighbour answers an offer, contacts show only once both agree, handover and return are recorded', async ({ browser, baseURL }) => {
  test.setTimeout(150_000);
  const ctx = async () => (await browser.newContext({ ...phone, baseURL })).newPage();
  const [stranger, author, neighbour] = [await ctx(), await ctx(), await ctx()];
  const title = `闲置婴儿床${Date.now() % 10000}`;

  // A stranger: the demo's offers and asks, a unit named, nobody else;
  // nothing to answer with.
  await open(stranger, '/sharing');
  const board = stranger.getByTestId('exchange');
  await expect(board.locator('[data-testid=exchange-post][data-title="儿童自行车（16寸）"]')).toContainText('居民');
  await expect(board.getByTestId('post-unit').first()).toBeVisible();
  await expect(board.getByTestId('answer-open')).toHaveCount(0);
  await expect(board.getByTestId('exchange-new')).toHaveCount(0);
  await fits(stranger);

  // The author (a party member) posts an offer, leaving type and way as
  // the selects show them; a phone in the text is refused first.
  await login(author, '13800000010');
  await open(author, '/sharing');
  await author.getByTestId('exchange-new').click();
  const form = author.getByTestId('exchange-form');
  await form.getByTestId('post-community').selectOption({ label: '兴隆社区' });
  await form.getByTestId('post-title').fill(title);
  await form.getByTestId('post-detail').fill('九成新，可借半年，联系 13912345678');
  await form.getByTestId('post-send').click();
  await expect(form.locator('[data-field=description]')).toBeVisible();
  await form.getByTestId('post-detail').fill('九成新，可借半年');
  await form.getByTestId('post-send').click();
  await expect(author.getByTestId('exchange-said')).toContainText('已发布');
  await expect(author.getByTestId('exchange-mine').getByTestId('my-post').filter({ hasText: title })).toBeVisible();

  // The public card of it names nobody.
  await open(stranger, '/sharing');
  const card = stranger.locator(`[data-testid=exchange-post][data-title="${title}"]`);
  await expect(card).toContainText('居民');
  await expect(card).not.toContainText('吴磊');

  // A neighbour answers; no contact yet.
  await login(neighbour, '13800000011');
  await open(neighbour, '/sharing');
  const theirs = neighbour.locator(`[data-testid=exchange-post][data-title="${title}"]`);
  await theirs.getByTestId('answer-open').click();
  await theirs.getByTestId('answer-message').fill('孙子下月出生，想借用半年');
  await theirs.getByTestId('answer-send').click();
  await expect(neighbour.getByTestId('exchange-said')).toContainText('已发送');
  await expect(neighbour.locator(`[data-testid=exchange-post][data-title="${title}"]`).getByTestId('answered')).toContainText('等待同意');
  const asked = neighbour.getByTestId('exchange-deals').getByTestId('exchange-deal').filter({ hasText: title });
  await expect(asked).toHaveAttribute('data-step', 'asked');
  await expect(asked.getByTestId('show-contact')).toHaveCount(0);

  // The author sees the message but not who sent it, and agrees.
  await open(author, '/sharing');
  const deal = author.getByTestId('exchange-deals').getByTestId('exchange-deal').filter({ hasText: title });
  await expect(deal).toContainText('孙子下月出生');
  await expect(deal.getByTestId('show-contact')).toHaveCount(0);
  expect(await author.getByTestId('exchange').innerText()).not.toContain('郑丽');
  await deal.getByTestId('deal-agree').click();
  await expect(deal).toHaveAttribute('data-step', 'agreed');
  await deal.getByTestId('show-contact').click();
  await expect(deal.getByTestId('contact')).toContainText('郑丽');
  await expect(deal.getByTestId('contact')).toContainText('13800000011');
  await fits(author);

  // The neighbour now sees the author's contact and records the handover.
  await open(neighbour, '/sharing');
  const agreed = neighbour.getByTestId('exchange-deals').getByTestId('exchange-deal').filter({ hasText: title });
  await agreed.getByTestId('show-contact').click();
  await expect(agreed.getByTestId('contact')).toContainText('13800000010');
  await agreed.getByTestId('deal-hand-over').click();
  await expect(agreed).toHaveAttribute('data-step', 'handed');
  await expect(agreed.getByTestId('deal-return')).toHaveCount(0);
  await fits(neighbour);

  // The author, who lent it, records that it came back.
  await open(author, '/sharing');
  const lent = author.getByTestId('exchange-deals').getByTestId('exchange-deal').filter({ hasText: title });
  await lent.getByTestId('deal-return').click();
  await expect(lent).toHaveAttribute('data-step', 'returned');
  await expect(lent.getByTestId('show-contact')).toHaveCount(0);
});
