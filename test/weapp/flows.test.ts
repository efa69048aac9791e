/**
 * The member's and the staff's everyday flows on the weapp build (see harness.ts): check-in, claim and
 * 我的券, the till, 今日 and coupon write-off, the profile. Each asserts what the user reads and what
 * was sent to the cloud.
 */
import { loadWeapp, type Weapp } from './harness'
import { defaultAnswers } from './answers'
import { member, ok } from '../client/fixtures'
import { checkinResult } from '../client/coupon-fixtures'
import { DEFAULT_PRIVACY_POLICY } from '../../types/consent'
import type { MemberProfile } from '../../types/member'
import { CROISSANT, MEMBER_CODE, couponWallet, tillAnswers, writeOffAnswers } from './flow-answers'

let weapp: Weapp
beforeAll(() => {
  weapp = loadWeapp(defaultAnswers())
})
// each flow starts from the default answers (a flow's own answers remember what it did)
beforeEach(() => weapp.backend.answer(defaultAnswers()))
afterEach(() => {
  weapp.stack.slice().forEach(p => p.close())
  expect(weapp.backend.unexpected).toEqual([])
})

test('签到: one tap sends member.checkIn once, the streak and balance are shown and the button is disabled', async () => {
  weapp.backend.answer({ 'member.checkIn': ok(checkinResult()) })
  const page = await weapp.open('pages/checkin/index')
  expect(await page.waitForText('#checkin-button', '签到')).toBe('签到')
  expect(page.text('#checkin-streak')).toBe('1')
  expect(page.attribute('#checkin-button', 'disabled')).toBeFalsy()

  page.tap('#checkin-button')
  await page.waitForText('#checkin-button', '今日已签到')
  expect(weapp.backend.eventsFor('member.checkIn')).toEqual([{ action: 'checkIn' }])
  expect(page.text('#checkin-streak')).toBe('2')
  expect(page.text('#checkin-balance')).toBe('125')
  expect(page.text('#checkin-earned')).toBe('今日获得 5 积分')
  expect(page.attribute('#checkin-button', 'disabled')).toBe(true)
  expect(weapp.rec.toasts.at(-1)).toEqual({ title: '签到成功 +5 积分', icon: 'none' })

  // the built-in button is a shell here, so the tap still arrives: the page itself sends nothing more
  page.tap('#checkin-button')
  await weapp.simulate.sleep(20)
  expect(weapp.backend.eventsFor('member.checkIn')).toHaveLength(1)
})

test('领券 → 我的券: claimCoupon carries a requestId, 我的券 then lists the coupon and opens it with its code', async () => {
  const wallet = couponWallet()
  weapp.backend.answer(wallet.handlers)
  const claim = await weapp.open('pages/claim/index')
  expect(await claim.waitForText('#claim-spring-20', '领取')).toBe('领取')
  expect(claim.text('#offer-stock-spring-20')).toBe('剩余 12 张')

  claim.tap('#claim-spring-20')
  await claim.waitForText('#claim-message-spring-20', '领取成功，点击查看券码')
  expect(weapp.backend.eventsFor('member.claimCoupon')).toEqual([{ action: 'claimCoupon', templateId: 'spring-20', requestId: expect.stringMatching(/^cl-[\w-]{8,61}$/) }])
  expect(weapp.rec.toasts.at(-1)).toEqual({ title: '领取成功', icon: 'success' })
  // the offers are reloaded after the claim: one fewer left, this member's limit reached
  await claim.waitForText('#offer-stock-spring-20', '剩余 11 张')
  expect(claim.text('#claim-spring-20')).toBe('已达领取上限')

  claim.tap('#claim-my-coupons')
  expect(weapp.rec.navigation.at(-1)).toEqual({ api: 'navigateTo', url: '/pages/coupons/index' })
  const mine = await weapp.open('pages/coupons/index')
  await mine.waitForText('#coupon-cp_9', '满100减20')
  expect(mine.text('#coupon-cp_9')).toContain('春季满减券')
  expect(mine.text('#coupon-tab-available')).toBe('可使用（1）')
  expect(weapp.backend.eventsFor('member.myCoupons').at(-1)).toMatchObject({ action: 'myCoupons', state: 'available', offset: 0 })

  mine.tap('#coupon-cp_9')
  expect(weapp.rec.navigation.at(-1)).toEqual({ api: 'navigateTo', url: '/pages/coupon/index?couponId=cp_9' })
  const detail = await weapp.open('pages/coupon/index', { couponId: 'cp_9' })
  expect(await detail.waitForText('#coupon-code', '9876 5432 1098')).toBe('9876 5432 1098')
  expect(weapp.backend.eventsFor('member.couponDetail').at(-1)).toEqual({ action: 'couponDetail', couponId: 'cp_9' })
})

