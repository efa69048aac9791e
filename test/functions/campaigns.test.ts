/** Campaigns with a holdout through the SDK on the emulator: start, resume, parallel starts, the lift report. */
import { campaignGroup } from '../../domain/campaigns'
import { setClock } from '../../scripts/emulator-process'
import { useEmulator, signUp, makeStaff, rid } from './support'

const env = useEmulator()
const STAFF = 'o_cmp_staff'
const MEMBERS = Array.from({ length: 60 }, (_x, i) => `o_cmp_${String(i).padStart(2, '0')}`)
const DAY = 86_400_000

const spec = (campaignId: string, overrides: Record<string, unknown> = {}) => ({
  campaignId,
  name: '唤醒活动',
  segmentId: 'cmp-all',
  templateId: 'cmp-tpl',
  holdoutPercent: 20,
  windowDays: 14,
  ...overrides,
})
const start = (campaign: Record<string, unknown>, extra: Record<string, unknown> = {}, openid?: string) => env.admin({ action: 'startCampaign', campaign, ...extra }, openid)

async function all(collection: string, where: Record<string, unknown>): Promise<any[]> {
  const out: any[] = []
  for (let offset = 0; ; offset += 1000) {
    const { data } = await env.db.collection(collection).where(where).orderBy('_id', 'asc').skip(offset).limit(1000).get()
    out.push(...data)
    if (data.length < 1000) return out
  }
}

/** Every member now in the segment (everyone signed up), split as the domain rule splits them. */
async function expectedGroups(campaignId: string, pct: number) {
  const ids = (await all('members', {})).map(m => String(m._id))
  const holdout = ids.filter(id => campaignGroup(campaignId, id, pct) === 'holdout')
  return { ids, holdout, treated: ids.filter(id => !holdout.includes(id)) }
}

beforeAll(async () => {
  await makeStaff(env, STAFF, 'store_cmp', '店员')
  for (const id of MEMBERS) await signUp(env, id)
  const tpl = await env.admin({
    action: 'upsertCouponTemplate',
    template: {
      templateId: 'cmp-tpl',
      name: '回归礼 10 元',
      type: 'cash',
      valueFen: 1000,
      minSpendFen: 0,
      validity: { kind: 'relative', days: 30 },
      totalStock: 1000,
      perMemberLimit: 5,
      audience: { kind: 'all' },
      channels: ['admin'],
    },
  })
  expect(tpl.ok).toBe(true)
  const seg = await env.admin({ action: 'saveSegment', segmentId: 'cmp-all', name: '全部会员', rule: { all: [{ field: 'createdAt', op: 'exists', value: true }] } })
  expect(seg.ok).toBe(true)
}, 120_000)

afterEach(async () => setClock(env.emu, null))

test('dryRun counts the groups and writes nothing; a consumer is denied; bad specs are refused with stable codes', async () => {
  const { ids, holdout } = await expectedGroups('cmp-dry', 20)
  const dry = await start(spec('cmp-dry'), { dryRun: true })
  expect(dry).toMatchObject({ ok: true, data: { dryRun: true, audience: ids.length, holdout: holdout.length, treated: ids.length - holdout.length } })
  expect(await all('campaigns', {})).toHaveLength(0)
  expect(await all('campaign_members', {})).toHaveLength(0)
  expect(await all('coupons', {})).toHaveLength(0)

  expect(await start(spec('cmp-dry'), {}, MEMBERS[0])).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' })
  expect(await env.admin({ action: 'campaignReport', campaignId: 'cmp-dry' }, MEMBERS[0])).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' })
  expect(await start(spec('cmp-bad', { holdoutPercent: 80 }))).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
  expect(await start(spec('CMP BAD'))).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
  expect(await start(spec('cmp-noseg', { segmentId: 'no-such-segment' }))).toMatchObject({ ok: false, code: 'NOT_FOUND' })
  expect(await start(spec('cmp-notpl', { templateId: 'no-such-tpl' }))).toMatchObject({ ok: false, code: 'NOT_FOUND' })
  expect(await env.admin({ action: 'campaignReport', campaignId: 'cmp-missing' })).toMatchObject({ ok: false, code: 'NOT_FOUND' })
  expect(await all('campaigns', {})).toHaveLength(0)
})

