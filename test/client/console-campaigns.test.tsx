import { act, fireEvent, render, waitFor } from '@testing-library/react'
import Taro from './doubles/taro'
import { callFunction, needsSignIn } from '../../client/src/services/cloud'
import ConsoleCampaignsPage from '../../client/src/console/campaigns/index'
import { ok } from './fixtures'
import { eventsFor, failure, routeCalls, type Handlers } from './backend'
import type { CampaignDryRun, CampaignReport, CampaignView } from '../../types/campaigns'
import type { CouponTemplateRow } from '../../types/coupons'

jest.mock('../../client/src/services/cloud', () => require('./doubles/cloud').cloudDouble())

const call = callFunction as jest.MockedFunction<typeof callFunction>
const byId = (id: string) => document.getElementById(id) as HTMLInputElement
const type = (id: string, value: string) => fireEvent.change(byId(id), { target: { value } })
const LIFT_SVG = '<svg xmlns="http://www.w3.org/2000/svg"><text>触达组</text><text>对照组</text></svg>'

function campaign(overrides: Partial<CampaignView> = {}): CampaignView {
  return {
    campaignId: 'winback-03',
    name: '3 月沉睡唤醒',
    segmentId: 'sleeping',
    templateId: 'cash-10',
    message: null,
    holdoutPercent: 10,
    windowDays: 14,
    status: 'running',
    audience: 1200,
    treated: 1080,
    holdout: 120,
    startedAt: '2024-03-01T02:00:00.000Z',
    endsAt: '2024-03-15T02:00:00.000Z',
    ...overrides,
  }
}

const template = (overrides: Partial<CouponTemplateRow>): CouponTemplateRow =>
  ({
    templateId: 'cash-10',
    name: '10元券',
    summary: '10元现金券',
    type: 'cash',
    valueFen: 1000,
    minSpendFen: 0,
    validity: { kind: 'relative', days: 30 },
    totalStock: 1000,
    stock: 900,
    issued: 100,
    used: 5,
    perMemberLimit: 1,
    audience: { kind: 'all' },
    channels: ['admin'],
    stackable: false,
    status: 'active',
    createdAt: '',
    updatedAt: '',
    ...overrides,
  }) as CouponTemplateRow

function report(overrides: Partial<CampaignReport> = {}): CampaignReport {
  return {
    campaign: campaign(),
    final: false,
    coupons: { issued: 1070, used: 230, skipped: 10 },
    messages: null,
    lift: {
      treated: { members: 1080, buyers: 216, purchases: 300, spendFen: 2_160_000, conversion: 0.2, conversion95: [0.177, 0.225], spendPerMemberFen: 2000 },
      holdout: { members: 120, buyers: 12, purchases: 13, spendFen: 150_000, conversion: 0.1, conversion95: [0.058, 0.167], spendPerMemberFen: 1250 },
      conversionDiff: 0.1,
      conversionDiff95: [0.04, 0.16],
      relativeLift: 1,
      pValue: 0.0123,
      incrementalBuyers: 108,
      incrementalSpendFen: 810_000,
    },
    chart: { id: 'campaignLift', title: '购买率：触达组 vs 对照组（含 95% 区间）', svg: LIFT_SVG },
    ...overrides,
  }
}

const DRY: CampaignDryRun = {
  dryRun: true,
  campaignId: 'spring-01',
  continuing: false,
  audience: 500,
  treated: 450,
  holdout: 50,
  coupons: { wouldIssue: 440, alreadyIssued: 0, skipped: { 已领完: 6, 已达领取上限: 4 } },
}

function backend(more: Handlers = {}) {
  routeCalls(call, {
    'admin.listCampaigns': ok({ campaigns: [campaign(), campaign({ campaignId: 'old-01', name: '旧活动', status: 'finished', templateId: null, message: { text: '新品上市' } })] }),
    'admin.listSegments': ok({
      segments: [
        { segmentId: 'sleeping', name: '沉睡高价值', updatedAt: '2024-03-01T00:00:00.000Z' },
        { segmentId: 'new-buyers', name: '新客', updatedAt: '2024-03-01T00:00:00.000Z' },
      ],
    }),
    'admin.listCouponTemplates': ok({ templates: [template({}), template({ templateId: 'claim-only', name: '仅领券中心', channels: ['claim_center'] })] }),
    'admin.startCampaign': e => (e.dryRun ? ok(DRY) : ok({ campaign: campaign({ campaignId: 'spring-01', name: '春季回访' }), issued: 440, skipped: 10, pending: 0 })),
    'admin.campaignReport': e => ok(report({ campaign: campaign({ campaignId: String(e.campaignId) }) })),
    ...more,
  })
}

async function openForm() {
  render(<ConsoleCampaignsPage />)
  await waitFor(() => expect(byId('campaigns-list')).toBeInTheDocument())
  fireEvent.click(byId('campaigns-new'))
  await waitFor(() => expect(byId('campaigns-form-segment-sleeping')).toBeInTheDocument())
}

