import { act, fireEvent, render, screen, waitFor } from '@testing-library/react'
import Taro, { triggerReachBottom } from './doubles/taro'
import { callFunction } from '../../client/src/services/cloud'
import PointsPage from '../../client/src/pages/points/index'
import { deferred, ok } from './fixtures'
import { eventsFor, failure, routeCalls } from './backend'
import type { LedgerItem } from '../../types/points'
import type { MemberOutputs } from '../../types/member'
import type { Result } from '../../types/result'

jest.mock('../../client/src/services/cloud', () => require('./doubles/cloud').cloudDouble())

const call = callFunction as jest.MockedFunction<typeof callFunction>

function item(i: number, overrides: Partial<LedgerItem> = {}): LedgerItem {
  return {
    id: `l${i}`,
    delta: 10,
    kind: 'earn',
    sourceType: 'purchase',
    balanceAfter: 1000 - i,
    createdAt: '2024-03-04T16:30:00.000Z',
    ...overrides,
  }
}

/** A ledger of `total` rows, paged by offset/limit like the function. */
function ledger(total: number, make: (i: number) => LedgerItem = i => item(i)) {
  const rows = Array.from({ length: total }, (_, i) => make(i))
  routeCalls(call, {
    'member.pointsHistory': e => {
      const offset = Number(e.offset)
      const limit = Number(e.limit)
      return ok({ items: rows.slice(offset, offset + limit), hasMore: offset + limit < total })
    },
  })
}

const rows = () => document.querySelectorAll('.points-row')

beforeEach(() => {
  call.mockReset()
})

describe('积分明细', () => {
  it('shows each row: kind in Chinese, signed delta, balance after, Shanghai time', async () => {
    routeCalls(call, {
      'member.pointsHistory': ok({
        items: [
          item(1, { kind: 'earn', delta: 123, balanceAfter: 123 }),
          item(2, { kind: 'spend', delta: -20, balanceAfter: 103 }),
          item(3, { kind: 'expire', delta: -3, balanceAfter: 100 }),
          item(4, { kind: 'adjust', delta: 5, balanceAfter: 105, reason: '客诉补偿' }),
          item(5, { kind: 'reverse', delta: -12, balanceAfter: 93, createdAt: '2024-03-05T06:05:00.000Z' }),
        ],
        hasMore: false,
      }),
    })
    render(<PointsPage />)
    await waitFor(() => expect(rows()).toHaveLength(5))
    expect(eventsFor(call, 'member.pointsHistory')).toEqual([{ action: 'pointsHistory', offset: 0, limit: 20 }])

    const l1 = document.getElementById('points-row-l1')!
    expect(l1).toHaveTextContent('获得')
    expect(l1).toHaveTextContent('+123')
    expect(l1).toHaveTextContent('余额 123')
    expect(l1).toHaveTextContent('2024-03-05 00:30')
    expect(document.getElementById('points-row-l2')).toHaveTextContent(/使用.*-20.*余额 103/)
    expect(document.getElementById('points-row-l3')).toHaveTextContent('过期')
    expect(document.getElementById('points-row-l4')).toHaveTextContent(/调整.*客诉补偿.*\+5/)
    expect(document.getElementById('points-row-l5')).toHaveTextContent(/退款扣回.*2024-03-05 14:05.*-12.*余额 93/)
    expect(document.getElementById('points-end')).toHaveTextContent('没有更多了')
    expect(document.getElementById('points-load-more')).toBeNull()
  })

  it('pages with 加载更多 (offset = rows so far) until hasMore is false', async () => {
    ledger(45)
    render(<PointsPage />)
    await waitFor(() => expect(rows()).toHaveLength(20))

    fireEvent.click(document.getElementById('points-load-more')!)
    await waitFor(() => expect(rows()).toHaveLength(40))
    fireEvent.click(document.getElementById('points-load-more')!)
    await waitFor(() => expect(rows()).toHaveLength(45))

    expect(eventsFor(call, 'member.pointsHistory').map(e => e.offset)).toEqual([0, 20, 40])
    expect(document.getElementById('points-load-more')).toBeNull()
    expect(document.getElementById('points-end')).toBeInTheDocument()
  })

  it('loads the next page when scrolled to the bottom, once at a time, and not past the end', async () => {
    ledger(30)
    render(<PointsPage />)
    await waitFor(() => expect(rows()).toHaveLength(20))

    act(() => {
      triggerReachBottom()
      triggerReachBottom()
    })
    await waitFor(() => expect(rows()).toHaveLength(30))
    expect(eventsFor(call, 'member.pointsHistory')).toHaveLength(2)

    act(() => triggerReachBottom())
    await act(async () => {})
    expect(eventsFor(call, 'member.pointsHistory')).toHaveLength(2)
  })

  it('disables 加载更多 while a page loads and never shows a row twice', async () => {
    ledger(25)
    render(<PointsPage />)
    await waitFor(() => expect(rows()).toHaveLength(20))

    const page2 = deferred<Result<MemberOutputs['pointsHistory']>>()
    // a new row was written meanwhile: the second page starts with the last row of the first
    routeCalls(call, { 'member.pointsHistory': () => page2.promise })
    fireEvent.click(document.getElementById('points-load-more')!)
    await waitFor(() => expect(document.getElementById('points-load-more')).toBeDisabled())
    expect(document.getElementById('points-load-more')).toHaveTextContent('加载中')
    await act(async () => page2.resolve(ok({ items: [item(19), item(20), item(21)], hasMore: false })))
    expect(rows()).toHaveLength(22)
  })

  it('shows an empty state', async () => {
    routeCalls(call, { 'member.pointsHistory': ok({ items: [], hasMore: false }) })
    render(<PointsPage />)
    expect(await screen.findByText('还没有积分记录，消费即可获得积分')).toHaveAttribute('id', 'points-empty')
  })

  it('links to 消费记录, with rows and without (history imported without points has no ledger rows)', async () => {
    routeCalls(call, { 'member.pointsHistory': ok({ items: [], hasMore: false }) })
    const { unmount } = render(<PointsPage />)
    await screen.findByText('还没有积分记录，消费即可获得积分')
    fireEvent.click(document.getElementById('points-purchases-entry')!)
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/purchases/index' })
    unmount()

    ledger(3)
    render(<PointsPage />)
    await waitFor(() => expect(rows()).toHaveLength(3))
    expect(document.getElementById('points-purchases-entry')).toHaveTextContent('消费记录')
  })

  it('shows a load error with retry', async () => {
    routeCalls(call, { 'member.pointsHistory': failure('INTERNAL', '服务繁忙') })
    render(<PointsPage />)
    expect(await screen.findByText('服务繁忙')).toBeInTheDocument()
    ledger(3)
    fireEvent.click(document.getElementById('points-retry')!)
    await waitFor(() => expect(rows()).toHaveLength(3))
  })
})