test('收银: a scanned member code identifies the member, quick key, search and a scanned barcode fill the basket, the purchase shows its points', async () => {
  weapp.backend.answer(tillAnswers())
  const scan = await weapp.open('staff/scan/index')
  await scan.waitForText('#till-store', '店员：王店员')
  weapp.rec.scanResults.push(MEMBER_CODE)
  scan.tap('#till-scan')
  expect(await scan.waitForText('#till-member-nickname', '小爱')).toBe('小爱')
  expect(scan.text('#till-member-points')).toBe('120')
  expect(weapp.backend.eventsFor('staff.verifyCode')).toEqual([{ action: 'verifyCode', code: MEMBER_CODE }])

  scan.tap('#till-purchase')
  expect(weapp.rec.navigation.at(-1)).toEqual({ api: 'navigateTo', url: '/staff/purchase/index' })
  const till = await weapp.open('staff/purchase/index')
  await till.waitFor('#basket-quick-p-latte')
  expect(weapp.backend.eventsFor('staff.memberCoupons').at(-1)).toEqual({ action: 'memberCoupons', member: { code: MEMBER_CODE } })
  till.tap('#basket-quick-p-latte')
  await till.waitForText('#basket-line-p-latte-qty', '1')
  till.tap('#basket-line-p-latte-plus')
  await till.waitForText('#basket-line-p-latte-qty', '2')

  till.input('#basket-search-input', '燕麦')
  await till.until(
    () => till.attribute('#basket-search-input', 'value'),
    v => v === '燕麦',
    'the typed search',
  )
  till.tap('#basket-search-submit')
  await till.waitFor('#basket-result-p-oat-latte')
  expect(weapp.backend.eventsFor('staff.tillCatalog').at(-1)).toEqual({ action: 'tillCatalog', query: '燕麦', limit: 30 })
  till.tap('#basket-result-p-oat-latte')
  await till.waitFor('#basket-line-p-oat-latte')

  weapp.rec.scanResults.push(CROISSANT.barcode!)
  till.tap('#basket-scan')
  await till.waitFor('#basket-line-p-croissant')
  expect(weapp.backend.eventsFor('staff.productByCode')).toEqual([{ action: 'productByCode', code: CROISSANT.barcode }])
  expect(till.text('#basket-count')).toBe('共 4 件')
  expect(till.text('#basket-total')).toBe('￥117.00')

  till.tap('#purchase-submit')
  await till.until(
    () => weapp.rec.navigation.at(-1),
    n => n?.url === '/staff/result/index',
    'the hand-off to the result page',
  )
  expect(weapp.backend.eventsFor('staff.recordPurchase')).toEqual([
    {
      action: 'recordPurchase',
      requestId: expect.stringMatching(/^p-[\w-]{6,62}$/),
      member: { code: MEMBER_CODE },
      amountFen: 11700,
      lines: [
        { productId: 'p-latte', title: '拿铁', category: '咖啡', quantity: 2, priceFen: 3200 },
        { productId: 'p-oat-latte', title: '燕麦拿铁', category: '咖啡', quantity: 1, priceFen: 3500 },
        { productId: 'p-croissant', title: '黄油可颂', category: '烘焙', quantity: 1, priceFen: 1800 },
      ],
    },
  ])
  const result = await weapp.open('staff/result/index')
  expect(await result.waitForText('#purchase-result-points', '+70')).toBe('+70')
  expect(result.text('#purchase-result-balance')).toBe('190')
  expect(result.text('#purchase-result-amount')).toBe('￥117.00')
  expect(result.text('#purchase-result-member')).toBe('小爱')
})

test('今日流水 → 核销券: the day is shown; a coupon is written off only once the modal is confirmed', async () => {
  const today = await weapp.open('staff/today/index')
  expect(await today.waitForText('#today-sales', '￥12.30')).toBe('￥12.30')
  expect(today.text('#today-purchases')).toBe('1')
  expect(today.text('#today-points')).toBe('12')
  expect(today.text('#today-row-pur_1')).toContain('会员 1000000001')
  expect(weapp.backend.eventsFor('staff.today').at(-1)).toEqual({ action: 'today' })
  today.tap('#today-coupons-entry')
  expect(weapp.rec.navigation.at(-1)).toEqual({ api: 'navigateTo', url: '/staff/coupons/index' })

  weapp.backend.answer(writeOffAnswers())
  const page = await weapp.open('staff/coupons/index')
  await page.waitFor('#writeoff-find-code-input')
  page.input('#writeoff-find-code-input', '1000000001')
  await page.until(
    () => page.attribute('#writeoff-find-code-input', 'value'),
    v => v === '1000000001',
    'the typed member number',
  )
  page.tap('#writeoff-find-code-submit')
  await page.waitForText('#writeoff-member-nickname', '小爱')
  expect(weapp.backend.eventsFor('staff.memberCoupons').at(-1)).toEqual({ action: 'memberCoupons', member: { memberNo: '1000000001' } })
  page.tap('#writeoff-coupon-200000000001')
  await page.waitForText('#writeoff-chosen', '10元现金券')

  // 取消 in the modal: nothing is sent
  const modals = weapp.rec.modals.length
  weapp.rec.modalAnswers.push(false)
  page.tap('#writeoff-submit')
  await page.until(
    () => weapp.rec.modals.length,
    n => n === modals + 1,
    'the confirm modal',
  )
  expect(weapp.rec.modals.at(-1)).toEqual({ title: '确认核销', content: expect.stringContaining('核销「10元现金券」（10元现金券）') })
  await weapp.simulate.sleep(20)
  expect(weapp.backend.eventsFor('staff.writeOffCoupon')).toEqual([])

  // 确认核销
  page.tap('#writeoff-submit')
  await page.waitForText('#writeoff-done', '核销成功')
  expect(weapp.rec.modals).toHaveLength(modals + 2)
  expect(weapp.backend.eventsFor('staff.writeOffCoupon')).toEqual([
    { action: 'writeOffCoupon', requestId: expect.stringMatching(/^w-[\w-]{6,62}$/), member: { memberNo: '1000000001' }, couponCode: '200000000001' },
  ])
  expect(page.text('#writeoff-done-name')).toBe('10元现金券')
  expect(page.text('#writeoff-done-code')).toBe('2000 0000 0001')
})

