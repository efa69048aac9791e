import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import Taro, { triggerDidShow } from './doubles/taro'
import { callFunction } from '../../client/src/services/cloud'
import FollowUpsPage from '../../client/src/staff/followups/index'
import ScanPage from '../../client/src/staff/scan/index'
import { till } from '../../client/src/staff/till'
import { deferred, ok } from './fixtures'
import { denied, eventsFor, failure, routeCalls, staffMe, type Handlers } from './backend'
import type { FollowUpView } from '../../types/nps'
import type { StaffOutputs } from '../../types/staff'
import type { Result } from '../../types/result'

jest.mock('../../client/src/services/cloud', () => require('./doubles/cloud').cloudDouble())

const call = callFunction as jest.MockedFunction<typeof callFunction>
const byId = (id: string) => document.getElementById(id) as HTMLInputElement

function followUp(overrides: Partial<FollowUpView> = {}): FollowUpView {
  return {
    followUpId: 'fup_1',
    memberNo: '1000000001',
    nickname: '小爱',
    score: 3,
    comment: '排队太久了',
    purchaseId: 'pur_1',
    amountFen: 4580,
    status: 'open',
    // 06:05 UTC is 14:05 in Shanghai
    createdAt: '2024-03-05T06:05:00.000Z',
    closedAt: null,
    note: null,
    ...overrides,
  }
}

const FIRST = followUp()
const SECOND = followUp({ followUpId: 'fup_2', memberNo: '1000000002', nickname: '阿明', score: 0, comment: '', amountFen: 1200, createdAt: '2024-03-04T02:00:00.000Z' })
const DONE = followUp({
  followUpId: 'fup_0',
  memberNo: '1000000003',
  nickname: '老王',
  score: 5,
  comment: '咖啡凉了',
  status: 'closed',
  closedAt: '2024-03-03T03:00:00.000Z',
  note: '已致电道歉并赠券',
})

/** A staff member with two open follow-ups and one closed; closing answers the follow-up closed with the note. */
function backend(more: Handlers = {}) {
  routeCalls(call, {
    'staff.me': ok(staffMe()),
    'staff.followUps': e => ok({ items: e.status === 'open' ? [FIRST, SECOND] : [DONE] }),
    'staff.closeFollowUp': e => {
      const f = [FIRST, SECOND].find(i => i.followUpId === e.followUpId)!
      return ok({ followUp: { ...f, status: 'closed', closedAt: '2024-03-05T08:00:00.000Z', note: String(e.note) } })
    },
    ...more,
  })
}

async function openPage() {
  render(<FollowUpsPage />)
  await waitFor(() => expect(byId('followup-fup_1')).toBeInTheDocument())
}

beforeEach(() => {
  call.mockReset()
  till.clear()
  till.setMe(null)
})

