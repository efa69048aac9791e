/**
 * 管理 · 报表 (console/reports/index) against the callFunction double: the range chips and 自定义
 * send consoleReport with the right days, every section shows the function's chart as an image and
 * its figures, a store manager sees 仅品牌管理员可见 for the brand-wide sections, empty sections,
 * the function's field errors next to the dates, error with retry, and 无管理权限.
 */
import { fireEvent, render, waitFor, within } from '@testing-library/react'
import { callFunction, needsSignIn, redirectToSignIn } from '../../client/src/services/cloud'
import ConsoleReportsPage from '../../client/src/console/reports/index'
import { isSectionEmpty, sectionFigures } from '../../client/src/console/reports/tables'
import { rangeDays } from '../../client/src/console/format'
import { buildReport, buildStoreReport, consoleReportSections, type ReportInput, type StoreReportInput } from '../../domain/report'
import type { ConsoleReport } from '../../types/report'
import { ok } from './fixtures'
import { eventsFor, failure, routeCalls } from './backend'

jest.mock('../../client/src/services/cloud', () => require('./doubles/cloud').cloudDouble())

const call = callFunction as jest.MockedFunction<typeof callFunction>
const byId = (id: string) => document.getElementById(id) as HTMLElement
const sh = (s: string) => new Date(`${s}+08:00`)
const svgOf = (id: string) => `<svg xmlns="http://www.w3.org/2000/svg"><text>${id} 图表</text></svg>`
const decode = (src: string) => Buffer.from(src.slice('data:image/svg+xml;base64,'.length), 'base64').toString('utf8')
const STORE_IDS = ['stageTier', 'newMembers', 'repurchase', 'ltv', 'cohorts', 'coupons', 'nps'] as const

const RANGE = { from: '2024-03-01', to: '2024-03-07' }
const TIERS = [
  { tierId: 'base', name: '普通会员' },
  { tierId: 'gold', name: '金卡会员' },
]

function brandInput(overrides: Partial<ReportInput> = {}): ReportInput {
  return {
    range: RANGE,
    now: new Date('2024-03-07T08:00:00Z'),
    followUpDays: 7,
    tiers: TIERS,
    stageTier: [
      { stage: 'new', tierId: 'base', n: 5, spendFen: 10_000 },
      { stage: 'active', tierId: 'gold', n: 2, spendFen: 300_000 },
    ],
    buyers: [{ tierId: 'gold', n: 2, spendFen: 300_000 }],
    scored: [{ tierId: 'gold', n: 2, spendFen: 300_000, clvFen: 80_000, risk: 0.3 }],
    joinedByDay: [{ day: '2024-03-02', n: 3 }],
    buyerDays: [
      { days: 1, buyers: 1, purchases: 1, salesFen: 3_000 },
      { days: 2, buyers: 1, purchases: 2, salesFen: 12_000 },
    ],
    cohorts: [{ cohort: '2024-03', month: '2024-03', members: 2 }],
    followUps: [],
    templates: [{ _id: 'full-100-20', name: '满100减20', type: 'threshold', totalStock: 100 }],
    coupons: [
      { templateId: 'full-100-20', status: 'used', n: 3 },
      { templateId: 'full-100-20', status: 'available', n: 7 },
    ],
    lapsed: [],
    checkins: [{ day: '2024-03-05', kind: 'checkin', n: 4, points: 20 }],
    ledger: [{ month: '2024-03', kind: 'earn', sourceType: 'purchase', pos: 120, neg: 0 }],
    reminders: [{ _id: 'r1', memberId: 'a', kind: 'win_back', sentAt: sh('2024-03-03T10:00:00'), status: 'sent' }],
    nps: [{ storeId: 's1', score: 10, at: sh('2024-03-04T12:00:00') }],
    stores: [{ storeId: 's1', name: '上海静安旗舰店' }],
    ...overrides,
  }
}

function brandAnswer(input: ReportInput = brandInput()): ConsoleReport {
  const sections = consoleReportSections('brand', 7)
  return { scope: { kind: 'brand' }, ...RANGE, sections, brandOnly: [], report: buildReport(input), charts: sections.map(s => ({ id: s.id, title: s.title, svg: svgOf(s.id) })) }
}

