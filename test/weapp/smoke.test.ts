/**
 * Every page and sub-package page of dist/weapp/app.json (the list read from the file, so a new page
 * is covered automatically), opened as WeChat would: its ready state shows content from the fixtures,
 * with no failed call, no error state and no console error. Signed in as a brand admin, so the
 * staff and console pages open too.
 */
import { appPages, loadWeapp, type Weapp } from './harness'
import { BRAND_ADMIN, defaultAnswers } from './answers'

/** Text each page shows once loaded, from the default answers (answers.ts). */
const READY_TEXT: Record<string, string> = {
  'pages/index/index': '我的积分120',
  'pages/profile/index': '1990-05-01',
  'pages/code/index': '向店员出示会员码1000 0000 01',
  'pages/points/index': '+123余额 123',
  'pages/purchases/index': '共 1 笔消费',
  'pages/phone/index': '微信手机号快捷绑定',
  'pages/privacy/index': '尚未同意',
  'pages/privacy-policy/index': '版本 1.0',
  'pages/checkin/index': '本月还可补签 1 次',
  'pages/coupons/index': '春季满减券有效期至 2024年3月10日',
  'pages/coupon/index': '1234 5678 9012',
  'pages/claim/index': '剩余 12 张 · 每人限领 1 张',
  'pages/mall/index': '我的积分320',
  'pages/tasks/index': '我的邀请码1000000001',
  'pages/reminders/index': '提醒 coupon_expiring',
  'staff/scan/index': '店员：王店员',
  // the till's basket and result need a member identified first (the till scenario); empty, they point back
  'staff/purchase/index': '去识别会员',
  'staff/result/index': '继续收银',
  'staff/today/index': '销售额￥12.30',
  'staff/coupons/index': '上海静安旗舰店 · 店员：王店员',
  'staff/followups/index': '排队太久',
  'staff/care/index': '小爱，生日快乐！',
  'console/home/index': '会员总数12,345',
  'console/member/index': '查找会员',
  'console/segments/index': '还没有保存的人群',
  'console/coupons/index': '还没有券模板',
  'console/campaigns/index': '还没有活动',
  'console/reports/index': '本店顾客阶段与等级分布',
  'console/stores/index': 'store_jingan',
  'console/settings/index': '每元积分',
  'console/audit/index': '重复积分扣回',
}
/** The options a page needs to show something (its query string in WeChat). */
const QUERY: Record<string, Record<string, string>> = { 'pages/coupon/index': { couponId: 'cp_1' } }
const ERROR_TEXT = /网络异常|加载失败|出错|unexpected call/

let weapp: Weapp
beforeAll(() => {
  weapp = loadWeapp(defaultAnswers(BRAND_ADMIN))
})

test('app.json lists the main package and both sub-packages, and every page has its expected text here', () => {
  const pages = appPages()
  expect(pages).toContain('pages/index/index')
  expect(pages).toContain('staff/scan/index')
  expect(pages).toContain('console/home/index')
  expect(pages.filter(p => !(p in READY_TEXT))).toEqual([])
})

test.each(appPages())('%s opens and shows its content', async route => {
  const calls = weapp.backend.calls.length
  const errors = weapp.consoleErrors.length
  const page = await weapp.open(route, QUERY[route])
  try {
    const expected = READY_TEXT[route] ?? '(no expected text: add the page to READY_TEXT)'
    await page.until(
      () => page.text(),
      t => !!t?.includes(expected),
      expected,
    )
    expect(page.text()).not.toMatch(ERROR_TEXT)
    expect(weapp.backend.unexpected).toEqual([])
    expect(weapp.consoleErrors.slice(errors)).toEqual([])
    // every page but the till's hand-off pages loads through the cloud functions
    if (!['staff/purchase/index', 'staff/result/index', 'console/member/index'].includes(route)) expect(weapp.backend.calls.length).toBeGreaterThan(calls)
  } finally {
    page.close()
  }
})
