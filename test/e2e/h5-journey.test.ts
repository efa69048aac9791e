/**
 * The consumer journey in one sitting on the H5 build, as a regular would go through it: sign in,
 * see 为你推荐 with reasons (from the daily job the demo seed ran) and tap one, check in, claim a
 * coupon, show the member code. Screenshots go to test-artifacts/e2e/ (4x-*).
 */
import type { Browser, Page } from 'playwright-core'
import { sdkFor, type RunningEmulator } from '../../scripts/emulator-process'
import { DEMO } from '../../scripts/seed'
import { signInAs, UI_TIMEOUT, visible as visibleOn, settledScreenshot, startDemoBrowser, stopDemoBrowser } from './support'

let emu: RunningEmulator
let browser: Browser
let page: Page
const MEMBER = DEMO.members[0]

beforeAll(async () => {
  ;({ emu, browser, page } = await startDemoBrowser())
}, 240_000)

afterAll(() => stopDemoBrowser({ emu, browser }))

const visible = (selector: string) => visibleOn(page, selector)
const shot = (name: string) => settledScreenshot(page, name)
const home = async () => {
  await page.goto(`${emu.baseUrl}/`)
  await visible('#member-points').waitFor({ timeout: UI_TIMEOUT })
}

test('sign in → 为你推荐 with reasons (a tap is recorded) → 签到 → 领券 → 会员码', async () => {
  await signInAs(page, emu.baseUrl, MEMBER.openid)

  // 为你推荐: what her baskets go with, each with its one-line reason; nothing she just bought
  const section = visible('#recommendations')
  await section.waitFor({ timeout: UI_TIMEOUT })
  const items = page.locator('#recommendations .recommendation').locator('visible=true')
  await items.first().waitFor({ timeout: UI_TIMEOUT })
  expect(await items.count()).toBeGreaterThanOrEqual(3)
  const reasons = await page.locator('#recommendations .recommendation-reason').locator('visible=true').allInnerTexts()
  expect(reasons.every(r => r.trim().length > 0)).toBe(true)
  expect(reasons.some(r => /因为你买过|也买了/.test(r))).toBe(true)
  expect(await page.locator('#recommend-p-croissant').count()).toBe(0)
  await section.scrollIntoViewIfNeeded()
  await shot('41-journey-recommendations')
  const first = items.first()
  const productId = (await first.getAttribute('id'))!.replace(/^recommend-/, '')
  await first.click()
  // the tap reaches member.track (the client batches events, so wait for it)
  const db = sdkFor(emu).database()
  const deadline = Date.now() + UI_TIMEOUT
  let clicks = 0
  while (Date.now() < deadline && !clicks) {
    // one doc per batch of events
    const { data } = await db.collection('events').where({ memberId: MEMBER.openid }).get()
    clicks = data.flatMap((d: any) => d.events).filter((e: any) => e.type === 'click' && e.productId === productId).length
    if (!clicks) await new Promise(resolve => setTimeout(resolve, 250))
  }
  expect(clicks).toBe(1)

  // 签到
  await visible('#checkin-entry').click()
  const checkin = visible('#checkin-button')
  await checkin.filter({ hasText: /^签到$/ }).waitFor({ timeout: UI_TIMEOUT })
  await checkin.click()
  await checkin.filter({ hasText: '今日已签到' }).waitFor({ timeout: UI_TIMEOUT })
  expect(await visible('#checkin-streak').innerText()).toBe('1')
  await shot('42-journey-checked-in')

  // 领券中心 → 我的券
  await home()
  await visible('#claim-entry').click()
  await visible('#claim-demo-full-100-20').click()
  await visible('#claim-message-demo-full-100-20').filter({ hasText: '领取成功' }).waitFor({ timeout: UI_TIMEOUT })
  await visible('#claim-my-coupons').click()
  await page.locator('.coupon-item[data-state="available"]', { hasText: '满100减20' }).locator('visible=true').first().waitFor({ timeout: UI_TIMEOUT })
  await shot('43-journey-my-coupons')

  // 会员码: 18 digits for the till
  await home()
  await visible('#member-code-entry').click()
  const digits = visible('#member-code-digits')
  await digits.waitFor({ timeout: UI_TIMEOUT })
  expect(await digits.getAttribute('data-code')).toMatch(/^\d{18}$/)
  await shot('44-journey-member-code')
})
