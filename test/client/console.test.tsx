import { act, cleanup as cleanupAll, fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import Taro, { setRouterParams } from './doubles/taro'
import { callFunction, needsSignIn, redirectToSignIn } from '../../client/src/services/cloud'
import ConsoleHomePage from '../../client/src/console/home/index'
import ConsoleMemberPage from '../../client/src/console/member/index'
import ConsoleAuditPage from '../../client/src/console/audit/index'
import { base64Utf8, formatKpi, rangeDays, svgDataUri } from '../../client/src/console/format'
import { deferred, ok } from './fixtures'
import { eventsFor, failure, routeCalls, type Handlers } from './backend'
import { TREND_SVG, consoleHome, kpis, member360, memberRow } from './console-fixtures'
import type { AuditRow, ConsoleOutputs, Member360 } from '../../types/console'
import type { Result } from '../../types/result'

jest.mock('../../client/src/services/cloud', () => require('./doubles/cloud').cloudDouble())

const call = callFunction as jest.MockedFunction<typeof callFunction>
const byId = (id: string) => document.getElementById(id) as HTMLInputElement
const adminDenied = failure('PERMISSION_DENIED', '仅限管理员')

beforeEach(() => {
  call.mockReset()
  ;(needsSignIn as jest.Mock).mockReturnValue(false)
  ;(redirectToSignIn as jest.Mock).mockClear()
})

describe('管理: formatting', () => {
  it('formats KPIs by unit: count, fen → ￥, rate → %, points, score; null → —', () => {
    expect(formatKpi({ value: 12345, unit: 'count' })).toBe('12,345')
    expect(formatKpi({ value: 123456789, unit: 'fen' })).toBe('￥1,234,567.89')
    expect(formatKpi({ value: -50, unit: 'fen' })).toBe('-￥0.50')
    expect(formatKpi({ value: 0.3456, unit: 'rate' })).toBe('34.6%')
    expect(formatKpi({ value: 0, unit: 'rate' })).toBe('0.0%')
    expect(formatKpi({ value: 98765, unit: 'points' })).toBe('98,765 积分')
    expect(formatKpi({ value: 42.5, unit: 'score' })).toBe('42.5')
    expect(formatKpi({ value: -20, unit: 'score' })).toBe('-20')
    expect(formatKpi({ value: null, unit: 'rate' })).toBe('—')
  })

  it('base64s the UTF-8 bytes of an SVG (Chinese text, emoji) like Node does', () => {
    for (const text of [TREND_SVG, '实收 ￥', 'a', 'ab', 'abc', '😀 表情', '']) expect(base64Utf8(text)).toBe(Buffer.from(text, 'utf8').toString('base64'))
    expect(svgDataUri(TREND_SVG)).toBe(`data:image/svg+xml;base64,${Buffer.from(TREND_SVG).toString('base64')}`)
  })

  it('date ranges are Shanghai days ending today', () => {
    // 2024-03-05 17:00 UTC is already 2024-03-06 in Shanghai
    const now = new Date('2024-03-05T17:00:00.000Z')
    expect(rangeDays('7d', now)).toEqual({ from: '2024-02-29', to: '2024-03-06' })
    expect(rangeDays('30d', now)).toEqual({ from: '2024-02-06', to: '2024-03-06' })
    expect(rangeDays('month', now)).toEqual({ from: '2024-03-01', to: '2024-03-06' })
  })
})

describe('管理: 概览', () => {
  it('asks consoleHome for the last 7 Shanghai days and shows the scope, KPI cards and charts as SVG images', async () => {
    routeCalls(call, { 'admin.consoleHome': ok(consoleHome()) })
    render(<ConsoleHomePage />)
    expect(byId('console-loading')).toHaveTextContent('加载中')
    await waitFor(() => expect(byId('console-kpis')).toBeInTheDocument())

    expect(eventsFor(call, 'admin.consoleHome')).toEqual([{ action: 'consoleHome', ...rangeDays('7d') }])
    expect(call.mock.calls[0][0]).toBe('admin')
    expect(byId('console-scope')).toHaveTextContent('全品牌')
    expect(
      within(byId('console-sections'))
        .getAllByText(/./)
        .map(e => e.textContent),
    ).toEqual(['会员', '人群', '券', '活动', '报表', '门店与店员', '设置', '审计'])
    expect(byId('console-range-7d')).toHaveAttribute('aria-selected', 'true')
    expect(byId('console-range-days')).toHaveTextContent('2024-02-28 至 2024-03-05')

    expect(byId('kpi-members-value')).toHaveTextContent('12,345')
    expect(byId('kpi-repurchaseRate-value')).toHaveTextContent('34.6%')
    expect(byId('kpi-salesFen-value')).toHaveTextContent('￥1,234,567.89')
    expect(byId('kpi-pointsLiability-value')).toHaveTextContent('98,765 积分')
    expect(byId('kpi-nps-value')).toHaveTextContent('42.5')
    expect(byId('kpi-couponRedemption-value')).toHaveTextContent('—')
    expect(byId('kpi-couponRedemption-hint')).toHaveTextContent('该范围内未发券')
    expect(within(byId('kpi-members')).getByText('会员总数')).toBeInTheDocument()

    const image = byId('chart-newMembers-image')
    expect(image.tagName).toBe('IMG')
    expect(image).toHaveAttribute('data-mode', 'widthFix')
    const src = image.getAttribute('src')!
    expect(src.startsWith('data:image/svg+xml;base64,')).toBe(true)
    expect(Buffer.from(src.slice('data:image/svg+xml;base64,'.length), 'base64').toString('utf8')).toBe(TREND_SVG)
    expect(within(byId('chart-newMembers')).getByText('每日新增会员')).toBeInTheDocument()
    expect(byId('chart-sales-image')).toBeInTheDocument()
  })

  it('a store manager sees their store as the scope; a range chip reloads that range', async () => {
    routeCalls(call, { 'admin.consoleHome': e => ok(consoleHome({ scope: { kind: 'store', storeId: 'store_jingan', storeName: '上海静安旗舰店' }, from: String(e.from), to: String(e.to) })) })
    render(<ConsoleHomePage />)
    await waitFor(() => expect(byId('console-scope')).toHaveTextContent('上海静安旗舰店'))
    // a store manager is offered only the screens the function lets them use
    expect(
      within(byId('console-sections'))
        .getAllByText(/./)
        .map(e => e.textContent),
    ).toEqual(['会员', '报表', '门店与店员', '审计'])

    fireEvent.click(byId('console-range-month'))
    await waitFor(() => expect(eventsFor(call, 'admin.consoleHome')).toHaveLength(2))
    expect(eventsFor(call, 'admin.consoleHome')[1]).toEqual({ action: 'consoleHome', ...rangeDays('month') })
    await waitFor(() => expect(byId('console-range-month')).toHaveAttribute('aria-selected', 'true'))
    expect(byId('console-range-7d')).toHaveAttribute('aria-selected', 'false')

    fireEvent.click(byId('console-range-30d'))
    await waitFor(() => expect(eventsFor(call, 'admin.consoleHome')[2]).toEqual({ action: 'consoleHome', ...rangeDays('30d') }))
    await waitFor(() => expect(byId('console-range-days')).toHaveTextContent(`${rangeDays('30d').from} 至`))
  })

  it('shows the error with a retry that loads again', async () => {
    routeCalls(call, { 'admin.consoleHome': failure('INTERNAL', '报表暂时不可用') })
    render(<ConsoleHomePage />)
    await waitFor(() => expect(byId('console-error')).toHaveTextContent('报表暂时不可用'))
    expect(byId('console-kpis')).toBeNull()

    routeCalls(call, { 'admin.consoleHome': ok(consoleHome()) })
    fireEvent.click(byId('console-retry'))
    await waitFor(() => expect(byId('console-kpis')).toBeInTheDocument())
    expect(byId('console-error')).toBeNull()
  })

  it('a thrown (network) error is an error state too', async () => {
    routeCalls(call, { 'admin.consoleHome': () => Promise.reject(new Error('网络断开')) })
    render(<ConsoleHomePage />)
    await waitFor(() => expect(byId('console-error')).toHaveTextContent('网络断开'))
  })

  it('shows an empty state when nothing happened in the range', async () => {
    const empty = consoleHome({ kpis: kpis().map(k => ({ ...k, value: k.unit === 'rate' || k.unit === 'score' ? null : 0 })) })
    routeCalls(call, { 'admin.consoleHome': ok(empty) })
    render(<ConsoleHomePage />)
    await waitFor(() => expect(byId('console-empty')).toHaveTextContent('暂无数据'))
    expect(byId('console-kpis')).toBeNull()
    // the chips stay: another range can be chosen
    expect(byId('console-range-30d')).toBeInTheDocument()
  })

  it('someone who is not an operator gets 无管理权限 (PERMISSION_DENIED), not the data', async () => {
    routeCalls(call, { 'admin.consoleHome': adminDenied })
    render(<ConsoleHomePage />)
    await waitFor(() => expect(byId('console-denied')).toHaveTextContent('无管理权限'))
    fireEvent.click(byId('console-denied-home'))
    expect(Taro.reLaunch).toHaveBeenCalledWith({ url: '/pages/index/index' })
  })

  it('opens 会员 and sends a signed-out H5 visitor to sign in', async () => {
    routeCalls(call, { 'admin.consoleHome': ok(consoleHome()) })
    const { unmount } = render(<ConsoleHomePage />)
    await waitFor(() => expect(byId('console-kpis')).toBeInTheDocument())
    fireEvent.click(byId('console-members-entry'))
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/console/member/index' })
    unmount()

    call.mockReset()
    ;(needsSignIn as jest.Mock).mockReturnValue(true)
    render(<ConsoleHomePage />)
    await waitFor(() => expect(redirectToSignIn).toHaveBeenCalled())
    expect(call).not.toHaveBeenCalled()
  })
})

/** A brand admin by default: one hit for any query, the 360 of 小爱, 显示 answers the full phone. */
function memberBackend(more: Handlers = {}) {
  routeCalls(call, {
    'admin.searchMembers': ok({ members: [memberRow(), memberRow({ memberNo: '1000000002', nickname: '小爱同学', maskedPhone: null, stage: 'sleeping', lastPurchaseAt: null })] }),
    'admin.member360': e => ok(member360({ member: { ...member360().member, memberNo: String(e.memberNo) } })),
    'admin.revealPhone': ok({ phone: '13812345678' }),
    'admin.listCouponTemplates': ok({
      templates: [
        { templateId: 'cash-10', name: '10元现金券', summary: '无门槛减10元', status: 'active', channels: ['admin', 'claim'], stock: 99 },
        { templateId: 'claim-only', name: '仅领取券', summary: '满50减5', status: 'active', channels: ['claim'], stock: null },
      ],
    }),
    'admin.issueCoupons': ok({ dryRun: false, requested: 1, issued: 1, wouldIssue: 0, alreadyIssued: 0, skipped: {}, unfinished: 0 }),
    ...more,
  })
}

async function searchAndOpen(query = '13812345678') {
  render(<ConsoleMemberPage />)
  fireEvent.change(byId('member-search-input'), { target: { value: ` ${query} ` } })
  fireEvent.click(byId('member-search-submit'))
  await waitFor(() => expect(byId('member-row-1000000001')).toBeInTheDocument())
  fireEvent.click(byId('member-row-1000000001'))
  await waitFor(() => expect(byId('m360')).toBeInTheDocument())
}

describe('管理: 会员', () => {
  it('searches by phone, lists the hits, and opens the 360 with every section', async () => {
    memberBackend()
    await searchAndOpen()
    expect(eventsFor(call, 'admin.searchMembers')).toEqual([{ action: 'searchMembers', query: '13812345678' }])
    const row = byId('member-row-1000000001')
    expect(row).toHaveTextContent('小爱')
    expect(row).toHaveTextContent('银卡会员')
    expect(row).toHaveTextContent('1000000001 · 138****5678 · 活跃 · 1280 积分 · 最近消费 2024年3月4日')
    expect(byId('member-row-1000000002')).toHaveTextContent('未绑定手机 · 沉睡')
    expect(row.className).toContain('member-row-on')

    expect(eventsFor(call, 'admin.member360')).toEqual([{ action: 'member360', memberNo: '1000000001' }])
    expect(byId('m360-name')).toHaveTextContent('小爱')
    expect(byId('m360-member-no')).toHaveTextContent('会员号 1000000001')
    expect(byId('m360-phone')).toHaveTextContent('138****5678')
    expect(byId('m360-stage')).toHaveTextContent('阶段：活跃')
    expect(byId('m360-rfm')).toHaveTextContent('RFM 5-4-3 · 高价值')
    expect(byId('m360-tags')).toHaveTextContent('咖啡偏好')
    expect(byId('m360-tags')).toHaveTextContent('大客户（人工）')
    expect(byId('m360-tier')).toHaveTextContent('银卡会员')
    expect(byId('m360-tier-next')).toHaveTextContent('距 金卡会员 还差 1800 成长值')
    expect(byId('m360-risk')).toHaveTextContent('高 72%')
    expect(byId('m360-risk-reasons')).toHaveTextContent('已 45 天未消费')
    expect(byId('m360-predicted')).toHaveTextContent('预测价值 ￥456.00')
    expect(byId('m360-balance')).toHaveTextContent('1280')
    expect(byId('m360-expiring')).toHaveTextContent('200 积分将于 2024年3月31日 过期')

    // ledger and purchases open at first, the others collapsed with their counts
    expect(byId('m360-ledger-list')).toHaveTextContent('调整')
    expect(byId('m360-ledger-list')).toHaveTextContent('重复积分扣回')
    expect(byId('m360-ledger-list')).toHaveTextContent('-100')
    expect(byId('m360-purchase-pur_1')).toHaveTextContent('上海静安旗舰店 · 门店')
    expect(byId('m360-purchase-pur_1')).toHaveTextContent('拿铁 × 1 · ￥32.00')
    expect(byId('m360-purchase-pur_1')).toHaveTextContent('可颂 × 1 · ￥14.00')
    for (const [id, title, text] of [
      ['coupons', '优惠券（1）', '10元现金券'],
      ['reminders', '提醒与消息（1）', '券即将过期'],
      ['nps', 'NPS 评价（1）', '拿铁很好喝'],
      ['followUps', '回访（1）', '已致电感谢'],
      ['audit', '操作记录（1）', 'adjustPoints'],
    ]) {
      expect(byId(`m360-${id}-toggle`)).toHaveTextContent(title)
      expect(byId(`m360-${id}-list`)).toBeNull()
      fireEvent.click(byId(`m360-${id}-toggle`))
      expect(byId(`m360-${id}-list`)).toHaveTextContent(text)
    }
    fireEvent.click(byId('m360-ledger-toggle'))
    expect(byId('m360-ledger-list')).toBeNull()
  })

  it('an empty search is not sent; no hits shows an empty state', async () => {
    memberBackend({ 'admin.searchMembers': ok({ members: [] }) })
    render(<ConsoleMemberPage />)
    expect(byId('member-search-hint')).toBeInTheDocument()
    fireEvent.click(byId('member-search-submit'))
    expect(byId('member-search-error')).toHaveTextContent('请输入手机号、会员号或昵称')
    expect(eventsFor(call, 'admin.searchMembers')).toHaveLength(0)

    fireEvent.change(byId('member-search-input'), { target: { value: '不存在' } })
    fireEvent.click(byId('member-search-submit'))
    await waitFor(() => expect(byId('member-search-empty')).toHaveTextContent('没有找到「不存在」对应的会员'))
  })

  it('shows search and 360 errors; the 360 retries', async () => {
    memberBackend({ 'admin.searchMembers': failure('INVALID_ARGUMENT', '查询过长') })
    render(<ConsoleMemberPage />)
    fireEvent.change(byId('member-search-input'), { target: { value: 'x' } })
    fireEvent.click(byId('member-search-submit'))
    await waitFor(() => expect(byId('member-search-error')).toHaveTextContent('查询过长'))

    memberBackend({ 'admin.member360': failure('NOT_FOUND', '会员不存在') })
    fireEvent.click(byId('member-search-submit'))
    await waitFor(() => expect(byId('member-row-1000000001')).toBeInTheDocument())
    fireEvent.click(byId('member-row-1000000001'))
    await waitFor(() => expect(byId('m360-error')).toHaveTextContent('会员不存在'))

    memberBackend()
    fireEvent.click(byId('m360-retry'))
    await waitFor(() => expect(byId('m360')).toBeInTheDocument())
    expect(byId('m360-error')).toBeNull()
  })

  it('opens ?memberNo= directly (a deep link) and shows loading meanwhile', async () => {
    const slow = deferred<Result<ConsoleOutputs['member360']>>()
    memberBackend({ 'admin.member360': () => slow.promise })
    setRouterParams({ memberNo: '1000000009' })
    render(<ConsoleMemberPage />)
    expect(byId('m360-loading')).toBeInTheDocument()
    expect(eventsFor(call, 'admin.member360')).toEqual([{ action: 'member360', memberNo: '1000000009' }])
    await act(async () => slow.resolve(ok(member360())))
    expect(byId('m360-name')).toHaveTextContent('小爱')
  })

  it('显示 asks for a reason (at least 2 characters), then shows the full phone from revealPhone', async () => {
    memberBackend()
    await searchAndOpen()
    fireEvent.click(byId('m360-reveal'))
    fireEvent.click(byId('m360-reveal-submit'))
    expect(byId('m360-reveal-error')).toHaveTextContent('请写明查看原因（至少 2 个字）')
    fireEvent.change(byId('m360-reveal-reason'), { target: { value: ' 好 ' } })
    fireEvent.click(byId('m360-reveal-submit'))
    expect(byId('m360-reveal-error')).toHaveTextContent('至少 2 个字')
    expect(eventsFor(call, 'admin.revealPhone')).toHaveLength(0)

    fireEvent.change(byId('m360-reveal-reason'), { target: { value: ' 客户来电核实身份 ' } })
    fireEvent.click(byId('m360-reveal-submit'))
    await waitFor(() => expect(byId('m360-phone')).toHaveTextContent('13812345678'))
    expect(eventsFor(call, 'admin.revealPhone')).toEqual([{ action: 'revealPhone', memberNo: '1000000001', reason: '客户来电核实身份' }])
    expect(byId('m360-reveal')).toBeNull()
    expect(byId('m360-reveal-form')).toBeNull()
  })

  it('显示 shows the function’s refusal and keeps the phone masked', async () => {
    memberBackend({ 'admin.revealPhone': failure('PERMISSION_DENIED', '店长不能查看完整手机号') })
    await searchAndOpen()
    fireEvent.click(byId('m360-reveal'))
    fireEvent.change(byId('m360-reveal-reason'), { target: { value: '核实身份' } })
    fireEvent.click(byId('m360-reveal-submit'))
    await waitFor(() => expect(byId('m360-reveal-error')).toHaveTextContent('店长不能查看完整手机号'))
    expect(byId('m360-phone')).toHaveTextContent('138****5678')
  })

  it('发券 lists the templates the admin channel may issue and issues one to this member, then refreshes the 360', async () => {
    memberBackend()
    await searchAndOpen()
    fireEvent.click(byId('m360-issue'))
    await waitFor(() => expect(byId('m360-template-cash-10')).toBeInTheDocument())
    expect(eventsFor(call, 'admin.listCouponTemplates')).toEqual([{ action: 'listCouponTemplates', status: 'active' }])
    expect(byId('m360-template-claim-only')).toBeNull()
    expect(byId('m360-template-cash-10')).toHaveTextContent('剩余 99 张')

    fireEvent.click(byId('m360-issue-submit'))
    expect(byId('m360-issue-error')).toHaveTextContent('请选择要发的券')
    fireEvent.click(byId('m360-template-cash-10'))
    fireEvent.click(byId('m360-issue-submit'))
    await waitFor(() => expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已发券' })))
    const [sent] = eventsFor(call, 'admin.issueCoupons')
    expect(sent).toEqual({ action: 'issueCoupons', templateId: 'cash-10', memberNos: ['1000000001'], requestId: expect.stringMatching(/^[\w-]{8,64}$/) })
    await waitFor(() => expect(eventsFor(call, 'admin.member360')).toHaveLength(2))
    expect(byId('m360-issue-form')).toBeNull()
  })

  it('发券 that skips the member says why, and a retry reuses the requestId', async () => {
    memberBackend({ 'admin.issueCoupons': ok({ dryRun: false, requested: 1, issued: 0, wouldIssue: 0, alreadyIssued: 0, skipped: { 已达领取上限: 1 }, unfinished: 0 }) })
    await searchAndOpen()
    fireEvent.click(byId('m360-issue'))
    await waitFor(() => expect(byId('m360-template-cash-10')).toBeInTheDocument())
    fireEvent.click(byId('m360-template-cash-10'))
    fireEvent.click(byId('m360-issue-submit'))
    await waitFor(() => expect(byId('m360-issue-error')).toHaveTextContent('未发出：已达领取上限'))
    fireEvent.click(byId('m360-issue-submit'))
    await waitFor(() => expect(eventsFor(call, 'admin.issueCoupons')).toHaveLength(2))
    const [a, b] = eventsFor(call, 'admin.issueCoupons')
    expect(b.requestId).toBe(a.requestId)
  })

  it('hides what `can` does not allow (a store manager: read only), and 显示 without a phone', async () => {
    memberBackend({
      'admin.member360': ok(
        member360({
          member: { ...member360().member, hasPhone: false, maskedPhone: null },
          can: { adjustPoints: false, tag: false, tierFloor: false, issueCoupon: false, revealPhone: false },
          churn: null,
          rfm: null,
        }),
      ),
    })
    await searchAndOpen()
    expect(byId('m360-actions')).toBeNull()
    expect(byId('m360-issue')).toBeNull()
    expect(byId('m360-reveal')).toBeNull()
    expect(byId('m360-phone')).toHaveTextContent('未绑定手机号')
    expect(byId('m360-risk')).toHaveTextContent('尚未评估')
    expect(byId('m360-rfm')).toHaveTextContent('RFM 暂无 · 高价值')

    // a phone but no right to reveal it
    memberBackend({ 'admin.member360': ok(member360({ can: { ...member360().can, revealPhone: false } })) })
    fireEvent.click(byId('member-row-1000000002'))
    await waitFor(() => expect(byId('m360-phone')).toHaveTextContent('138****5678'))
    expect(byId('m360-reveal')).toBeNull()
    expect(byId('m360-issue')).toBeInTheDocument()
  })

  it('someone who is not an operator gets 无管理权限', async () => {
    memberBackend({ 'admin.searchMembers': adminDenied })
    render(<ConsoleMemberPage />)
    fireEvent.change(byId('member-search-input'), { target: { value: '小爱' } })
    fireEvent.click(byId('member-search-submit'))
    await waitFor(() => expect(byId('console-denied')).toBeInTheDocument())
    expect(screen.queryByText('小爱')).toBeNull()
  })
})

/** A stateful 360 for the action forms: adjustPoints moves the balance, tagMembers the manual tags, setMemberTier the floor. */
function actionsBackend(more: Handlers = {}) {
  const state = { balance: 1280, manualTags: ['大客户'], tierManual: null as Member360['tierManual'] }
  memberBackend({
    'admin.member360': e =>
      ok(
        member360({
          member: { ...member360().member, memberNo: String(e.memberNo) },
          points: { balance: state.balance, expiring: null },
          manualTags: [...state.manualTags],
          tags: ['咖啡偏好', ...state.manualTags],
          tierManual: state.tierManual,
        }),
      ),
    'admin.adjustPoints': e => {
      state.balance += Number(e.delta)
      return ok({ openid: 'o_alice', delta: Number(e.delta), balance: state.balance, replayed: false })
    },
    'admin.tagMembers': e => {
      const add = e.add as string[]
      const remove = e.remove as string[]
      state.manualTags = [...state.manualTags.filter(t => !remove.includes(t)), ...add]
      return ok({ dryRun: false, updated: 1, unchanged: 0, missing: [] })
    },
    'admin.getTierLadder': ok({
      rules: {
        windowMonths: 12,
        growth: { perYuan: 1, perCheckin: 1 },
        reviewMonths: 12,
        graceDays: 30,
        tiers: [
          { tierId: 'base', name: '普通会员', threshold: 0, benefits: { pointsMultiplier: 1, perks: [] } },
          { tierId: 'silver', name: '银卡会员', threshold: 1000, benefits: { pointsMultiplier: 1.2, perks: [] } },
          { tierId: 'gold', name: '金卡会员', threshold: 3000, benefits: { pointsMultiplier: 1.5, perks: [] } },
        ],
      },
    }),
    'admin.setMemberTier': e => {
      state.tierManual =
        e.mode === 'clear' ? null : { tierId: String(e.tierId), tierName: '金卡会员', mode: 'floor', until: e.until ? new Date(String(e.until)).toISOString() : null, reason: String(e.reason) }
      return ok({ openid: 'o_alice', tierId: String(e.tierId ?? 'silver'), tierName: '金卡会员', manual: null })
    },
    ...more,
  })
  return state
}

describe('管理: 会员 360 actions', () => {
  it('调整积分 checks the delta and the reason, sends memberNo, then shows the new balance after the refresh', async () => {
    actionsBackend()
    await searchAndOpen()
    expect(byId('m360-balance')).toHaveTextContent('1280')
    fireEvent.click(byId('m360-adjust'))
    fireEvent.click(byId('m360-adjust-submit'))
    expect(byId('m360-adjust-error')).toHaveTextContent('请输入非 0 的整数积分')
    fireEvent.change(byId('m360-adjust-delta'), { target: { value: '1.5' } })
    fireEvent.click(byId('m360-adjust-submit'))
    expect(byId('m360-adjust-error')).toHaveTextContent('整数')
    fireEvent.change(byId('m360-adjust-delta'), { target: { value: '-5000' } })
    fireEvent.click(byId('m360-adjust-submit'))
    expect(byId('m360-adjust-error')).toHaveTextContent('扣减不能超过当前可用积分 1280')
    fireEvent.change(byId('m360-adjust-delta'), { target: { value: '120' } })
    fireEvent.change(byId('m360-adjust-reason'), { target: { value: '补' } })
    fireEvent.click(byId('m360-adjust-submit'))
    expect(byId('m360-adjust-error')).toHaveTextContent('请写明调整原因（至少 2 个字）')
    expect(eventsFor(call, 'admin.adjustPoints')).toEqual([])

    fireEvent.change(byId('m360-adjust-reason'), { target: { value: ' 客诉补偿 ' } })
    fireEvent.click(byId('m360-adjust-submit'))
    await waitFor(() => expect(byId('m360-balance')).toHaveTextContent('1400'))
    expect(eventsFor(call, 'admin.adjustPoints')).toEqual([{ action: 'adjustPoints', memberNo: '1000000001', delta: 120, reason: '客诉补偿', requestId: expect.stringMatching(/^[\w-]{8,64}$/) }])
    expect(eventsFor(call, 'admin.member360')).toHaveLength(2)
    expect(byId('m360-adjust-form')).toBeNull()
    expect(byId('m360-action-notice')).toHaveTextContent('已调整 +120 积分，余额 1400')
    expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已调整，余额 1400' }))
  })

  it('调整积分 shows the refusal in Chinese and a retry reuses the requestId; a changed amount gets a new one', async () => {
    let calls = 0
    actionsBackend({ 'admin.adjustPoints': () => (++calls === 1 ? failure('INSUFFICIENT_POINTS', '积分不足') : Promise.reject(new Error('网络断开'))) })
    await searchAndOpen()
    fireEvent.click(byId('m360-adjust'))
    fireEvent.change(byId('m360-adjust-delta'), { target: { value: '-100' } })
    fireEvent.change(byId('m360-adjust-reason'), { target: { value: '兑换礼品' } })
    fireEvent.click(byId('m360-adjust-submit'))
    await waitFor(() => expect(byId('m360-adjust-error')).toHaveTextContent('积分不足'))
    fireEvent.click(byId('m360-adjust-submit'))
    await waitFor(() => expect(byId('m360-adjust-error')).toHaveTextContent('网络断开'))
    fireEvent.change(byId('m360-adjust-delta'), { target: { value: '-90' } })
    fireEvent.click(byId('m360-adjust-submit'))
    await waitFor(() => expect(eventsFor(call, 'admin.adjustPoints')).toHaveLength(3))
    const [a, b, c] = eventsFor(call, 'admin.adjustPoints')
    expect(b.requestId).toBe(a.requestId)
    expect(c.requestId).not.toBe(a.requestId)
    expect(byId('m360-balance')).toHaveTextContent('1280')
  })

  it('打标签 adds a manual tag and 去标签 removes one, refreshing the 360 each time', async () => {
    actionsBackend()
    await searchAndOpen()
    fireEvent.click(byId('m360-tag'))
    expect(within(byId('m360-tag-manual')).getByText('大客户')).toBeInTheDocument()
    fireEvent.click(byId('m360-tag-submit'))
    expect(byId('m360-tag-error')).toHaveTextContent('请输入标签')
    fireEvent.change(byId('m360-tag-input'), { target: { value: '大客户' } })
    fireEvent.click(byId('m360-tag-submit'))
    expect(byId('m360-tag-error')).toHaveTextContent('已有这个标签')
    fireEvent.change(byId('m360-tag-input'), { target: { value: ' 咖啡控 ' } })
    fireEvent.click(byId('m360-tag-submit'))
    await waitFor(() => expect(within(byId('m360-tags')).getByText('咖啡控（人工）')).toBeInTheDocument())
    expect(eventsFor(call, 'admin.tagMembers')).toEqual([{ action: 'tagMembers', memberNos: ['1000000001'], add: ['咖啡控'], remove: [] }])
    expect(byId('m360-tag-input').value).toBe('')

    fireEvent.click(byId('m360-untag-0'))
    await waitFor(() => expect(within(byId('m360-tags')).queryByText('大客户（人工）')).toBeNull())
    expect(eventsFor(call, 'admin.tagMembers')[1]).toEqual({ action: 'tagMembers', memberNos: ['1000000001'], add: [], remove: ['大客户'] })
    expect(eventsFor(call, 'admin.member360')).toHaveLength(3)
  })

  it('打标签 says so when the member is gone, and shows a refusal', async () => {
    actionsBackend({ 'admin.tagMembers': ok({ dryRun: false, updated: 0, unchanged: 0, missing: ['1000000001'] }) })
    await searchAndOpen()
    fireEvent.click(byId('m360-tag'))
    fireEvent.change(byId('m360-tag-input'), { target: { value: '新客' } })
    fireEvent.click(byId('m360-tag-submit'))
    await waitFor(() => expect(byId('m360-tag-error')).toHaveTextContent('会员不存在或已注销'))
  })

  it('等级保底 lists the ladder, sets a floor until the end of a Shanghai day, shows it, and 取消保底', async () => {
    actionsBackend()
    await searchAndOpen()
    expect(byId('m360-tier-manual')).toBeNull()
    fireEvent.click(byId('m360-floor'))
    await waitFor(() => expect(byId('m360-tier-option-gold')).toBeInTheDocument())
    expect(eventsFor(call, 'admin.getTierLadder')).toEqual([{ action: 'getTierLadder' }])
    expect(byId('m360-tier-options')).toHaveTextContent('普通会员银卡会员金卡会员')
    fireEvent.click(byId('m360-tier-submit'))
    expect(byId('m360-tier-error')).toHaveTextContent('请选择保底等级')
    fireEvent.click(byId('m360-tier-option-gold'))
    expect(byId('m360-tier-option-gold')).toHaveAttribute('aria-checked', 'true')
    fireEvent.click(byId('m360-tier-submit'))
    expect(byId('m360-tier-error')).toHaveTextContent('请写明原因')
    fireEvent.change(within(byId('m360-tier-until')).getByTestId('picker-date'), { target: { value: '2099-12-31' } })
    expect(byId('m360-tier-until-text')).toHaveTextContent('2099-12-31')
    fireEvent.change(byId('m360-tier-reason'), { target: { value: '大客户协议' } })
    fireEvent.click(byId('m360-tier-submit'))
    await waitFor(() => expect(byId('m360-tier-manual')).toHaveTextContent('等级保底：金卡会员，至 2099年12月31日 · 大客户协议'))
    expect(eventsFor(call, 'admin.setMemberTier')).toEqual([
      { action: 'setMemberTier', memberNo: '1000000001', mode: 'floor', tierId: 'gold', until: '2099-12-31T23:59:59+08:00', reason: '大客户协议' },
    ])
    expect(byId('m360-tier-form')).toBeNull()

    fireEvent.click(byId('m360-floor'))
    await waitFor(() => expect(byId('m360-tier-clear')).toBeInTheDocument())
    fireEvent.change(byId('m360-tier-reason'), { target: { value: '协议结束' } })
    fireEvent.click(byId('m360-tier-clear'))
    await waitFor(() => expect(byId('m360-tier-manual')).toBeNull())
    expect(eventsFor(call, 'admin.setMemberTier')[1]).toEqual({ action: 'setMemberTier', memberNo: '1000000001', mode: 'clear', reason: '协议结束' })
  })

  it('等级保底 without an end date sends until null; a refusal is shown', async () => {
    actionsBackend({ 'admin.setMemberTier': failure('INVALID_ARGUMENT', '没有这个等级：gold') })
    await searchAndOpen()
    fireEvent.click(byId('m360-floor'))
    await waitFor(() => expect(byId('m360-tier-option-gold')).toBeInTheDocument())
    fireEvent.click(byId('m360-tier-option-gold'))
    fireEvent.change(byId('m360-tier-reason'), { target: { value: '大客户协议' } })
    fireEvent.click(byId('m360-tier-submit'))
    await waitFor(() => expect(byId('m360-tier-error')).toHaveTextContent('没有这个等级：gold'))
    expect(eventsFor(call, 'admin.setMemberTier')[0]).toMatchObject({ until: null })
  })

  it('shows only the actions `can` allows', async () => {
    actionsBackend({ 'admin.member360': ok(member360({ can: { adjustPoints: false, tag: true, tierFloor: false, issueCoupon: false, revealPhone: true } })) })
    await searchAndOpen()
    expect(byId('m360-tag')).toBeInTheDocument()
    expect(byId('m360-adjust')).toBeNull()
    expect(byId('m360-floor')).toBeNull()
    expect(byId('m360-issue')).toBeNull()
    cleanupAll()

    actionsBackend({ 'admin.member360': ok(member360({ can: { adjustPoints: false, tag: false, tierFloor: false, issueCoupon: false, revealPhone: true } })) })
    await searchAndOpen()
    expect(byId('m360-actions')).toBeNull()
    for (const id of ['m360-adjust', 'm360-tag', 'm360-floor', 'm360-issue']) expect(byId(id)).toBeNull()
  })
})

function auditRows(n: number, from: number, overrides: Partial<AuditRow> = {}): AuditRow[] {
  return Array.from({ length: n }, (_x, i) => ({
    id: `a${from + i}`,
    actor: 'o_boss',
    action: 'adjustPoints',
    target: 'o_alice',
    before: { points: 100 },
    after: { points: 200 },
    storeId: null,
    reason: '客诉补偿',
    at: new Date(Date.UTC(2024, 2, 5, 12, 0, 0) - (from + i) * 60_000).toISOString(),
    ...overrides,
  }))
}

describe('管理: 审计', () => {
  it('lists the newest rows first as a table, filters by 操作人 / 操作 / 对象, and pages with 加载更多', async () => {
    routeCalls(call, {
      'admin.auditLog': e => {
        const start = e.before ? 20 : 0
        if (e.before) return ok({ rows: auditRows(3, start), next: null })
        return ok({ rows: auditRows(20, start, e.auditAction ? { action: String(e.auditAction) } : {}), next: auditRows(20, 0)[19].at })
      },
    })
    render(<ConsoleAuditPage />)
    expect(byId('audit-loading')).toHaveTextContent('加载中')
    await waitFor(() => expect(byId('audit-table')).toBeInTheDocument())
    expect(eventsFor(call, 'admin.auditLog')).toEqual([{ action: 'auditLog', limit: 20 }])
    expect(within(byId('audit-table')).getByText('时间')).toBeInTheDocument()
    expect(byId('audit-row-a0')).toHaveTextContent('调整积分（adjustPoints）')
    expect(byId('audit-row-a0')).toHaveTextContent('{"points":100} → {"points":200} · 原因：客诉补偿')
    expect(byId('audit-row-a0')).toHaveTextContent('o_alice')
    expect(document.querySelectorAll('.audit-row:not(.audit-head)')).toHaveLength(20)

    fireEvent.click(byId('audit-more'))
    await waitFor(() => expect(byId('audit-row-a22')).toBeInTheDocument())
    expect(eventsFor(call, 'admin.auditLog')[1]).toEqual({ action: 'auditLog', limit: 20, before: auditRows(20, 0)[19].at })
    expect(document.querySelectorAll('.audit-row:not(.audit-head)')).toHaveLength(23)
    expect(byId('audit-more')).toBeNull()
    expect(byId('audit-end')).toHaveTextContent('没有更早的记录了')
    // newest first across pages
    const ids = Array.from(document.querySelectorAll('.audit-row:not(.audit-head)')).map(r => r.id)
    expect(ids[0]).toBe('audit-row-a0')
    expect(ids[22]).toBe('audit-row-a22')

    fireEvent.change(byId('audit-filter-actor'), { target: { value: ' o_boss ' } })
    fireEvent.change(byId('audit-filter-auditAction'), { target: { value: 'revealPhone' } })
    fireEvent.change(byId('audit-filter-target'), { target: { value: '1000000001' } })
    fireEvent.click(byId('audit-search'))
    await waitFor(() => expect(eventsFor(call, 'admin.auditLog')).toHaveLength(3))
    expect(eventsFor(call, 'admin.auditLog')[2]).toEqual({ action: 'auditLog', limit: 20, actor: 'o_boss', auditAction: 'revealPhone', target: '1000000001' })
    await waitFor(() => expect(byId('audit-row-a0')).toHaveTextContent('显示手机号（revealPhone）'))
    // 加载更多 keeps the filters
    fireEvent.click(byId('audit-more'))
    await waitFor(() => expect(eventsFor(call, 'admin.auditLog')).toHaveLength(4))
    expect(eventsFor(call, 'admin.auditLog')[3]).toMatchObject({ actor: 'o_boss', auditAction: 'revealPhone', target: '1000000001', before: expect.any(String) })

    fireEvent.click(byId('audit-reset'))
    await waitFor(() => expect(eventsFor(call, 'admin.auditLog')).toHaveLength(5))
    expect(eventsFor(call, 'admin.auditLog')[4]).toEqual({ action: 'auditLog', limit: 20 })
    expect(byId('audit-filter-actor').value).toBe('')
  })

  it('empty, errors (with retry and on 加载更多), and no permission', async () => {
    routeCalls(call, { 'admin.auditLog': ok({ rows: [], next: null }) })
    const { unmount } = render(<ConsoleAuditPage />)
    await waitFor(() => expect(byId('audit-empty')).toHaveTextContent('没有符合条件的审计记录'))
    unmount()

    routeCalls(call, { 'admin.auditLog': failure('INTERNAL', '审计暂时不可用') })
    const second = render(<ConsoleAuditPage />)
    await waitFor(() => expect(byId('audit-error')).toHaveTextContent('审计暂时不可用'))
    routeCalls(call, { 'admin.auditLog': e => (e.before ? failure('INTERNAL', '翻页失败') : ok({ rows: auditRows(20, 0), next: 'x' })) })
    fireEvent.click(byId('audit-retry'))
    await waitFor(() => expect(byId('audit-table')).toBeInTheDocument())
    fireEvent.click(byId('audit-more'))
    await waitFor(() => expect(byId('audit-more-error')).toHaveTextContent('翻页失败'))
    expect(document.querySelectorAll('.audit-row:not(.audit-head)')).toHaveLength(20)
    second.unmount()

    routeCalls(call, { 'admin.auditLog': adminDenied })
    render(<ConsoleAuditPage />)
    await waitFor(() => expect(byId('console-denied')).toBeInTheDocument())
  })

  it('is linked from 概览', async () => {
    routeCalls(call, { 'admin.consoleHome': ok(consoleHome()) })
    render(<ConsoleHomePage />)
    await waitFor(() => expect(byId('console-kpis')).toBeInTheDocument())
    fireEvent.click(byId('console-audit-entry'))
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/console/audit/index' })
  })
})
