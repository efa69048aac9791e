import { act, fireEvent, render, screen, waitFor } from '@testing-library/react'
import Taro, { triggerDidShow } from './doubles/taro'
import { callFunction } from '../../client/src/services/cloud'
import ScanPage from '../../client/src/staff/scan/index'
import PurchasePage from '../../client/src/staff/purchase/index'
import ResultPage from '../../client/src/staff/result/index'
import TodayPage from '../../client/src/staff/today/index'
import { till } from '../../client/src/staff/till'
import { deferred, ok } from './fixtures'
import { denied, eventsFor, failure, purchaseView, routeCalls, staffMe, tillMember, emptyCatalog, type Handlers } from './backend'
import type { StaffOutputs } from '../../types/staff'
import type { Result } from '../../types/result'

jest.mock('../../client/src/services/cloud', () => require('./doubles/cloud').cloudDouble())

const call = callFunction as jest.MockedFunction<typeof callFunction>
const byId = (id: string) => document.getElementById(id) as HTMLInputElement
const CODE = '100000000112345678'

function purchased(overrides: Partial<StaffOutputs['recordPurchase']> = {}): StaffOutputs['recordPurchase'] {
  return { purchase: purchaseView(), pointsEarned: 12, balance: 132, replayed: false, ...overrides }
}

