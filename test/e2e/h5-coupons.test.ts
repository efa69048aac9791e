/**
 * Coupons in a real browser on the H5 build: a member claims 满100减20 in 领券中心 and opens its
 * 12-digit code from 我的券; the store's staff writes it off on the stand-alone 核销券 page (member
 * number, the code the member shows, an order amount over the minimum spend); the member then finds
 * it under 已使用, without its code. And 林小夏 exchanges points for a coupon in 积分商城.
 */
import type { Browser, Page } from 'playwright-core'
import type { RunningEmulator } from '../../scripts/emulator-process'
import { DEMO } from '../../scripts/seed'
import { UI_TIMEOUT, confirmModal, recordToasts, signInAs, visible as visibleOn, waitForToast, settledScreenshot, startDemoBrowser, stopDemoBrowser } from './support'

const MEMBER = DEMO.members[0] // 林小夏: has points from her purchase history
const CLAIMED = 'demo-full-100-20' // 满100减20, in the claim center, minimum spend 100 元
const MALL = 'demo-mall-5' // 5 元无门槛券, in the points mall

let emu: RunningEmulator
let browser: Browser
let page: Page

beforeAll(async () => {
  ;({ emu, browser, page } = await startDemoBrowser())
  await recordToasts(page)
}, 240_000)

afterAll(() => stopDemoBrowser({ emu, browser }))

const visible = (selector: string) => visibleOn(page, selector)
const shot = (name: string) => settledScreenshot(page, name)
const text = async (selector: string) => (await visible(selector).innerText()).trim()
/** An element by id, whatever characters the id holds. */
const byId = (id: string) => visible(`[id="${id}"]`)

/** The claimed coupon, as the member's pages show it. */
let couponId = ''
let code = ''
let availableBefore = 0

/** "可使用（3）" → 3 */
async function tabCount(state: 'available' | 'used' | 'expired'): Promise<number> {
  const tab = visible(`#coupon-tab-${state}`)
  await tab.filter({ hasText: /（\d+）/ }).waitFor({ timeout: UI_TIMEOUT })
  return Number(/（(\d+)）/.exec(await tab.innerText())![1])
}

test('a member claims 满100减20 in 领券中心, finds it in 我的券 and opens its 12-digit code', async () => {
  await signInAs(page, emu.baseUrl, MEMBER.openid)
  await visible('#claim-entry').click()

  const offer = visible(`#offer-${CLAIMED}`)
  await offer.waitFor({ timeout: UI_TIMEOUT })
  expect(await offer.innerText()).toContain('满100减20')
  // only claim-center coupons are offered here: not the welcome gift, not the points mall
  expect(await page.locator('#offer-demo-welcome-10, #offer-demo-mall-5').count()).toBe(0)
  const button = visible(`#claim-${CLAIMED}`)
  expect(await button.innerText()).toBe('领取')
  expect(await button.getAttribute('disabled')).toBeNull()

  await button.click()
  const message = visible(`#claim-message-${CLAIMED}`)
  await message.waitFor({ timeout: UI_TIMEOUT })
  expect(await message.innerText()).toContain('领取成功')
  await waitForToast(page, '领取成功')
  // one per member: taken, the offer can no longer be claimed
  await offer.filter({ hasText: '已领 1 张' }).waitFor({ timeout: UI_TIMEOUT })
  expect(await button.innerText()).toBe('已达领取上限')
  expect(await button.getAttribute('disabled')).not.toBeNull()
  await shot('31-claim-center')

  // 我的券, 可使用 tab
  await visible('#claim-my-coupons').click()
  const available = visible('#coupon-tab-available')
  await available.waitFor({ timeout: UI_TIMEOUT })
  expect(await available.getAttribute('data-active')).toBe('true')
  const row = page.locator('.coupon-item[data-state="available"]', { hasText: '满100减20' }).locator('visible=true').first()
  await row.waitFor({ timeout: UI_TIMEOUT })
  expect(await row.innerText()).toContain('出示券码')
  couponId = (await row.getAttribute('id'))!.replace(/^coupon-/, '')
  expect(couponId).not.toBe('')
  availableBefore = await tabCount('available')
  expect(availableBefore).toBe(await page.locator('.coupon-item[data-state="available"]').locator('visible=true').count())
  await shot('32-my-coupons-available')

  // the detail: the code for the staff, in groups of four
  await row.click()
  const codeBox = visible('#coupon-code')
  await codeBox.waitFor({ timeout: UI_TIMEOUT })
  const shown = (await codeBox.innerText()).trim()
  expect(shown).toMatch(/^\d{4} \d{4} \d{4}$/)
  code = shown.replace(/\s+/g, '')
  expect(await codeBox.getAttribute('data-code')).toBe(code)
  expect(await text('#coupon-name')).toBe('满100减20')
  expect(await text('#coupon-state')).toBe('可使用')
  expect(await text('#coupon-threshold')).toBe('满 100 元可用')
  expect(await visible('#coupon-detail').getAttribute('data-state')).toBe('available')
  await visible('#coupon-qr').waitFor({ timeout: UI_TIMEOUT })
  await shot('33-coupon-code')
}, 180_000)

