import { fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import Taro from './doubles/taro'
import { callFunction } from '../../client/src/services/cloud'
import CareTasksPage from '../../client/src/staff/care/index'
import TodayPage from '../../client/src/staff/today/index'
import { till } from '../../client/src/staff/till'
import { ok } from './fixtures'
import { denied, eventsFor, failure, routeCalls, staffMe, type Handlers } from './backend'
import type { CareTaskView } from '../../types/care-tasks'

jest.mock('../../client/src/services/cloud', () => require('./doubles/cloud').cloudDouble())

const call = callFunction as jest.MockedFunction<typeof callFunction>
const byId = (id: string) => document.getElementById(id) as HTMLElement

function task(overrides: Partial<CareTaskView> = {}): CareTaskView {
  return {
    taskId: 'care_1',
    kind: 'birthday',
    kindLabel: '生日关怀',
    memberNo: '1000000001',
    nickname: '小爱',
    reason: '今天生日',
    message: '小爱，生日快乐！',
    status: 'open',
    assigned: 'mine',
    template: 'created',
    // 06:05 UTC is 14:05 in Shanghai
    createdAt: '2024-03-05T06:05:00.000Z',
    sentAt: null,
    repliedAt: null,
    bought: false,
    ...overrides,
  }
}

const MINE = task()
const POOL = task({
  taskId: 'care_2',
  kind: 'churn_risk',
  kindLabel: '流失预警',
  nickname: '阿明',
  memberNo: '1000000002',
  reason: '流失风险 82%',
  message: '阿明，好久不见',
  assigned: 'pool',
  template: 'none',
})
const DONE = task({ taskId: 'care_0', status: 'replied', sentAt: '2024-03-04T02:00:00.000Z', repliedAt: '2024-03-04T03:00:00.000Z', bought: true })

function backend(more: Handlers = {}) {
  routeCalls(call, {
    'staff.me': ok(staffMe()),
    'staff.myCareTasks': e => ok({ items: e.status === 'todo' ? [MINE, POOL] : [DONE] }),
    'staff.markCareTask': e => {
      const t = [MINE, POOL].find(i => i.taskId === e.taskId)!
      const status = e.mark === 'sent' ? 'sent' : e.mark === 'replied' ? 'replied' : 'skipped'
      return ok({ task: { ...t, status, assigned: 'mine', sentAt: status === 'skipped' ? null : '2024-03-05T08:00:00.000Z' } })
    },
    ...more,
  })
}

async function openPage() {
  render(<CareTasksPage />)
  await waitFor(() => expect(byId('care-care_1')).toBeInTheDocument())
}

beforeEach(() => {
  call.mockReset()
  till.clear()
  till.setMe(null)
})

describe('关怀任务', () => {
  it('lists the caller’s tasks and the store’s pool with the reason, the suggested message and the template state', async () => {
    backend()
    await openPage()
    expect(eventsFor(call, 'staff.myCareTasks')).toEqual([{ action: 'myCareTasks', status: 'todo', limit: 50 }])
    expect(byId('care-care_1-kind')).toHaveTextContent('生日关怀')
    expect(byId('care-care_1-message')).toHaveTextContent('小爱，生日快乐！')
    expect(byId('care-care_1-template')).toHaveTextContent('已生成企业微信群发，请在企业微信确认发送')
    expect(byId('care-care_2-reason')).toHaveTextContent('流失风险 82% · 门店待认领')
    expect(byId('care-care_2-template')).toBeNull()
    expect(within(byId('care-care_1')).getByText('2024-03-05 14:05')).toBeInTheDocument()
  })

  it('复制话术 copies the suggested message', async () => {
    backend()
    await openPage()
    fireEvent.click(byId('care-care_2-copy'))
    expect(Taro.setClipboardData).toHaveBeenCalledWith({ data: '阿明，好久不见' })
  })

  it('已发送 keeps the task in 待跟进 with only 已回复 left; 已回复 moves it to 已完成', async () => {
    backend()
    await openPage()
    fireEvent.click(byId('care-care_2-sent'))
    await waitFor(() => expect(byId('care-care_2-status')).toHaveTextContent('已发送'))
    expect(eventsFor(call, 'staff.markCareTask')).toEqual([{ action: 'markCareTask', taskId: 'care_2', mark: 'sent' }])
    expect(byId('care-care_2-reason')).not.toHaveTextContent('门店待认领')
    expect(byId('care-care_2-skipped')).toBeNull()
    expect(byId('care-care_2-sent')).toBeNull()

    fireEvent.click(byId('care-care_2-replied'))
    await waitFor(() => expect(byId('care-care_2')).toBeNull())
    expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已标记已回复' }))
    fireEvent.click(byId('care-tab-done'))
    await waitFor(() => expect(byId('care-care_0')).toBeInTheDocument())
    expect(byId('care-care_0-status')).toHaveTextContent('已回复 · 7 天内已购买')
    expect(byId('care-care_0-replied')).toBeNull()
  })

  it('a failed mark shows the error on the task and reloads the list when it is out of date', async () => {
    backend({ 'staff.markCareTask': failure('FAILED_PRECONDITION', '这条关怀任务已完成') })
    await openPage()
    fireEvent.click(byId('care-care_1-skipped'))
    await waitFor(() => expect(byId('care-care_1-error')).toHaveTextContent('这条关怀任务已完成'))
    await waitFor(() => expect(eventsFor(call, 'staff.myCareTasks')).toHaveLength(2))
  })

  it('an empty list says so', async () => {
    backend({ 'staff.myCareTasks': ok({ items: [] }) })
    render(<CareTasksPage />)
    await waitFor(() => expect(byId('care-empty')).toHaveTextContent('暂无待跟进的关怀任务'))
  })

  it('a consumer sees “你不是店员”', async () => {
    backend({ 'staff.me': denied, 'staff.myCareTasks': denied })
    render(<CareTasksPage />)
    expect(await screen.findByText('你不是店员')).toBeInTheDocument()
    expect(byId('care-list')).toBeNull()
  })
})

describe('关怀任务 from the staff home', () => {
  it('today links to it', async () => {
    backend({
      'staff.today': ok({ storeId: 'store_a', date: '2024-03-05', purchases: 0, salesFen: 0, pointsAwarded: 0, refunds: 0, refundedFen: 0, recent: [] }),
    })
    render(<TodayPage />)
    await waitFor(() => expect(byId('today-care-entry')).toBeInTheDocument())
    fireEvent.click(byId('today-care-entry'))
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/staff/care/index' })
  })
})