function backend(more: Handlers = {}) {
  routeCalls(call, {
    'staff.me': ok(staffMe()),
    'staff.verifyCode': ok({ member: tillMember() }),
    'staff.findMemberByPhone': ok({ member: tillMember({ nickname: '阿明', memberNo: '1000000002', maskedPhone: '139****0000' }) }),
    'staff.recordPurchase': e => ok(purchased({ purchase: purchaseView({ amountFen: Number(e.amountFen) }) })),
    // the purchase page lists the member's coupons (staff-coupons.test.tsx covers using them)
    'staff.memberCoupons': ok({ member: tillMember(), coupons: [] }),
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

describe('店员工作台: 识别会员', () => {
  it('H5: a typed 18-digit code (spaces allowed) is verified and the member shown with a masked phone', async () => {
    process.env.TARO_ENV = 'h5'
    backend()
    render(<ScanPage />)
    expect(await screen.findByText('上海静安旗舰店')).toBeInTheDocument()
    // H5 never relies on scanCode (a stub there)
    expect(byId('till-scan')).toBeNull()

    fireEvent.change(byId('till-code-input'), { target: { value: '1000 0000 0112 3456 78' } })
    fireEvent.click(byId('till-code-submit'))
    await waitFor(() => expect(byId('till-member-nickname')).toHaveTextContent('小爱'))
    expect(eventsFor(call, 'staff.verifyCode')).toEqual([{ action: 'verifyCode', code: CODE }])
    expect(byId('till-member-phone')).toHaveTextContent('138****5678')
    expect(byId('till-member-points')).toHaveTextContent('120')
    expect(byId('till-member-coupons')).toHaveTextContent('2 张')
    expect(till.served()).toMatchObject({ ref: { code: CODE }, via: 'code' })

    fireEvent.click(byId('till-purchase'))
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/staff/purchase/index' })
  })

  it('weapp: scans with Taro.scanCode and verifies what it read', async () => {
    backend()
    Taro.scanCode.mockResolvedValueOnce({ errMsg: 'scanCode:ok', result: CODE, scanType: 'QR_CODE' })
    render(<ScanPage />)
    fireEvent.click(await screen.findByText('扫描会员码'))
    await waitFor(() => expect(byId('till-member-nickname')).toHaveTextContent('小爱'))
    expect(eventsFor(call, 'staff.verifyCode')).toEqual([{ action: 'verifyCode', code: CODE }])
  })

  it('weapp: a cancelled scan is silent; a scan of something else is not sent', async () => {
    backend()
    render(<ScanPage />)
    Taro.scanCode.mockRejectedValueOnce({ errMsg: 'scanCode:fail cancel' })
    fireEvent.click(await screen.findByText('扫描会员码'))
    await act(async () => {})
    expect(byId('till-error')).toBeNull()
    Taro.scanCode.mockResolvedValueOnce({ errMsg: 'scanCode:ok', result: 'https://example.com', scanType: 'QR_CODE' })
    fireEvent.click(screen.getByText('扫描会员码'))
    expect(await screen.findByText('会员码为 18 位数字，请核对')).toBeInTheDocument()
    expect(eventsFor(call, 'staff.verifyCode')).toHaveLength(0)
  })

  it('finds a member by phone; the purchase then names the member by number', async () => {
    backend()
    render(<ScanPage />)
    await screen.findByText('上海静安旗舰店')
    fireEvent.change(byId('till-phone-input'), { target: { value: '13900000000' } })
    fireEvent.click(byId('till-phone-submit'))
    await waitFor(() => expect(byId('till-member-nickname')).toHaveTextContent('阿明'))
    expect(eventsFor(call, 'staff.findMemberByPhone')).toEqual([{ action: 'findMemberByPhone', phone: '13900000000' }])
    expect(byId('till-member-phone')).toHaveTextContent('139****0000')
    expect(till.served()?.ref).toEqual({ memberNo: '1000000002' })
  })

  it.each([
    ['MEMBER_CODE_EXPIRED', '会员码已过期，请让顾客刷新会员码后重新出示'],
    ['MEMBER_CODE_INVALID', '会员码无效，请核对后重试'],
    ['MEMBER_CODE_USED', '该会员码已使用过，请让顾客刷新会员码后重新出示'],
  ] as const)('explains %s', async (code, text) => {
    backend({ 'staff.verifyCode': failure(code, 'x') })
    render(<ScanPage />)
    await screen.findByText('上海静安旗舰店')
    fireEvent.change(byId('till-code-input'), { target: { value: CODE } })
    fireEvent.click(byId('till-code-submit'))
    expect(await screen.findByText(text)).toHaveAttribute('id', 'till-error')
    expect(byId('till-member')).toBeNull()
  })

  it('a consumer (PERMISSION_DENIED from staff.me) sees “你不是店员”', async () => {
    backend({ 'staff.me': denied })
    render(<ScanPage />)
    expect(await screen.findByText('你不是店员')).toBeInTheDocument()
    expect(byId('staff-denied')).toBeInTheDocument()
    expect(byId('till-code-input')).toBeNull()
    fireEvent.click(byId('staff-denied-home'))
    expect(Taro.reLaunch).toHaveBeenCalledWith({ url: '/pages/index/index' })
  })

  it('shown again after 继续收银 starts with no member', async () => {
    backend()
    till.serve({ member: tillMember(), ref: { code: CODE }, via: 'code' })
    render(<ScanPage />)
    await waitFor(() => expect(byId('till-member-nickname')).toHaveTextContent('小爱'))
    till.clear()
    act(() => triggerDidShow())
    expect(byId('till-member')).toBeNull()
    expect(byId('till-code-input')).toBeInTheDocument()
  })
})

describe('店员工作台: 录入消费', () => {
  beforeEach(() => {
    till.serve({ member: tillMember(), ref: { code: CODE }, via: 'code' })
  })

  it('converts 元 to integer fen and records the purchase with a requestId, then shows the result page', async () => {
    backend()
    render(<PurchasePage />)
    expect(byId('purchase-member-nickname')).toHaveTextContent('小爱')
    fireEvent.change(byId('purchase-amount'), { target: { value: '12.3' } })
    expect(byId('purchase-amount-preview')).toHaveTextContent('实付 ￥12.30')
    fireEvent.click(byId('purchase-submit'))
    await waitFor(() => expect(Taro.redirectTo).toHaveBeenCalledWith({ url: '/staff/result/index' }))
    const [event] = eventsFor(call, 'staff.recordPurchase')
    expect(event).toEqual({ action: 'recordPurchase', requestId: expect.stringMatching(/^[\w-]{8,64}$/), member: { code: CODE }, amountFen: 1230 })
    expect(till.lastPurchase()?.pointsEarned).toBe(12)
  })

  it.each([
    ['', '请输入金额'],
    ['12.345', '金额格式不正确'],
    ['0', '金额必须大于 0'],
    ['abc', '金额格式不正确'],
  ])('refuses %j before calling the server', async (input, message) => {
    backend()
    render(<PurchasePage />)
    fireEvent.change(byId('purchase-amount'), { target: { value: input } })
    fireEvent.click(byId('purchase-submit'))
    expect(await screen.findByText(new RegExp(message))).toHaveAttribute('id', 'purchase-error')
    expect(eventsFor(call, 'staff.recordPurchase')).toHaveLength(0)
  })

  it('after a network failure the retry sends the same requestId and amount (never awarded twice)', async () => {
    let attempts = 0
    backend({
      'staff.recordPurchase': e => {
        attempts++
        if (attempts === 1) return Promise.reject(new Error('request:fail timeout'))
        if (attempts === 2) return failure('INTERNAL', '服务繁忙')
        return ok(purchased({ purchase: purchaseView({ amountFen: Number(e.amountFen) }), replayed: true }))
      },
    })
    render(<PurchasePage />)
    fireEvent.change(byId('purchase-amount'), { target: { value: '88' } })
    fireEvent.click(byId('purchase-submit'))
    expect(await screen.findByText(/结果未知/)).toHaveAttribute('id', 'purchase-error')
    expect(byId('purchase-submit')).toHaveTextContent('重试提交')
    // the amount of the submission in doubt is locked
    expect(byId('purchase-amount')).toBeDisabled()
    expect(byId('purchase-amount')).toHaveValue('88.00')

    fireEvent.click(byId('purchase-submit'))
    await waitFor(() => expect(eventsFor(call, 'staff.recordPurchase')).toHaveLength(2))
    expect(await screen.findByText(/服务繁忙/)).toBeInTheDocument()
    fireEvent.click(byId('purchase-submit'))
    await waitFor(() => expect(Taro.redirectTo).toHaveBeenCalledWith({ url: '/staff/result/index' }))

    const sent = eventsFor(call, 'staff.recordPurchase')
    expect(sent).toHaveLength(3)
    expect(new Set(sent.map(e => e.requestId)).size).toBe(1)
    expect(sent.map(e => e.amountFen)).toEqual([8800, 8800, 8800])
  })

  it('a refused purchase (nothing recorded) gets a new requestId next time', async () => {
    let attempts = 0
    backend({
      'staff.recordPurchase': () => (++attempts === 1 ? failure('INVALID_ARGUMENT', '金额超出范围') : ok(purchased())),
    })
    render(<PurchasePage />)
    fireEvent.change(byId('purchase-amount'), { target: { value: '10' } })
    fireEvent.click(byId('purchase-submit'))
    expect(await screen.findByText('金额超出范围')).toBeInTheDocument()
    expect(byId('purchase-amount')).toBeEnabled()
    fireEvent.change(byId('purchase-amount'), { target: { value: '9.9' } })
    fireEvent.click(byId('purchase-submit'))
    await waitFor(() => expect(Taro.redirectTo).toHaveBeenCalled())
    const sent = eventsFor(call, 'staff.recordPurchase')
    expect(sent[0].requestId).not.toBe(sent[1].requestId)
    expect(sent.map(e => e.amountFen)).toEqual([1000, 990])
  })

  it('disables the submit button while submitting and ignores a double tap', async () => {
    const pending = deferred<Result<StaffOutputs['recordPurchase']>>()
    backend({ 'staff.recordPurchase': () => pending.promise })
    render(<PurchasePage />)
    fireEvent.change(byId('purchase-amount'), { target: { value: '5' } })
    fireEvent.click(byId('purchase-submit'))
    await waitFor(() => expect(byId('purchase-submit')).toBeDisabled())
    expect(byId('purchase-submit')).toHaveTextContent('提交中')
    fireEvent.click(byId('purchase-submit'))
    // H5's Button fires onClick even when disabled: the page guards too
    byId('purchase-submit').disabled = false
    fireEvent.click(byId('purchase-submit'))
    expect(eventsFor(call, 'staff.recordPurchase')).toHaveLength(1)
    await act(async () => pending.resolve(ok(purchased())))
    expect(eventsFor(call, 'staff.recordPurchase')).toHaveLength(1)
  })

  it('an expired code at purchase time asks for a fresh scan', async () => {
    backend({ 'staff.recordPurchase': failure('MEMBER_CODE_EXPIRED', 'expired') })
    render(<PurchasePage />)
    fireEvent.change(byId('purchase-amount'), { target: { value: '5' } })
    fireEvent.click(byId('purchase-submit'))
    expect(await screen.findByText('会员码已过期，请让顾客刷新会员码后重新出示')).toBeInTheDocument()
    fireEvent.click(byId('purchase-rescan'))
    expect(till.served()).toBeNull()
    expect(Taro.navigateBack).toHaveBeenCalled()
  })

  it('PERMISSION_DENIED shows “你不是店员”', async () => {
    backend({ 'staff.recordPurchase': denied })
    render(<PurchasePage />)
    fireEvent.change(byId('purchase-amount'), { target: { value: '5' } })
    fireEvent.click(byId('purchase-submit'))
    expect(await screen.findByText('你不是店员')).toBeInTheDocument()
  })

  it('without a member being served it sends the staff to scan first', () => {
    till.clear()
    render(<PurchasePage />)
    expect(byId('purchase-no-member')).toHaveTextContent('请先扫码或按手机号识别会员')
    expect(byId('purchase-submit')).toBeNull()
  })
})

describe('店员工作台: 结果与退款', () => {
  beforeEach(() => {
    till.serve({ member: tillMember(), ref: { code: CODE }, via: 'code' })
    till.setLastPurchase(purchased())
  })

  it('shows the points earned and the new balance', () => {
    render(<ResultPage />)
    expect(byId('purchase-result-points')).toHaveTextContent('+12')
    expect(byId('purchase-result-balance')).toHaveTextContent('132')
    expect(byId('purchase-result-amount')).toHaveTextContent('￥12.30')
    expect(byId('purchase-result-member')).toHaveTextContent('小爱')
    expect(byId('purchase-result-replayed')).toBeNull()
  })

  it('says so when the purchase was a replay of an earlier submission', () => {
    till.setLastPurchase(purchased({ replayed: true }))
    render(<ResultPage />)
    expect(byId('purchase-result-replayed')).toHaveTextContent('没有重复积分')
  })

  it('refunds everything that is left when no amount is given, after confirming', async () => {
    routeCalls(call, {
      'staff.refundPurchase': ok({
        purchase: purchaseView({ refundedFen: 1230, pointsReversed: 12, status: 'refunded' }),
        pointsReversed: 12,
        shortfall: 0,
        balance: 120,
        replayed: false,
      }),
    })
    render(<ResultPage />)
    fireEvent.click(byId('refund-open'))
    fireEvent.click(byId('refund-submit'))
    await waitFor(() => expect(byId('refund-result')).toHaveTextContent('已退款 ￥12.30，扣回 12 积分，会员积分余额 120'))
    expect(Taro.showModal).toHaveBeenCalledWith(expect.objectContaining({ content: expect.stringContaining('￥12.30') }))
    const [event] = eventsFor(call, 'staff.refundPurchase')
    expect(event).toEqual({ action: 'refundPurchase', requestId: expect.stringMatching(/^[\w-]{8,64}$/), purchaseId: 'pur_1' })
    expect(byId('purchase-result-balance')).toHaveTextContent('120')
    expect(byId('purchase-result-status')).toHaveTextContent('已退款')
    expect(byId('refund-open')).toBeNull()
  })

  it('a partial refund sends fen, cannot exceed what is left, and reports points that could not be taken back', async () => {
    routeCalls(call, {
      'staff.refundPurchase': ok({
        purchase: purchaseView({ refundedFen: 500, pointsReversed: 2, status: 'partially_refunded' }),
        pointsReversed: 2,
        shortfall: 3,
        balance: 0,
        replayed: false,
      }),
    })
    render(<ResultPage />)
    fireEvent.click(byId('refund-open'))
    fireEvent.change(byId('refund-amount'), { target: { value: '12.31' } })
    fireEvent.click(byId('refund-submit'))
    expect(await screen.findByText('金额不能超过 ￥12.30')).toBeInTheDocument()
    expect(eventsFor(call, 'staff.refundPurchase')).toHaveLength(0)

    fireEvent.change(byId('refund-amount'), { target: { value: '5' } })
    fireEvent.click(byId('refund-submit'))
    await waitFor(() => expect(byId('refund-result')).toHaveTextContent('另有 3 积分已被使用，未能扣回'))
    expect(eventsFor(call, 'staff.refundPurchase')[0]).toMatchObject({ purchaseId: 'pur_1', amountFen: 500 })
    expect(byId('refund-open')).toBeInTheDocument()
  })

  it('a refund retried after a network failure reuses its requestId; cancelling the modal sends nothing', async () => {
    let attempts = 0
    routeCalls(call, {
      'staff.refundPurchase': () =>
        ++attempts === 1
          ? Promise.reject(new Error('timeout'))
          : ok({ purchase: purchaseView({ refundedFen: 1230, status: 'refunded' }), pointsReversed: 12, shortfall: 0, balance: 120, replayed: true }),
    })
    render(<ResultPage />)
    fireEvent.click(byId('refund-open'))
    Taro.showModal.mockResolvedValueOnce({ errMsg: 'showModal:ok', confirm: false, cancel: true })
    fireEvent.click(byId('refund-submit'))
    await act(async () => {})
    expect(eventsFor(call, 'staff.refundPurchase')).toHaveLength(0)

    fireEvent.click(byId('refund-submit'))
    expect(await screen.findByText(/不会重复退款/)).toBeInTheDocument()
    fireEvent.click(byId('refund-submit'))
    await waitFor(() => expect(byId('refund-result')).toBeInTheDocument())
    const sent = eventsFor(call, 'staff.refundPurchase')
    expect(sent).toHaveLength(2)
    expect(sent[0].requestId).toBe(sent[1].requestId)
  })

  it('继续收银 clears the till and goes back to scanning', () => {
    render(<ResultPage />)
    fireEvent.click(byId('result-next'))
    expect(till.served()).toBeNull()
    expect(Taro.navigateBack).toHaveBeenCalled()
  })
})

describe('店员工作台: 今日流水', () => {
  const today = (recent = [purchaseView(), purchaseView({ purchaseId: 'pur_2', amountFen: 5000, refundedFen: 5000, status: 'refunded', pointsReversed: 50, pointsEarned: 50 })]) =>
    ok({ storeId: 'store_jingan', date: '2024-03-05', purchases: 2, salesFen: 6230, pointsAwarded: 62, refunds: 1, refundedFen: 5000, recent })

  it('shows the store’s totals and recent purchases', async () => {
    routeCalls(call, { 'staff.today': today() })
    render(<TodayPage />)
    await waitFor(() => expect(byId('today-purchases')).toHaveTextContent('2'))
    expect(byId('today-sales')).toHaveTextContent('￥62.30')
    expect(byId('today-points')).toHaveTextContent('62')
    expect(byId('today-refunds')).toHaveTextContent('1 笔 ￥50.00')
    expect(byId('today-row-pur_1')).toHaveTextContent('￥12.30')
    expect(byId('today-row-pur_1')).toHaveTextContent('14:05')
    expect(byId('today-row-pur_2')).toHaveTextContent('已退款')
    // refunded in full: no refund action left
    expect(byId('today-refund-pur_2-open')).toBeNull()
  })

  it('refunds a recent purchase and reloads the totals', async () => {
    routeCalls(call, {
      'staff.today': today(),
      'staff.refundPurchase': ok({ purchase: purchaseView({ refundedFen: 1230, status: 'refunded' }), pointsReversed: 12, shortfall: 0, balance: 120, replayed: false }),
    })
    render(<TodayPage />)
    await waitFor(() => expect(byId('today-refund-pur_1-open')).toBeInTheDocument())
    fireEvent.click(byId('today-refund-pur_1-open'))
    fireEvent.click(byId('today-refund-pur_1-submit'))
    await waitFor(() => expect(eventsFor(call, 'staff.today')).toHaveLength(2))
    expect(eventsFor(call, 'staff.refundPurchase')[0]).toMatchObject({ purchaseId: 'pur_1' })
  })

  it('an empty day', async () => {
    routeCalls(call, { 'staff.today': today([]) })
    render(<TodayPage />)
    expect(await screen.findByText('今天还没有消费记录')).toHaveAttribute('id', 'today-empty')
  })

  it('PERMISSION_DENIED shows “你不是店员”', async () => {
    routeCalls(call, { 'staff.today': denied })
    render(<TodayPage />)
    expect(await screen.findByText('你不是店员')).toBeInTheDocument()
  })
})