test('the staff writes the coupon off on 核销券: member number, the code, an amount over 100 元', async () => {
  await signInAs(page, emu.baseUrl, DEMO.staff.openid)
  await visible('#staff-entry').click()
  await visible('#till-coupons-entry').click()
  await visible('#writeoff-store').waitFor({ timeout: UI_TIMEOUT })
  expect(await text('#writeoff-store')).toContain('核销券')
  expect(await text('#writeoff-store')).toContain(DEMO.staff.name)

  // the member says their member number
  await visible('#writeoff-find-code-input input, input#writeoff-find-code-input').fill(MEMBER.memberNo)
  await visible('#writeoff-find-code-submit').click()
  await visible('#writeoff-member-nickname').waitFor({ timeout: UI_TIMEOUT })
  expect(await text('#writeoff-member-nickname')).toBe(MEMBER.nickname)
  expect(await text('#writeoff-member')).toContain(`会员号 ${MEMBER.memberNo}`)

  // the coupon is listed, but not usable before an amount reaches its minimum spend
  const row = byId(`writeoff-coupon-${code}`)
  await row.waitFor({ timeout: UI_TIMEOUT })
  expect(await row.innerText()).toContain('满100减20')
  expect(await row.getAttribute('aria-disabled')).toBe('true')
  expect(await text(`[id="writeoff-coupon-${code}-blocker"]`)).toBe('未满 100 元')

  // the code the member shows, typed in: it picks the listed coupon
  await visible('#writeoff-code-input input, input#writeoff-code-input').fill(code)
  await visible(`[id="writeoff-coupon-${code}"][aria-checked="true"]`).waitFor({ timeout: UI_TIMEOUT })
  expect(await text('#writeoff-chosen')).toContain('已选：满100减20')
  // without an amount the page refuses, saying why
  await visible('#writeoff-submit').click()
  await visible('#writeoff-error').waitFor({ timeout: UI_TIMEOUT })
  expect(await text('#writeoff-error')).toBe('「满100减20」未满 100 元，请填写达到门槛的消费金额')

  await visible('#writeoff-amount input, input#writeoff-amount').fill('128')
  await visible(`[id="writeoff-coupon-${code}"][aria-disabled="false"]`).waitFor({ timeout: UI_TIMEOUT })
  expect(await page.locator(`[id="writeoff-coupon-${code}-blocker"]`).count()).toBe(0)
  await shot('34-writeoff-selected')

  await visible('#writeoff-submit').click()
  const modal = await confirmModal(page)
  expect(modal.title).toBe('确认核销')
  expect(modal.content).toContain('核销「满100减20」')
  expect(modal.content).toContain('消费金额 ￥128.00')
  expect(modal.content).toContain('预计抵扣 ￥20.00')

  const done = visible('#writeoff-done')
  await done.waitFor({ timeout: UI_TIMEOUT })
  expect(await done.innerText()).toContain('核销成功')
  expect(await text('#writeoff-done-name')).toBe('满100减20')
  expect(await text('#writeoff-done-code')).toBe(code.replace(/(\d{4})(?=\d)/g, '$1 '))
  expect(await text('#writeoff-done-discount')).toBe('￥128.00 / -￥20.00')
  expect(await text('#writeoff-undo-open')).toBe('撤销核销')
  expect(await page.locator('#writeoff-replayed').count()).toBe(0)
  await shot('35-writeoff-done')
}, 180_000)

