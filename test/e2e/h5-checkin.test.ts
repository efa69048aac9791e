/**
 * 每日签到 in a real browser on the H5 build: a member opens the check-in page from the home page,
 * taps 签到, sees the points and today marked on the calendar, finds the same state after a reload,
 * cannot check in twice, and the home page shows the balance risen by the check-in points once.
 */
import type { Browser, Page, Request } from 'playwright-core'
import type { RunningEmulator } from '../../scripts/emulator-process'
import { UI_TIMEOUT, recordToasts, signInAs, toasts, visible as visibleOn, waitForToast, settledScreenshot, startDemoBrowser, stopDemoBrowser } from './support'

const MEMBER = 'o_demo_member_2' // 陈一鸣: no check-ins yet

let emu: RunningEmulator
let browser: Browser
let page: Page
/** `member.checkIn` calls the page sent */
const checkInCalls: Request[] = []

beforeAll(async () => {
  ;({ emu, browser, page } = await startDemoBrowser())
  page.on('request', req => {
    if (req.method() === 'POST' && req.url().endsWith('/functions/member') && /"action":"checkIn"/.test(req.postData() ?? '')) checkInCalls.push(req)
  })
  await recordToasts(page)
}, 240_000)

afterAll(() => stopDemoBrowser({ emu, browser }))

const visible = (selector: string) => visibleOn(page, selector)
const shot = (name: string) => settledScreenshot(page, name)
const text = async (selector: string) => (await visible(selector).innerText()).trim()