// before the flow below, which answers that the consent is given (the app keeps what it learnt)
test('资料: without a consent on record the nickname field is covered; a tap asks, 同意 records it and the field is there', async () => {
  weapp.backend.answer({
    'member.agreePrivacy': ok({ consent: { version: DEFAULT_PRIVACY_POLICY.version, agreedAt: '2024-03-01T02:00:00.000Z' }, upToDate: true as const, replayed: false }),
  })
  const page = await weapp.open('pages/profile/index')
  await page.waitForText('#profile-birthday', '1990-05-01')
  await page.waitFor('#profile-nickname-consent')
  expect(page.attribute('#profile-nickname', 'type')).toBe('nickname')
  page.tap('#profile-nickname-consent')
  await page.waitFor('#privacy-consent')
  // WeChat delivers the agreePrivacyAuthorization button's own event
  page.fire('#privacy-consent-agree', 'agreeprivacyauthorization', {})
  await page.until(
    () => page.find('#profile-nickname-consent'),
    cover => cover === null,
    'the cover gone after 同意',
  )
  expect(weapp.backend.eventsFor('member.agreePrivacy')).toEqual([{ action: 'agreePrivacy', version: DEFAULT_PRIVACY_POLICY.version }])
  expect(page.find('#privacy-consent')).toBeNull()
})

test('资料: chooseavatar uploads the picture, the nickname is typed, updateProfile saves both with the file id', async () => {
  weapp.backend.answer({
    // consent given: no privacy cover over the avatar button
    'member.privacyPolicy': ok({
      policy: DEFAULT_PRIVACY_POLICY,
      updatedAt: null,
      consent: { version: DEFAULT_PRIVACY_POLICY.version, agreedAt: '2024-03-01T02:00:00.000Z' },
      withdrawnAt: null,
      upToDate: true,
    }),
    'member.updateProfile': e => ok({ member: member(e.patch as Partial<MemberProfile>) }),
  })
  const page = await weapp.open('pages/profile/index')
  await page.waitForText('#profile-birthday', '1990-05-01')
  await page.until(
    () => page.find('#profile-avatar-consent'),
    cover => cover === null,
    'no privacy cover over the avatar',
  )
  const uploads = weapp.rec.uploads.length

  page.fire('#profile-avatar', 'chooseavatar', { avatarUrl: 'wxfile://tmp/avatar.png' })
  await page.until(
    () => weapp.rec.uploads.length,
    n => n === uploads + 1,
    'the avatar upload',
  )
  const upload = weapp.rec.uploads.at(-1)!
  expect(upload.filePath).toBe('wxfile://tmp/avatar.png')
  expect(upload.cloudPath).toMatch(/^avatars\/o_alice\/\d+\.png$/)
  // the chosen picture is shown at once; 头像上传中… gives way once the upload answered
  await page.until(
    () => page.attribute('#profile-avatar-image', 'src'),
    src => src === 'wxfile://tmp/avatar.png',
    'the chosen avatar',
  )
  await page.waitForText('.profile-avatar-row', '点击更换头像')

  page.input('#profile-nickname', '小爱同学')
  // the member taps 保存 after the field shows what was typed (Taro renders after React commits)
  await page.until(
    () => page.attribute('#profile-nickname', 'value'),
    v => v === '小爱同学',
    'the typed nickname',
  )
  page.tap('#profile-save')
  await page.until(
    () => weapp.rec.toasts.at(-1),
    t => t?.title === '已保存',
    'the saved toast',
  )
  expect(weapp.backend.eventsFor('member.updateProfile')).toEqual([{ action: 'updateProfile', patch: { nickname: '小爱同学', avatarFileId: `cloud://test-env/${upload.cloudPath}` } }])
  expect(page.text('#profile-error')).toBeNull()
})