describe('回访任务', () => {
  it('lists the open follow-ups with member, number, score, comment, amount and time', async () => {
    backend()
    await openPage()
    expect(screen.getByText('上海静安旗舰店 · 评分 0–6 分的会员，请尽快联系')).toBeInTheDocument()
    expect(eventsFor(call, 'staff.followUps')).toEqual([{ action: 'followUps', status: 'open', limit: 100 }])
    expect(byId('followups-tab-open')).toHaveAttribute('aria-selected', 'true')
    expect(byId('followups-tab-open')).toHaveTextContent('待回访（2）')

    const first = within(byId('followup-fup_1'))
    expect(first.getByText(/小爱/)).toBeInTheDocument()
    expect(first.getByText('会员号 1000000001')).toBeInTheDocument()
    expect(byId('followup-fup_1-score')).toHaveTextContent('3 分')
    expect(byId('followup-fup_1-comment')).toHaveTextContent('排队太久了')
    expect(first.getByText('消费 ￥45.80')).toBeInTheDocument()
    expect(first.getByText('2024-03-05 14:05')).toBeInTheDocument()
    expect(byId('followup-fup_2-comment')).toHaveTextContent('未留言')
    expect(byId('followup-fup_2-score')).toHaveTextContent('0 分')
  })

  it('完成回访 with a note closes it: the item leaves 待回访 and shows in 已完成', async () => {
    backend()
    await openPage()
    fireEvent.click(byId('followup-fup_1-close'))
    fireEvent.change(byId('followup-fup_1-input'), { target: { value: '  已电话致歉，赠送饮品券 ' } })
    fireEvent.click(byId('followup-fup_1-submit'))

    await waitFor(() => expect(byId('followup-fup_1')).toBeNull())
    expect(eventsFor(call, 'staff.closeFollowUp')).toEqual([{ action: 'closeFollowUp', followUpId: 'fup_1', note: '已电话致歉，赠送饮品券' }])
    expect(byId('followup-fup_2')).toBeInTheDocument()
    expect(byId('followups-tab-open')).toHaveTextContent('待回访（1）')
    expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已完成回访' }))

    // 已完成: loaded from the server when opened
    backend({ 'staff.followUps': e => ok({ items: e.status === 'open' ? [SECOND] : [{ ...FIRST, status: 'closed', closedAt: '2024-03-05T08:00:00.000Z', note: '已电话致歉，赠送饮品券' }, DONE] }) })
    fireEvent.click(byId('followups-tab-closed'))
    await waitFor(() => expect(byId('followup-fup_1-note')).toHaveTextContent('回访结果：已电话致歉，赠送饮品券'))
    expect(byId('followup-fup_1-note')).toHaveTextContent('2024-03-05 16:00 完成')
    expect(byId('followup-fup_1-close')).toBeNull()
  })

  it('a follow-up closed while 已完成 is already loaded appears there at once', async () => {
    backend()
    await openPage()
    fireEvent.click(byId('followups-tab-closed'))
    await waitFor(() => expect(byId('followup-fup_0')).toBeInTheDocument())
    fireEvent.click(byId('followups-tab-open'))
    await waitFor(() => expect(eventsFor(call, 'staff.followUps')).toHaveLength(3))

    fireEvent.click(byId('followup-fup_2-close'))
    fireEvent.change(byId('followup-fup_2-input'), { target: { value: '未接通，已留言' } })
    fireEvent.click(byId('followup-fup_2-submit'))
    await waitFor(() => expect(byId('followup-fup_2')).toBeNull())

    // a slow server: the list shown is the one kept from before, with the closed follow-up on top
    const slow = deferred<Result<StaffOutputs['followUps']>>()
    backend({ 'staff.followUps': () => slow.promise })
    fireEvent.click(byId('followups-tab-closed'))
    const rows = Array.from(byId('followups-list').querySelectorAll('.followup-row')).map(r => r.id)
    expect(rows).toEqual(['followup-fup_2', 'followup-fup_0'])
    expect(byId('followup-fup_2-note')).toHaveTextContent('未接通，已留言')
    await act(async () => slow.resolve(ok({ items: [DONE] })))
  })

  it('the note needs at least 2 characters (spaces do not count); nothing is sent until then', async () => {
    backend()
    await openPage()
    fireEvent.click(byId('followup-fup_1-close'))
    fireEvent.click(byId('followup-fup_1-submit'))
    expect(byId('followup-fup_1-error')).toHaveTextContent('请写下回访结果（至少 2 个字）')
    fireEvent.change(byId('followup-fup_1-input'), { target: { value: ' 好 ' } })
    expect(byId('followup-fup_1-error')).toBeNull()
    fireEvent.click(byId('followup-fup_1-submit'))
    expect(byId('followup-fup_1-error')).toHaveTextContent('至少 2 个字')
    expect(eventsFor(call, 'staff.closeFollowUp')).toHaveLength(0)

    fireEvent.change(byId('followup-fup_1-input'), { target: { value: '好的' } })
    fireEvent.click(byId('followup-fup_1-submit'))
    await waitFor(() => expect(byId('followup-fup_1')).toBeNull())
    expect(eventsFor(call, 'staff.closeFollowUp')).toEqual([{ action: 'closeFollowUp', followUpId: 'fup_1', note: '好的' }])
  })

  it('取消 closes the note input; only one note is open at a time', async () => {
    backend()
    await openPage()
    fireEvent.click(byId('followup-fup_1-close'))
    expect(byId('followup-fup_1-input')).toBeInTheDocument()
    fireEvent.click(byId('followup-fup_2-close'))
    expect(byId('followup-fup_1-input')).toBeNull()
    expect(byId('followup-fup_2-input')).toBeInTheDocument()
    fireEvent.click(byId('followup-fup_2-cancel'))
    expect(byId('followup-fup_2-input')).toBeNull()
    expect(byId('followup-fup_2-close')).toBeInTheDocument()
  })

  it('a refused close shows the server’s message, keeps the note and refreshes the list', async () => {
    backend({ 'staff.closeFollowUp': failure('FAILED_PRECONDITION', '这条回访已完成') })
    await openPage()
    fireEvent.click(byId('followup-fup_1-close'))
    fireEvent.change(byId('followup-fup_1-input'), { target: { value: '已回访' } })
    fireEvent.click(byId('followup-fup_1-submit'))
    await waitFor(() => expect(byId('followup-fup_1-error')).toHaveTextContent('这条回访已完成'))
    expect(byId('followup-fup_1-input').value).toBe('已回访')
    await waitFor(() => expect(eventsFor(call, 'staff.followUps')).toHaveLength(2))
  })

  it('a network error while closing can be sent again', async () => {
    backend({ 'staff.closeFollowUp': () => Promise.reject(new Error('网络断开')) })
    await openPage()
    fireEvent.click(byId('followup-fup_1-close'))
    fireEvent.change(byId('followup-fup_1-input'), { target: { value: '已回访' } })
    fireEvent.click(byId('followup-fup_1-submit'))
    await waitFor(() => expect(byId('followup-fup_1-error')).toHaveTextContent('网络断开，可再次提交'))
    backend()
    fireEvent.click(byId('followup-fup_1-submit'))
    await waitFor(() => expect(byId('followup-fup_1')).toBeNull())
    expect(eventsFor(call, 'staff.closeFollowUp')).toHaveLength(2)
  })

  it('确认完成 is disabled while sending: one tap, one close', async () => {
    const pending = deferred<Result<StaffOutputs['closeFollowUp']>>()
    backend({ 'staff.closeFollowUp': () => pending.promise })
    await openPage()
    fireEvent.click(byId('followup-fup_1-close'))
    fireEvent.change(byId('followup-fup_1-input'), { target: { value: '已回访' } })
    fireEvent.click(byId('followup-fup_1-submit'))
    await waitFor(() => expect(byId('followup-fup_1-submit')).toBeDisabled())
    fireEvent.click(byId('followup-fup_1-submit'))
    expect(eventsFor(call, 'staff.closeFollowUp')).toHaveLength(1)
    await act(async () => pending.resolve(ok({ followUp: { ...FIRST, status: 'closed', closedAt: '2024-03-05T08:00:00.000Z', note: '已回访' } })))
    expect(byId('followup-fup_1')).toBeNull()
  })

  it('switching tabs lists 已完成 with the notes, and back to 待回访', async () => {
    backend()
    await openPage()
    fireEvent.click(byId('followups-tab-closed'))
    await waitFor(() => expect(byId('followup-fup_0')).toBeInTheDocument())
    expect(byId('followups-tab-closed')).toHaveAttribute('aria-selected', 'true')
    expect(byId('followups-tab-open')).toHaveAttribute('aria-selected', 'false')
    expect(byId('followup-fup_1')).toBeNull()
    expect(byId('followup-fup_0-note')).toHaveTextContent('回访结果：已致电道歉并赠券')
    expect(byId('followup-fup_0-close')).toBeNull()
    expect(eventsFor(call, 'staff.followUps')).toEqual([
      { action: 'followUps', status: 'open', limit: 100 },
      { action: 'followUps', status: 'closed', limit: 100 },
    ])

    fireEvent.click(byId('followups-tab-open'))
    await waitFor(() => expect(byId('followup-fup_1')).toBeInTheDocument())
    expect(byId('followup-fup_0')).toBeNull()
  })

  it('empty lists say so', async () => {
    backend({ 'staff.followUps': ok({ items: [] }) })
    render(<FollowUpsPage />)
    expect(await screen.findByText('暂无待回访的会员')).toHaveAttribute('id', 'followups-empty')
    expect(byId('followups-tab-open')).toHaveTextContent(/^待回访$/)
    fireEvent.click(byId('followups-tab-closed'))
    expect(await screen.findByText('还没有完成的回访')).toBeInTheDocument()
  })

  it('a failed list shows the message and retries', async () => {
    backend({ 'staff.followUps': failure('INTERNAL', '数据库暂时不可用') })
    render(<FollowUpsPage />)
    expect(await screen.findByText('数据库暂时不可用')).toBeInTheDocument()
    expect(byId('followups-list-error')).toBeInTheDocument()
    backend()
    fireEvent.click(byId('followups-list-retry'))
    await waitFor(() => expect(byId('followup-fup_1')).toBeInTheDocument())
  })

  it('loading and a failed staff.me use the page states', async () => {
    const me = deferred<Result<StaffOutputs['me']>>()
    backend({ 'staff.me': () => me.promise })
    render(<FollowUpsPage />)
    expect(byId('followups-loading')).toHaveTextContent('加载中')
    await act(async () => me.resolve(failure('INTERNAL', '服务繁忙')))
    expect(byId('followups-load-error')).toHaveTextContent('服务繁忙')
    backend()
    fireEvent.click(byId('followups-retry'))
    await waitFor(() => expect(byId('followup-fup_1')).toBeInTheDocument())
  })

  it('a consumer sees “你不是店员”', async () => {
    backend({ 'staff.me': denied, 'staff.followUps': denied })
    render(<FollowUpsPage />)
    expect(await screen.findByText('你不是店员')).toBeInTheDocument()
    expect(byId('followups-list')).toBeNull()
  })
})

