/** Tiers, stats, tags and segments through the SDK on the emulator (the daily job has its own file). */
import { DEFAULT_TIER_LADDER } from '../../types/tiers'
import { useEmulator, signUp, makeStaff, memberDoc, rid } from './support'

const env = useEmulator()
const STAFF = 'o_tier_staff'

async function buy(openid: string, amountFen: number, extra: Record<string, unknown> = {}) {
  const { data } = await env.db.collection('members').where({ _id: openid }).get()
  const res = await env.staff({ action: 'recordPurchase', requestId: rid('pur'), member: { memberNo: data[0].memberNo }, amountFen, ...extra }, STAFF)
  if (!res.ok) throw new Error(JSON.stringify(res))
  return res.data
}

beforeAll(async () => {
  await makeStaff(env, STAFF, 'store_t')
  const ladder = structuredClone(DEFAULT_TIER_LADDER)
  ladder.tiers[2].benefits.upgradeCouponTemplateIds = ['tpl-gold-gift']
  expect(await env.admin({ action: 'setTierLadder', ladder })).toMatchObject({ ok: true })
  const gift = { templateId: 'tpl-gold-gift', name: '金卡礼', type: 'gift', giftName: '金卡礼盒', validity: { kind: 'relative', days: 30 }, totalStock: null, channels: ['admin'] }
  expect(await env.admin({ action: 'upsertCouponTemplate', template: gift })).toMatchObject({ ok: true })
}, 60_000)

