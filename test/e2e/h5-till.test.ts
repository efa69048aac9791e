/**
 * The loyalty loop in a real browser on the H5 build: a member shows the code, the cashier types it
 * at the till, records a purchase, and the member's home page shows the new balance; 消费记录 (from
 * 积分明细) lists the purchase.
 */
import type { Browser, Page } from 'playwright-core'
import type { RunningEmulator } from '../../scripts/emulator-process'
import { screenshot } from '../helpers/browser'
import { signInAs as signInAsOn, visible as visibleOn, startDemoBrowser, stopDemoBrowser, UI_TIMEOUT } from './support'

let emu: RunningEmulator
let browser: Browser
let page: Page

beforeAll(async () => {
  ;({ emu, browser, page } = await startDemoBrowser())
}, 240_000)

afterAll(() => stopDemoBrowser({ emu, browser }))

const signInAs = (openid: string) => signInAsOn(page, emu.baseUrl, openid)
const visible = (selector: string) => visibleOn(page, selector)

test('scan → purchase → points visible on the member’s home page', async () => {
  await signInAs('o_demo_member_2')
  const before = Number(await visible('#member-points').innerText())
  await visible('#member-code-entry').click()
  const digits = visible('#member-code-digits')
  await digits.waitFor({ timeout: 20_000 })
  const code = await digits.getAttribute('data-code')
  expect(code).toMatch(/^\d{18}$/)
  await screenshot(page, '11-member-code')

  await signInAs('o_demo_staff')
  await page.goto(`${emu.baseUrl}/#/staff/scan/index`)
  await visible('#till-code-input input, input#till-code-input').fill(code!)
  await visible('#till-code-submit').click()
  await visible('#till-member-nickname').waitFor({ timeout: 20_000 })
  expect(await visible('#till-member-nickname').innerText()).toBe('陈一鸣')
  await visible('#till-purchase').click()
  await visible('#purchase-amount input, input#purchase-amount').fill('128.50')
  await visible('#purchase-submit').click()
  await visible('#purchase-result-points').waitFor({ timeout: 20_000 })
  expect(await visible('#purchase-result-points').innerText()).toContain('128')
  await screenshot(page, '12-till-result')

  await signInAs('o_demo_member_2')
  await page
    .locator('#member-points', { hasText: String(before + 128) })
    .first()
    .waitFor({ timeout: 20_000 })
  await screenshot(page, '13-member-after-purchase')
})

test('the purchase shows in 消费记录, opened from 积分明细: store, channel, amount, points', async () => {
  await visible('#points-history-entry').click()
  await visible('#points-purchases-entry').click()
  const card = visible('#purchases-list .purchase-card')
  await card.waitFor({ timeout: UI_TIMEOUT })
  const text = await card.innerText()
  expect(text).toContain('上海静安旗舰店')
  expect(text).toContain('门店')
  expect(text).toContain('实付 ￥128.50')
  expect(text).toContain('获得 128 积分')
  await screenshot(page, '14-member-purchases')
})