function storeAnswer(overrides: Partial<StoreReportInput> = {}): ConsoleReport {
  const input: StoreReportInput = {
    range: RANGE,
    now: new Date('2024-03-07T08:00:00Z'),
    tiers: TIERS,
    stageTier: [{ stage: 'active', tierId: 'base', n: 2, spendFen: 9_000 }],
    buyers: [{ tierId: 'base', n: 2, spendFen: 9_000 }],
    joinedByDay: [{ day: '2024-03-02', n: 1 }],
    buyerDays: [{ days: 2, buyers: 1, purchases: 2, salesFen: 6_000 }],
    cohorts: [{ cohort: '2024-03', month: '2024-03', members: 1 }],
    writeOffs: [{ name: '5元券', n: 2, discountFen: 1_000 }],
    nps: [{ storeId: 'store_jingan', score: 9, at: sh('2024-03-04T12:00:00') }],
    store: { storeId: 'store_jingan', name: '上海静安旗舰店' },
    ...overrides,
  }
  const sections = consoleReportSections('store', 7)
  const charts = STORE_IDS.map(id => ({ id, title: sections.find(s => s.id === id)!.title, svg: svgOf(id) }))
  return { scope: { kind: 'store', storeId: 'store_jingan', storeName: '上海静安旗舰店' }, ...RANGE, sections, brandOnly: ['checkins', 'points', 'reminders'], report: buildStoreReport(input), charts }
}

beforeEach(() => {
  call.mockReset()
  ;(needsSignIn as jest.Mock).mockReturnValue(false)
  ;(redirectToSignIn as jest.Mock).mockClear()
})

