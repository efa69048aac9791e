import { act, fireEvent, render, screen, waitFor } from '@testing-library/react'
import Taro from './doubles/taro'
import { callFunction } from '../../client/src/services/cloud'
import ScanPage from '../../client/src/staff/scan/index'
import PurchasePage from '../../client/src/staff/purchase/index'
import ResultPage from '../../client/src/staff/result/index'
import TodayPage from '../../client/src/staff/today/index'
import CouponWriteOffPage from '../../client/src/staff/coupons/index'
import { till } from '../../client/src/staff/till'
import { ok } from './fixtures'
import { couponView, denied, eventsFor, failure, purchaseView, routeCalls, staffMe, tillMember, emptyCatalog, writeOffView, type Handlers } from './backend'
import { UNDO_WINDOW_MINUTES } from '../../domain/coupon-math'
import type { StaffOutputs } from '../../types/staff'
import type { CouponView } from '../../types/coupons'

jest.mock('../../client/src/services/cloud', () => require('./doubles/cloud').cloudDouble())

const call = callFunction as jest.MockedFunction<typeof callFunction>
const byId = (id: string) => document.getElementById(id) as HTMLInputElement
const CODE = '100000000112345678'

// 10元现金券 (not stackable), 满100减20 (not stackable), and two stackable ones
const CASH = couponView()
const THRESHOLD = couponView({ couponId: 'cpn_2', code: '200000000002', templateId: 'full-100', name: '满减券', type: 'threshold', summary: '满100减20', valueFen: 2000, minSpendFen: 10000 })
const STACK_CASH = couponView({ couponId: 'cpn_3', code: '200000000003', templateId: 'cash-5', name: '5元叠加券', summary: '5元现金券', valueFen: 500, stackable: true })
const STACK_PERCENT = couponView({
  couponId: 'cpn_4',
  code: '200000000004',
  templateId: 'off-10',
  name: '9折叠加券',
  type: 'percent',
  summary: '9折 最高减30元',
  valueFen: null,
  percentOff: 10,
  capFen: 3000,
  stackable: true,
})
const ALL = [CASH, THRESHOLD, STACK_CASH, STACK_PERCENT]

const row = (prefix: string, c: CouponView) => byId(`${prefix}-${c.code}`)
const isChecked = (el: HTMLElement) => el.getAttribute('aria-checked') === 'true'

function purchased(overrides: Partial<StaffOutputs['recordPurchase']> = {}): StaffOutputs['recordPurchase'] {
  return { purchase: purchaseView(), pointsEarned: 12, balance: 132, replayed: false, ...overrides }
}

function backend(more: Handlers = {}, coupons: CouponView[] = ALL) {
  routeCalls(call, {
    'staff.me': ok(staffMe()),
    'staff.verifyCode': ok({ member: tillMember() }),
    'staff.findMemberByPhone': ok({ member: tillMember({ nickname: '阿明', memberNo: '1000000002' }) }),
    'staff.memberCoupons': ok({ member: tillMember(), coupons }),
    'staff.recordPurchase': e => {
      const codes = (e.couponCodes as string[] | undefined) ?? []
      const discountFen = codes.length ? 1000 : 0
      return ok(purchased({ purchase: purchaseView({ amountFen: Number(e.amountFen) - discountFen, discountFen, couponCodes: codes }) }))
    },
    'staff.writeOffCoupon': e => ok({ writeOff: writeOffView({ code: String(e.couponCode), orderFen: (e.orderFen as number) ?? null }), replayed: false }),
    'staff.undoWriteOff': e => ok({ writeOff: writeOffView({ undone: { at: new Date().toISOString(), reason: String(e.reason) } }), coupon: CASH }),
    // the purchase page's product picker: a store without products
    ...emptyCatalog,
    ...more,
  })
}