describe('tiers', () => {
  test('a purchase crossing a threshold upgrades in the same call; the next purchase earns at the new multiplier', async () => {
    const m = 'o_tier_climber'
    await signUp(env, m)
    expect((await env.member({ action: 'myTier' }, m)).data).toMatchObject({ tierId: 'base', growth: 0, next: { tierId: 'silver', missing: 1000 } })
    const first = await buy(m, 99_900) // 999 yuan: 999 growth
    expect(first.upgradedTo).toBeUndefined()
    const second = await buy(m, 100) // 1 yuan more: 1000
    expect(second.upgradedTo).toEqual({ tierId: 'silver', name: '银卡会员' })
    expect((await env.member({ action: 'myTier' }, m)).data).toMatchObject({ tierId: 'silver', name: '银卡会员', pointsMultiplier: 1.2, growth: 1000, next: { tierId: 'gold', missing: 2000 } })
    const third = await buy(m, 10_000) // 100 yuan at 1.2
    expect(third.pointsEarned).toBe(120)
    const doc = await memberDoc(env, m)
    expect(doc).toMatchObject({ tierId: 'silver', stage: 'new', stats: { purchases: 3, purchaseDays: 1, spendFen: 110_000 } })
  })

  test('reaching gold hands out the tier coupon once; a refund lowers growth but never the tier mid-period', async () => {
    const m = 'o_tier_gold'
    await signUp(env, m)
    const big = await buy(m, 300_000)
    expect(big.upgradedTo).toEqual({ tierId: 'gold', name: '金卡会员' })
    const coupons = await env.member({ action: 'myCoupons', state: 'available' }, m)
    expect(coupons.data.items.map((c: any) => c.templateId)).toEqual(['tpl-gold-gift'])
    const refund = await env.staff({ action: 'refundPurchase', requestId: rid('ref'), purchaseId: big.purchase.purchaseId }, STAFF)
    expect(refund.ok).toBe(true)
    const after = (await env.member({ action: 'myTier' }, m)).data
    expect(after).toMatchObject({ tierId: 'gold', growth: 0 })
    expect((await memberDoc(env, m)).stats).toMatchObject({ purchases: 1, spendFen: 0 })
    const { data } = await env.db.collection('members').where({ _id: m }).get()
    expect((await env.staff({ action: 'memberCoupons', member: { memberNo: data[0].memberNo } }, STAFF)).data.member.tierName).toBe('金卡会员')
  })

  test('a manual tier: floor and override are audited and shown; clear returns to the earned tier', async () => {
    const m = 'o_tier_manual'
    await signUp(env, m)
    expect(await env.admin({ action: 'setMemberTier', openid: m, mode: 'override', tierId: 'nope', reason: '测试' })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
    expect(await env.admin({ action: 'setMemberTier', openid: m, mode: 'floor', reason: '缺等级' })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
    expect(await env.admin({ action: 'setMemberTier', openid: m, mode: 'floor', tierId: 'black', reason: '大客户协议' })).toMatchObject({ ok: true, data: { tierId: 'black', tierName: '黑金会员' } })
    expect((await env.member({ action: 'myTier' }, m)).data).toMatchObject({ tierId: 'black', title: '首席体验官' })
    expect(await env.admin({ action: 'setMemberTier', openid: m, mode: 'clear', reason: '协议到期' })).toMatchObject({ ok: true, data: { tierId: 'base' } })
    const audits = (await env.db.collection('audit_log').where({ action: 'setMemberTier', target: m }).get()).data
    expect(audits.map((a: any) => a.after.tierId)).toEqual(['black', 'base'])
  })
})

describe('tags and segments', () => {
  test('manual tags; a saved segment previews its count and sample and feeds coupon issue and a segment audience', async () => {
    const ids = ['o_seg_1', 'o_seg_2', 'o_seg_3']
    for (const id of ids) await signUp(env, id)
    const dryTags = await env.admin({ action: 'tagMembers', openids: ['o_seg_1', 'o_seg_2', 'o_nobody'], add: ['母婴偏好'], dryRun: true })
    expect(dryTags).toMatchObject({ ok: true, data: { dryRun: true, updated: 2, unchanged: 0, missing: ['o_nobody'] } })
    expect((await memberDoc(env, 'o_seg_1')).manualTags).toEqual([])
    expect((await env.db.collection('audit_log').where({ action: 'tagMembers' }).count()).total).toBe(0)
    expect(await env.admin({ action: 'tagMembers', openids: ['o_seg_1', 'o_seg_2', 'o_nobody'], add: ['母婴偏好'] })).toMatchObject({ ok: true, data: { updated: 2, missing: ['o_nobody'] } })
    // tagging again changes nothing and audits nothing
    expect(await env.admin({ action: 'tagMembers', openids: ['o_seg_1'], add: ['母婴偏好'] })).toMatchObject({ ok: true, data: { updated: 0, unchanged: 1 } })
    expect((await env.db.collection('audit_log').where({ action: 'tagMembers' }).count()).total).toBe(2)
    expect(await env.admin({ action: 'tagMembers', openids: ['o_seg_2'], remove: ['母婴偏好'], add: ['咖啡控'] })).toMatchObject({ ok: true })
    expect((await memberDoc(env, 'o_seg_2')).tags).toEqual(['咖啡控'])

    const rule = { all: [{ field: 'tags', op: 'hasAny', value: ['母婴偏好'] }] }
    expect(await env.admin({ action: 'previewSegment', rule: { all: [{ field: 'stage', op: 'eq', value: 'asleep' }] } })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
    expect(await env.admin({ action: 'saveSegment', segmentId: 'moms', name: '母婴偏好会员', rule })).toMatchObject({ ok: true, data: { created: true } })
    const preview = await env.admin({ action: 'previewSegment', segmentId: 'moms', sample: 5 })
    expect(preview).toMatchObject({ ok: true, data: { count: 1, sample: [{ openid: 'o_seg_1', tags: ['母婴偏好'] }] } })
    expect((await env.admin({ action: 'listSegments' })).data.segments.map((s: any) => s.segmentId)).toContain('moms')

    await env.admin({
      action: 'upsertCouponTemplate',
      template: {
        templateId: 'tpl-moms',
        name: '母婴券',
        type: 'cash',
        valueFen: 500,
        validity: { kind: 'relative', days: 7 },
        totalStock: 10,
        audience: { kind: 'segment', segmentId: 'moms' },
        channels: ['claim_center', 'admin'],
      },
    })
    expect(await env.member({ action: 'claimCoupon', templateId: 'tpl-moms', requestId: rid('c') }, 'o_seg_3')).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' })
    const center = await env.member({ action: 'claimCenter' }, 'o_seg_1')
    expect(center.data.offers.map((o: any) => o.templateId)).toContain('tpl-moms')
    const dry = await env.admin({ action: 'issueCoupons', templateId: 'tpl-moms', segmentId: 'moms', openids: ['o_seg_3'], requestId: rid('iss'), dryRun: true })
    expect(dry.data).toMatchObject({ wouldIssue: 1, skipped: { 仅限指定会员: 1 } })
    const run = await env.admin({ action: 'issueCoupons', templateId: 'tpl-moms', segmentId: 'moms', requestId: rid('iss') })
    expect(run.data).toMatchObject({ issued: 1 })
    expect(await env.admin({ action: 'deleteSegment', segmentId: 'moms' })).toMatchObject({ ok: false, code: 'FAILED_PRECONDITION' })
  })
})
