import { act, fireEvent, render, screen, waitFor } from '@testing-library/react'
import Taro from './doubles/taro'
import { callFunction } from '../../client/src/services/cloud'
import NpsCard, { NPS_COMMENT_LIMIT, NPS_THANKS_MS } from '../../client/src/components/nps-card'
import IndexPage from '../../client/src/pages/index/index'
import { deferred, member, ok } from './fixtures'
import { denied, eventsFor, failure, routeCalls, type Handlers } from './backend'
import { NPS_COMMENT_MAX, type NpsPrompt } from '../../types/nps'
import type { MemberOutputs } from '../../types/member'
import type { Result } from '../../types/result'

jest.mock('../../client/src/services/cloud', () => require('./doubles/cloud').cloudDouble(async () => ''))

const call = callFunction as jest.MockedFunction<typeof callFunction>
const byId = (id: string) => document.getElementById(id)
const button = (id: string) => byId(id) as HTMLButtonElement
const score = (n: number) => byId(`nps-score-${n}`) as HTMLElement
const comment = () => byId('nps-comment') as HTMLTextAreaElement

const ASK: NpsPrompt = { ask: true, purchaseId: 'pur_42', storeId: 'store_jingan', storeName: '上海静安旗舰店', purchasedAt: '2024-03-04T16:30:00.000Z' }

/** The member is asked about pur_42; every answer succeeds (a promoter unless the score says otherwise). */
function backend(more: Handlers = {}) {
  routeCalls(call, {
    'member.npsPrompt': ok(ASK),
    'member.submitNps': e => {
      const s = Number(e.score)
      const category = s <= 6 ? 'detractor' : s <= 8 ? 'passive' : 'promoter'
      return ok({ category, followUp: category === 'detractor', replayed: false })
    },
    'member.dismissNps': ok({ dismissed: true }),
    'member.setNpsOptOut': e => ok({ optOut: Boolean(e.optOut) }),
    ...more,
  })
}

async function showCard() {
  render(<NpsCard signedInKey={1} />)
  expect(await screen.findByText('你愿意把我们推荐给朋友吗？')).toBeInTheDocument()
}

beforeEach(() => {
  call.mockReset()
})

afterEach(() => {
  jest.useRealTimers()
})

