/**
 * The rest of an operator's morning on the H5 build, as 运营管理员 (o_demo_admin), after
 * h5-console.test.ts (概览 → 会员 → 360 → 调整积分): 人群 — build a segment and see its live count,
 * save it → 活动 — a campaign on it with the demo's 满100减20 券: 试算 → 开始 → its report with the
 * lift chart the function drew → 报表 — a report chart. Screenshots on a phone and in a desktop window.
 */
import type { Page } from 'playwright-core'
import { confirmModal, settledScreenshot, useDemoBrowser, UI_TIMEOUT } from './support'

const demo = useDemoBrowser()
const { signInAs, visible } = demo
const SEGMENT_ID = `e2e-active-${Date.now().toString(36)}`
const CAMPAIGN_ID = `e2e-camp-${Date.now().toString(36)}`

/** The chart images under `selector` are decoded by the browser: drawn, not broken. */
async function chartsDrawn(page: Page, selector: string): Promise<void> {
  await page.waitForFunction(
    s => {
      const imgs = Array.from(document.querySelectorAll(`${s} img`)) as HTMLImageElement[]
      return imgs.length > 0 && imgs.every(i => i.complete && i.naturalWidth > 0 && i.src.startsWith('data:image/svg+xml;base64,'))
    },
    selector,
    { timeout: UI_TIMEOUT },
  )
}

const fill = (id: string, text: string) => visible(`#${id} input, input#${id}`).fill(text)

test('人群: a rule on 生命周期阶段 shows its live count and a sample; saved, it is listed', async () => {
  await signInAs('o_demo_admin')
  await visible('#console-entry').click()
  await visible('#console-segments-entry').click()
  await visible('#segments-builder').waitFor({ timeout: UI_TIMEOUT })
  // the first condition is 生命周期阶段 是 …: 活跃 among the seeded members
  await visible('#segments-cond-0-opt-active').click()
  const count = demo.page.locator('#segments-preview-count')
  await count.first().waitFor({ timeout: UI_TIMEOUT })
  await demo.page.waitForFunction(() => /[1-9]/.test(document.querySelector('#segments-preview-count')?.textContent ?? ''), undefined, { timeout: UI_TIMEOUT })
  expect(await visible('#segments-sample').innerText()).toMatch(/\d{10}/)
  await settledScreenshot(demo.page, '45-console-segment-builder')

  await fill('segments-save-id', SEGMENT_ID)
  await fill('segments-save-name', '活跃会员（e2e）')
  await visible('#segments-save-submit').click()
  await visible(`#segments-row-${SEGMENT_ID}`).waitFor({ timeout: UI_TIMEOUT })
})

test('活动: 试算 → 开始 on the saved segment; its report shows the lift chart', async () => {
  await visible('#console-home-entry').click()
  await visible('#console-campaigns-entry').click()
  await visible('#campaigns-new').click()
  await fill('campaigns-form-campaignId', CAMPAIGN_ID)
  await fill('campaigns-form-name', '活跃会员满减（e2e）')
  await visible(`#campaigns-form-segment-${SEGMENT_ID}`).click()
  await visible('#campaigns-form-template-demo-full-100-20').click()
  await visible('#campaigns-dry-run').click()
  await visible('#campaigns-dry').waitFor({ timeout: UI_TIMEOUT })
  const treated = Number((await visible('#campaigns-dry-treated').innerText()).replace(/\D/g, ''))
  expect(treated).toBeGreaterThan(0)
  await settledScreenshot(demo.page, '46-console-campaign-dry-run')

  await visible('#campaigns-start').click()
  const modal = await confirmModal(demo.page)
  expect(modal.content).toContain(`${treated} 位触达会员`)
  await visible('#campaigns-report-chart').waitFor({ timeout: UI_TIMEOUT })
  await chartsDrawn(demo.page, '#campaigns-report-chart')
  expect(await visible('#campaigns-report-table').innerText()).toContain('对照组')
  await visible(`#campaigns-row-${CAMPAIGN_ID}`).waitFor({ timeout: UI_TIMEOUT })
  await settledScreenshot(demo.page, '47-console-campaign-report')
})

test('报表: every section of the report drawn as a chart; a desktop window shows tables', async () => {
  await visible('#console-home-entry').click()
  await visible('#console-reports-entry').click()
  await chartsDrawn(demo.page, '#reports-sections')
  await settledScreenshot(demo.page, '48-console-reports')
  await demo.page.setViewportSize({ width: 1280, height: 900 })
  // a desktop window: the tables have a header row (a phone shows each row as a card)
  await demo.page.waitForFunction(
    () => {
      const h = document.querySelector('#reports-sections .rt-head')
      return !!h && getComputedStyle(h).display === 'table-row'
    },
    undefined,
    { timeout: UI_TIMEOUT },
  )
  await settledScreenshot(demo.page, '49-console-reports-desktop')
})

test('静安店长 (a store manager): 概览 of their store only, only the screens they may use, a store report', async () => {
  await demo.page.setViewportSize({ width: 390, height: 844 })
  await signInAs('o_demo_manager')
  await visible('#console-entry').click()
  await visible('#console-kpis').waitFor({ timeout: UI_TIMEOUT })
  expect(await visible('#console-scope').innerText()).toBe('上海静安旗舰店')
  expect(await demo.page.locator('#console-sections > *').allInnerTexts()).toEqual(['会员', '报表', '门店与店员', '审计'])
  await visible('#console-reports-entry').click()
  await chartsDrawn(demo.page, '#reports-sections')
  expect(await visible('#reports-scope').innerText()).toContain('上海静安旗舰店')
  expect(await visible('#reports-sections').innerText()).toContain('仅品牌管理员可见')
  await settledScreenshot(demo.page, '50-console-manager-reports')
})
