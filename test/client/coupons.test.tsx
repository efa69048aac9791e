import { act, fireEvent, render, screen, waitFor } from '@testing-library/react'
import Taro, { setRouterParams, triggerDidShow, triggerReachBottom } from './doubles/taro'
import { installCanvas } from './doubles/canvas'
import { callFunction, needsSignIn } from '../../client/src/services/cloud'
import ClaimPage from '../../client/src/pages/claim/index'
import CouponsPage from '../../client/src/pages/coupons/index'
import CouponPage from '../../client/src/pages/coupon/index'
import { deferred, ok } from './fixtures'
import { coupon, offer } from './coupon-fixtures'
import { eventsFor, failure, routeCalls } from './backend'
import type { MemberOutputs } from '../../types/member'
import type { Result } from '../../types/result'

jest.mock('../../client/src/services/cloud', () => require('./doubles/cloud').cloudDouble())

const call = callFunction as jest.MockedFunction<typeof callFunction>
const byId = (id: string) => document.getElementById(id)
const REQUEST_ID = /^[\w-]{8,64}$/

beforeEach(() => {
  call.mockReset()
  ;(needsSignIn as jest.Mock).mockReturnValue(false)
})

describe('领券中心', () => {
  const offers = () => [
    offer(),
    offer({ templateId: 'free-gift', name: '到店礼', type: 'gift', summary: '礼品：帆布袋', description: null, validityText: '2024-03-01 至 2024-03-31', remaining: null }),
    offer({ templateId: 'gone', name: '秒杀券', summary: '5元现金券', remaining: 0, canTake: false, reason: '已领完' }),
  ]

  it('lists offers with summary, validity, remaining stock and a 领取 button (disabled with the reason when it cannot be taken)', async () => {
    routeCalls(call, { 'member.claimCenter': ok({ offers: offers() }) })
    render(<ClaimPage />)
    await waitFor(() => expect(byId('offer-spring-20')).toBeInTheDocument())

    expect(eventsFor(call, 'member.claimCenter')).toEqual([{ action: 'claimCenter' }])
    const first = byId('offer-spring-20')!
    expect(first).toHaveTextContent('满100减20')
    expect(first).toHaveTextContent('春季满减券')
    expect(first).toHaveTextContent('领取后 30 天内有效')
    expect(byId('offer-stock-spring-20')).toHaveTextContent('剩余 12 张')
    expect(byId('offer-stock-free-gift')).toHaveTextContent('不限量')
    expect(byId('offer-free-gift')).toHaveTextContent('2024-03-01 至 2024-03-31')
    expect(byId('claim-spring-20')).toHaveTextContent('领取')
    expect(byId('claim-spring-20')).not.toBeDisabled()
    expect(byId('claim-gone')).toBeDisabled()
    expect(byId('claim-gone')).toHaveTextContent('已领完')
  })

  it('claims with a requestId, toasts, links to the new coupon and refreshes the list', async () => {
    let listed = 0
    routeCalls(call, {
      'member.claimCenter': () => ok({ offers: ++listed === 1 ? offers() : [offer({ held: 1, remaining: 11, canTake: false, reason: '已达领取上限' })] }),
      'member.claimCoupon': ok({ coupon: coupon({ couponId: 'cp_9' }), replayed: false }),
    })
    render(<ClaimPage />)
    await waitFor(() => expect(byId('claim-spring-20')).not.toBeDisabled())

    act(() => {
      // a double tap: one claim
      byId('claim-spring-20')!.click()
      byId('claim-spring-20')!.click()
    })
    await waitFor(() => expect(byId('claim-message-spring-20')).toHaveTextContent('领取成功'))
    const sent = eventsFor(call, 'member.claimCoupon')
    expect(sent).toHaveLength(1)
    expect(sent[0]).toEqual({ action: 'claimCoupon', templateId: 'spring-20', requestId: expect.stringMatching(REQUEST_ID) })
    expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '领取成功' }))
    await waitFor(() => expect(byId('offer-stock-spring-20')).toHaveTextContent('剩余 11 张'))
    expect(byId('claim-spring-20')).toHaveTextContent('已达领取上限')
    expect(byId('offer-spring-20')).toHaveTextContent('已领 1 张')

    fireEvent.click(byId('claim-message-spring-20')!)
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/coupon/index?couponId=cp_9' })
  })

  it('after a network error the retry reuses the same requestId (never two coupons); a later claim gets a new one', async () => {
    let attempts = 0
    routeCalls(call, {
      'member.claimCenter': ok({ offers: [offer({ perMemberLimit: 3 })] }),
      'member.claimCoupon': () => {
        attempts++
        if (attempts === 1) return Promise.reject(new Error('timeout'))
        if (attempts === 2) return failure('INTERNAL', '网络异常，请稍后重试')
        return ok({ coupon: coupon(), replayed: attempts === 3 })
      },
    })
    render(<ClaimPage />)
    await waitFor(() => expect(byId('claim-spring-20')).not.toBeDisabled())

    fireEvent.click(byId('claim-spring-20')!)
    await waitFor(() => expect(byId('claim-message-spring-20')).toHaveTextContent('网络异常（timeout）'))
    expect(byId('claim-message-spring-20')).toHaveTextContent('不会重复领取')
    expect(byId('claim-spring-20')).toHaveTextContent('重试领取')

    fireEvent.click(byId('claim-spring-20')!)
    await waitFor(() => expect(eventsFor(call, 'member.claimCoupon')).toHaveLength(2))
    await waitFor(() => expect(byId('claim-spring-20')).toHaveTextContent('重试领取'))

    fireEvent.click(byId('claim-spring-20')!)
    await waitFor(() => expect(byId('claim-message-spring-20')).toHaveTextContent('领取成功'))

    const ids = eventsFor(call, 'member.claimCoupon').map(e => e.requestId)
    expect(ids).toHaveLength(3)
    expect(new Set(ids).size).toBe(1)

    // the claim is settled: the next tap is a new claim with a new id
    await waitFor(() => expect(byId('claim-spring-20')).not.toBeDisabled())
    fireEvent.click(byId('claim-spring-20')!)
    await waitFor(() => expect(eventsFor(call, 'member.claimCoupon')).toHaveLength(4))
    expect(eventsFor(call, 'member.claimCoupon')[3].requestId).not.toBe(ids[0])
  })

  it('OUT_OF_STOCK: says so clearly, and the refreshed list shows the offer as gone', async () => {
    let listed = 0
    routeCalls(call, {
      'member.claimCenter': () => ok({ offers: [++listed === 1 ? offer({ remaining: 1 }) : offer({ remaining: 0, canTake: false, reason: '已领完' })] }),
      'member.claimCoupon': failure('OUT_OF_STOCK', 'out of stock'),
    })
    render(<ClaimPage />)
    await waitFor(() => expect(byId('claim-spring-20')).not.toBeDisabled())
    fireEvent.click(byId('claim-spring-20')!)

    await waitFor(() => expect(byId('claim-message-spring-20')).toHaveTextContent('来晚了，这张券已被领完'))
    expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '来晚了，这张券已被领完', icon: 'none' }))
    await waitFor(() => expect(byId('offer-stock-spring-20')).toHaveTextContent('剩余 0 张'))
    expect(byId('claim-spring-20')).toBeDisabled()
    expect(byId('claim-spring-20')).toHaveTextContent('已领完')
    expect(eventsFor(call, 'member.claimCenter')).toHaveLength(2)
  })

  it('LIMIT_REACHED: says the member has reached the limit', async () => {
    routeCalls(call, {
      'member.claimCenter': ok({ offers: [offer()] }),
      'member.claimCoupon': failure('LIMIT_REACHED', 'limit'),
    })
    render(<ClaimPage />)
    await waitFor(() => expect(byId('claim-spring-20')).not.toBeDisabled())
    fireEvent.click(byId('claim-spring-20')!)
    await waitFor(() => expect(byId('claim-message-spring-20')).toHaveTextContent('你已达到这张券的领取上限'))
    await waitFor(() => expect(eventsFor(call, 'member.claimCenter')).toHaveLength(2))
  })

  it('shows an empty state, and a load error with retry', async () => {
    routeCalls(call, { 'member.claimCenter': failure('INTERNAL', '暂时不可用') })
    render(<ClaimPage />)
    expect(await screen.findByText('暂时不可用')).toBeInTheDocument()
    routeCalls(call, { 'member.claimCenter': ok({ offers: [] }) })
    fireEvent.click(byId('claim-retry')!)
    expect(await screen.findByText(/暂时没有可领取的券/)).toBeInTheDocument()
  })
})

