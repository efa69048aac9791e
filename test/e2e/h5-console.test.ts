/**
 * An operator's morning in the 管理 console on the H5 build, as 运营管理员 (o_demo_admin, in `admins`):
 * the home page offers 管理 → 概览 with KPIs and the function's SVG charts → 会员: find a member by
 * phone → the 360 → 显示 the phone with a reason → 调整积分 (the balance shown changes) → 审计 lists
 * the adjustment. A consumer gets no 管理 entry. Screenshots on a phone and in a desktop window
 * (two columns, the audit table).
 */
import { screenshot } from '../helpers/browser'
import { useDemoBrowser, UI_TIMEOUT } from './support'

const demo = useDemoBrowser()
const { signInAs, visible } = demo

test('a consumer sees no 管理 entry', async () => {
  await signInAs('o_demo_member_1')
  await visible('#member-code-entry').waitFor({ timeout: UI_TIMEOUT })
  expect(await demo.page.locator('#console-entry').count()).toBe(0)
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
  await demo.page.waitForFunction(
    () => Array.from(document.querySelectorAll('#console-charts img')).every(i => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0),
    undefined,
    { timeout: UI_TIMEOUT },
  )
  await screenshot(demo.page, '40-console-home')

  await visible('#console-range-30d').click()
  await demo.page.locator('#console-range-30d[aria-selected="true"]').first().waitFor({ timeout: UI_TIMEOUT })
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
  await screenshot(demo.page, '41-console-member-360')

  await visible('#m360-reveal').click()
  await visible('#m360-reveal-reason input, input#m360-reveal-reason').fill('客户来电核实身份')
  await visible('#m360-reveal-submit').click()
  await demo.page.locator('#m360-phone', { hasText: '13800138001' }).first().waitFor({ timeout: UI_TIMEOUT })

  // a desktop window: search and list on the left, the 360 on the right
  await demo.page.setViewportSize({ width: 1280, height: 900 })
  await visible('.console-right')
  // the media query applies after the resize's reflow: wait for the columns, then check them
  const sideBySide = () => {
    const l = document.querySelector('.console-left')?.getBoundingClientRect()
    const r = document.querySelector('.console-right')?.getBoundingClientRect()
    return !!l && !!r && r.x > l.x + l.width - 1
  }
  await demo.page.waitForFunction(sideBySide, undefined, { timeout: UI_TIMEOUT }).catch(() => undefined)
  expect(await demo.page.evaluate(sideBySide)).toBe(true)
  await screenshot(demo.page, '42-console-member-desktop')
})

test('调整积分 from the 360: the balance shown changes; 审计 lists it', async () => {
  const before = Number(await visible('#m360-balance').innerText())
  expect(Number.isInteger(before)).toBe(true)
  await visible('#m360-adjust').click()
  await visible('#m360-adjust-delta input, input#m360-adjust-delta').fill('50')
  await visible('#m360-adjust-reason input, input#m360-adjust-reason').fill('客诉补偿（e2e）')
  await visible('#m360-adjust-submit').click()
  await demo.page
    .locator('#m360-balance', { hasText: String(before + 50) })
    .first()
    .waitFor({ timeout: UI_TIMEOUT })
  expect(await visible('#m360-action-notice').innerText()).toContain(`余额 ${before + 50}`)
  await screenshot(demo.page, '43-console-adjust-points')

  // 审计 from 概览: the adjustment, newest first, as a table in the desktop window
  await visible('#console-home-entry').click()
  await visible('#console-audit-entry').click()
  await visible('#audit-filter-auditAction input, input#audit-filter-auditAction').fill('adjustPoints')
  await visible('#audit-search').click()
  await demo.page.locator('#audit-table .audit-row:not(.audit-head)', { hasText: '客诉补偿（e2e）' }).first().waitFor({ timeout: UI_TIMEOUT })
  const first = demo.page.locator('#audit-table .audit-row:not(.audit-head)').first()
  expect(await first.innerText()).toContain('客诉补偿（e2e）')
  expect(await visible('#audit-table .audit-head').evaluate(e => getComputedStyle(e).display)).toBe('table-row')
  await screenshot(demo.page, '44-console-audit-desktop')
})