describe('回访任务 on the till', () => {
  it('the scan page links to it with the number of open follow-ups, refreshed when shown again', async () => {
    backend()
    render(<ScanPage />)
    await waitFor(() => expect(byId('till-followups-entry-badge')).toHaveTextContent('2 位待回访'))
    expect(eventsFor(call, 'staff.followUps')).toEqual([{ action: 'followUps', status: 'open', limit: 100 }])
    fireEvent.click(byId('till-followups-entry'))
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/staff/followups/index' })

    backend({ 'staff.followUps': ok({ items: [] }) })
    act(() => triggerDidShow())
    await waitFor(() => expect(byId('till-followups-entry-badge')).toBeNull())
    expect(byId('till-followups-entry')).toHaveTextContent('回访任务')
  })

  it('shows 99+ at the listing limit, and no badge when the count fails', async () => {
    backend({ 'staff.followUps': ok({ items: Array.from({ length: 100 }, (_, i) => followUp({ followUpId: `fup_${i}` })) }) })
    const view = render(<ScanPage />)
    await waitFor(() => expect(byId('till-followups-entry-badge')).toHaveTextContent('99+ 位待回访'))
    view.unmount()

    backend({ 'staff.followUps': failure('INTERNAL') })
    render(<ScanPage />)
    await waitFor(() => expect(eventsFor(call, 'staff.followUps')).toHaveLength(2))
    await act(async () => {})
    expect(byId('till-followups-entry')).toBeInTheDocument()
    expect(byId('till-followups-entry-badge')).toBeNull()
  })
})