describe('管理 · 报表', () => {
  it('asks for the last 7 Shanghai days and shows every section: the chart as an SVG image and its figures', async () => {
    routeCalls(call, { 'admin.consoleReport': ok(brandAnswer()) })
    render(<ConsoleReportsPage />)
    expect(byId('reports-loading')).toHaveTextContent('加载中')
    await waitFor(() => expect(byId('reports-sections')).toBeInTheDocument())

    expect(eventsFor(call, 'admin.consoleReport')).toEqual([{ action: 'consoleReport', ...rangeDays('7d') }])
    expect(byId('reports-scope')).toHaveTextContent('全品牌')
    expect(byId('reports-range-days')).toHaveTextContent('2024-03-01 至 2024-03-07')
    expect(byId('reports-range-7d')).toHaveAttribute('aria-selected', 'true')
    for (const id of ['stageTier', 'newMembers', 'repurchase', 'ltv', 'cohorts', 'coupons', 'checkins', 'points', 'reminders', 'nps']) {
      const image = byId(`reports-${id}-chart`)
      expect(image.tagName).toBe('IMG')
      expect(decode(image.getAttribute('src')!)).toBe(svgOf(id))
      expect(byId(`reports-table-${id}`)).toBeInTheDocument()
      expect(byId(`reports-${id}-brand-only`)).toBeNull()
    }
    expect(within(byId('reports-section-repurchase')).getByText('复购率', { selector: '.report-section-title' })).toBeInTheDocument()
    expect(byId('reports-repurchase-note')).toHaveTextContent('两个及以上不同日期')
    // figures, formatted: repurchase 1 of 2 buyers, ￥150.00 over 3 purchases; coupons 3 of 10 used, 10 of 100 claimed
    expect(byId('reports-repurchase-stat-rate')).toHaveTextContent('50.0%')
    expect(byId('reports-repurchase-stat-salesFen')).toHaveTextContent('￥150.00')
    expect(byId('reports-repurchase-row-1')).toHaveTextContent('2 天')
    expect(byId('reports-coupons-row-0')).toHaveTextContent('满100减20')
    expect(byId('reports-coupons-row-0')).toHaveTextContent('满减券')
    expect(byId('reports-coupons-row-0')).toHaveTextContent('30.0%')
    expect(byId('reports-coupons-row-0')).toHaveTextContent('10.0%')
    expect(byId('reports-stageTier-total')).toHaveTextContent('合计')
    expect(byId('reports-ltv-total')).toHaveTextContent('全部会员')
    expect(byId('reports-nps-row-0')).toHaveTextContent('上海静安旗舰店')
    expect(byId('reports-table-points-sources')).toHaveTextContent('消费')
  })

  it('a range chip loads that range; 自定义 sends the picked days on 查询', async () => {
    routeCalls(call, { 'admin.consoleReport': e => ok({ ...brandAnswer(), from: String(e.from), to: String(e.to) }) })
    render(<ConsoleReportsPage />)
    await waitFor(() => expect(byId('reports-sections')).toBeInTheDocument())

    fireEvent.click(byId('reports-range-30d'))
    await waitFor(() => expect(eventsFor(call, 'admin.consoleReport')).toHaveLength(2))
    expect(eventsFor(call, 'admin.consoleReport')[1]).toEqual({ action: 'consoleReport', ...rangeDays('30d') })
    await waitFor(() => expect(byId('reports-range-days')).toHaveTextContent(`${rangeDays('30d').from} 至`))
    expect(byId('reports-range-30d')).toHaveAttribute('aria-selected', 'true')

    fireEvent.click(byId('reports-range-month'))
    await waitFor(() => expect(eventsFor(call, 'admin.consoleReport')[2]).toEqual({ action: 'consoleReport', ...rangeDays('month') }))

    // 自定义 opens the dates (the current range's) and loads nothing until 查询
    fireEvent.click(byId('reports-range-custom'))
    expect(byId('reports-range-custom')).toHaveAttribute('aria-selected', 'true')
    expect(byId('reports-custom-from-value')).toHaveTextContent(rangeDays('month').from)
    fireEvent.change(within(byId('reports-custom-from')).getByTestId('picker-date'), { target: { value: '2023-12-01' } })
    fireEvent.change(within(byId('reports-custom-to')).getByTestId('picker-date'), { target: { value: '2024-01-31' } })
    expect(eventsFor(call, 'admin.consoleReport')).toHaveLength(3)
    fireEvent.click(byId('reports-custom-submit'))
    await waitFor(() => expect(eventsFor(call, 'admin.consoleReport')[3]).toEqual({ action: 'consoleReport', from: '2023-12-01', to: '2024-01-31' }))
    await waitFor(() => expect(byId('reports-range-days')).toHaveTextContent('2023-12-01 至 2024-01-31'))
  })

  it("shows the function's field error next to the date it belongs to", async () => {
    routeCalls(call, {
      'admin.consoleReport': e =>
        e.from === '2022-01-01' ? { ok: false, code: 'INVALID_ARGUMENT', message: 'to: 日期范围最多 366 天', issues: [{ path: 'to', message: '日期范围最多 366 天' }] } : ok(brandAnswer()),
    })
    render(<ConsoleReportsPage />)
    await waitFor(() => expect(byId('reports-sections')).toBeInTheDocument())
    fireEvent.click(byId('reports-range-custom'))
    fireEvent.change(within(byId('reports-custom-from')).getByTestId('picker-date'), { target: { value: '2022-01-01' } })
    fireEvent.click(byId('reports-custom-submit'))
    await waitFor(() => expect(byId('reports-custom-to-error')).toHaveTextContent('日期范围最多 366 天'))
    expect(byId('reports-custom-from-error')).toBeNull()
    // the last range's figures are not shown as if they were this range's
    expect(byId('reports-error')).toHaveTextContent('日期范围最多 366 天')
    expect(byId('reports-sections')).toBeNull()
  })

  it('a store manager: their store, and 仅品牌管理员可见 for the brand-wide sections', async () => {
    routeCalls(call, { 'admin.consoleReport': ok(storeAnswer()) })
    render(<ConsoleReportsPage />)
    await waitFor(() => expect(byId('reports-sections')).toBeInTheDocument())
    expect(byId('reports-scope')).toHaveTextContent('上海静安旗舰店')
    for (const id of ['checkins', 'points', 'reminders']) {
      expect(byId(`reports-${id}-brand-only`)).toHaveTextContent('仅品牌管理员可见')
      expect(byId(`reports-${id}-chart`)).toBeNull()
      expect(byId(`reports-table-${id}`)).toBeNull()
    }
    for (const id of STORE_IDS) expect(byId(`reports-${id}-chart`)).toBeInTheDocument()
    expect(byId('reports-points-note')).toHaveTextContent('积分全品牌通用')
    // the store's sections: its write-offs, its customers' spend there without predictions
    expect(within(byId('reports-section-coupons')).getByText('本店优惠券核销')).toBeInTheDocument()
    expect(byId('reports-coupons-row-0')).toHaveTextContent('5元券')
    expect(byId('reports-coupons-total')).toHaveTextContent('￥10.00')
    expect(byId('reports-table-ltv')).toHaveTextContent('人均本店消费（有消费）')
    expect(byId('reports-table-ltv')).not.toHaveTextContent('预测')
    expect(byId('reports-ltv-total')).toHaveTextContent('本店顾客')
  })

  it('says so for a section with nothing in the range', async () => {
    const empty = brandAnswer(brandInput({ joinedByDay: [], buyerDays: [], cohorts: [], coupons: [], checkins: [], ledger: [], reminders: [], nps: [] }))
    routeCalls(call, { 'admin.consoleReport': ok(empty) })
    render(<ConsoleReportsPage />)
    await waitFor(() => expect(byId('reports-sections')).toBeInTheDocument())
    expect(byId('reports-newMembers-empty')).toHaveTextContent('区间内没有新会员')
    expect(byId('reports-coupons-empty')).toHaveTextContent('区间内没有发出的券')
    expect(byId('reports-nps-empty')).toHaveTextContent('区间内没有评价')
    expect(byId('reports-newMembers-chart')).toBeNull()
    // the snapshot still has members
    expect(byId('reports-stageTier-chart')).toBeInTheDocument()
    // the chips stay: another range can be chosen
    expect(byId('reports-range-30d')).toBeInTheDocument()
  })

  it('shows the error with a retry that loads again; a thrown error too', async () => {
    routeCalls(call, { 'admin.consoleReport': failure('INTERNAL', '报表暂时不可用') })
    render(<ConsoleReportsPage />)
    await waitFor(() => expect(byId('reports-error')).toHaveTextContent('报表暂时不可用'))
    expect(byId('reports-sections')).toBeNull()

    routeCalls(call, { 'admin.consoleReport': () => Promise.reject(new Error('网络断开')) })
    fireEvent.click(byId('reports-retry'))
    await waitFor(() => expect(byId('reports-error')).toHaveTextContent('网络断开'))

    routeCalls(call, { 'admin.consoleReport': ok(brandAnswer()) })
    fireEvent.click(byId('reports-retry'))
    await waitFor(() => expect(byId('reports-sections')).toBeInTheDocument())
    expect(byId('reports-error')).toBeNull()
    // each retry asked for the same range again
    expect(eventsFor(call, 'admin.consoleReport')).toEqual(Array(3).fill({ action: 'consoleReport', ...rangeDays('7d') }))
  })

  it('someone who is not an operator gets 无管理权限; a signed-out visitor is sent to sign in', async () => {
    routeCalls(call, { 'admin.consoleReport': failure('PERMISSION_DENIED', '仅管理员或店长可调用') })
    const { unmount } = render(<ConsoleReportsPage />)
    await waitFor(() => expect(byId('console-denied')).toHaveTextContent('无管理权限'))
    expect(byId('reports-sections')).toBeNull()
    unmount()

    call.mockReset()
    ;(needsSignIn as jest.Mock).mockReturnValue(true)
    render(<ConsoleReportsPage />)
    await waitFor(() => expect(redirectToSignIn).toHaveBeenCalled())
    expect(call).not.toHaveBeenCalled()
  })
})

describe('报表 figures', () => {
  it('a brand-wide section has no figures for a store manager; emptiness follows the section', () => {
    const store = storeAnswer()
    expect(sectionFigures('points', store)).toBeNull()
    expect(sectionFigures('coupons', store)!.tables[0].head).toEqual(['券名称', '核销张数', '优惠金额'])
    expect(isSectionEmpty('coupons', store)).toBe(false)
    expect(isSectionEmpty('coupons', storeAnswer({ writeOffs: [] }))).toBe(true)
    const brand = brandAnswer()
    expect(sectionFigures('ltv', brand)!.tables[0].rows.map(r => r.cells[0])).toEqual(['普通会员', '金卡会员', '全部会员'])
    expect(sectionFigures('cohorts', brand)!.tables[0].rows[0].cells).toEqual(['2024-03', '3', '66.7%（2）'])
    expect(isSectionEmpty('reminders', brand)).toBe(false)
    expect(isSectionEmpty('reminders', brandAnswer(brandInput({ reminders: [] })))).toBe(true)
  })
})