function fill() {
  type('campaigns-form-campaignId', 'spring-01')
  type('campaigns-form-name', '春季回访')
  fireEvent.click(byId('campaigns-form-segment-new-buyers'))
  fireEvent.click(byId('campaigns-form-template-cash-10'))
  type('campaigns-form-holdoutPercent', '10')
}

const SPEC = { campaignId: 'spring-01', name: '春季回访', segmentId: 'new-buyers', templateId: 'cash-10', holdoutPercent: 10, windowDays: 14 }

beforeEach(() => {
  call.mockReset()
  ;(needsSignIn as jest.Mock).mockReturnValue(false)
  ;(Taro.showModal as jest.Mock).mockClear()
})

describe('管理: 活动', () => {
  test('lists the campaigns with their status and groups', async () => {
    backend()
    render(<ConsoleCampaignsPage />)
    await waitFor(() => expect(byId('campaigns-list')).toBeInTheDocument())
    expect(eventsFor(call, 'admin.listCampaigns')).toEqual([{ action: 'listCampaigns' }])
    expect(byId('campaigns-count')).toHaveTextContent('2 个活动')
    expect(byId('campaigns-row-winback-03-status')).toHaveTextContent('进行中')
    expect(byId('campaigns-row-old-01-status')).toHaveTextContent('已结束')
    expect(byId('campaigns-row-winback-03-groups')).toHaveTextContent('人群 1,200 · 触达 1,080 · 对照 120 · 券 cash-10')
    expect(byId('campaigns-row-old-01-groups')).toHaveTextContent('消息「新品上市」')
  })

  test('新建: only admin-channel templates; 试算 shows groups, coupons and skip reasons; 开始 needs the tried spec; an unfinished start continues', async () => {
    backend({ 'admin.startCampaign': e => (e.dryRun ? ok(DRY) : ok({ campaign: campaign({ campaignId: 'spring-01', name: '春季回访', status: 'starting' }), issued: 300, skipped: 5, pending: 145 })) })
    await openForm()
    expect(eventsFor(call, 'admin.listCouponTemplates')).toEqual([{ action: 'listCouponTemplates', status: 'active' }])
    expect(byId('campaigns-form-template-claim-only')).toBeNull()
    expect(byId('campaigns-start')).toBeDisabled()

    // the client's own checks: nothing sent
    fireEvent.click(byId('campaigns-dry-run'))
    expect(byId('campaigns-form-segmentId-error')).toHaveTextContent('请选择人群')
    expect(byId('campaigns-form-templateId-error')).toHaveTextContent('至少一项')
    expect(eventsFor(call, 'admin.startCampaign')).toHaveLength(0)

    fill()
    fireEvent.click(byId('campaigns-dry-run'))
    await waitFor(() => expect(byId('campaigns-dry')).toBeInTheDocument())
    expect(eventsFor(call, 'admin.startCampaign')).toEqual([{ action: 'startCampaign', campaign: SPEC, dryRun: true }])
    expect(byId('campaigns-dry-audience')).toHaveTextContent('500')
    expect(byId('campaigns-dry-treated')).toHaveTextContent('450')
    expect(byId('campaigns-dry-holdout')).toHaveTextContent('50')
    expect(byId('campaigns-dry-would-issue')).toHaveTextContent('440')
    expect(byId('campaigns-dry-skipped')).toHaveTextContent('已领完：6 人')
    expect(byId('campaigns-dry-skipped')).toHaveTextContent('已达领取上限：4 人')

    // a change after the dry run: the result goes, 开始 waits for a new one
    type('campaigns-form-holdoutPercent', '20')
    expect(byId('campaigns-dry')).toBeNull()
    expect(byId('campaigns-start')).toBeDisabled()
    type('campaigns-form-holdoutPercent', '10')
    expect(byId('campaigns-start')).not.toBeDisabled()

    fireEvent.click(byId('campaigns-start'))
    await waitFor(() => expect(byId('campaigns-progress')).toHaveTextContent('待发 145'))
    expect(Taro.showModal).toHaveBeenCalledWith(expect.objectContaining({ content: expect.stringContaining('450 位触达会员发券') }))
    expect(eventsFor(call, 'admin.startCampaign')[1]).toEqual({ action: 'startCampaign', campaign: SPEC, dryRun: false })

    // 继续: the same spec again; running now, so the report opens
    backend()
    fireEvent.click(byId('campaigns-continue'))
    await waitFor(() => expect(byId('campaigns-report')).toBeInTheDocument())
    expect(eventsFor(call, 'admin.startCampaign')).toHaveLength(3)
    expect(eventsFor(call, 'admin.startCampaign')[2]).toEqual({ action: 'startCampaign', campaign: SPEC, dryRun: false })
    expect(Taro.showModal).toHaveBeenCalledTimes(1)
    expect(eventsFor(call, 'admin.campaignReport')).toEqual([{ action: 'campaignReport', campaignId: 'spring-01' }])
    expect(byId('campaigns-form')).toBeNull()
  })

  test('the function’s refusals show by field: an id taken by another spec, a schema issue, a precondition', async () => {
    backend({ 'admin.startCampaign': failure('ALREADY_EXISTS', '活动 spring-01 已存在，且 holdoutPercent 不同；请换一个 campaignId') })
    await openForm()
    fill()
    fireEvent.click(byId('campaigns-dry-run'))
    await waitFor(() => expect(byId('campaigns-form-campaignId-error')).toHaveTextContent('请换一个 campaignId'))

    backend({
      'admin.startCampaign': {
        ok: false,
        code: 'INVALID_ARGUMENT',
        message: 'campaign.campaignId: campaignId 为 2–40 位小写字母、数字、_ 或 -',
        issues: [{ path: 'campaign.campaignId', message: 'campaignId 为 2–40 位小写字母、数字、_ 或 -' }],
      },
    })
    type('campaigns-form-campaignId', 'Spring 01')
    expect(byId('campaigns-form-campaignId-error')).toBeNull()
    fireEvent.click(byId('campaigns-dry-run'))
    await waitFor(() => expect(byId('campaigns-form-campaignId-error')).toHaveTextContent('2–40 位小写字母'))

    backend({ 'admin.startCampaign': failure('FAILED_PRECONDITION', '人群当前没有会员') })
    type('campaigns-form-campaignId', 'spring-01')
    fireEvent.click(byId('campaigns-dry-run'))
    await waitFor(() => expect(byId('campaigns-form-error')).toHaveTextContent('人群当前没有会员'))
    expect(byId('campaigns-dry')).toBeNull()
  })

  test('a campaign’s report shows the chart the function drew and the numbers in a table', async () => {
    backend()
    render(<ConsoleCampaignsPage />)
    await waitFor(() => expect(byId('campaigns-row-winback-03')).toBeInTheDocument())
    fireEvent.click(byId('campaigns-row-winback-03'))
    await waitFor(() => expect(byId('campaigns-report')).toBeInTheDocument())
    expect(eventsFor(call, 'admin.campaignReport')).toEqual([{ action: 'campaignReport', campaignId: 'winback-03' }])
    expect(byId('campaigns-row-winback-03')).toHaveAttribute('aria-selected', 'true')

    const image = byId('campaigns-report-chart')
    expect(image.tagName).toBe('IMG')
    const src = image.getAttribute('src')!
    expect(Buffer.from(src.replace('data:image/svg+xml;base64,', ''), 'base64').toString('utf8')).toBe(LIFT_SVG)
    expect(byId('chart-campaignLift')).toHaveTextContent('购买率：触达组 vs 对照组')

    expect(byId('campaigns-report-table')).toHaveTextContent('触达组')
    expect(byId('campaigns-report-members')).toHaveTextContent('人数1,080120')
    expect(byId('campaigns-report-buyers')).toHaveTextContent('购买人数21612')
    expect(byId('campaigns-report-conversion')).toHaveTextContent('购买率20.0%10.0%')
    expect(byId('campaigns-report-conversion95')).toHaveTextContent('17.7% ~ 22.5%5.8% ~ 16.7%')
    expect(byId('campaigns-report-spend')).toHaveTextContent('￥21,600.00￥1,500.00')
    expect(byId('campaigns-report-diff')).toHaveTextContent('+10.0 个百分点（95% 区间 4.0 ~ 16.0 个百分点）')
    expect(byId('campaigns-report-relative')).toHaveTextContent('+100.0%')
    expect(byId('campaigns-report-p')).toHaveTextContent('0.012（显著）')
    expect(byId('campaigns-report-coupons')).toHaveTextContent('发出 1070 张，已用 230 张')
    expect(byId('campaigns-report-meta')).toHaveTextContent('中期结果')
  })

  test('an unfinished campaign can be continued from its report with its own spec', async () => {
    backend({ 'admin.campaignReport': ok(report({ campaign: campaign({ status: 'starting', message: { text: '回归礼' } }) })) })
    render(<ConsoleCampaignsPage />)
    await waitFor(() => expect(byId('campaigns-row-winback-03')).toBeInTheDocument())
    fireEvent.click(byId('campaigns-row-winback-03'))
    await waitFor(() => expect(byId('campaigns-report-continue')).toBeInTheDocument())
    await act(async () => fireEvent.click(byId('campaigns-report-continue')))
    await waitFor(() => expect(eventsFor(call, 'admin.startCampaign')).toHaveLength(1))
    expect(eventsFor(call, 'admin.startCampaign')[0]).toEqual({
      action: 'startCampaign',
      dryRun: false,
      campaign: { campaignId: 'winback-03', name: '3 月沉睡唤醒', segmentId: 'sleeping', templateId: 'cash-10', message: { text: '回归礼' }, holdoutPercent: 10, windowDays: 14 },
    })
  })

  test('a store manager (or anyone not a brand admin) gets 无管理权限', async () => {
    routeCalls(call, { 'admin.listCampaigns': failure('PERMISSION_DENIED', '仅限品牌管理员') })
    render(<ConsoleCampaignsPage />)
    await waitFor(() => expect(byId('console-denied')).toHaveTextContent('无管理权限'))
    expect(byId('campaigns-list')).toBeNull()
  })
})
