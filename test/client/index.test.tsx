import { act, fireEvent, render, screen, waitFor } from '@testing-library/react'
import Taro, { setRouterParams, triggerDidShow } from './doubles/taro'
import { callFunction, fileUrl, needsSignIn, redirectToSignIn } from '../../client/src/services/cloud'
import IndexPage from '../../client/src/pages/index/index'
import { deferred, member, ok, tierProgress } from './fixtures'
import { denied, eventsFor, failure, routeCalls, staffMe, type Handlers } from './backend'
import type { MemberOutputs } from '../../types/member'
import type { Result } from '../../types/result'
import type { TierProgress } from '../../types/tiers'
import type { CallerRoles } from '../../types/console'

jest.mock('../../client/src/services/cloud', () => require('./doubles/cloud').cloudDouble(async (id: string) => `https://files.test/${encodeURIComponent(id)}`))

const call = callFunction as jest.MockedFunction<typeof callFunction>

/** What member.login answers for a consumer: no roles. */
const NO_ROLES: CallerRoles = { admin: false, manager: null, staff: null }

const TOP_TIER: Partial<TierProgress> = {
  tierId: 'black',
  name: '黑金会员',
  threshold: 10000,
  title: '首席体验官',
  perks: ['生日礼', '积分 2 倍', '专属客服', '新品优先体验'],
  pointsMultiplier: 2,
  growth: 12500,
  next: null,
  ratio: 1,
}

