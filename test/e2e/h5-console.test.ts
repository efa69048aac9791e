/**
 * An operator's morning in the 管理 console on the H5 build, as 运营管理员 (o_demo_admin, in `admins`):
 * the home page offers 管理 → 概览 with KPIs and the function's SVG charts → 会员: find a member by
 * phone → the 360 → 显示 the phone with a reason. A consumer gets no 管理 entry. Screenshots on a
 * phone and in a desktop window (two columns).
 */
import type { Browser, Page } from 'playwright-core'
import type { RunningEmulator } from '../helpers/emulator'
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

test('a consumer sees no 管理 entry', async () => {
  await signInAs('o_demo_member_1')
  await visible('#member-code-entry').waitFor({ timeout: UI_TIMEOUT })
  expect(await page.locator('#console-entry').count()).toBe(0)
})

test('运营管理员: 管理 → 概览 with KPIs and charts', async () => {
  await signInAs('o_demo_admin')
  await visible('#console-entry').click()
  await visible('#console-kpis').waitFor({ timeout: UI_TIMEOUT })
  expect(await visible('#console-scope').innerText()).toBe('全品牌')
  expect(await visible('#kpi-members-value').innerText()).toMatch(/^\d[\d,]*$/)
  const src = await visible('#console-charts img').getAttribute('src')
  expect(src).toMatch(/^data:image\/svg\+xml;base64,/)
  // the browser decodes the function's SVG: the chart is drawn, not a broken image
  await page.waitForFunction(() => Array.from(document.querySelectorAll('#console-charts img')).every(i => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0), undefined, { timeout: UI_TIMEOUT })
  await screenshot(page, '40-console-home')

  await visible('#console-range-30d').click()
  await page.locator('#console-range-30d[aria-selected="true"]').first().waitFor({ timeout: UI_TIMEOUT })
  await visible('#console-kpis').waitFor({ timeout: UI_TIMEOUT })
})

test('会员: find a member by phone → 360 → 显示 the phone with a reason', async () => {
  await visible('#console-members-entry').click()
  await visible('#member-search-input input, input#member-search-input').fill('13800138001')
  await visible('#member-search-submit').click()
  await visible('#member-row-1000000001').click()
  await visible('#m360-name').waitFor({ timeout: UI_TIMEOUT })
  expect(await visible('#m360-name').innerText()).toBe('林小夏')
  expect(await visible('#m360-phone').innerText()).not.toContain('13800138001')
  await screenshot(page, '41-console-member-360')

  await visible('#m360-reveal').click()
  await visible('#m360-reveal-reason input, input#m360-reveal-reason').fill('客户来电核实身份')
  await visible('#m360-reveal-submit').click()
  await page.locator('#m360-phone', { hasText: '13800138001' }).first().waitFor({ timeout: UI_TIMEOUT })

  // a desktop window: search and list on the left, the 360 on the right
  await page.setViewportSize({ width: 1280, height: 900 })
  const left = await visible('.console-left').boundingBox()
  const right = await visible('.console-right').boundingBox()
  expect(left && right && right.x > left.x + left.width - 1).toBe(true)
  await screenshot(page, '42-console-member-desktop')
})
