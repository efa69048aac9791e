import { act, fireEvent, render, screen, waitFor } from '@testing-library/react'
import Taro, { setRouterParams, triggerShareAppMessage } from './doubles/taro'
import { callFunction, needsSignIn } from '../../client/src/services/cloud'
import TasksPage from '../../client/src/pages/tasks/index'
import IndexPage from '../../client/src/pages/index/index'
import { deferred, member, ok } from './fixtures'
import { coupon, invitee, invites, task } from './coupon-fixtures'
import { denied, eventsFor, failure, routeCalls, type Handlers } from './backend'
import type { MemberOutputs } from '../../types/member'
import type { Result } from '../../types/result'
import { CONSENT_NEEDED_TEXT } from '../../client/src/components/privacy-consent'
import { consentStore } from '../../client/src/components/privacy-consent.store'

jest.mock('../../client/src/services/cloud', () => require('./doubles/cloud').cloudDouble())

const call = callFunction as jest.MockedFunction<typeof callFunction>
const byId = (id: string) => document.getElementById(id)

const tasks = () => [
  task(),
  task({ taskId: 'bind_phone', title: '绑定手机号', progress: '', done: true, rewarded: false, reward: { points: 20, couponTemplateId: 'welcome-5' } }),
  task({ taskId: 'first_checkin', title: '完成首次签到', progress: '', done: true, rewarded: true, reward: { points: 10 } }),
  task({ taskId: 'first_purchase', title: '完成首次消费', progress: '还没有消费记录', done: false, reward: { points: 50 } }),
]

function backend(more: Handlers = {}) {
  routeCalls(call, {
    'member.tasks': ok({ tasks: tasks() }),
    'member.myInvites': ok(
      invites({
        rewardedThisMonth: 3,
        invitees: [invitee(), invitee({ nickname: '王**', status: 'rewarded' }), invitee({ nickname: 'L***y', status: 'over_cap' })],
      }),
    ),
    ...more,
  })
}

beforeEach(() => {
  call.mockReset()
  consentStore.reset()
  ;(needsSignIn as jest.Mock).mockReturnValue(false)
})

describe('任务', () => {
  it('lists tasks with progress, rewards and what can be done about each', async () => {
    backend()
    render(<TasksPage />)
    await waitFor(() => expect(byId('task-complete_profile')).toBeInTheDocument())
    expect(eventsFor(call, 'member.tasks')).toEqual([{ action: 'tasks' }])

    expect(byId('task-complete_profile')).toHaveTextContent('完善个人资料')
    expect(byId('task-complete_profile')).toHaveTextContent('还差：生日、性别')
    expect(byId('task-complete_profile')).toHaveTextContent('奖励 20 积分')
    expect(byId('task-claim-complete_profile')).toBeNull()
    expect(byId('task-bind_phone')).toHaveTextContent('奖励 20 积分 + 优惠券')
    expect(byId('task-claim-bind_phone')).toHaveTextContent('领取奖励')
    expect(byId('task-first_checkin')).toHaveTextContent('已领取')
    expect(byId('task-claim-first_checkin')).toBeNull()

    fireEvent.click(byId('task-go-complete_profile')!)
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/profile/index' })
    fireEvent.click(byId('task-go-first_purchase')!)
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/code/index' })
  })

  it('领取奖励: claims once, marks the task rewarded and says what was credited', async () => {
    const answer = deferred<Result<MemberOutputs['claimTaskReward']>>()
    backend({ 'member.claimTaskReward': () => answer.promise })
    render(<TasksPage />)
    await waitFor(() => expect(byId('task-claim-bind_phone')).toBeInTheDocument())

    act(() => {
      byId('task-claim-bind_phone')!.click()
      byId('task-claim-bind_phone')!.click()
    })
    expect(byId('task-claim-bind_phone')).toHaveTextContent('领取中')
    await act(async () =>
      answer.resolve(
        ok({
          task: task({ taskId: 'bind_phone', title: '绑定手机号', progress: '', done: true, rewarded: true, reward: { points: 20, couponTemplateId: 'welcome-5' } }),
          pointsAwarded: 20,
          coupon: coupon({ name: '新人5元券' }),
          balance: 140,
        }),
      ),
    )

    expect(eventsFor(call, 'member.claimTaskReward')).toEqual([{ action: 'claimTaskReward', taskId: 'bind_phone' }])
    expect(byId('task-claim-bind_phone')).toBeNull()
    expect(byId('task-bind_phone')).toHaveTextContent('已领取')
    expect(byId('task-message-bind_phone')).toHaveTextContent('已领取 20 积分 和 「新人5元券」，当前积分 140')
    expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '+20 积分' }))
  })

  it('a refused claim shows why and refreshes the tasks', async () => {
    backend({ 'member.claimTaskReward': failure('FAILED_PRECONDITION', '任务尚未完成') })
    render(<TasksPage />)
    await waitFor(() => expect(byId('task-claim-bind_phone')).toBeInTheDocument())
    fireEvent.click(byId('task-claim-bind_phone')!)
    await waitFor(() => expect(byId('task-message-bind_phone')).toHaveTextContent('还不能领取：任务尚未完成'))
    await waitFor(() => expect(eventsFor(call, 'member.tasks')).toHaveLength(2))
  })

  it('shows a load error with retry when nothing loads', async () => {
    routeCalls(call, { 'member.tasks': failure('INTERNAL', '暂时不可用'), 'member.myInvites': failure('INTERNAL', '暂时不可用') })
    render(<TasksPage />)
    expect(await screen.findByText('暂时不可用')).toBeInTheDocument()
    backend()
    fireEvent.click(byId('tasks-retry')!)
    await waitFor(() => expect(byId('task-complete_profile')).toBeInTheDocument())
  })
})