beforeEach(() => {
  call.mockReset()
  till.clear()
  till.setMe(null)
  delete process.env.TARO_ENV
  Taro.showModal.mockResolvedValue({ errMsg: 'showModal:ok', confirm: true, cancel: false })
})

describe('录入消费: 用券', () => {
  beforeEach(() => {
    till.serve({ member: tillMember(), ref: { code: CODE }, via: 'code' })
  })

  async function openPurchase() {
    render(<PurchasePage />)
    await waitFor(() => expect(row('purchase-coupon', CASH)).toBeInTheDocument())
    expect(eventsFor(call, 'staff.memberCoupons')).toEqual([{ action: 'memberCoupons', member: { code: CODE } }])
  }

  it('a selected coupon is sent as couponCodes with the order total; the page previews the discount and 实付', async () => {
    backend()
    await openPurchase()
    fireEvent.change(byId('purchase-amount'), { target: { value: '100' } })
    fireEvent.click(row('purchase-coupon', CASH))
    expect(isChecked(row('purchase-coupon', CASH))).toBe(true)
    expect(byId('purchase-order-total')).toHaveTextContent('￥100.00')
    expect(byId('purchase-discount')).toHaveTextContent('-￥10.00')
    expect(byId('purchase-amount-preview')).toHaveTextContent('实付 ￥90.00')

    fireEvent.click(byId('purchase-submit'))
    await waitFor(() => expect(Taro.redirectTo).toHaveBeenCalledWith({ url: '/staff/result/index' }))
    expect(eventsFor(call, 'staff.recordPurchase')).toEqual([
      { action: 'recordPurchase', requestId: expect.stringMatching(/^[\w-]{8,64}$/), member: { code: CODE }, amountFen: 10000, couponCodes: [CASH.code] },
    ])

    // the result page: order total, the discount, what was paid and the coupon used
    render(<ResultPage />)
    expect(byId('purchase-result-order')).toHaveTextContent('￥100.00')
    expect(byId('purchase-result-discount')).toHaveTextContent('-￥10.00')
    expect(byId('purchase-result-amount')).toHaveTextContent('￥90.00')
    expect(byId(`purchase-result-coupon-${CASH.code}`)).toHaveTextContent('10元现金券')
    expect(byId(`purchase-result-coupon-${CASH.code}`)).toHaveTextContent('2000 0000 0001')
  })

  it('without coupons no couponCodes are sent and the result shows no discount', async () => {
    backend()
    await openPurchase()
    fireEvent.change(byId('purchase-amount'), { target: { value: '12.3' } })
    expect(byId('purchase-discount')).toBeNull()
    fireEvent.click(byId('purchase-submit'))
    await waitFor(() => expect(Taro.redirectTo).toHaveBeenCalled())
    expect(eventsFor(call, 'staff.recordPurchase')[0]).not.toHaveProperty('couponCodes')
    render(<ResultPage />)
    expect(byId('purchase-result-coupons')).toBeNull()
  })

  it('stackable coupons add up in the order chosen (a percentage applies to what is left)', async () => {
    backend()
    await openPurchase()
    fireEvent.change(byId('purchase-amount'), { target: { value: '100' } })
    fireEvent.click(row('purchase-coupon', STACK_CASH))
    fireEvent.click(row('purchase-coupon', STACK_PERCENT))
    expect(isChecked(row('purchase-coupon', STACK_CASH))).toBe(true)
    expect(isChecked(row('purchase-coupon', STACK_PERCENT))).toBe(true)
    // 100 - 5 = 95, then 10 % of 95 = 9.50
    expect(byId('purchase-discount')).toHaveTextContent('-￥14.50')
    expect(byId('purchase-paid')).toHaveTextContent('￥85.50')
    fireEvent.click(byId('purchase-submit'))
    await waitFor(() => expect(eventsFor(call, 'staff.recordPurchase')).toHaveLength(1))
    expect(eventsFor(call, 'staff.recordPurchase')[0].couponCodes).toEqual([STACK_CASH.code, STACK_PERCENT.code])
  })

  it('a non-stackable coupon deselects the others, and a stackable one deselects a non-stackable one', async () => {
    backend()
    await openPurchase()
    fireEvent.change(byId('purchase-amount'), { target: { value: '200' } })
    fireEvent.click(row('purchase-coupon', STACK_CASH))
    fireEvent.click(row('purchase-coupon', STACK_PERCENT))
    fireEvent.click(row('purchase-coupon', THRESHOLD))
    expect(isChecked(row('purchase-coupon', THRESHOLD))).toBe(true)
    expect(isChecked(row('purchase-coupon', STACK_CASH))).toBe(false)
    expect(isChecked(row('purchase-coupon', STACK_PERCENT))).toBe(false)
    expect(byId('purchase-coupon-hint')).toHaveTextContent('「满减券」不可与其他券同时使用，已取消其他券')

    // one non-stackable coupon replaces another
    fireEvent.click(row('purchase-coupon', CASH))
    expect(isChecked(row('purchase-coupon', CASH))).toBe(true)
    expect(isChecked(row('purchase-coupon', THRESHOLD))).toBe(false)

    fireEvent.click(row('purchase-coupon', STACK_CASH))
    expect(isChecked(row('purchase-coupon', STACK_CASH))).toBe(true)
    expect(isChecked(row('purchase-coupon', CASH))).toBe(false)
    expect(byId('purchase-coupon-hint')).toHaveTextContent('「10元现金券」不可与其他券同时使用，已取消')

    // tapping a selected coupon deselects it
    fireEvent.click(row('purchase-coupon', STACK_CASH))
    expect(isChecked(row('purchase-coupon', STACK_CASH))).toBe(false)
    fireEvent.click(byId('purchase-submit'))
    await waitFor(() => expect(eventsFor(call, 'staff.recordPurchase')).toHaveLength(1))
    expect(eventsFor(call, 'staff.recordPurchase')[0]).not.toHaveProperty('couponCodes')
  })

  it('a coupon whose minimum spend the amount does not reach is disabled with “未满 X 元” and cannot be selected', async () => {
    backend()
    await openPurchase()
    // no amount yet: nothing reaches 满100
    expect(byId(`purchase-coupon-${THRESHOLD.code}-blocker`)).toHaveTextContent('未满 100 元')
    fireEvent.change(byId('purchase-amount'), { target: { value: '99.99' } })
    expect(row('purchase-coupon', THRESHOLD)).toHaveAttribute('aria-disabled', 'true')
    expect(byId(`purchase-coupon-${THRESHOLD.code}-blocker`)).toHaveTextContent('未满 100 元')
    fireEvent.click(row('purchase-coupon', THRESHOLD))
    expect(isChecked(row('purchase-coupon', THRESHOLD))).toBe(false)
    expect(byId('purchase-discount')).toBeNull()
    fireEvent.click(byId('purchase-submit'))
    await waitFor(() => expect(eventsFor(call, 'staff.recordPurchase')).toHaveLength(1))
    expect(eventsFor(call, 'staff.recordPurchase')[0]).not.toHaveProperty('couponCodes')
  })

  it('lowering the amount below a selected coupon’s minimum spend deselects it', async () => {
    backend()
    await openPurchase()
    fireEvent.change(byId('purchase-amount'), { target: { value: '100' } })
    fireEvent.click(row('purchase-coupon', THRESHOLD))
    expect(byId('purchase-amount-preview')).toHaveTextContent('实付 ￥80.00')
    fireEvent.change(byId('purchase-amount'), { target: { value: '80' } })
    expect(isChecked(row('purchase-coupon', THRESHOLD))).toBe(false)
    expect(byId('purchase-coupon-hint')).toHaveTextContent('已取消「满减券」')
    expect(byId('purchase-amount-preview')).toHaveTextContent('实付 ￥80.00')
    expect(byId('purchase-discount')).toBeNull()
  })

  it('COUPON_USED: “券已被使用”, the coupons are reloaded, and the next submission is a new one', async () => {
    let attempts = 0
    let listed = ALL
    backend({
      'staff.memberCoupons': () => ok({ member: tillMember(), coupons: listed }),
      'staff.recordPurchase': () => {
        if (++attempts === 1) {
          listed = ALL.filter(c => c.code !== CASH.code)
          return failure('COUPON_USED', `券 ${CASH.code} 已使用`)
        }
        return ok(purchased())
      },
    })
    await openPurchase()
    fireEvent.change(byId('purchase-amount'), { target: { value: '100' } })
    fireEvent.click(row('purchase-coupon', CASH))
    fireEvent.click(byId('purchase-submit'))
    expect(await screen.findByText(/券已被使用/)).toHaveAttribute('id', 'purchase-error')
    await waitFor(() => expect(row('purchase-coupon', CASH)).toBeNull())
    expect(eventsFor(call, 'staff.memberCoupons')).toHaveLength(2)
    // the used coupon is no longer selected; the amount can be changed again
    expect(byId('purchase-discount')).toBeNull()
    expect(byId('purchase-amount')).toBeEnabled()
    fireEvent.click(byId('purchase-submit'))
    await waitFor(() => expect(Taro.redirectTo).toHaveBeenCalled())
    const sent = eventsFor(call, 'staff.recordPurchase')
    expect(sent[0].couponCodes).toEqual([CASH.code])
    expect(sent[1]).not.toHaveProperty('couponCodes')
    expect(sent[0].requestId).not.toBe(sent[1].requestId)
  })

  it.each([
    ['COUPON_EXPIRED', '券 x 已过期', '券已过期'],
    ['COUPON_NOT_APPLICABLE', '未达到使用门槛：需满 100 元', '未达到使用门槛：需满 100 元'],
  ] as const)('%s is explained', async (code, message, text) => {
    backend({ 'staff.recordPurchase': failure(code, message) })
    await openPurchase()
    fireEvent.change(byId('purchase-amount'), { target: { value: '100' } })
    fireEvent.click(row('purchase-coupon', CASH))
    fireEvent.click(byId('purchase-submit'))
    await waitFor(() => expect(byId('purchase-error')).toHaveTextContent(text))
  })

  it('MEMBER_CODE_USED still asks for a fresh scan', async () => {
    backend({ 'staff.recordPurchase': failure('MEMBER_CODE_USED', 'used') })
    await openPurchase()
    fireEvent.change(byId('purchase-amount'), { target: { value: '100' } })
    fireEvent.click(row('purchase-coupon', CASH))
    fireEvent.click(byId('purchase-submit'))
    expect(await screen.findByText('该会员码已使用过，请让顾客刷新会员码后重新出示')).toBeInTheDocument()
    expect(byId('purchase-rescan')).toBeInTheDocument()
  })

  it('a retry after a lost answer sends the same requestId, amount and coupons, and the selection is locked', async () => {
    let attempts = 0
    backend({
      'staff.recordPurchase': () => (++attempts === 1 ? Promise.reject(new Error('request:fail timeout')) : ok(purchased({ replayed: true }))),
    })
    await openPurchase()
    fireEvent.change(byId('purchase-amount'), { target: { value: '100' } })
    fireEvent.click(row('purchase-coupon', CASH))
    fireEvent.click(byId('purchase-submit'))
    expect(await screen.findByText(/结果未知/)).toHaveAttribute('id', 'purchase-error')
    // locked: tapping another coupon changes nothing
    fireEvent.click(row('purchase-coupon', STACK_CASH))
    expect(isChecked(row('purchase-coupon', STACK_CASH))).toBe(false)
    expect(isChecked(row('purchase-coupon', CASH))).toBe(true)
    fireEvent.click(byId('purchase-submit'))
    await waitFor(() => expect(Taro.redirectTo).toHaveBeenCalled())
    const sent = eventsFor(call, 'staff.recordPurchase')
    expect(sent).toHaveLength(2)
    expect(sent[1]).toEqual(sent[0])
  })

  it('a failure to list the coupons does not stop a purchase without them; 重试 reloads', async () => {
    let attempts = 0
    backend({ 'staff.memberCoupons': () => (++attempts === 1 ? failure('INTERNAL', '服务繁忙') : ok({ member: tillMember(), coupons: ALL })) })
    render(<PurchasePage />)
    await waitFor(() => expect(byId('purchase-coupons-error')).toHaveTextContent('服务繁忙'))
    fireEvent.click(byId('purchase-coupons-retry'))
    await waitFor(() => expect(row('purchase-coupon', CASH)).toBeInTheDocument())
  })

  it('a member with no coupons', async () => {
    backend({}, [])
    render(<PurchasePage />)
    expect(await screen.findByText('该会员暂无可用的券')).toHaveAttribute('id', 'purchase-coupons-empty')
  })
})