describe('我的券', () => {
  const counts = { available: 2, used: 1, expired: 0 }
  const available = [coupon(), coupon({ couponId: 'cp_2', code: '222233334444', name: '8.5折券', type: 'percent', summary: '8.5折 最高减30元' })]
  const used = [coupon({ couponId: 'cp_u', state: 'used', usedAt: '2024-03-06T04:00:00.000Z' })]

  function backend() {
    routeCalls(call, {
      'member.myCoupons': e => ok({ items: e.state === 'available' ? available : e.state === 'used' ? used : [], hasMore: false, counts }),
    })
  }

  it('opens on 可使用 with counts on every tab and lists the coupons', async () => {
    backend()
    render(<CouponsPage />)
    await waitFor(() => expect(byId('coupon-cp_1')).toBeInTheDocument())

    expect(eventsFor(call, 'member.myCoupons')).toEqual([{ action: 'myCoupons', state: 'available', offset: 0, limit: 20 }])
    expect(byId('coupon-tab-available')).toHaveTextContent('可使用（2）')
    expect(byId('coupon-tab-used')).toHaveTextContent('已使用（1）')
    expect(byId('coupon-tab-expired')).toHaveTextContent('已过期（0）')
    expect(byId('coupon-tab-available')).toHaveAttribute('data-active', 'true')
    expect(byId('coupon-cp_1')).toHaveTextContent('满100减20')
    // validUntil is exclusive: the last valid day is Mar 10 (Shanghai)
    expect(byId('coupon-cp_1')).toHaveTextContent('有效期至 2024年3月10日')
    expect(byId('coupon-cp_2')).toHaveTextContent('8.5折 最高减30元')
    expect(byId('coupons-end')).toHaveTextContent('没有更多了')
  })

  it('each tab asks for its own state; an answer for a tab left behind is dropped', async () => {
    const slow = deferred<Result<MemberOutputs['myCoupons']>>()
    routeCalls(call, {
      'member.myCoupons': e => (e.state === 'available' ? slow.promise : ok({ items: e.state === 'used' ? used : [], hasMore: false, counts })),
    })
    render(<CouponsPage />)
    fireEvent.click(byId('coupon-tab-used')!)
    await waitFor(() => expect(byId('coupon-cp_u')).toBeInTheDocument())
    expect(byId('coupon-tab-used')).toHaveAttribute('data-active', 'true')
    expect(byId('coupon-cp_u')).toHaveAttribute('data-state', 'used')
    expect(byId('coupon-cp_u')).toHaveTextContent('2024年3月6日 已使用')

    await act(async () => slow.resolve(ok({ items: available, hasMore: false, counts })))
    expect(byId('coupon-cp_1')).toBeNull()

    fireEvent.click(byId('coupon-tab-expired')!)
    await waitFor(() => expect(byId('coupons-empty')).toHaveTextContent('没有已过期的券'))
    expect(eventsFor(call, 'member.myCoupons').map(e => e.state)).toEqual(['available', 'used', 'expired'])
    expect(eventsFor(call, 'member.myCoupons').every(e => e.offset === 0)).toBe(true)
  })

  it('pages with hasMore (加载更多 and scrolling to the bottom)', async () => {
    const page1 = Array.from({ length: 20 }, (_, i) => coupon({ couponId: `cp_${i}`, code: String(100000000000 + i) }))
    const page2 = [coupon({ couponId: 'cp_20' }), coupon({ couponId: 'cp_19' })]
    routeCalls(call, {
      'member.myCoupons': e => ok({ items: e.offset === 0 ? page1 : e.offset === 20 ? page2 : [], hasMore: e.offset === 0, counts: { available: 21, used: 0, expired: 0 } }),
    })
    render(<CouponsPage />)
    await waitFor(() => expect(byId('coupons-load-more')).toBeInTheDocument())
    act(() => triggerReachBottom())
    await waitFor(() => expect(byId('coupon-cp_20')).toBeInTheDocument())
    expect(eventsFor(call, 'member.myCoupons').map(e => e.offset)).toEqual([0, 20])
    // a coupon shifted by a new one is not shown twice
    expect(document.querySelectorAll('#coupon-cp_19')).toHaveLength(1)
    expect(byId('coupons-load-more')).toBeNull()
    expect(byId('coupons-end')).toBeInTheDocument()
  })

  it('a tap opens the coupon detail; shown again it refreshes the tab', async () => {
    backend()
    render(<CouponsPage />)
    await waitFor(() => expect(byId('coupon-cp_2')).toBeInTheDocument())
    fireEvent.click(byId('coupon-cp_2')!)
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/coupon/index?couponId=cp_2' })
    act(() => triggerDidShow())
    await waitFor(() => expect(eventsFor(call, 'member.myCoupons')).toHaveLength(2))
    expect(byId('coupon-cp_2')).toBeInTheDocument()
  })

  it('an empty 可使用 tab leads to the claim center', async () => {
    routeCalls(call, { 'member.myCoupons': ok({ items: [], hasMore: false, counts: { available: 0, used: 0, expired: 0 } }) })
    render(<CouponsPage />)
    fireEvent.click(await screen.findByText('去领券中心'))
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/claim/index' })
  })
})

