import { act, fireEvent, render, screen, waitFor } from '@testing-library/react'
import { triggerReachBottom } from './doubles/taro'
import { callFunction } from '../../client/src/services/cloud'
import PurchasesPage from '../../client/src/pages/purchases/index'
import { deferred, ok } from './fixtures'
import { eventsFor, failure, routeCalls } from './backend'
import type { MemberOutputs, MyPurchaseView } from '../../types/member'
import type { Result } from '../../types/result'

jest.mock('../../client/src/services/cloud', () => require('./doubles/cloud').cloudDouble())

const call = callFunction as jest.MockedFunction<typeof callFunction>

function purchase(i: number, overrides: Partial<MyPurchaseView> = {}): MyPurchaseView {
  return {
    purchaseId: `p${i}`,
    // 16:30 UTC on Mar 4 is already Mar 5 in Shanghai
    at: '2024-03-04T16:30:00.000Z',
    storeName: '上海静安旗舰店',
    amountFen: 3200,
    orderFen: 3200,
    discountFen: 0,
    refundedFen: 0,
    status: 'completed',
    pointsEarned: 32,
    pointsReversed: 0,
    lines: [{ title: '拿铁', quantity: 1, priceFen: 3200 }],
    channel: '门店',
    ...overrides,
  }
}

/** `total` purchases, paged by offset/limit like the function. */
function history(total: number, make: (i: number) => MyPurchaseView = i => purchase(i)) {
  const rows = Array.from({ length: total }, (_, i) => make(i))
  routeCalls(call, {
    'member.myPurchases': e => {
      const offset = Number(e.offset)
      const limit = Number(e.limit)
      return ok({ total, items: rows.slice(offset, offset + limit) })
    },
  })
}

const cards = () => document.querySelectorAll('.purchase-card')

beforeEach(() => {
  call.mockReset()
})

