/**
 * Flows on the weapp build (see harness.ts): the same compiled pages WeChat runs, driven through
 * WeChat's events, the cloud answering from the fixtures (answers.ts).
 */
import { loadWeapp, type Weapp } from './harness'
import { codeKey, defaultAnswers } from './answers'
import { consoleHome } from '../client/console-fixtures'
import { member, ok } from '../client/fixtures'
import { memberCode } from '../../domain/member-code'
import { qrMatrix } from '../../client/src/utils/qr'

let weapp: Weapp
beforeAll(() => {
  weapp = loadWeapp(defaultAnswers())
})
afterEach(() => {
  weapp.stack.slice().forEach(p => p.close())
  jest.useRealTimers()
})

test('会员首页: signs in, shows points, tier progress and the points about to expire', async () => {
  const page = await weapp.open('pages/index/index')
  expect(await page.waitForText('#member-nickname', '小爱')).toBe('小爱')
  expect(page.text('#member-points')).toBe('120')
  expect(page.text('#member-expiring')).toBe('30 积分将于 2024年3月31日 过期')
  expect(page.text()).toContain('银卡会员')
  expect(page.text()).toContain('再获得 1800 成长值升级为金卡会员')
  expect(weapp.backend.eventsFor('member.login')[0]).toEqual({ action: 'login' })

  page.tap('#member-code-entry')
  await page.until(
    () => weapp.rec.navigation.at(-1)?.url,
    u => u === '/pages/code/index',
    'navigation to the code page',
  )
})

test('会员码: the digits are the domain code for the key and the clock, the QR is drawn, brightness is raised; 刷新会员码 fetches a new key', async () => {
  const now = new Date('2024-03-05T02:00:10.000Z')
  jest.useFakeTimers({ now, advanceTimers: true })
  weapp.backend.answer({ 'member.getCodeKey': () => ok(codeKey(new Date())) })
  const page = await weapp.open('pages/code/index')
  const code = memberCode('a'.repeat(64), '1000000001', now)
  const grouped = code.replace(/(\d{4})(?=\d)/g, '$1 ')
  expect(await page.waitForText('#member-code-digits', grouped)).toBe(grouped)

  const qr = await page.until(
    () => page.canvas('#member-code-qr'),
    c => !!c && c.rects.some(r => r.fill === '#000000'),
    'the QR code on the Canvas 2D stand-in',
  )
  const dark = qr!.rects.filter(r => r.fill === '#000000')
  // the first dark rectangle is the top-left finder pattern's top row: 7 modules of this code's matrix
  expect(dark[0].w).toBe(7 * Math.floor(qr!.width / (qrMatrix(code).size + 8)))
  await page.until(
    () => weapp.rec.brightness,
    b => b.includes(1),
    'full brightness',
  )
  expect(page.text('#member-code-brightness-hint')).toContain('已为你调高屏幕亮度')
  // the key is kept on the device for offline use
  expect((weapp.wx.getStorageSync as (k: string) => { key: string })('member.codeKey').key).toBe('a'.repeat(64))

  // 刷新会员码: a new key from the function (e.g. after a device change), its code shown and saved
  weapp.backend.answer({ 'member.getCodeKey': () => ok({ ...codeKey(new Date()), key: 'b'.repeat(64), keyVersion: 2 }) })
  page.tap('#member-code-refresh')
  const renewed = memberCode('b'.repeat(64), '1000000001', new Date()).replace(/(\d{4})(?=\d)/g, '$1 ')
  expect(await page.waitForText('#member-code-digits', renewed)).toBe(renewed)
  expect(weapp.backend.eventsFor('member.getCodeKey')).toHaveLength(2)
  expect((weapp.wx.getStorageSync as (k: string) => { key: string })('member.codeKey').key).toBe('b'.repeat(64))
})

describe('绑定手机号', () => {
  test('getphonenumber with a code binds the number through member.bindPhone', async () => {
    weapp.backend.answer({ 'member.bindPhone': ok({ member: member({ phone: '13812345678' }) }) })
    const page = await weapp.open('pages/phone/index')
    // once the page has settled (the current number loaded)
    await page.waitForText('#phone-current', '未绑定')
    page.fire('#phone-wx', 'getphonenumber', { errMsg: 'getPhoneNumber:ok', code: 'wx-phone-code' })
    await page.until(
      () => weapp.backend.eventsFor('member.bindPhone'),
      e => e.length === 1,
      'member.bindPhone',
    )
    expect(weapp.backend.eventsFor('member.bindPhone')).toEqual([{ action: 'bindPhone', wxCode: 'wx-phone-code' }])
    await page.waitForText('#phone-current', '13812345678')
  })

  test('errno 112 (privacy not authorized) is explained in Chinese and nothing is sent', async () => {
    const page = await weapp.open('pages/phone/index')
    await page.waitFor('#phone-wx')
    const before = weapp.backend.eventsFor('member.bindPhone').length
    page.fire('#phone-wx', 'getphonenumber', { errMsg: 'getPhoneNumber:fail privacy permission is not authorized', errno: 112 })
    expect(await page.waitForText('#phone-error', '需要先同意《用户隐私保护指引》才能使用此功能')).toBe('需要先同意《用户隐私保护指引》才能使用此功能')
    expect(weapp.backend.eventsFor('member.bindPhone')).toHaveLength(before)
  })
})

describe('管理 · 概览', () => {
  test('a brand admin sees the KPIs, the charts as SVG images and every section', async () => {
    weapp.backend.answer({ 'admin.consoleHome': ok(consoleHome()) })
    const page = await weapp.open('console/home/index')
    expect(await page.waitForText('#kpi-members-value', '12,345')).toBe('12,345')
    expect(page.text('#kpi-repurchaseRate-value')).toBe('34.6%')
    expect(page.text('#kpi-salesFen-value')).toBe('￥1,234,567.89')
    expect(page.text('#kpi-couponRedemption-hint')).toBe('该范围内未发券')
    expect(page.find('#chart-newMembers-image')).not.toBeNull()
    const src = String(page.attribute('#chart-newMembers-image', 'src'))
    expect(src).toMatch(/^data:image\/svg\+xml/)
    // the chart's Chinese text survives the data URI (UTF-8 bytes)
    expect(Buffer.from(src.slice(src.indexOf(',') + 1), 'base64').toString('utf8')).toContain('新增会员')
    expect(page.text('#console-sections')).toBe('会员人群券活动报表门店与店员设置审计')
    page.tap('#console-segments-entry')
    await page.until(
      () => weapp.rec.navigation.at(-1)?.url,
      u => u === '/console/segments/index',
      'navigation to 人群',
    )
  })

  test('a store manager sees the store scope and no brand-only section', async () => {
    weapp.backend.answer({ 'admin.consoleHome': ok(consoleHome({ scope: { kind: 'store', storeId: 'store_jingan', storeName: '上海静安旗舰店' } })) })
    const page = await weapp.open('console/home/index')
    await page.waitForText('#kpi-members-value', '12,345')
    expect(page.text()).toContain('上海静安旗舰店')
    expect(page.text('#console-sections')).toBe('会员报表门店与店员审计')
    expect(page.find('#console-segments-entry')).toBeNull()
  })
})
