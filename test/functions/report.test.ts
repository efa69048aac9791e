/**
 * `admin.report` through the SDK on the emulator: a small population made with the real actions at
 * pinned times (sign-ups, claims, purchases with a coupon, a refund, check-ins), a stored churn
 * score and two reminder sends; the report's figures are checked exactly.
 */
import { setClock } from '../../scripts/emulator-process'
import { useEmulator, signUp, makeStaff, memberDoc, rid } from './support'

const env = useEmulator()
const STAFF = 'o_rpt_staff'
const [M1, M2, M3] = ['o_rpt_m1', 'o_rpt_m2', 'o_rpt_m3']
/** Shanghai wall time → ISO instant */
const at = (s: string) => new Date(`${s}+08:00`).toISOString()

async function ok(res: Promise<any>) {
  const r = await res
  if (!r.ok) throw new Error(JSON.stringify(r))
  return r.data
}
async function buy(openid: string, amountFen: number, couponCodes?: string[]) {
  const { memberNo } = await memberDoc(env, openid)
  return ok(env.staff({ action: 'recordPurchase', requestId: rid('rpt'), member: { memberNo }, amountFen, ...(couponCodes ? { couponCodes } : {}) }, STAFF))
}

let report: any

beforeAll(async () => {
  await makeStaff(env, STAFF, 'store_rpt') // joins now (outside the report's range)
  await ok(
    env.admin({
      action: 'upsertCouponTemplate',
      template: {
        templateId: 'rpt-full-100-20',
        name: '满100减20',
        type: 'threshold',
        valueFen: 2000,
        minSpendFen: 10000,
        validity: { kind: 'relative', days: 30 },
        totalStock: 10,
        perMemberLimit: 1,
        audience: { kind: 'all' },
        channels: ['claim_center'],
      },
    }),
  )
  try {
    await setClock(env.emu, at('2026-01-05T10:00:00'))
    await signUp(env, M1)
    await signUp(env, M2)
    await setClock(env.emu, at('2026-01-05T11:00:00'))
    const c1 = await ok(env.member({ action: 'claimCoupon', templateId: 'rpt-full-100-20', requestId: rid('claim') }, M1))
    await ok(env.member({ action: 'claimCoupon', templateId: 'rpt-full-100-20', requestId: rid('claim') }, M2))
    await setClock(env.emu, at('2026-01-05T12:00:00'))
    const first = await buy(M1, 10_000, [c1.coupon.code]) // pays 8,000, earns 80 points
    await setClock(env.emu, at('2026-01-06T09:00:00'))
    await ok(env.member({ action: 'checkIn' }, M1))
    await ok(env.member({ action: 'checkIn' }, M2))
    await ok(env.member({ action: 'submitNps', purchaseId: first.purchase.purchaseId, score: 10 }, M1)) // a promoter in January
    await setClock(env.emu, at('2026-01-07T09:00:00'))
    await ok(env.member({ action: 'checkIn' }, M1))
    await setClock(env.emu, at('2026-02-03T10:00:00'))
    await signUp(env, M3)
    await buy(M1, 5_000)
    const third = await buy(M3, 3_000)
    await setClock(env.emu, at('2026-02-04T10:00:00'))
    await ok(env.member({ action: 'submitNps', purchaseId: third.purchase.purchaseId, score: 3, comment: '太慢' }, M3)) // a detractor in February
    const refunded = await buy(M2, 4_000)
    await ok(env.staff({ action: 'refundPurchase', requestId: rid('ref'), purchaseId: refunded.purchase.purchaseId }, STAFF))
  } finally {
    await setClock(env.emu, null)
  }
  // what the daily tiers job stores, and what the reminders run logs
  await env.db
    .collection('members')
    .doc(M1)
    .update({ data: { churn: { risk: 0.2, pAlive: 0.9, expectedPurchases: 1.5, clvFen: 12_000, reasons: [], scoredAt: new Date() } } })
  const sent = (id: string, memberId: string, kind: string, when: string) =>
    env.db.collection('reminders_log').add({ data: { _id: id, memberId, kind, templateId: 'tpl', period: 'p', sentAt: new Date(at(when)), status: 'sent', reason: '', data: {}, basis: {} } })
  await sent('win_back:o_rpt_m3:2026-02', M3, 'win_back', '2026-02-01T10:00:00') // M3 buys two days later
  await sent('birthday:o_rpt_m2:2026', M2, 'birthday', '2026-01-20T10:00:00') // nothing within 7 days
  report = await ok(env.admin({ action: 'report', from: '2026-01-01', to: '2026-02-28' }))
}, 120_000)