describe('核销券 (stand-alone write-off)', () => {
  async function identifyByMemberNo() {
    process.env.TARO_ENV = 'h5'
    render(<CouponWriteOffPage />)
    await waitFor(() => expect(byId('writeoff-find-code-input')).toBeInTheDocument())
    fireEvent.change(byId('writeoff-find-code-input'), { target: { value: '1000000001' } })
    fireEvent.click(byId('writeoff-find-code-submit'))
    await waitFor(() => expect(byId('writeoff-member-nickname')).toHaveTextContent('小爱'))
    expect(eventsFor(call, 'staff.memberCoupons')).toEqual([{ action: 'memberCoupons', member: { memberNo: '1000000001' } }])
  }

  it('the scan page and the today page link to it', async () => {
    backend({ 'staff.today': ok({ storeId: 'store_jingan', date: '2024-03-05', purchases: 0, salesFen: 0, pointsAwarded: 0, refunds: 0, refundedFen: 0, recent: [] }) })
    const scan = render(<ScanPage />)
    fireEvent.click(await screen.findByText('核销券'))
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/staff/coupons/index' })
    scan.unmount()
    Taro.navigateTo.mockClear()
    render(<TodayPage />)
    await waitFor(() => expect(byId('today-coupons-entry')).toBeInTheDocument())
    fireEvent.click(byId('today-coupons-entry'))
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/staff/coupons/index' })
  })

  it('weapp: a scanned member code lists the member’s coupons; a scanned coupon code is written off', async () => {
    backend()
    Taro.scanCode.mockResolvedValueOnce({ errMsg: 'scanCode:ok', result: CODE, scanType: 'QR_CODE' })
    render(<CouponWriteOffPage />)
    fireEvent.click(await screen.findByText('扫描会员码'))
    await waitFor(() => expect(row('writeoff-coupon', CASH)).toBeInTheDocument())
    expect(eventsFor(call, 'staff.memberCoupons')).toEqual([{ action: 'memberCoupons', member: { code: CODE } }])
    expect(eventsFor(call, 'staff.verifyCode')).toHaveLength(0)

    Taro.scanCode.mockResolvedValueOnce({ errMsg: 'scanCode:ok', result: STACK_CASH.code, scanType: 'QR_CODE' })
    fireEvent.click(byId('writeoff-code-scan'))
    // weapp: a number input
    await waitFor(() => expect(byId('writeoff-code-input').value).toBe(STACK_CASH.code))
    expect(isChecked(row('writeoff-coupon', STACK_CASH))).toBe(true)
    fireEvent.click(byId('writeoff-submit'))
    await waitFor(() => expect(byId('writeoff-done')).toBeInTheDocument())
    expect(eventsFor(call, 'staff.writeOffCoupon')).toEqual([{ action: 'writeOffCoupon', requestId: expect.stringMatching(/^[\w-]{8,64}$/), member: { code: CODE }, couponCode: STACK_CASH.code }])
  })

  it('a member found by phone is named by member number', async () => {
    backend()
    process.env.TARO_ENV = 'h5'
    render(<CouponWriteOffPage />)
    await waitFor(() => expect(byId('writeoff-find-phone-input')).toBeInTheDocument())
    fireEvent.change(byId('writeoff-find-phone-input'), { target: { value: '13900000000' } })
    fireEvent.click(byId('writeoff-find-phone-submit'))
    await waitFor(() => expect(byId('writeoff-member')).toBeInTheDocument())
    expect(eventsFor(call, 'staff.memberCoupons')).toEqual([{ action: 'memberCoupons', member: { memberNo: '1000000002' } }])
  })

  it('confirms, sends a requestId, and the retry after a lost answer reuses it', async () => {
    let attempts = 0
    backend({
      'staff.writeOffCoupon': e => {
        attempts++
        if (attempts === 1) return Promise.reject(new Error('request:fail timeout'))
        if (attempts === 2) return failure('INTERNAL', '服务繁忙')
        return ok({ writeOff: writeOffView({ code: String(e.couponCode) }), replayed: true })
      },
    })
    await identifyByMemberNo()
    fireEvent.click(row('writeoff-coupon', CASH))
    expect(byId('writeoff-chosen')).toHaveTextContent('10元现金券')
    fireEvent.click(byId('writeoff-submit'))
    expect(await screen.findByText(/结果未知/)).toHaveAttribute('id', 'writeoff-error')
    expect(Taro.showModal).toHaveBeenCalledWith(expect.objectContaining({ content: expect.stringContaining('10元现金券') }))
    expect(byId('writeoff-submit')).toHaveTextContent('重试核销')
    expect(byId('writeoff-code-input')).toBeDisabled()

    fireEvent.click(byId('writeoff-submit'))
    expect(await screen.findByText(/服务繁忙/)).toBeInTheDocument()
    fireEvent.click(byId('writeoff-submit'))
    await waitFor(() => expect(byId('writeoff-done')).toBeInTheDocument())
    expect(byId('writeoff-replayed')).toHaveTextContent('没有重复核销')
    // confirmed once, sent three times with one requestId
    expect(Taro.showModal).toHaveBeenCalledTimes(1)
    const sent = eventsFor(call, 'staff.writeOffCoupon')
    expect(sent).toHaveLength(3)
    expect(new Set(sent.map(e => e.requestId)).size).toBe(1)
    expect(sent.map(e => e.couponCode)).toEqual([CASH.code, CASH.code, CASH.code])
    expect(sent[0]).toEqual({ action: 'writeOffCoupon', requestId: expect.stringMatching(/^[\w-]{8,64}$/), member: { memberNo: '1000000001' }, couponCode: CASH.code })
  })

  it('cancelling the confirmation sends nothing', async () => {
    backend()
    await identifyByMemberNo()
    fireEvent.click(row('writeoff-coupon', CASH))
    Taro.showModal.mockResolvedValueOnce({ errMsg: 'showModal:ok', confirm: false, cancel: true })
    fireEvent.click(byId('writeoff-submit'))
    await act(async () => {})
    expect(eventsFor(call, 'staff.writeOffCoupon')).toHaveLength(0)
    expect(byId('writeoff-submit')).toHaveTextContent('确认核销')
  })

  it('COUPON_USED shows “券已被使用”; the next attempt is a new write-off', async () => {
    let attempts = 0
    backend({
      'staff.writeOffCoupon': e => (++attempts === 1 ? failure('COUPON_USED', '券已使用') : ok({ writeOff: writeOffView({ code: String(e.couponCode) }), replayed: false })),
    })
    await identifyByMemberNo()
    fireEvent.change(byId('writeoff-code-input'), { target: { value: '2000 0000 0009' } })
    fireEvent.click(byId('writeoff-submit'))
    await waitFor(() => expect(byId('writeoff-error')).toHaveTextContent('券已被使用'))
    expect(Taro.showModal).toHaveBeenCalledWith(expect.objectContaining({ content: expect.stringContaining('2000 0000 0009') }))
    fireEvent.click(row('writeoff-coupon', CASH))
    fireEvent.click(byId('writeoff-submit'))
    await waitFor(() => expect(byId('writeoff-done')).toBeInTheDocument())
    const sent = eventsFor(call, 'staff.writeOffCoupon')
    expect(sent.map(e => e.couponCode)).toEqual(['200000000009', CASH.code])
    expect(sent[0].requestId).not.toBe(sent[1].requestId)
  })

  it('a coupon with a minimum spend needs an order amount that reaches it; the amount is sent as orderFen', async () => {
    backend()
    await identifyByMemberNo()
    expect(byId(`writeoff-coupon-${THRESHOLD.code}-blocker`)).toHaveTextContent('未满 100 元')
    fireEvent.click(row('writeoff-coupon', THRESHOLD))
    expect(isChecked(row('writeoff-coupon', THRESHOLD))).toBe(false)
    // typed by code: refused before the server is asked
    fireEvent.change(byId('writeoff-code-input'), { target: { value: THRESHOLD.code } })
    fireEvent.click(byId('writeoff-submit'))
    await waitFor(() => expect(byId('writeoff-error')).toHaveTextContent('「满减券」未满 100 元，请填写达到门槛的消费金额'))
    expect(eventsFor(call, 'staff.writeOffCoupon')).toHaveLength(0)

    fireEvent.change(byId('writeoff-amount'), { target: { value: '120' } })
    expect(row('writeoff-coupon', THRESHOLD)).toHaveAttribute('aria-disabled', 'false')
    fireEvent.click(byId('writeoff-submit'))
    await waitFor(() => expect(byId('writeoff-done')).toBeInTheDocument())
    expect(eventsFor(call, 'staff.writeOffCoupon')[0]).toMatchObject({ couponCode: THRESHOLD.code, orderFen: 12000 })
  })

  it('refuses a malformed coupon code and an empty choice before calling the server', async () => {
    backend()
    await identifyByMemberNo()
    fireEvent.click(byId('writeoff-submit'))
    await waitFor(() => expect(byId('writeoff-error')).toHaveTextContent('请选择一张券，或扫描/输入 12 位券码'))
    fireEvent.change(byId('writeoff-code-input'), { target: { value: '12345' } })
    fireEvent.click(byId('writeoff-submit'))
    await waitFor(() => expect(byId('writeoff-error')).toHaveTextContent('券码为 12 位数字，请核对'))
    expect(eventsFor(call, 'staff.writeOffCoupon')).toHaveLength(0)
    expect(Taro.showModal).not.toHaveBeenCalled()
  })

  it('an expired member code asks to identify the member again', async () => {
    backend({ 'staff.writeOffCoupon': failure('MEMBER_CODE_EXPIRED', 'expired') })
    Taro.scanCode.mockResolvedValueOnce({ errMsg: 'scanCode:ok', result: CODE, scanType: 'QR_CODE' })
    render(<CouponWriteOffPage />)
    fireEvent.click(await screen.findByText('扫描会员码'))
    await waitFor(() => expect(row('writeoff-coupon', CASH)).toBeInTheDocument())
    fireEvent.click(row('writeoff-coupon', CASH))
    fireEvent.click(byId('writeoff-submit'))
    expect(await screen.findByText('会员码已过期，请让顾客刷新会员码后重新出示')).toBeInTheDocument()
    fireEvent.click(byId('writeoff-rescan'))
    expect(byId('writeoff-member')).toBeNull()
    expect(byId('writeoff-find-code-input')).toBeInTheDocument()
  })

  it('撤销核销 requires a reason, then calls undoWriteOff and returns the coupon to the list', async () => {
    backend()
    await identifyByMemberNo()
    fireEvent.click(row('writeoff-coupon', CASH))
    fireEvent.click(byId('writeoff-submit'))
    await waitFor(() => expect(byId('writeoff-done')).toHaveTextContent('核销成功'))
    expect(byId('writeoff-done-name')).toHaveTextContent('10元现金券')

    fireEvent.click(byId('writeoff-undo-open'))
    fireEvent.click(byId('writeoff-undo-submit'))
    await waitFor(() => expect(byId('writeoff-undo-error')).toHaveTextContent('请写明撤销原因'))
    fireEvent.change(byId('writeoff-undo-reason'), { target: { value: ' 错' } })
    fireEvent.click(byId('writeoff-undo-submit'))
    await act(async () => {})
    expect(eventsFor(call, 'staff.undoWriteOff')).toHaveLength(0)

    fireEvent.change(byId('writeoff-undo-reason'), { target: { value: '核销错券' } })
    fireEvent.click(byId('writeoff-undo-submit'))
    await waitFor(() => expect(byId('writeoff-undone')).toHaveTextContent('原因：核销错券'))
    expect(eventsFor(call, 'staff.undoWriteOff')).toEqual([{ action: 'undoWriteOff', writeOffId: 'wo_1', reason: '核销错券' }])
    expect(byId('writeoff-undo-open')).toBeNull()

    fireEvent.click(byId('writeoff-next'))
    expect(row('writeoff-coupon', CASH)).toBeInTheDocument()
  })

  it('the server’s refusal of an undo (past the window) is shown', async () => {
    backend({ 'staff.undoWriteOff': failure('FAILED_PRECONDITION', '已超过 10 分钟，不能撤销') })
    await identifyByMemberNo()
    fireEvent.click(row('writeoff-coupon', CASH))
    fireEvent.click(byId('writeoff-submit'))
    await waitFor(() => expect(byId('writeoff-undo-open')).toBeInTheDocument())
    fireEvent.click(byId('writeoff-undo-open'))
    fireEvent.change(byId('writeoff-undo-reason'), { target: { value: '顾客取消' } })
    fireEvent.click(byId('writeoff-undo-submit'))
    await waitFor(() => expect(byId('writeoff-undo-error')).toHaveTextContent('已超过 10 分钟，不能撤销'))
  })

  it('no 撤销核销 for a replayed write-off older than the undo window', async () => {
    const old = new Date(Date.now() - (UNDO_WINDOW_MINUTES + 1) * 60_000).toISOString()
    backend({ 'staff.writeOffCoupon': ok({ writeOff: writeOffView({ at: old }), replayed: true }) })
    await identifyByMemberNo()
    fireEvent.click(row('writeoff-coupon', CASH))
    fireEvent.click(byId('writeoff-submit'))
    await waitFor(() => expect(byId('writeoff-done')).toBeInTheDocument())
    expect(byId('writeoff-undo-open')).toBeNull()
    expect(byId('writeoff-undo-expired')).toHaveTextContent('已超过 10 分钟')
  })

  it('the undo button goes away when the window closes', async () => {
    backend()
    await identifyByMemberNo()
    fireEvent.click(row('writeoff-coupon', CASH))
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] })
    try {
      fireEvent.click(byId('writeoff-submit'))
      await waitFor(() => expect(byId('writeoff-undo-open')).toBeInTheDocument())
      act(() => {
        jest.advanceTimersByTime(UNDO_WINDOW_MINUTES * 60_000 + 1000)
      })
      expect(byId('writeoff-undo-open')).toBeNull()
      expect(byId('writeoff-undo-expired')).toBeInTheDocument()
    } finally {
      jest.useRealTimers()
    }
  })

  it('a consumer sees “你不是店员”', async () => {
    backend({ 'staff.me': denied })
    render(<CouponWriteOffPage />)
    expect(await screen.findByText('你不是店员')).toBeInTheDocument()
  })
})