describe('券详情', () => {
  let canvas: ReturnType<typeof installCanvas>
  beforeEach(() => {
    canvas = installCanvas()
  })
  afterEach(() => canvas.restore())

  it('an available coupon: QR code of the 12-digit code, the code in groups of 4, and its rules', async () => {
    setRouterParams({ couponId: 'cp_1' })
    routeCalls(call, { 'member.couponDetail': ok({ coupon: coupon() }) })
    render(<CouponPage />)
    await waitFor(() => expect(byId('coupon-code')).toBeInTheDocument())

    expect(eventsFor(call, 'member.couponDetail')).toEqual([{ action: 'couponDetail', couponId: 'cp_1' }])
    expect(byId('coupon-code')!.textContent).toBe('1234 5678 9012')
    expect(byId('coupon-code')).toHaveAttribute('data-code', '123456789012')
    expect(byId('coupon-summary')).toHaveTextContent('满100减20')
    expect(byId('coupon-state')).toHaveTextContent('可使用')
    expect(byId('coupon-threshold')).toHaveTextContent('满 100 元可用')
    expect(byId('coupon-validity')).toHaveTextContent('2024-03-05 10:00 至 2024-03-10 23:59')
    expect(byId('coupon-stackable')).toHaveTextContent('不可叠加')
    expect(byId('coupon-stamp')).toBeNull()

    const qr = byId('coupon-qr') as HTMLCanvasElement
    expect(qr.tagName).toBe('CANVAS')
    await waitFor(() => expect(canvas.contextOf(qr)?.rects.filter(r => r.fill === '#000000').length ?? 0).toBeGreaterThan(20))
  })

  it('a stackable coupon without minimum spend', async () => {
    setRouterParams({ couponId: 'cp_1' })
    routeCalls(call, { 'member.couponDetail': ok({ coupon: coupon({ minSpendFen: 0, stackable: true, summary: '10元现金券', type: 'cash' }) }) })
    render(<CouponPage />)
    await waitFor(() => expect(byId('coupon-threshold')).toHaveTextContent('无门槛'))
    expect(byId('coupon-stackable')).toHaveTextContent('可叠加')
    expect(byId('coupon-stackable')).not.toHaveTextContent('不可叠加')
  })

  it.each([
    ['used', '已使用', { usedAt: '2024-03-06T04:00:00.000Z' }],
    ['expired', '已过期', {}],
  ] as const)('a %s coupon shows a stamp and no code', async (state, text, extra) => {
    setRouterParams({ couponId: 'cp_1' })
    routeCalls(call, { 'member.couponDetail': ok({ coupon: coupon({ state, ...extra }) }) })
    render(<CouponPage />)
    await waitFor(() => expect(byId('coupon-stamp')).toHaveTextContent(text))
    expect(byId('coupon-code')).toBeNull()
    expect(byId('coupon-qr')).toBeNull()
    expect(document.body.textContent).not.toContain('123456789012')
    expect(document.body.textContent).not.toContain('1234 5678')
    if (state === 'used') expect(byId('coupon-state')).toHaveTextContent('已使用（2024-03-06 12:00）')
  })

  it('a coupon not yet valid shows when it starts', async () => {
    setRouterParams({ couponId: 'cp_1' })
    routeCalls(call, { 'member.couponDetail': ok({ coupon: coupon({ notYetValid: true }) }) })
    render(<CouponPage />)
    await waitFor(() => expect(byId('coupon-not-yet')).toHaveTextContent('2024-03-05 10:00 起可用'))
  })

  it('a make-up card shows no till code and leads to check-in', async () => {
    setRouterParams({ couponId: 'cp_m' })
    routeCalls(call, { 'member.couponDetail': ok({ coupon: coupon({ couponId: 'cp_m', type: 'makeup_card', summary: '补签卡', name: '补签卡', minSpendFen: 0 }) }) })
    render(<CouponPage />)
    await waitFor(() => expect(byId('coupon-makeup-card')).toBeInTheDocument())
    expect(byId('coupon-code')).toBeNull()
    fireEvent.click(byId('coupon-to-checkin')!)
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/checkin/index' })
  })

  it('NOT_FOUND and a missing couponId', async () => {
    setRouterParams({ couponId: 'cp_x' })
    routeCalls(call, { 'member.couponDetail': failure('NOT_FOUND', '券不存在') })
    const { unmount } = render(<CouponPage />)
    expect(await screen.findByText('这张券不存在或不属于你')).toBeInTheDocument()
    unmount()

    setRouterParams({})
    call.mockClear()
    render(<CouponPage />)
    expect(screen.getByText('没有指定要查看的券')).toBeInTheDocument()
    expect(call).not.toHaveBeenCalled()
  })
})