describe('admin.report', () => {
  test('range, new members and cohorts', () => {
    expect(report.range).toEqual({ from: '2026-01-01', to: '2026-02-28', days: 59 })
    expect(report.newMembers.total).toBe(3)
    expect(report.newMembers.byMonth).toEqual([
      { month: '2026-01', count: 2 },
      { month: '2026-02', count: 1 },
    ])
    expect(report.newMembers.byDay.filter((d: any) => d.count)).toEqual([
      { day: '2026-01-05', count: 2 },
      { day: '2026-02-03', count: 1 },
    ])
    expect(report.cohorts).toEqual({
      offsets: 2,
      rows: [
        { month: '2026-01', size: 2, active: [1, 1], rates: [0.5, 0.5] },
        { month: '2026-02', size: 1, active: [1, null], rates: [1, null] },
      ],
    })
  })

  test('repurchase: the fully refunded purchase does not count', () => {
    expect(report.repurchase).toMatchObject({ purchases: 3, salesFen: 16_000, avgOrderFen: 5_333, buyers: 2, repeatBuyers: 1, rate: 0.5 })
  })

  test('members by stage and tier, average and predicted LTV from the stored score', () => {
    expect(report.stageTier.total).toBe(4) // three members and the staff member
    expect(report.stageTier.byTier.find((t: any) => t.tierId === 'base')).toMatchObject({ name: '普通会员', count: 4 })
    expect(report.stageTier.rows.reduce((s: number, r: any) => s + r.total, 0)).toBe(4)
    expect(report.ltv.total).toEqual({
      tierId: 'all',
      name: '全部会员',
      members: 4,
      buyers: 3, // the refunded buyer still has a purchase on record
      avgSpendFen: 4_000,
      avgSpendPerBuyerFen: 5_333,
      scored: 1,
      avgClvFen: 12_000,
      avgPredictedLtvFen: 25_000,
      avgRisk: 0.2,
    })
  })

  test('coupons: claim and redemption rates by template', () => {
    expect(report.coupons.templates).toEqual([
      { templateId: 'rpt-full-100-20', name: '满100减20', type: 'threshold', totalStock: 10, issued: 2, redeemed: 1, expired: 1, available: 0, claimRate: 0.2, redemptionRate: 0.5 },
    ])
  })

  test('check-in daily actives and points', () => {
    expect(report.checkins).toMatchObject({ checkins: 3, makeups: 0, points: 15, peak: { day: '2026-01-06', actives: 2 } })
    expect(report.checkins.byDay.find((d: any) => d.day === '2026-01-07')).toEqual({ day: '2026-01-07', actives: 1, makeups: 0, points: 5 })
    expect(report.points).toMatchObject({ issued: 215, spent: 0, expired: 0, reversed: 40, net: 175 })
    expect(report.points.byMonth).toEqual([
      { month: '2026-01', issued: 95, spent: 0, expired: 0, reversed: 0 },
      { month: '2026-02', issued: 120, spent: 0, expired: 0, reversed: 40 },
    ])
    expect(report.points.bySource).toEqual([
      { sourceType: 'purchase', issued: 200, spent: 0 },
      { sourceType: 'checkin', issued: 15, spent: 0 },
    ])
  })

  test('reminder sends and their follow-up purchases', () => {
    const kind = (k: string) => report.reminders.byKind.find((r: any) => r.kind === k)
    expect(kind('win_back')).toMatchObject({ label: '专属回归福利', sent: 1, converted: 1, conversionRate: 1, followUpPurchases: 1, followUpFen: 3_000 })
    expect(kind('birthday')).toMatchObject({ sent: 1, converted: 0, conversionRate: 0 })
    expect(report.reminders.total).toMatchObject({ sent: 2, converted: 1, followUpPurchases: 1, followUpFen: 3_000 })
    expect(report.reminders.followUpDays).toBe(7)
  })

  test('NPS by store and month', () => {
    expect(report.nps.rows).toEqual([
      { storeId: 'store_rpt', storeName: '门店 store_rpt', month: '2026-01', responses: 1, promoters: 1, passives: 0, detractors: 0, nps: 100 },
      { storeId: 'store_rpt', storeName: '门店 store_rpt', month: '2026-02', responses: 1, promoters: 0, passives: 0, detractors: 1, nps: -100 },
    ])
    expect(report.nps.total).toEqual({ responses: 2, promoters: 1, passives: 0, detractors: 1, nps: 0 })
  })

  test('a consumer is denied; bad ranges are INVALID_ARGUMENT', async () => {
    expect(await env.admin({ action: 'report', from: '2026-01-01', to: '2026-02-28' }, M1)).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' })
    for (const bad of [
      { from: '2026-03-01', to: '2026-02-28' },
      { from: '2026-02-30', to: '2026-03-01' },
      { from: '2025-01-01', to: '2026-02-28' },
      { from: '2026-01-01' },
      { from: '2026-01-01', to: '2026-01-31', followUpDays: 0 },
    ]) {
      expect(await env.admin({ action: 'report', ...bad })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
    }
  })
})