describe('消费记录', () => {
  it('shows each purchase: Shanghai time, store, channel, paid, 优惠 and 已退款 when there are, points, lines', async () => {
    routeCalls(call, {
      'member.myPurchases': ok({
        total: 3,
        items: [
          purchase(1, {
            amountFen: 9200,
            orderFen: 9800,
            discountFen: 600,
            refundedFen: 2800,
            status: 'partially_refunded',
            pointsEarned: 92,
            pointsReversed: 28,
            lines: [
              { title: '拿铁 大杯', quantity: 2, priceFen: 3200 },
              { title: '芝士蛋糕', quantity: 1, priceFen: 3400 },
            ],
          }),
          purchase(2, { at: '2024-03-05T06:05:00.000Z', channel: '线上/POS', storeName: 'pos-sh', amountFen: 1500, orderFen: 1500, pointsEarned: 15, lines: [] }),
          purchase(3, {
            at: '2021-05-01T04:00:00.000Z',
            channel: '历史订单',
            storeName: 'tmall-flagship',
            amountFen: 5000,
            orderFen: 5000,
            pointsEarned: 0,
            refundedFen: 5000,
            status: 'refunded',
            lines: [{ title: 'sku_gone', quantity: 3, priceFen: 0 }],
          }),
        ],
      }),
    })
    render(<PurchasesPage />)
    await waitFor(() => expect(cards()).toHaveLength(3))
    expect(eventsFor(call, 'member.myPurchases')).toEqual([{ action: 'myPurchases', offset: 0, limit: 20 }])
    expect(document.getElementById('purchases-total')).toHaveTextContent('共 3 笔消费')

    const p1 = document.getElementById('purchase-p1')!
    expect(p1).toHaveTextContent('2024-03-05 00:30')
    expect(p1).toHaveTextContent('上海静安旗舰店')
    expect(p1).toHaveTextContent('门店')
    expect(p1).toHaveTextContent('实付 ￥92.00')
    expect(p1).toHaveTextContent('优惠 ￥6.00')
    expect(p1).toHaveTextContent('已退款 ￥28.00')
    expect(p1).toHaveTextContent('获得 92 积分')
    expect(p1).toHaveTextContent('退款扣回 28 积分')
    expect(p1).toHaveTextContent('拿铁 大杯 × 2')
    expect(p1).toHaveTextContent('￥64.00')
    expect(p1).toHaveTextContent('芝士蛋糕 × 1')

    const p2 = document.getElementById('purchase-p2')!
    expect(p2).toHaveTextContent(/2024-03-05 14:05.*线上\/POS.*pos-sh.*实付 ￥15\.00.*获得 15 积分/)
    expect(p2).not.toHaveTextContent('优惠')
    expect(p2).not.toHaveTextContent('退款')
    expect(p2.querySelector('.purchase-lines')).toBeNull()

    const p3 = document.getElementById('purchase-p3')!
    expect(p3).toHaveTextContent(/2021-05-01 12:00.*历史订单.*tmall-flagship.*sku_gone × 3/)
    expect(p3).toHaveTextContent('已全额退款 ￥50.00')
    expect(p3).not.toHaveTextContent('积分')

    expect(document.getElementById('purchases-end')).toHaveTextContent('没有更多了')
    expect(document.getElementById('purchases-load-more')).toBeNull()
  })

  it('shows the first 5 lines of a long order, the rest on 展开全部', async () => {
    const lines = Array.from({ length: 8 }, (_, i) => ({ title: `商品${i + 1}`, quantity: 1, priceFen: 100 }))
    routeCalls(call, { 'member.myPurchases': ok({ total: 1, items: [purchase(1, { lines })] }) })
    render(<PurchasesPage />)
    await waitFor(() => expect(cards()).toHaveLength(1))
    expect(document.querySelectorAll('.purchase-line')).toHaveLength(5)
    expect(screen.queryByText('商品8 × 1')).toBeNull()
    fireEvent.click(screen.getByText('展开全部 8 项'))
    expect(document.querySelectorAll('.purchase-line')).toHaveLength(8)
    expect(screen.getByText('商品8 × 1')).toBeInTheDocument()
    expect(screen.queryByText('展开全部 8 项')).toBeNull()
  })

  it('pages with 加载更多 (offset = purchases so far) until the total is reached', async () => {
    history(45)
    render(<PurchasesPage />)
    await waitFor(() => expect(cards()).toHaveLength(20))
    expect(document.getElementById('purchases-total')).toHaveTextContent('共 45 笔消费')

    fireEvent.click(screen.getByText('加载更多'))
    await waitFor(() => expect(cards()).toHaveLength(40))
    fireEvent.click(document.getElementById('purchases-load-more')!)
    await waitFor(() => expect(cards()).toHaveLength(45))

    expect(eventsFor(call, 'member.myPurchases').map(e => e.offset)).toEqual([0, 20, 40])
    expect(document.getElementById('purchases-load-more')).toBeNull()
    expect(document.getElementById('purchases-end')).toBeInTheDocument()
  })

  it('loads the next page when scrolled to the bottom, once at a time, and not past the end', async () => {
    history(30)
    render(<PurchasesPage />)
    await waitFor(() => expect(cards()).toHaveLength(20))

    act(() => {
      triggerReachBottom()
      triggerReachBottom()
    })
    await waitFor(() => expect(cards()).toHaveLength(30))
    expect(eventsFor(call, 'member.myPurchases')).toHaveLength(2)

    act(() => triggerReachBottom())
    await act(async () => {})
    expect(eventsFor(call, 'member.myPurchases')).toHaveLength(2)
  })

  it('disables 加载更多 while a page loads and never shows a purchase twice', async () => {
    history(25)
    render(<PurchasesPage />)
    await waitFor(() => expect(cards()).toHaveLength(20))

    const page2 = deferred<Result<MemberOutputs['myPurchases']>>()
    // a purchase was recorded meanwhile: the second page starts with the last of the first
    routeCalls(call, { 'member.myPurchases': () => page2.promise })
    fireEvent.click(document.getElementById('purchases-load-more')!)
    await waitFor(() => expect(document.getElementById('purchases-load-more')).toBeDisabled())
    expect(document.getElementById('purchases-load-more')).toHaveTextContent('加载中')
    await act(async () => page2.resolve(ok({ total: 26, items: [purchase(19), purchase(20), purchase(21)] })))
    expect(cards()).toHaveLength(22)
    // 23 of 26 read: more to come
    expect(document.getElementById('purchases-load-more')).toHaveTextContent('加载更多')
  })

  it('keeps what is shown when a further page fails, and 加载更多 tries again', async () => {
    history(25)
    render(<PurchasesPage />)
    await waitFor(() => expect(cards()).toHaveLength(20))
    routeCalls(call, { 'member.myPurchases': failure('INTERNAL', '服务繁忙') })
    fireEvent.click(document.getElementById('purchases-load-more')!)
    expect(await screen.findByText('服务繁忙')).toHaveAttribute('id', 'purchases-more-error')
    expect(cards()).toHaveLength(20)
    history(25)
    fireEvent.click(document.getElementById('purchases-load-more')!)
    await waitFor(() => expect(cards()).toHaveLength(25))
    expect(document.getElementById('purchases-more-error')).toBeNull()
    // the failed page is asked again from the same offset
    expect(eventsFor(call, 'member.myPurchases').map(e => e.offset)).toEqual([0, 20, 20])
  })

  it('shows an empty state', async () => {
    routeCalls(call, { 'member.myPurchases': ok({ total: 0, items: [] }) })
    render(<PurchasesPage />)
    expect(await screen.findByText('还没有消费记录')).toBeInTheDocument()
    expect(document.getElementById('purchases-empty')).toHaveTextContent('历史订单')
    expect(cards()).toHaveLength(0)
    expect(document.getElementById('purchases-load-more')).toBeNull()
  })

  it('shows a load error with retry', async () => {
    routeCalls(call, { 'member.myPurchases': failure('INTERNAL', '服务繁忙') })
    render(<PurchasesPage />)
    expect(await screen.findByText('服务繁忙')).toBeInTheDocument()
    expect(document.getElementById('purchases-error')).toBeInTheDocument()
    history(3)
    fireEvent.click(document.getElementById('purchases-retry')!)
    await waitFor(() => expect(cards()).toHaveLength(3))
    expect(document.getElementById('purchases-end')).toBeInTheDocument()
  })
})
