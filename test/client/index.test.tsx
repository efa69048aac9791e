import { act, fireEvent, render, screen, waitFor } from '@testing-library/react'
import Taro, { setRouterParams, triggerDidShow } from './doubles/taro'
import { callFunction, fileUrl, needsSignIn, redirectToSignIn } from '../../client/src/services/cloud'
import IndexPage from '../../client/src/pages/index/index'
import { deferred, member, ok } from './fixtures'
import { denied, eventsFor, failure, routeCalls, staffMe, type Handlers } from './backend'
import type { MemberOutputs } from '../../types/member'
import type { Result } from '../../types/result'

jest.mock('../../client/src/services/cloud', () => ({
  initCloud: jest.fn(),
  callFunction: jest.fn(),
  uploadFile: jest.fn(),
  fileUrl: jest.fn(async (id: string) => `https://files.test/${encodeURIComponent(id)}`),
  needsSignIn: jest.fn(() => false),
  redirectToSignIn: jest.fn(),
}))

const call = callFunction as jest.MockedFunction<typeof callFunction>

/** A signed-in consumer by default: login answers `m`, getPoints a summary, staff.me PERMISSION_DENIED. */
function backend(m = member(), more: Handlers = {}) {
  routeCalls(call, {
    'member.login': ok({ member: m, created: false }),
    'member.getPoints': ok({ balance: m.points, expiring: null }),
    'staff.me': denied,
    ...more,
  })
}

beforeEach(() => {
  call.mockReset()
  ;(needsSignIn as jest.Mock).mockReturnValue(false)
  ;(redirectToSignIn as jest.Mock).mockClear()
})

