/**
 * The console's 券 and 活动 screens on the emulator: listCouponTemplates with used counts, a stock
 * below what was issued refused on the totalStock field, the campaign dry run's coupon forecast (who
 * would get the coupon, why the others would not), and campaignReport's chart (SVG naming both groups).
 */
import { campaignGroup, forecastCampaignCoupons, proportionInterval95 } from '../../domain/campaigns'
import type { CouponTemplate } from '../../types/coupons'
import { useEmulator, signUp, makeStaff, rid } from './support'

const env = useEmulator()
const STAFF = 'o_cc_staff'
const MEMBERS = Array.from({ length: 12 }, (_x, i) => `o_cc_${String(i).padStart(2, '0')}`)
const TAGGED = MEMBERS.slice(0, 3)

const ok = (res: any) => {
  if (!res.ok) throw new Error(JSON.stringify(res))
  return res.data
}
const no: Record<string, string> = {}

const template = (templateId: string, overrides: Record<string, unknown> = {}) => ({
  templateId,
  name: '回归礼 10 元',
  type: 'cash',
  valueFen: 1000,
  minSpendFen: 0,
  validity: { kind: 'relative', days: 30 },
  totalStock: 100,
  perMemberLimit: 1,
  audience: { kind: 'all' },
  channels: ['admin'],
  ...overrides,
})
const upsert = (t: Record<string, unknown>) => env.admin({ action: 'upsertCouponTemplate', template: t })
const spec = (campaignId: string, overrides: Record<string, unknown> = {}) => ({
  campaignId,
  name: '控制台活动',
  segmentId: 'cc-all',
  templateId: 'cc-tpl',
  holdoutPercent: 25,
  windowDays: 14,
  ...overrides,
})
const start = (campaign: Record<string, unknown>, dryRun = false) => env.admin({ action: 'startCampaign', campaign, dryRun })

/** Everyone signed up is in the segment, split as the domain splits them. */
async function groups(campaignId: string, pct: number) {
  const { data } = await env.db.collection('members').orderBy('_id', 'asc').limit(1000).get()
  const ids: string[] = data.map((m: any) => String(m._id))
  const holdout = ids.filter(id => campaignGroup(campaignId, id, pct) === 'holdout')
  return { ids, holdout, treated: ids.filter(id => !holdout.includes(id)) }
}

beforeAll(async () => {
  await makeStaff(env, STAFF, 'store_cc', '店员')
  for (const id of MEMBERS) no[id] = (await signUp(env, id)).memberNo
  no[STAFF] = (await env.db.collection('members').where({ _id: STAFF }).get()).data[0].memberNo
  ok(await env.admin({ action: 'tagMembers', openids: TAGGED, add: ['cc-vip'] }))
  ok(await upsert(template('cc-tpl')))
  ok(await env.admin({ action: 'saveSegment', segmentId: 'cc-all', name: '全部会员', rule: { all: [{ field: 'createdAt', op: 'exists', value: true }] } }))
}, 120_000)