test('the member finds the coupon under 已使用, and its detail shows it used, without the code', async () => {
  await signInAs(page, emu.baseUrl, MEMBER.openid)
  await visible('#coupons-entry').click()
  await visible('#coupon-tab-available').waitFor({ timeout: UI_TIMEOUT })
  expect(await tabCount('available')).toBe(availableBefore - 1)
  expect(await page.locator(`[id="coupon-${couponId}"]`).locator('visible=true').count()).toBe(0)

  await visible('#coupon-tab-used').click()
  const row = byId(`coupon-${couponId}`)
  await row.waitFor({ timeout: UI_TIMEOUT })
  expect(await visible('#coupon-tab-used').getAttribute('data-active')).toBe('true')
  expect(await tabCount('used')).toBe(1)
  expect(await row.getAttribute('data-state')).toBe('used')
  const rowText = await row.innerText()
  expect(rowText).toContain('满100减20')
  expect(rowText).toMatch(/\d{4}年\d{1,2}月\d{1,2}日 已使用/)
  expect(rowText).not.toContain('出示券码')
  await shot('36-my-coupons-used')

  await row.click()
  const stamp = visible('#coupon-stamp')
  await stamp.waitFor({ timeout: UI_TIMEOUT })
  expect((await stamp.innerText()).trim()).toBe('已使用')
  expect(await visible('#coupon-detail').getAttribute('data-state')).toBe('used')
  expect(await text('#coupon-state')).toMatch(/^已使用（.+）$/)
  for (const gone of ['#coupon-code', '#coupon-code-box', '#coupon-qr', '#coupon-refresh']) {
    expect(await page.locator(gone).locator('visible=true').count()).toBe(0)
  }
  const detail = await visible('#coupon-detail').innerText()
  const rules = await visible('#coupon-rules').innerText()
  for (const shown of [detail, rules]) {
    expect(shown.replace(/\s+/g, '')).not.toContain(code)
  }
  await shot('37-coupon-used')
}, 180_000)

test('林小夏 exchanges points for a coupon in 积分商城 and sees her balance drop', async () => {
  await page.goto(`${emu.baseUrl}/`)
  const home = visible('#member-points')
  await home.waitFor({ timeout: UI_TIMEOUT })
  expect(await text('#member-nickname')).toBe(MEMBER.nickname)
  const before = Number(await home.innerText())
  await visible('#mall-entry').click()

  const balance = visible('#mall-balance')
  await balance.waitFor({ timeout: UI_TIMEOUT })
  expect(Number(await balance.innerText())).toBe(before)
  const offer = visible(`#mall-offer-${MALL}`)
  expect(await offer.innerText()).toContain('5 元无门槛券')
  const price = Number(/^(\d+) 积分$/.exec(await text(`#mall-price-${MALL}`))![1])
  expect(price).toBeGreaterThan(0)
  expect(before).toBeGreaterThanOrEqual(price)
  const button = visible(`#exchange-${MALL}`)
  expect(await button.innerText()).toBe('兑换')
  await shot('38-mall')

  await button.click()
  const modal = await confirmModal(page)
  expect(modal.title).toBe('确认兑换')
  expect(modal.content).toContain(`使用 ${price} 积分兑换「5 元无门槛券」`)

  const message = visible(`#exchange-message-${MALL}`)
  await message.waitFor({ timeout: UI_TIMEOUT })
  expect(await message.innerText()).toContain(`兑换成功，扣除 ${price} 积分`)
  await waitForToast(page, '兑换成功')
  await visible('#mall-balance')
    .filter({ hasText: new RegExp(`^\\s*${before - price}\\s*$`) })
    .waitFor({ timeout: UI_TIMEOUT })
  await offer.filter({ hasText: '已兑 1 张' }).waitFor({ timeout: UI_TIMEOUT })
  await shot('39-mall-exchanged')

  // the home page has the new balance, and 我的券 the new coupon
  await page.goto(`${emu.baseUrl}/`)
  await page
    .locator('#member-points', { hasText: String(before - price) })
    .first()
    .waitFor({ timeout: UI_TIMEOUT })
  expect(Number(await text('#member-points'))).toBe(before - price)
  await visible('#coupons-entry').click()
  await page.locator('.coupon-item[data-state="available"]', { hasText: '5 元无门槛券' }).locator('visible=true').first().waitFor({ timeout: UI_TIMEOUT })
  expect(await tabCount('available')).toBe(availableBefore)
  await shot('40-my-coupons-after-exchange')
}, 180_000)