describe('会员首页', () => {
  it('signs in with member.login on show and shows nickname, points and member-since date (Shanghai day)', async () => {
    backend()
    render(<IndexPage />)

    expect(document.getElementById('member-loading')).toHaveTextContent('加载中')
    expect(await screen.findByText('小爱')).toHaveAttribute('id', 'member-nickname')
    expect(eventsFor(call, 'member.login')).toEqual([{ action: 'login' }])
    expect(call.mock.calls[0]).toEqual(['member', { action: 'login' }])
    expect(document.getElementById('member-points')).toHaveTextContent('120')
    expect(document.getElementById('member-since')).toHaveTextContent('2024年3月5日 成为会员')
    // no avatar yet: a placeholder with the first character of the nickname
    expect(document.getElementById('member-avatar')?.tagName).toBe('DIV')
    expect(document.getElementById('member-avatar')).toHaveTextContent('小')
    expect(Taro.showToast).not.toHaveBeenCalled()
  })

  it('shows the avatar through fileUrl and welcomes a member created by this sign-in', async () => {
    backend(member({ avatarFileId: 'cloud://env.bucket/avatars/o_alice/1.jpg' }), {
      'member.login': ok({ member: member({ avatarFileId: 'cloud://env.bucket/avatars/o_alice/1.jpg' }), created: true }),
    })
    render(<IndexPage />)

    await screen.findByText('小爱')
    expect(fileUrl).toHaveBeenCalledWith('cloud://env.bucket/avatars/o_alice/1.jpg')
    const avatar = document.getElementById('member-avatar')
    expect(avatar?.tagName).toBe('IMG')
    expect(avatar).toHaveAttribute('src', `https://files.test/${encodeURIComponent('cloud://env.bucket/avatars/o_alice/1.jpg')}`)
    expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '欢迎加入会员' }))
  })

  it('shows the server error message and retries', async () => {
    backend(member(), { 'member.login': failure('INTERNAL', '数据库暂时不可用') })
    render(<IndexPage />)

    expect(await screen.findByText('数据库暂时不可用')).toHaveAttribute('id', 'member-error-message')
    expect(document.getElementById('member-card')).toBeNull()

    backend(member({ nickname: '重试成功' }))
    fireEvent.click(screen.getByRole('button', { name: '重试' }))
    expect(await screen.findByText('重试成功')).toBeInTheDocument()
    expect(document.getElementById('member-error')).toBeNull()
    expect(eventsFor(call, 'member.login')).toHaveLength(2)
  })

  it('shows a thrown error (e.g. network) as an error state too', async () => {
    backend(member(), { 'member.login': () => Promise.reject(new Error('网络断开')) })
    render(<IndexPage />)
    expect(await screen.findByText('网络断开')).toBeInTheDocument()
    expect(document.getElementById('member-retry')).toBeInTheDocument()
  })

  it('goes to the local sign-in page instead of calling the function when there is no session (H5)', async () => {
    ;(needsSignIn as jest.Mock).mockReturnValue(true)
    render(<IndexPage />)
    await waitFor(() => expect(redirectToSignIn).toHaveBeenCalledTimes(1))
    expect(call).not.toHaveBeenCalled()
  })

  it('opens 编辑资料', async () => {
    backend()
    render(<IndexPage />)
    fireEvent.click(await screen.findByRole('button', { name: '编辑资料' }))
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/profile/index' })
  })

  it('refreshes when shown again (back from 编辑资料) and keeps the card visible meanwhile', async () => {
    backend()
    render(<IndexPage />)
    await screen.findByText('小爱')
    await waitFor(() => expect(eventsFor(call, 'member.getPoints')).toHaveLength(1))

    const again = deferred<Result<MemberOutputs['login']>>()
    backend(member({ nickname: '改名了', points: 130 }), { 'member.login': () => again.promise })
    act(() => triggerDidShow())
    expect(screen.getByText('小爱')).toBeInTheDocument()
    expect(document.getElementById('member-loading')).toBeNull()

    await act(async () => again.resolve(ok({ member: member({ nickname: '改名了', points: 130 }), created: false })))
    expect(screen.getByText('改名了')).toBeInTheDocument()
    await waitFor(() => expect(document.getElementById('member-points')).toHaveTextContent('130'))
    // staff.me is asked once per page, not on every show
    expect(eventsFor(call, 'staff.me')).toHaveLength(1)
  })

  it('shows the balance and the points about to expire (Shanghai date) from member.getPoints', async () => {
    backend(member({ points: 120 }), {
      'member.getPoints': ok({ balance: 150, expiring: { amount: 30, date: '2025-03-31T15:59:59.999Z' } }),
    })
    render(<IndexPage />)
    await waitFor(() => expect(document.getElementById('member-points')).toHaveTextContent('150'))
    expect(document.getElementById('member-expiring')).toHaveTextContent('30 积分将于 2025年3月31日 过期')
  })

  it('shows no expiry line when nothing expires soon, and the profile balance when getPoints fails', async () => {
    backend(member({ points: 120 }), { 'member.getPoints': failure('INTERNAL', '暂时不可用') })
    render(<IndexPage />)
    await screen.findByText('小爱')
    await waitFor(() => expect(eventsFor(call, 'member.getPoints')).toHaveLength(1))
    expect(document.getElementById('member-points')).toHaveTextContent('120')
    expect(document.getElementById('member-expiring')).toBeNull()
  })

  it('offers 会员码 and 积分明细', async () => {
    backend()
    render(<IndexPage />)
    fireEvent.click(await screen.findByText('会员码'))
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/code/index' })
    fireEvent.click(document.getElementById('points-history-entry')!)
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/points/index' })
  })

  it('shows 店员工作台 only when staff.me answers (a consumer gets PERMISSION_DENIED and sees no entry)', async () => {
    backend()
    const { unmount } = render(<IndexPage />)
    await screen.findByText('小爱')
    await waitFor(() => expect(eventsFor(call, 'staff.me')).toHaveLength(1))
    expect(document.getElementById('staff-entry')).toBeNull()
    expect(document.getElementById('member-code-entry')).toBeInTheDocument()
    unmount()

    backend(member(), { 'staff.me': ok(staffMe()) })
    render(<IndexPage />)
    const entry = await waitFor(() => {
      const el = document.getElementById('staff-entry')
      expect(el).toBeInTheDocument()
      return el!
    })
    expect(entry).toHaveTextContent('店员工作台')
    expect(entry).toHaveTextContent('上海静安旗舰店')
    fireEvent.click(entry)
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/staff/scan/index' })
  })

  it('asks staff.me only after signing in, and hides the entry when it fails for any reason', async () => {
    const login = deferred<Result<MemberOutputs['login']>>()
    backend(member(), { 'member.login': () => login.promise, 'staff.me': () => Promise.reject(new Error('offline')) })
    render(<IndexPage />)
    await act(async () => {})
    expect(eventsFor(call, 'staff.me')).toHaveLength(0)
    await act(async () => login.resolve(ok({ member: member(), created: false })))
    await waitFor(() => expect(eventsFor(call, 'staff.me')).toHaveLength(1))
    expect(document.getElementById('staff-entry')).toBeNull()
  })

  it('after 注销账号 (weapp reLaunch with deleted=1) does not sign straight back in', async () => {
    setRouterParams({ deleted: '1' })
    backend()
    render(<IndexPage />)
    expect(await screen.findByText('账号已注销')).toBeInTheDocument()
    expect(call).not.toHaveBeenCalled()
    fireEvent.click(document.getElementById('member-rejoin')!)
    expect(await screen.findByText('小爱')).toBeInTheDocument()
    expect(eventsFor(call, 'member.login')).toHaveLength(1)
  })
})