describe('券: listCouponTemplates and upsertCouponTemplate', () => {
  test('lists both statuses with stock, issued and used counts (old fields kept)', async () => {
    ok(await upsert(template('cc-list', { name: '列表券', totalStock: 10, perMemberLimit: 2 })))
    ok(await upsert(template('cc-paused', { name: '暂停券', totalStock: null })))
    ok(await env.admin({ action: 'setCouponTemplateStatus', templateId: 'cc-paused', status: 'paused' }))
    ok(await env.admin({ action: 'issueCoupons', templateId: 'cc-list', memberNos: [no[MEMBERS[0]], no[MEMBERS[1]]], requestId: rid('ccissue') }))
    const coupon = (await env.db.collection('coupons').where({ templateId: 'cc-list', memberId: MEMBERS[0] }).get()).data[0]
    ok(await env.staff({ action: 'writeOffCoupon', requestId: rid('ccwo'), member: { memberNo: no[MEMBERS[0]] }, couponCode: coupon.code }, STAFF))

    const all = ok(await env.admin({ action: 'listCouponTemplates' })).templates
    const byId = Object.fromEntries(all.map((t: any) => [t.templateId, t]))
    expect(byId['cc-list']).toMatchObject({
      name: '列表券',
      status: 'active',
      summary: '10元现金券',
      totalStock: 10,
      stock: 8,
      issued: 2,
      used: 1,
      perMemberLimit: 2,
      channels: ['admin'],
      validity: { kind: 'relative', days: 30 },
    })
    expect(byId['cc-paused']).toMatchObject({ status: 'paused', totalStock: null, stock: null, issued: 0, used: 0 })
    expect(typeof byId['cc-list'].createdAt).toBe('string')
    const paused = ok(await env.admin({ action: 'listCouponTemplates', status: 'paused' })).templates
    expect(paused.map((t: any) => t.templateId)).toEqual(['cc-paused'])
  })

  test('a total stock below what was issued is refused on the totalStock field; a bad template names its fields', async () => {
    const low = await upsert(template('cc-list', { name: '列表券', totalStock: 1, perMemberLimit: 2 }))
    expect(low).toMatchObject({ ok: false, code: 'FAILED_PRECONDITION', issues: [{ path: 'template.totalStock', message: '总库存不能少于已发放的 2 张' }] })
    const raised = ok(await upsert(template('cc-list', { name: '列表券', totalStock: 20, perMemberLimit: 2 })))
    expect(raised).toMatchObject({ created: false, template: { totalStock: 20, stock: 18, issued: 2 } })

    const bad = await upsert(template('cc-bad', { type: 'threshold', valueFen: 2000, minSpendFen: 1000 }))
    expect(bad).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
    expect(bad.issues).toEqual([{ path: 'template.minSpendFen', message: '满减券的门槛必须大于减免金额' }])
  })
})

describe('活动: startCampaign dry run', () => {
  test('says how many treated members would get the coupon and why the others would not, writing nothing', async () => {
    const { ids, treated, holdout } = await groups('cc-dry', 25)
    // stock for all treated but two; one treated member already holds the template's limit
    const limitHolder = treated[0]
    ok(await upsert(template('cc-scarce', { totalStock: treated.length - 1 })))
    ok(await env.admin({ action: 'issueCoupons', templateId: 'cc-scarce', openids: [limitHolder], requestId: rid('ccscarce') }))
    const dry = ok(await start(spec('cc-dry', { templateId: 'cc-scarce' }), true))
    // stock left: treated − 2; everyone but the limit holder is in line for it
    expect(dry).toEqual({
      dryRun: true,
      campaignId: 'cc-dry',
      continuing: false,
      audience: ids.length,
      treated: treated.length,
      holdout: holdout.length,
      coupons: { wouldIssue: treated.length - 2, alreadyIssued: 0, skipped: { 已达领取上限: 1, 已领完: 1 } },
    })

    // a tags audience: only the tagged treated members
    ok(await upsert(template('cc-vip-tpl', { audience: { kind: 'tags', tags: ['cc-vip'] } })))
    const vip = ok(await start(spec('cc-dry', { templateId: 'cc-vip-tpl' }), true))
    const taggedTreated = treated.filter(id => TAGGED.includes(id)).length
    expect(vip.coupons).toEqual({ wouldIssue: taggedTreated, alreadyIssued: 0, skipped: { 仅限指定会员: treated.length - taggedTreated } })

    // a dry run writes nothing
    expect(await env.db.collection('campaigns').where({ _id: 'cc-dry' }).count()).toMatchObject({ total: 0 })
    expect(await env.db.collection('coupons').where({ templateId: 'cc-vip-tpl' }).count()).toMatchObject({ total: 0 })
  })

  test('a campaign already started: continuing, with what was issued and why rows were skipped', async () => {
    const { treated } = await groups('cc-started', 25)
    ok(await upsert(template('cc-short', { totalStock: treated.length - 1 })))
    const started = ok(await start(spec('cc-started', { templateId: 'cc-short' })))
    expect(started).toMatchObject({ campaign: { status: 'running' }, issued: treated.length - 1, skipped: 1, pending: 0 })
    const dry = ok(await start(spec('cc-started', { templateId: 'cc-short' }), true))
    expect(dry).toMatchObject({
      dryRun: true,
      continuing: true,
      issued: treated.length - 1,
      skipped: 1,
      pending: 0,
      coupons: { wouldIssue: 0, alreadyIssued: treated.length - 1, skipped: { 已领完: 1 } },
    })
  })
})