/** A signed-in consumer by default: login answers `m`, getPoints a summary, myTier 银卡会员, staff.me PERMISSION_DENIED. */
function backend(m = member(), more: Handlers = {}) {
  routeCalls(call, {
    'member.login': ok({ member: m, created: false }),
    'member.getPoints': ok({ balance: m.points, expiring: null }),
    'member.myTier': ok(tierProgress()),
    'member.recommendations': ok({ items: [] }),
    'member.track': ok({ accepted: 1, replayed: false }),
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

    await act(async () => again.resolve(ok({ member: member({ nickname: '改名了', points: 130 }), created: false, roles: NO_ROLES })))
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

  it('offers 会员码, 积分明细 and 消费记录', async () => {
    backend()
    render(<IndexPage />)
    fireEvent.click(await screen.findByText('会员码'))
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/code/index' })
    fireEvent.click(document.getElementById('points-history-entry')!)
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/points/index' })
    expect(document.getElementById('purchases-entry')).toHaveTextContent('消费记录')
    fireEvent.click(document.getElementById('purchases-entry')!)
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/purchases/index' })
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
    await act(async () => login.resolve(ok({ member: member(), created: false, roles: NO_ROLES })))
    await waitFor(() => expect(eventsFor(call, 'staff.me')).toHaveLength(1))
    expect(document.getElementById('staff-entry')).toBeNull()
  })

  it('shows 管理 only to operators (member.login roles: a brand admin or a store manager), opening the console', async () => {
    // a consumer (no roles) and a login answer without roles (an older function): no entry
    for (const login of [ok({ member: member(), created: false, roles: NO_ROLES }), ok({ member: member(), created: false })]) {
      backend(member(), { 'member.login': login })
      const { unmount } = render(<IndexPage />)
      await screen.findByText('小爱')
      await waitFor(() => expect(eventsFor(call, 'staff.me')).toHaveLength(1))
      expect(document.getElementById('console-entry')).toBeNull()
      unmount()
      call.mockReset()
    }

    // staff only: 店员工作台, not 管理
    backend(member(), { 'member.login': ok({ member: member(), created: false, roles: { ...NO_ROLES, staff: { storeId: 'store_jingan' } } }), 'staff.me': ok(staffMe()) })
    const staffPage = render(<IndexPage />)
    await waitFor(() => expect(document.getElementById('staff-entry')).toBeInTheDocument())
    expect(document.getElementById('console-entry')).toBeNull()
    staffPage.unmount()

    backend(member(), { 'member.login': ok({ member: member(), created: false, roles: { ...NO_ROLES, admin: true } }) })
    const adminPage = render(<IndexPage />)
    const entry = await waitFor(() => {
      const el = document.getElementById('console-entry')
      expect(el).toBeInTheDocument()
      return el!
    })
    expect(entry).toHaveTextContent('管理')
    expect(entry).toHaveTextContent('全品牌')
    fireEvent.click(entry)
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/console/home/index' })
    adminPage.unmount()

    backend(member(), { 'member.login': ok({ member: member(), created: false, roles: { ...NO_ROLES, manager: { storeId: 'store_jingan', storeName: '上海静安旗舰店' } } }) })
    render(<IndexPage />)
    await waitFor(() => expect(document.getElementById('console-entry')).toHaveTextContent('上海静安旗舰店'))
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

describe('会员首页: 会员等级', () => {
  const card = () => document.getElementById('tier-card')
  const findCard = () =>
    waitFor(() => {
      expect(card()).toBeInTheDocument()
      return card()!
    })

  it('loads member.myTier next to the points after signing in and shows tier, growth, progress and perks', async () => {
    backend()
    render(<IndexPage />)
    const tierCard = await findCard()

    expect(eventsFor(call, 'member.myTier')).toEqual([{ action: 'myTier' }])
    expect(eventsFor(call, 'member.getPoints')).toHaveLength(1)
    expect(document.getElementById('tier-name')).toHaveTextContent('银卡会员')
    expect(document.getElementById('tier-title')).toBeNull()
    expect(tierCard).toHaveTextContent('成长值')
    expect(document.getElementById('tier-growth')).toHaveTextContent('1200')
    expect(tierCard).toHaveTextContent('/ 3000')
    expect(document.getElementById('tier-next')).toHaveTextContent('再获得 1800 成长值升级为金卡会员')
    expect(document.getElementById('tier-bar-fill')).toHaveStyle({ width: '10%' })
    expect(document.getElementById('tier-multiplier')).toHaveTextContent('积分 1.2 倍')
    // the perk that repeats the multiplier is shown once, as the badge
    expect(screen.getAllByText('积分 1.2 倍')).toHaveLength(1)
    expect(document.getElementById('tier-perks')).toHaveTextContent('生日礼')
    expect(tierCard).not.toHaveTextContent('已是最高等级')
    expect(document.getElementById('tier-downgrade')).toBeNull()
    expect(document.getElementById('tier-card-error')).toBeNull()
  })

  it('shows no multiplier at 1× and a base tier with no perks', async () => {
    backend(member(), {
      'member.myTier': ok(
        tierProgress({
          tierId: 'base',
          name: '普通会员',
          perks: [],
          pointsMultiplier: 1,
          growth: 0,
          next: { tierId: 'silver', name: '银卡会员', threshold: 1000, missing: 1000 },
          ratio: 0,
          reviewAt: null,
        }),
      ),
    })
    render(<IndexPage />)
    await findCard()
    expect(document.getElementById('tier-name')).toHaveTextContent('普通会员')
    expect(document.getElementById('tier-next')).toHaveTextContent('再获得 1000 成长值升级为银卡会员')
    expect(document.getElementById('tier-multiplier')).toBeNull()
    expect(document.getElementById('tier-perks')).toBeNull()
    expect(document.getElementById('tier-bar-fill')).toHaveStyle({ width: '0%' })
  })

  it('shows 已是最高等级 and the title at the top tier', async () => {
    backend(member(), { 'member.myTier': ok(tierProgress(TOP_TIER)) })
    render(<IndexPage />)
    const tierCard = await findCard()

    expect(document.getElementById('tier-name')).toHaveTextContent('黑金会员')
    expect(document.getElementById('tier-title')).toHaveTextContent('首席体验官')
    expect(document.getElementById('tier-growth')).toHaveTextContent('12500')
    expect(document.getElementById('tier-next')).toHaveTextContent('已是最高等级')
    expect(tierCard).not.toHaveTextContent('再获得')
    expect(tierCard).not.toHaveTextContent('/ ')
    expect(document.getElementById('tier-bar-fill')).toHaveStyle({ width: '100%' })
    expect(document.getElementById('tier-multiplier')).toHaveTextContent('积分 2 倍')
    expect(document.getElementById('tier-perks')).toHaveTextContent('专属客服')
    expect(document.getElementById('tier-perks')).toHaveTextContent('新品优先体验')
  })

  it('shows the 保级提醒 only when a downgrade is pending, with its Shanghai date', async () => {
    // 16:30 UTC on Apr 30 is already May 1 in Shanghai
    backend(member(), { 'member.myTier': ok(tierProgress({ ...TOP_TIER, growth: 8000, downgradeAt: '2025-04-30T16:30:00.000Z' })) })
    const { unmount } = render(<IndexPage />)
    await findCard()
    const notice = document.getElementById('tier-downgrade')
    expect(notice).toHaveTextContent('保级提醒：2025年5月1日前成长值达到 10000 可保持黑金会员')
    // still the top tier until then
    expect(document.getElementById('tier-next')).toHaveTextContent('已是最高等级')
    unmount()

    backend(member(), { 'member.myTier': ok(tierProgress({ ...TOP_TIER, downgradeAt: null })) })
    render(<IndexPage />)
    await findCard()
    expect(document.getElementById('tier-downgrade')).toBeNull()
    expect(document.body).not.toHaveTextContent('保级提醒')
  })

  it.each([
    ['a failure', () => failure('INTERNAL', '暂时不可用')],
    ['a thrown error', () => Promise.reject(new Error('网络断开'))],
  ])('after %s of member.myTier the rest of the page works and the card offers a small retry', async (_, fail) => {
    backend(member({ points: 120 }), {
      'member.getPoints': ok({ balance: 150, expiring: { amount: 30, date: '2025-03-31T15:59:59.999Z' } }),
      'member.myTier': fail,
    })
    render(<IndexPage />)
    const retry = await waitFor(() => {
      const el = document.getElementById('tier-retry')
      expect(el).toBeInTheDocument()
      return el!
    })
    expect(document.getElementById('tier-card-error')).toHaveTextContent('会员等级加载失败')
    expect(card()).toBeNull()
    // the page is not an error page: nickname, points, expiry and entries are all there
    expect(document.getElementById('member-error')).toBeNull()
    expect(screen.getByText('小爱')).toBeInTheDocument()
    await waitFor(() => expect(document.getElementById('member-points')).toHaveTextContent('150'))
    expect(document.getElementById('member-expiring')).toHaveTextContent('30 积分将于 2025年3月31日 过期')
    fireEvent.click(screen.getByText('会员码'))
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/code/index' })
    expect(screen.getByRole('button', { name: '编辑资料' })).toBeInTheDocument()

    // 重试 asks only for the tier again
    backend(member({ points: 120 }), { 'member.getPoints': ok({ balance: 150, expiring: null }) })
    fireEvent.click(retry)
    await findCard()
    expect(document.getElementById('tier-name')).toHaveTextContent('银卡会员')
    expect(document.getElementById('tier-card-error')).toBeNull()
    expect(eventsFor(call, 'member.myTier')).toHaveLength(2)
    expect(eventsFor(call, 'member.login')).toHaveLength(1)
  })

  it('keeps the card shown when a refresh (shown again) fails to reload the tier, and updates it when it succeeds', async () => {
    backend()
    render(<IndexPage />)
    await findCard()

    backend(member(), { 'member.myTier': failure('INTERNAL', '暂时不可用') })
    act(() => triggerDidShow())
    await waitFor(() => expect(eventsFor(call, 'member.myTier')).toHaveLength(2))
    await act(async () => {})
    expect(document.getElementById('tier-name')).toHaveTextContent('银卡会员')
    expect(document.getElementById('tier-card-error')).toBeNull()

    backend(member(), { 'member.myTier': ok(tierProgress({ ...TOP_TIER })) })
    act(() => triggerDidShow())
    await waitFor(() => expect(document.getElementById('tier-name')).toHaveTextContent('黑金会员'))
  })
})

describe('会员首页: 为你推荐', () => {
  const items = [
    { productId: 'croissant', title: '可颂', category: 'bakery', priceFen: 1800, imageFileId: null, reason: '因为你买过「拿铁」' },
    { productId: 'beans', title: '咖啡豆', category: 'beans', priceFen: 9800, imageFileId: null, reason: '热卖推荐' },
  ]

  it('shows the items with their reasons after signing in, reports them viewed, and a tap as a click', async () => {
    backend(member(), { 'member.recommendations': ok({ items }) })
    render(<IndexPage />)
    expect(await screen.findByText('为你推荐')).toBeInTheDocument()
    expect(document.getElementById('recommend-croissant')).toHaveTextContent('可颂因为你买过「拿铁」')
    expect(document.getElementById('recommend-beans')).toHaveTextContent('咖啡豆')
    await waitFor(() => expect(eventsFor(call, 'member.track')).toHaveLength(1))
    expect(eventsFor(call, 'member.track')[0]).toMatchObject({
      events: [
        { type: 'view', productId: 'croissant' },
        { type: 'view', productId: 'beans' },
      ],
    })
    fireEvent.click(document.getElementById('recommend-croissant')!)
    await waitFor(() => expect(eventsFor(call, 'member.track')).toHaveLength(2))
    const click = eventsFor(call, 'member.track')[1]
    expect(click).toMatchObject({ events: [{ type: 'click', productId: 'croissant', source: 'home.recommend' }] })
    expect(click.requestId).not.toBe(eventsFor(call, 'member.track')[0].requestId)
  })

  it('shows nothing when there is nothing to recommend or the call fails, and the page still works', async () => {
    backend(member(), { 'member.recommendations': failure('INTERNAL') })
    render(<IndexPage />)
    expect(await screen.findByText('小爱')).toBeInTheDocument()
    await waitFor(() => expect(eventsFor(call, 'member.recommendations')).toHaveLength(1))
    expect(document.getElementById('recommendations')).toBeNull()
    expect(eventsFor(call, 'member.track')).toHaveLength(0)
  })
})