describe('邀请有礼', () => {
  it('shows the invite code, both rewards, this month against the cap, and the invitees masked with their status', async () => {
    backend()
    render(<TasksPage />)
    await waitFor(() => expect(byId('invite-code')).toBeInTheDocument())
    expect(eventsFor(call, 'member.myInvites')).toEqual([{ action: 'myInvites' }])

    expect(byId('invite-code')).toHaveTextContent('1000000001')
    expect(byId('invite-reward-inviter')).toHaveTextContent('100 积分')
    expect(byId('invite-reward-invitee')).toHaveTextContent('50 积分')
    expect(byId('invite-month')).toHaveTextContent('本月已奖励 3 / 上限 10')

    const rows = Array.from(document.querySelectorAll('.invitee-row'))
    expect(rows.map(r => r.getAttribute('data-status'))).toEqual(['joined', 'rewarded', 'over_cap'])
    expect(rows[0]).toHaveTextContent('小*')
    expect(rows[0]).toHaveTextContent('2024年3月5日 加入')
    expect(rows[0]).toHaveTextContent('已注册')
    expect(rows[1]).toHaveTextContent('王**')
    expect(rows[1]).toHaveTextContent('已奖励')
    expect(rows[2]).toHaveTextContent('超出本月上限')

    fireEvent.click(byId('invite-copy')!)
    await waitFor(() => expect(Taro.setClipboardData).toHaveBeenCalledWith({ data: '1000000001' }))
  })

  it('复制 asks for consent first when the member has not agreed to the current guide; 拒绝 copies nothing', async () => {
    process.env.TARO_ENV = 'h5'
    try {
      const policy = { version: '2026-03', title: '用户隐私保护指引', summary: '我们如何使用你的信息', sections: [{ heading: '我们收集的信息', body: '手机号' }] }
      backend({ 'member.privacyPolicy': ok({ policy, updatedAt: null, consent: null, withdrawnAt: null, upToDate: false }) })
      render(<TasksPage />)
      await waitFor(() => expect(byId('invite-copy')).toBeInTheDocument())
      fireEvent.click(byId('invite-copy')!)
      await waitFor(() => expect(byId('privacy-consent')).toBeInTheDocument())
      fireEvent.click(byId('privacy-consent-disagree')!)
      await waitFor(() => expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: CONSENT_NEEDED_TEXT })))
      expect(Taro.setClipboardData).not.toHaveBeenCalled()
    } finally {
      delete process.env.TARO_ENV
    }
  })

  it('the share button shares a card whose path comes from myInvites', async () => {
    backend({ 'member.myInvites': ok(invites({ sharePath: '/pages/index/index?inviteCode=1000000001&from=share' })) })
    render(<TasksPage />)
    await waitFor(() => expect(byId('invite-share')).toBeInTheDocument())
    expect(byId('invite-share')).toHaveAttribute('data-open-type', 'share')
    expect(byId('invite-share')).toHaveTextContent('邀请好友')
    expect(byId('invitees-empty')).toBeInTheDocument()

    const card = triggerShareAppMessage('button') as { title: string; path: string }
    expect(card.path).toBe('/pages/index/index?inviteCode=1000000001&from=share')
    expect(card.title).toContain('50 积分')
  })

  it('before the invitation has loaded, a share from the menu goes to the home page without a code', async () => {
    const later = deferred<Result<MemberOutputs['myInvites']>>()
    backend({ 'member.myInvites': () => later.promise })
    render(<TasksPage />)
    await waitFor(() => expect(byId('task-complete_profile')).toBeInTheDocument())
    expect(triggerShareAppMessage('menu')).toEqual({ title: expect.any(String), path: '/pages/index/index' })
    await act(async () => later.resolve(ok(invites())))
    expect((triggerShareAppMessage('menu') as { path: string }).path).toBe('/pages/index/index?inviteCode=1000000001')
  })

  it('a failed invitation load leaves the tasks usable', async () => {
    backend({ 'member.myInvites': failure('INTERNAL', '邀请信息暂时不可用') })
    render(<TasksPage />)
    await waitFor(() => expect(byId('invite-error')).toHaveTextContent('邀请信息暂时不可用'))
    expect(byId('task-claim-bind_phone')).toBeInTheDocument()
  })
})