test('two parallel starts, then a third: the treated get one coupon each, the holdout none; a changed spec is refused', async () => {
  const { ids, holdout, treated } = await expectedGroups('cmp-main', 20)
  expect(holdout.length).toBeGreaterThan(0)
  const [a, b] = await Promise.all([start(spec('cmp-main')), start(spec('cmp-main'))])
  expect([a, b].map(r => (r.ok ? 'ok' : `${r.code}: ${r.message}`))).toEqual(['ok', 'ok'])
  const again = await start(spec('cmp-main'))
  expect(again).toMatchObject({
    ok: true,
    data: { campaign: { status: 'running', audience: ids.length, treated: treated.length, holdout: holdout.length }, issued: treated.length, pending: 0, skipped: 0 },
  })

  const coupons = await all('coupons', { templateId: 'cmp-tpl' })
  expect(coupons.map(c => c.memberId).sort()).toEqual([...treated].sort())
  const rows = await all('campaign_members', { campaignId: 'cmp-main' })
  expect(rows).toHaveLength(ids.length)
  expect(
    rows
      .filter(r => r.group === 'holdout')
      .map(r => r.memberId)
      .sort(),
  ).toEqual([...holdout].sort())
  const audits = await all('audit_log', { action: 'startCampaign', target: 'cmp-main' })
  expect(audits).toHaveLength(1)
  expect(audits[0].after).toMatchObject({ segmentId: 'cmp-all', templateId: 'cmp-tpl', holdoutPercent: 20 })

  expect(await start(spec('cmp-main', { holdoutPercent: 30 }))).toMatchObject({ ok: false, code: 'ALREADY_EXISTS' })
  const listed = await env.admin({ action: 'listCampaigns' })
  expect(listed.data.campaigns.map((c: any) => c.campaignId)).toEqual(['cmp-main'])
})

test('the report compares purchases of both groups inside the window only, net of refunds', async () => {
  const { holdout, treated } = await expectedGroups('cmp-main', 20)
  const buy = async (openid: string, amountFen: number) => {
    const member = (await env.db.collection('members').where({ _id: openid }).get()).data[0]
    const res = await env.staff({ action: 'recordPurchase', requestId: rid('cmp'), member: { memberNo: member.memberNo }, amountFen }, STAFF)
    expect(res.ok).toBe(true)
    return res.data.purchase
  }
  const treatedBuyers = treated.filter(id => id !== STAFF).slice(0, 6)
  for (const id of treatedBuyers) await buy(id, 5000)
  await buy(treatedBuyers[0], 3000) // a second purchase: one buyer, two purchases
  const refunded = await buy(treatedBuyers[1], 2000)
  const refund = await env.staff({ action: 'refundPurchase', purchaseId: refunded.purchaseId, requestId: rid('rf'), amountFen: 2000 }, STAFF)
  expect(refund.ok).toBe(true)
  const holdoutBuyer = holdout.find(id => id !== STAFF)!
  await buy(holdoutBuyer, 4000)

  const interim = await env.admin({ action: 'campaignReport', campaignId: 'cmp-main' })
  expect(interim.ok).toBe(true)
  expect(interim.data).toMatchObject({
    final: false,
    campaign: { status: 'running' },
    coupons: { issued: treated.length, used: 0, skipped: 0 },
    lift: {
      treated: { members: treated.length, buyers: 6, purchases: 7, spendFen: 6 * 5000 + 3000 },
      holdout: { members: holdout.length, buyers: 1, purchases: 1, spendFen: 4000 },
    },
  })
  expect(interim.data.lift.conversionDiff).toBeCloseTo(6 / treated.length - 1 / holdout.length, 10)

  // after the window: purchases no longer count, and the report is final
  await setClock(env.emu, new Date(Date.now() + 15 * DAY).toISOString())
  await buy(treatedBuyers[2], 9900)
  const final = await env.admin({ action: 'campaignReport', campaignId: 'cmp-main' })
  expect(final.data).toMatchObject({ final: true, campaign: { status: 'finished' }, lift: { treated: { buyers: 6, purchases: 7 } } })
})

test('a start killed half way (rows missing, coupons partly issued) resumes without issuing anything twice', async () => {
  const { ids, treated } = await expectedGroups('cmp-resume', 20)
  expect((await start(spec('cmp-resume'))).data).toMatchObject({ campaign: { status: 'running' }, issued: treated.length })
  const before = await all('coupons', { templateId: 'cmp-tpl' })
  // as if the first call died: half the rows never written, the campaign still starting
  const rows = await all('campaign_members', { campaignId: 'cmp-resume' })
  for (const r of rows.slice(0, Math.floor(rows.length / 2))) await env.db.collection('campaign_members').doc(r._id).remove()
  await env.db
    .collection('campaigns')
    .doc('cmp-resume')
    .update({ data: { status: 'starting', snapshotDone: false } })

  const resumed = await start(spec('cmp-resume'))
  expect(resumed.data).toMatchObject({ campaign: { status: 'running', audience: ids.length, treated: treated.length }, issued: treated.length, pending: 0 })
  const after = await all('coupons', { templateId: 'cmp-tpl' })
  expect(after.map(c => c._id).sort()).toEqual(before.map(c => c._id).sort())
  expect(await all('campaign_members', { campaignId: 'cmp-resume' })).toHaveLength(ids.length)
})