describe('活动: campaignReport', () => {
  test('answers the figures and a chart drawn by the function: SVG naming both groups', async () => {
    const { treated, holdout } = await groups('cc-report', 25)
    ok(await start(spec('cc-report')))
    const buyer = treated.find(id => id !== STAFF)!
    ok(await env.staff({ action: 'recordPurchase', requestId: rid('ccbuy'), member: { memberNo: no[buyer] }, amountFen: 4200 }, STAFF))

    const report = ok(await env.admin({ action: 'campaignReport', campaignId: 'cc-report' }))
    expect(report.lift.treated).toMatchObject({ members: treated.length, buyers: 1, purchases: 1, spendFen: 4200 })
    expect(report.lift.holdout).toMatchObject({ members: holdout.length, buyers: 0 })
    expect(report.lift.treated.conversion95).toEqual(proportionInterval95(1, treated.length))
    expect(report.chart).toMatchObject({ id: 'campaignLift', title: expect.stringContaining('95%') })
    expect(report.chart.svg).toMatch(/^<svg[\s\S]*<\/svg>$/)
    expect(report.chart.svg).toContain('触达组')
    expect(report.chart.svg).toContain('对照组')
    expect(report.chart.svg).toContain('95% 区间')
  })
})

describe('domain: the dry run and the intervals', () => {
  test('proportionInterval95 is the Wilson interval: inside [0, 1], not empty at 0 hits, null for nobody', () => {
    const [lo0, hi0] = proportionInterval95(0, 10)!
    expect(lo0).toBe(0)
    expect(hi0).toBeCloseTo(0.38416 / 1.38416, 5)
    const [lo, hi] = proportionInterval95(5, 10)!
    expect(lo).toBeCloseTo(0.2366, 4)
    expect(hi).toBeCloseTo(0.7634, 4)
    expect(proportionInterval95(10, 10)![1]).toBe(1)
    expect(proportionInterval95(0, 0)).toBeNull()
  })

  test('forecastCampaignCoupons counts the stock and partner codes down in id order', () => {
    const t = { ...template('x'), _id: 'x', status: 'active', stock: 2, issued: 0, stackable: false, createdAt: new Date(), updatedAt: new Date() } as unknown as CouponTemplate
    const treated = ['c', 'a', 'b', 'd'].map(_id => ({ _id }))
    const now = new Date('2026-03-01T00:00:00Z')
    expect(forecastCampaignCoupons({ template: t, treated, atLimit: new Set(['a']), codesLeft: null, segment: null, now })).toEqual({
      wouldIssue: 2,
      alreadyIssued: 0,
      skipped: { 已达领取上限: 1, 已领完: 1 },
    })
    expect(forecastCampaignCoupons({ template: { ...t, stock: null }, treated, atLimit: new Set(), codesLeft: 1, segment: null, now })).toEqual({
      wouldIssue: 1,
      alreadyIssued: 0,
      skipped: { 已领完: 3 },
    })
    expect(forecastCampaignCoupons({ template: { ...t, status: 'paused' }, treated, atLimit: new Set(), codesLeft: null, segment: null, now })).toEqual({
      wouldIssue: 0,
      alreadyIssued: 0,
      skipped: { 已暂停发放: 4 },
    })
  })
})
