import { act, fireEvent, render, screen, waitFor } from '@testing-library/react'
import Taro, { triggerDidShow } from './doubles/taro'
import { callFunction, needsSignIn } from '../../client/src/services/cloud'
import MallPage from '../../client/src/pages/mall/index'
import { deferred, ok } from './fixtures'
import { coupon, mallOffer } from './coupon-fixtures'
import { eventsFor, failure, routeCalls, type Handlers } from './backend'
import type { MemberOutputs } from '../../types/member'
import type { Result } from '../../types/result'

jest.mock('../../client/src/services/cloud', () => require('./doubles/cloud').cloudDouble())

const call = callFunction as jest.MockedFunction<typeof callFunction>
const byId = (id: string) => document.getElementById(id)
const exchangeButton = () => byId('exchange-mall-cash-10') as HTMLButtonElement
const showModal = Taro.showModal as jest.Mock

const exchanged = (balance = 120): MemberOutputs['exchangeCoupon'] => ({
  coupon: coupon({ couponId: 'cp_m1', templateId: 'mall-cash-10', name: '10元代金券' }),
  pointsSpent: 200,
  balance,
  replayed: false,
})

function backend(more: Handlers = {}, balance = 320) {
  routeCalls(call, { 'member.pointsMall': ok({ offers: [mallOffer()], balance }), ...more })
}

beforeEach(() => {
  call.mockReset()
  ;(needsSignIn as jest.Mock).mockReturnValue(false)
})