/** The `member` function as the member (loopback interface, trusted openid header). */
async function asMember(event: Record<string, unknown>): Promise<any> {
  const res = await fetch(`${emu.baseUrl}/functions/member`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-wx-openid': MEMBER }, body: JSON.stringify(event) })
  const body = await res.json()
  expect(body.ok).toBe(true)
  return body.data
}

/** Today's cell (YYYY-MM-DD, the server's Shanghai day), read off the calendar before checking in. */
let today = ''
let before = 0
let earned = 0

/** "再签 N 天可得 X 积分" */
function nextBonus(shown: string): { days: number; points: number } {
  const m = /^再签 (\d+) 天可得 (\d+) 积分$/.exec(shown)
  expect(m).not.toBeNull()
  return { days: Number(m![1]), points: Number(m![2]) }
}

const dayCell = () => visible(`#checkin-day-${today}`)

/** What the page shows once today is checked in (after the tap, and again after a reload). */
async function expectCheckedIn(): Promise<void> {
  const button = visible('#checkin-button')
  await button.filter({ hasText: '今日已签到' }).waitFor({ timeout: UI_TIMEOUT })
  // Taro's H5 button keeps the attribute (Playwright's isDisabled() does not read it on a custom element)
  expect(await button.getAttribute('disabled')).not.toBeNull()
  expect(await text('#checkin-streak')).toBe('1')
  expect(await text('#checkin-today-points')).toBe(String(earned))
  expect(await text('#checkin-summary')).toContain('今日已得积分')
  expect(await dayCell().getAttribute('data-kind')).toBe('checked')
  expect(await dayCell().innerText()).toContain('✓')
  expect(await dayCell().innerText()).not.toContain('今')
  // today is the only day checked this month
  expect(await page.locator('#checkin-calendar [data-kind="checked"]').locator('visible=true').count()).toBe(1)
}

test('the member opens 签到 from the home page, taps it, and sees the points, today marked, streak 1, the button disabled', async () => {
  await signInAs(page, emu.baseUrl, MEMBER)
  before = Number(await text('#member-points'))
  expect(Number.isInteger(before)).toBe(true)
  await visible('#checkin-entry').click()

  const button = visible('#checkin-button')
  await button.waitFor({ timeout: UI_TIMEOUT })
  expect(await button.innerText()).toBe('签到')
  expect(await button.getAttribute('disabled')).toBeNull()
  expect(await text('#checkin-streak')).toBe('0')
  expect(await text('#checkin-summary')).toContain('今日签到可得')
  const promised = Number(await text('#checkin-today-points'))
  expect(promised).toBeGreaterThan(0)

  // exactly one cell is today, marked 今, in the month the calendar shows
  const todayCells = page.locator('#checkin-calendar [data-kind="today"]').locator('visible=true')
  expect(await todayCells.count()).toBe(1)
  today = (await todayCells.first().getAttribute('id'))!.replace('checkin-day-', '')
  expect(today).toMatch(/^\d{4}-\d{2}-\d{2}$/)
  expect(await todayCells.first().innerText()).toContain('今')
  expect(await visible('#checkin-calendar').getAttribute('data-month')).toBe(today.slice(0, 7))
  expect(await text('#checkin-calendar .checkin-month')).toBe(`${Number(today.slice(5, 7))} 月`)
  expect(await page.locator('#checkin-calendar [data-kind="checked"]').count()).toBe(0)
  const bonusBefore = nextBonus(await text('#checkin-next-bonus'))
  await shot('21-checkin-before')

  await button.click()
  const earnedText = visible('#checkin-earned')
  await earnedText.waitFor({ timeout: UI_TIMEOUT })
  const m = /今日获得 (\d+) 积分/.exec(await earnedText.innerText())
  expect(m).not.toBeNull()
  earned = Number(m![1])
  expect(earned).toBe(promised)
  await waitForToast(page, `签到成功 +${earned} 积分`)
  await expectCheckedIn()
  expect(await text('#checkin-balance')).toBe(String(before + earned))
  // today counts towards the next streak bonus: one day less to go, for the same bonus
  expect(nextBonus(await text('#checkin-next-bonus'))).toEqual({ days: bonusBefore.days - 1, points: bonusBefore.points })
  await shot('22-checkin-calendar')

  // tapping the disabled button again sends nothing and credits nothing
  await button.click({ force: true })
  await button.click({ force: true })
  await expectCheckedIn()
  expect(await text('#checkin-balance')).toBe(String(before + earned))
  const shown = await toasts(page)
  expect(shown.filter(t => t.includes('签到成功'))).toHaveLength(1)
  expect(shown.filter(t => t.includes('今天已签到'))).toHaveLength(0)
}, 180_000)

test('reloading the check-in page shows the same state, and tapping again credits nothing', async () => {
  await page.reload()
  await visible('#checkin-button').waitFor({ timeout: UI_TIMEOUT })
  await expectCheckedIn()
  // the points of the tap are no longer shown after a reload; the calendar still says what today gave
  expect(await page.locator('#checkin-earned').count()).toBe(0)
  await visible('#checkin-button').click({ force: true })
  await expectCheckedIn()
  await shot('23-checkin-after-reload')
}, 180_000)

test('the home page balance rose by the check-in points, once', async () => {
  await page.goto(`${emu.baseUrl}/`)
  await page
    .locator('#member-points', { hasText: String(before + earned) })
    .first()
    .waitFor({ timeout: UI_TIMEOUT })
  expect(Number(await text('#member-points'))).toBe(before + earned)
  await shot('24-home-after-checkin')

  // one check-in request from all the taps, one success toast, one credit on the server
  expect(checkInCalls).toHaveLength(1)
  const points = await asMember({ action: 'getPoints' })
  expect(points.balance).toBe(before + earned)
  const history = await asMember({ action: 'pointsHistory', offset: 0, limit: 50 })
  const checkins = history.items.filter((i: { sourceType: string }) => i.sourceType === 'checkin')
  expect(checkins).toHaveLength(1)
  expect(checkins[0].delta).toBe(earned)
  const calendar = await asMember({ action: 'checkinCalendar' })
  expect(calendar).toMatchObject({ today, checkedInToday: true, streak: 1, checkedDays: [today] })
}, 180_000)