describe('NPS 卡片', () => {
  it('the client keeps the contract’s comment limit', () => {
    expect(NPS_COMMENT_LIMIT).toBe(NPS_COMMENT_MAX)
  })

  it('asks nothing before sign-in', async () => {
    backend()
    render(<NpsCard signedInKey={0} />)
    await act(async () => {})
    expect(call).not.toHaveBeenCalled()
    expect(byId('nps-card')).toBeNull()
  })

  it.each([['opted_out'], ['no_recent_purchase'], ['asked_recently']] as const)('is hidden when npsPrompt answers ask:false (%s)', async reason => {
    backend({ 'member.npsPrompt': ok({ ask: false, reason }) })
    render(<NpsCard signedInKey={1} />)
    await waitFor(() => expect(eventsFor(call, 'member.npsPrompt')).toEqual([{ action: 'npsPrompt' }]))
    await act(async () => {})
    expect(byId('nps-card')).toBeNull()
  })

  it.each([
    ['a failure', failure('INTERNAL', '数据库暂时不可用')],
    ['a thrown error', () => Promise.reject(new Error('网络断开'))],
  ] as const)('is hidden when npsPrompt fails (%s)', async (_name, answer) => {
    backend({ 'member.npsPrompt': answer })
    render(<NpsCard signedInKey={1} />)
    await waitFor(() => expect(eventsFor(call, 'member.npsPrompt')).toHaveLength(1))
    await act(async () => {})
    expect(byId('nps-card')).toBeNull()
    expect(screen.queryByText('数据库暂时不可用')).toBeNull()
  })

  it('shows the store and the purchase day (Shanghai), 11 scores and 提交 disabled until one is chosen', async () => {
    backend()
    await showCard()
    expect(byId('nps-store')).toHaveTextContent('你在上海静安旗舰店的消费（2024年3月5日）')
    expect(document.querySelectorAll('.nps-score')).toHaveLength(11)
    expect(score(0)).toHaveTextContent('0')
    expect(score(10)).toHaveTextContent('10')
    expect(button('nps-submit')).toBeDisabled()
    fireEvent.click(button('nps-submit'))
    expect(eventsFor(call, 'member.submitNps')).toHaveLength(0)

    fireEvent.click(score(7))
    expect(score(7)).toHaveAttribute('aria-checked', 'true')
    expect(button('nps-submit')).toBeEnabled()
    // another tap changes the choice
    fireEvent.click(score(8))
    expect(score(8)).toHaveAttribute('aria-checked', 'true')
    expect(score(7)).toHaveAttribute('aria-checked', 'false')
  })

  it('without a store name it speaks of the latest purchase', async () => {
    backend({ 'member.npsPrompt': ok({ ...ASK, storeName: null }) })
    await showCard()
    expect(byId('nps-store')).toHaveTextContent('你最近的一次消费')
  })

  it('submits the chosen score and the comment (trimmed), thanks, then hides', async () => {
    jest.useFakeTimers()
    backend()
    await showCard()
    fireEvent.click(score(9))
    fireEvent.change(comment(), { target: { value: '  咖啡很好喝 ' } })
    expect(byId('nps-comment-count')).toHaveTextContent(`8/${NPS_COMMENT_LIMIT}`)
    expect(comment()).toHaveAttribute('maxLength', String(NPS_COMMENT_LIMIT))
    fireEvent.click(button('nps-submit'))

    expect(await screen.findByText('感谢你的推荐！')).toHaveAttribute('id', 'nps-thanks')
    expect(eventsFor(call, 'member.submitNps')).toEqual([{ action: 'submitNps', purchaseId: 'pur_42', score: 9, comment: '咖啡很好喝' }])
    expect(byId('nps-scores')).toBeNull()

    act(() => jest.advanceTimersByTime(NPS_THANKS_MS - 100))
    expect(byId('nps-thanks')).toBeInTheDocument()
    act(() => jest.advanceTimersByTime(200))
    expect(byId('nps-card')).toBeNull()
  })

  it('an empty comment is sent as an empty string', async () => {
    backend()
    await showCard()
    fireEvent.click(score(8))
    fireEvent.click(button('nps-submit'))
    expect(await screen.findByText('感谢你的评价，我们会继续改进')).toBeInTheDocument()
    expect(eventsFor(call, 'member.submitNps')).toEqual([{ action: 'submitNps', purchaseId: 'pur_42', score: 8, comment: '' }])
  })

  it.each([0, 3, 6])('a detractor (%i) reads that the store will get in touch', async n => {
    backend()
    await showCard()
    fireEvent.click(score(n))
    fireEvent.click(button('nps-submit'))
    expect(await screen.findByText('抱歉让你失望了，门店会尽快联系你')).toHaveAttribute('id', 'nps-thanks')
    expect(eventsFor(call, 'member.submitNps')).toEqual([{ action: 'submitNps', purchaseId: 'pur_42', score: n, comment: '' }])
  })

  it('a replayed answer is thanked the same way', async () => {
    backend({ 'member.submitNps': ok({ category: 'detractor', followUp: true, replayed: true }) })
    await showCard()
    fireEvent.click(score(2))
    fireEvent.click(button('nps-submit'))
    expect(await screen.findByText('抱歉让你失望了，门店会尽快联系你')).toBeInTheDocument()
  })

  it('提交 is disabled while sending: one tap, one answer', async () => {
    const pending = deferred<Result<MemberOutputs['submitNps']>>()
    backend({ 'member.submitNps': () => pending.promise })
    await showCard()
    fireEvent.click(score(10))
    fireEvent.click(button('nps-submit'))
    await waitFor(() => expect(button('nps-submit')).toBeDisabled())
    expect(button('nps-submit')).toHaveTextContent('提交中')
    expect(button('nps-dismiss')).toBeDisabled()
    expect(button('nps-opt-out')).toBeDisabled()
    fireEvent.click(button('nps-submit'))
    // the score cannot change meanwhile
    fireEvent.click(score(1))
    expect(score(10)).toHaveAttribute('aria-checked', 'true')
    expect(eventsFor(call, 'member.submitNps')).toHaveLength(1)

    await act(async () => pending.resolve(ok({ category: 'promoter', followUp: false, replayed: false })))
    expect(screen.getByText('感谢你的推荐！')).toBeInTheDocument()
  })

  it.each([
    ['the server’s message', failure('FAILED_PRECONDITION', '这笔消费已不能评价'), '这笔消费已不能评价'],
    ['a network error', () => Promise.reject(new Error('网络断开')), '网络断开'],
  ] as const)('a failed answer shows %s and keeps the score and the comment', async (_name, answer, text) => {
    backend({ 'member.submitNps': answer })
    await showCard()
    fireEvent.click(score(4))
    fireEvent.change(comment(), { target: { value: '排队太久' } })
    fireEvent.click(button('nps-submit'))

    expect(await screen.findByText(text)).toHaveAttribute('id', 'nps-error')
    expect(byId('nps-card')).toBeInTheDocument()
    expect(score(4)).toHaveAttribute('aria-checked', 'true')
    expect(comment().value).toBe('排队太久')
    expect(button('nps-submit')).toBeEnabled()

    // and a second try goes through with the same input
    backend()
    fireEvent.click(button('nps-submit'))
    expect(await screen.findByText('抱歉让你失望了，门店会尽快联系你')).toBeInTheDocument()
    expect(eventsFor(call, 'member.submitNps')).toEqual([
      { action: 'submitNps', purchaseId: 'pur_42', score: 4, comment: '排队太久' },
      { action: 'submitNps', purchaseId: 'pur_42', score: 4, comment: '排队太久' },
    ])
  })

  it('以后再说 sends dismissNps for the purchase and hides the card', async () => {
    backend()
    await showCard()
    fireEvent.click(button('nps-dismiss'))
    await waitFor(() => expect(byId('nps-card')).toBeNull())
    expect(eventsFor(call, 'member.dismissNps')).toEqual([{ action: 'dismissNps', purchaseId: 'pur_42' }])
    expect(eventsFor(call, 'member.submitNps')).toHaveLength(0)
    expect(eventsFor(call, 'member.setNpsOptOut')).toHaveLength(0)
  })

  it('不再询问 sends setNpsOptOut true and hides the card', async () => {
    backend()
    await showCard()
    fireEvent.click(score(5))
    fireEvent.click(button('nps-opt-out'))
    await waitFor(() => expect(byId('nps-card')).toBeNull())
    expect(eventsFor(call, 'member.setNpsOptOut')).toEqual([{ action: 'setNpsOptOut', optOut: true }])
    expect(eventsFor(call, 'member.submitNps')).toHaveLength(0)
    expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '以后不再询问' }))
  })

  it('a failed dismissal or opt-out shows the message and keeps the card', async () => {
    backend({ 'member.dismissNps': failure('INTERNAL', '服务繁忙'), 'member.setNpsOptOut': failure('INTERNAL', '稍后再试') })
    await showCard()
    fireEvent.click(score(9))
    fireEvent.click(button('nps-dismiss'))
    expect(await screen.findByText('服务繁忙')).toHaveAttribute('id', 'nps-error')
    fireEvent.click(button('nps-opt-out'))
    expect(await screen.findByText('稍后再试')).toHaveAttribute('id', 'nps-error')
    expect(byId('nps-card')).toBeInTheDocument()
    expect(score(9)).toHaveAttribute('aria-checked', 'true')
  })

  it('asks again after the next sign-in; the same purchase keeps what was typed', async () => {
    backend()
    const view = render(<NpsCard signedInKey={1} />)
    await screen.findByText('你愿意把我们推荐给朋友吗？')
    fireEvent.click(score(6))
    fireEvent.change(comment(), { target: { value: '一般' } })

    view.rerender(<NpsCard signedInKey={2} />)
    await waitFor(() => expect(eventsFor(call, 'member.npsPrompt')).toHaveLength(2))
    await act(async () => {})
    expect(score(6)).toHaveAttribute('aria-checked', 'true')
    expect(comment().value).toBe('一般')

    // asked about another purchase: a fresh card
    backend({ 'member.npsPrompt': ok({ ...ASK, purchaseId: 'pur_43' }) })
    view.rerender(<NpsCard signedInKey={3} />)
    await waitFor(() => expect(score(6)).toHaveAttribute('aria-checked', 'false'))
    expect(comment().value).toBe('')

    // a later ask:false hides it
    backend({ 'member.npsPrompt': ok({ ask: false, reason: 'asked_recently' }) })
    view.rerender(<NpsCard signedInKey={4} />)
    await waitFor(() => expect(byId('nps-card')).toBeNull())
  })
})