describe('首页：通过好友分享的卡片进入', () => {
  function home(more: Handlers = {}) {
    routeCalls(call, {
      'member.login': ok({ member: member(), created: true }),
      'member.getPoints': ok({ balance: 120, expiring: null }),
      'staff.me': denied,
      ...more,
    })
  }

  it("passes the card's inviteCode to member.login", async () => {
    setRouterParams({ inviteCode: '1000000002' })
    home()
    render(<IndexPage />)
    await screen.findByText('小爱')
    expect(eventsFor(call, 'member.login')).toEqual([{ action: 'login', inviteCode: '1000000002' }])
  })

  it('ignores a malformed inviteCode (it would make the sign-in fail)', async () => {
    setRouterParams({ inviteCode: 'abc' })
    home()
    render(<IndexPage />)
    await screen.findByText('小爱')
    expect(eventsFor(call, 'member.login')).toEqual([{ action: 'login' }])
  })

  it('signs in without the code when the server refuses it', async () => {
    setRouterParams({ inviteCode: '1000000003' })
    home({ 'member.login': e => (e.inviteCode ? failure('INVALID_ARGUMENT', 'bad invite') : ok({ member: member(), created: false })) })
    render(<IndexPage />)
    await screen.findByText('小爱')
    expect(eventsFor(call, 'member.login')).toEqual([{ action: 'login', inviteCode: '1000000003' }, { action: 'login' }])
  })

  it('offers 签到, 领券中心, 我的券, 积分商城 and 任务与邀请', async () => {
    home()
    render(<IndexPage />)
    await screen.findByText('小爱')
    const entries: Array<[string, string]> = [
      ['签到', '/pages/checkin/index'],
      ['领券中心', '/pages/claim/index'],
      ['我的券', '/pages/coupons/index'],
      ['积分商城', '/pages/mall/index'],
      ['任务与邀请', '/pages/tasks/index'],
    ]
    for (const [label, url] of entries) {
      fireEvent.click(screen.getByText(label))
      expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url })
    }
  })
})