describe('积分商城', () => {
  it('shows the balance and the offers with their points price and stock', async () => {
    backend({}, 320)
    render(<MallPage />)
    await waitFor(() => expect(byId('mall-balance')).toHaveTextContent('320'))
    expect(eventsFor(call, 'member.pointsMall')).toEqual([{ action: 'pointsMall' }])
    expect(byId('mall-offer-mall-cash-10')).toHaveTextContent('10元现金券')
    expect(byId('mall-price-mall-cash-10')).toHaveTextContent('200 积分')
    expect(byId('mall-stock-mall-cash-10')).toHaveTextContent('不限量')
    expect(exchangeButton()).toHaveTextContent('兑换')
    expect(exchangeButton()).not.toBeDisabled()
  })

  it('兑换: confirm → exchangeCoupon with a requestId → the new balance', async () => {
    let listed = 0
    routeCalls(call, {
      'member.pointsMall': () => ok({ offers: [mallOffer({ held: listed ? 1 : 0 })], balance: listed++ ? 120 : 320 }),
      'member.exchangeCoupon': ok(exchanged(120)),
    })
    render(<MallPage />)
    await waitFor(() => expect(byId('mall-balance')).toHaveTextContent('320'))

    fireEvent.click(exchangeButton())
    await waitFor(() => expect(byId('exchange-message-mall-cash-10')).toHaveTextContent('兑换成功，扣除 200 积分'))
    expect(showModal).toHaveBeenCalledTimes(1)
    expect(showModal.mock.calls[0][0]).toMatchObject({ title: '确认兑换' })
    expect(showModal.mock.calls[0][0].content).toContain('200 积分')
    expect(showModal.mock.calls[0][0].content).toContain('10元代金券')
    expect(eventsFor(call, 'member.exchangeCoupon')).toEqual([{ action: 'exchangeCoupon', templateId: 'mall-cash-10', requestId: expect.stringMatching(/^[\w-]{8,64}$/) }])
    expect(byId('mall-balance')).toHaveTextContent('120')
    expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '兑换成功' }))
    await waitFor(() => expect(byId('mall-stock-mall-cash-10')).toHaveTextContent('已兑 1 张'))
    expect(byId('mall-balance')).toHaveTextContent('120')

    fireEvent.click(byId('exchange-message-mall-cash-10')!)
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/coupon/index?couponId=cp_m1' })
  })

  it('shows the balance the exchange answered with even when an older refresh lands later', async () => {
    const staleRefresh = deferred<Result<MemberOutputs['pointsMall']>>()
    const answer = deferred<Result<MemberOutputs['exchangeCoupon']>>()
    let listed = 0
    routeCalls(call, {
      'member.pointsMall': () => {
        listed++
        if (listed === 1) return ok({ offers: [mallOffer()], balance: 320 })
        if (listed === 2) return staleRefresh.promise
        return ok({ offers: [mallOffer()], balance: 120 })
      },
      'member.exchangeCoupon': () => answer.promise,
    })
    render(<MallPage />)
    await waitFor(() => expect(byId('mall-balance')).toHaveTextContent('320'))
    fireEvent.click(exchangeButton())
    await waitFor(() => expect(eventsFor(call, 'member.exchangeCoupon')).toHaveLength(1))
    // shown again meanwhile: a refresh starts before the exchange answers
    act(() => triggerDidShow())
    await act(async () => answer.resolve(ok(exchanged(120))))
    await waitFor(() => expect(byId('mall-balance')).toHaveTextContent('120'))
    await act(async () => staleRefresh.resolve(ok({ offers: [mallOffer()], balance: 320 })))
    expect(byId('mall-balance')).toHaveTextContent('120')
  })

  it('cancelling the confirmation sends nothing', async () => {
    backend()
    showModal.mockResolvedValueOnce({ errMsg: 'showModal:ok', confirm: false, cancel: true })
    render(<MallPage />)
    await waitFor(() => expect(exchangeButton()).not.toBeDisabled())
    fireEvent.click(exchangeButton())
    await waitFor(() => expect(showModal).toHaveBeenCalledTimes(1))
    await act(async () => {})
    expect(eventsFor(call, 'member.exchangeCoupon')).toHaveLength(0)
    expect(byId('mall-balance')).toHaveTextContent('320')
  })

  it('a double tap asks once and exchanges once', async () => {
    const answer = deferred<Result<MemberOutputs['exchangeCoupon']>>()
    backend({ 'member.exchangeCoupon': () => answer.promise })
    render(<MallPage />)
    await waitFor(() => expect(exchangeButton()).not.toBeDisabled())
    act(() => {
      exchangeButton().click()
      exchangeButton().click()
    })
    await waitFor(() => expect(exchangeButton()).toHaveTextContent('兑换中'))
    fireEvent.click(exchangeButton())
    await act(async () => answer.resolve(ok(exchanged())))
    expect(showModal).toHaveBeenCalledTimes(1)
    expect(eventsFor(call, 'member.exchangeCoupon')).toHaveLength(1)
  })

  it('INSUFFICIENT_POINTS: explains the shortfall and refreshes the balance', async () => {
    let listed = 0
    routeCalls(call, {
      'member.pointsMall': () => ok({ offers: [mallOffer()], balance: listed++ ? 150 : 320 }),
      'member.exchangeCoupon': failure('INSUFFICIENT_POINTS', 'insufficient'),
    })
    render(<MallPage />)
    await waitFor(() => expect(byId('mall-balance')).toHaveTextContent('320'))
    fireEvent.click(exchangeButton())
    await waitFor(() => expect(byId('exchange-message-mall-cash-10')).toHaveTextContent('积分不足：兑换需要 200 积分，你当前有 320 积分'))
    expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '积分不足' }))
    // the refreshed balance is below the price: the button says so
    await waitFor(() => expect(byId('mall-balance')).toHaveTextContent('150'))
    expect(exchangeButton()).toBeDisabled()
    expect(exchangeButton()).toHaveTextContent('积分不足')
  })

  it('OUT_OF_STOCK: says so and refreshes the list', async () => {
    let listed = 0
    routeCalls(call, {
      'member.pointsMall': () => ok({ offers: [listed++ ? mallOffer({ remaining: 0, canTake: false, reason: '已领完' }) : mallOffer({ remaining: 1 })], balance: 320 }),
      'member.exchangeCoupon': failure('OUT_OF_STOCK', 'gone'),
    })
    render(<MallPage />)
    await waitFor(() => expect(exchangeButton()).not.toBeDisabled())
    fireEvent.click(exchangeButton())
    await waitFor(() => expect(byId('exchange-message-mall-cash-10')).toHaveTextContent('来晚了，这件商品已兑完'))
    await waitFor(() => expect(byId('mall-stock-mall-cash-10')).toHaveTextContent('剩余 0 张'))
    expect(exchangeButton()).toBeDisabled()
    expect(exchangeButton()).toHaveTextContent('已领完')
  })

  it('after a network error the retry reuses the requestId without asking again', async () => {
    let attempts = 0
    routeCalls(call, {
      // the first attempt went through but its answer was lost
      'member.pointsMall': () => ok({ offers: [mallOffer()], balance: attempts ? 120 : 320 }),
      'member.exchangeCoupon': () => (++attempts === 1 ? Promise.reject(new Error('timeout')) : ok({ ...exchanged(120), replayed: true })),
    })
    render(<MallPage />)
    await waitFor(() => expect(exchangeButton()).not.toBeDisabled())
    fireEvent.click(exchangeButton())
    await waitFor(() => expect(exchangeButton()).toHaveTextContent('重试兑换'))
    expect(byId('exchange-message-mall-cash-10')).toHaveTextContent('不会重复扣积分')
    fireEvent.click(exchangeButton())
    await waitFor(() => expect(byId('mall-balance')).toHaveTextContent('120'))
    const ids = eventsFor(call, 'member.exchangeCoupon').map(e => e.requestId)
    expect(ids).toHaveLength(2)
    expect(ids[1]).toBe(ids[0])
    expect(showModal).toHaveBeenCalledTimes(1)
  })

  it('a balance below the price disables 兑换', async () => {
    backend({}, 100)
    render(<MallPage />)
    await waitFor(() => expect(byId('mall-balance')).toHaveTextContent('100'))
    expect(exchangeButton()).toBeDisabled()
    expect(exchangeButton()).toHaveTextContent('积分不足')
  })

  it('shows a load error with retry', async () => {
    routeCalls(call, { 'member.pointsMall': failure('INTERNAL', '暂时不可用') })
    render(<MallPage />)
    expect(await screen.findByText('暂时不可用')).toBeInTheDocument()
    backend()
    fireEvent.click(byId('mall-retry')!)
    await waitFor(() => expect(byId('mall-balance')).toHaveTextContent('320'))
  })
})