describe('NPS 卡片 on the home page', () => {
  function home(more: Handlers = {}) {
    const m = member()
    backend({
      'member.login': ok({ member: m, created: false }),
      'member.getPoints': ok({ balance: m.points, expiring: null }),
      'member.myTier': failure('INTERNAL'),
      'member.recommendations': ok({ items: [] }),
      'staff.me': denied,
      ...more,
    })
  }

  it('is shown after sign-in when npsPrompt answers ask:true', async () => {
    home()
    render(<IndexPage />)
    expect(await screen.findByText('小爱')).toBeInTheDocument()
    expect(await screen.findByText('你愿意把我们推荐给朋友吗？')).toBeInTheDocument()
    expect(eventsFor(call, 'member.npsPrompt')).toEqual([{ action: 'npsPrompt' }])
  })

  it('the page works as before when npsPrompt fails', async () => {
    home({ 'member.npsPrompt': () => Promise.reject(new Error('网络断开')) })
    render(<IndexPage />)
    expect(await screen.findByText('小爱')).toBeInTheDocument()
    await waitFor(() => expect(eventsFor(call, 'member.npsPrompt')).toHaveLength(1))
    await act(async () => {})
    expect(byId('nps-card')).toBeNull()
    expect(byId('member-points')).toHaveTextContent('120')
    expect(byId('member-error')).toBeNull()
  })
})
