/**
 * A shopper in a real browser on the H5 build: local sign-in, the member home page, editing the
 * profile (nickname, avatar upload, gender), and finding it kept after the emulator restarts.
 */
import type { Browser, Page } from 'playwright-core'
import { startEmulator, type RunningEmulator } from '../../scripts/emulator-process'
import { screenshot } from '../helpers/browser'
import { startDemoBrowser, stopDemoBrowser } from './support'

let emu: RunningEmulator
let browser: Browser
let page: Page

// a 1×1 PNG
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64')

beforeAll(async () => {
  ;({ emu, browser, page } = await startDemoBrowser({ deviceScaleFactor: 2 }))
}, 240_000)

afterAll(() => stopDemoBrowser({ emu, browser }))

const text = (selector: string) => page.locator(selector).first().innerText()

test('without a session the app goes to the local sign-in page, which lists the demo users', async () => {
  await page.goto(`${emu.baseUrl}/`)
  await page.locator('#login-user-o_demo_member_1').waitFor({ timeout: 20_000 })
  expect(await text('#login-user-o_demo_member_1')).toContain('林小夏')
  await screenshot(page, '01-login')
})

test('picking a demo member signs in and shows the member card', async () => {
  await page.locator('#login-user-o_demo_member_1').click()
  await page.locator('#member-nickname').waitFor({ timeout: 20_000 })
  expect(await text('#member-nickname')).toBe('林小夏')
  // the seed books a purchase history for her: the card shows the balance from the ledger
  expect(Number(await text('#member-points'))).toBeGreaterThan(0)
  await screenshot(page, '02-home')
})

test('editing the profile saves nickname, avatar and gender', async () => {
  await page.locator('#member-edit').click()
  const nickname = page.locator('#profile-nickname input, input#profile-nickname').first()
  await nickname.waitFor({ timeout: 20_000 })
  // the nickname is a privacy API: tapping it asks for consent to the 用户隐私保护指引 first
  await page.locator('#profile-nickname-consent').click()
  await page.locator('#privacy-consent-agree').click()
  await page.locator('#privacy-consent').waitFor({ state: 'detached', timeout: 20_000 })
  await nickname.fill('林小夏·改')
  await page.locator('#profile-avatar-file, #profile-avatar-file input').first().setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: PNG })
  await page.locator('#profile-avatar-image').waitFor({ timeout: 20_000 })
  await page.locator('#profile-gender-male').click()
  await screenshot(page, '03-profile-edit')
  await page.locator('#profile-save').click()
  await page.getByText('已保存').first().waitFor({ timeout: 20_000 })
  // back on the home page with the new name
  await page.locator('#member-nickname', { hasText: '林小夏·改' }).waitFor({ timeout: 20_000 })

  const res = await fetch(`${emu.baseUrl}/functions/member`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-wx-openid': 'o_demo_member_1' },
    body: JSON.stringify({ action: 'getProfile' }),
  })
  const { data } = await res.json()
  expect(data.member.nickname).toBe('林小夏·改')
  expect(data.member.gender).toBe('male')
  expect(data.member.avatarFileId).toMatch(/^cloud:\/\/.+\/avatars\/o_demo_member_1\//)
})

test('a server-side validation error is shown and nothing is saved', async () => {
  await page.locator('#member-edit').click()
  const nickname = page.locator('#profile-nickname input, input#profile-nickname').first()
  await nickname.fill('一二三四五六七八九十一二三四五六七八九十多')
  await page.locator('#profile-save').click()
  await page.locator('#profile-error').waitFor({ timeout: 20_000 })
  expect(await text('#profile-error')).toMatch(/昵称/)
  await screenshot(page, '04-profile-error')
  const res = await fetch(`${emu.baseUrl}/functions/member`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-wx-openid': 'o_demo_member_1' },
    body: JSON.stringify({ action: 'getProfile' }),
  })
  expect((await res.json()).data.member.nickname).toBe('林小夏·改')
})

test('after an emulator restart the edited profile is still there', async () => {
  await emu.stop()
  emu = await startEmulator({ dataDir: emu.dataDir, args: ['--no-timers'], port: emu.port })
  await page.goto(`${emu.baseUrl}/`)
  await page.locator('#member-nickname').waitFor({ timeout: 20_000 })
  expect(await text('#member-nickname')).toBe('林小夏·改')
  await screenshot(page, '05-home-after-restart')
})

test('a new demo user can be created from the sign-in page', async () => {
  await page.evaluate(() => localStorage.clear())
  await page.goto(`${emu.baseUrl}/`)
  await page.locator('#login-create').waitFor({ timeout: 20_000 })
  await page.locator('#login-create').click()
  await page.locator('#member-nickname').waitFor({ timeout: 20_000 })
  expect(await text('#member-nickname')).toBe('微信用户')
})
