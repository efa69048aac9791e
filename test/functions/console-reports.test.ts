/**
 * `admin.consoleReport` (the console's 报表) on the emulator: a brand admin gets admin.report's figures
 * with a chart (SVG) per section; the manager of store A gets the sections that can be scoped to a
 * store, computed from store A's rows only, on a small known data set with purchases, a coupon
 * write-off and NPS answers at both stores.
 */
import { setClock } from '../../scripts/emulator-process'
import { useEmulator, signUp, makeStaff, rid } from './support'

const env = useEmulator()
const A = 'store_ra'
const B = 'store_rb'
const BOSS = 'o_crp_boss'
const MGR = 'o_crp_mgr_a'
const SA = 'o_crp_staff_a'
const SB = 'o_crp_staff_b'
const M1 = 'o_crp_m1' // buys at A on two days (the first with a 5元 coupon), answers NPS 10 about A
const M2 = 'o_crp_m2' // buys at B with a 5元 coupon, answers NPS 3 about B
const M3 = 'o_crp_m3' // buys at A, fully refunded
const M4 = 'o_crp_m4' // buys at A (4,000) and at B (6,000); a coupon written off at A and undone
const DAY1 = '2026-04-10T02:00:00.000Z' // 10:00 Shanghai
const DAY2 = '2026-04-11T02:00:00.000Z'
const RANGE = { from: '2026-04-10', to: '2026-04-11' }
const ALL_SECTIONS = ['stageTier', 'newMembers', 'repurchase', 'ltv', 'cohorts', 'coupons', 'checkins', 'points', 'reminders', 'nps']
const STORE_SECTIONS = ['stageTier', 'newMembers', 'repurchase', 'ltv', 'cohorts', 'coupons', 'nps']

const no: Record<string, string> = {}
const ok = (res: any) => {
  if (!res.ok) throw new Error(JSON.stringify(res))
  return res.data
}

async function buy(openid: string, staff: string, amountFen: number, couponCodes?: string[]): Promise<string> {
  const event = { action: 'recordPurchase', requestId: rid('crp'), member: { memberNo: no[openid] }, amountFen, ...(couponCodes ? { couponCodes } : {}) }
  return ok(await env.staff(event, staff)).purchase.purchaseId
}

async function couponOf(openid: string): Promise<string> {
  ok(await env.admin({ action: 'issueCoupons', templateId: 'crp-cash-5', memberNos: [no[openid]], requestId: rid('crpissue') }))
  const { data } = await env.db.collection('coupons').where({ memberId: openid, templateId: 'crp-cash-5' }).get()
  return data[0].code
}

beforeAll(async () => {
  await setClock(env.emu, DAY1)
  await env.db.collection('admins').add({ data: { _id: BOSS, name: 'boss' } })
  for (const id of [BOSS, MGR, M1, M2, M3, M4]) no[id] = (await signUp(env, id)).memberNo
  await makeStaff(env, SA, A, '甲店员')
  await makeStaff(env, SB, B, '乙店员')
  ok(await env.admin({ action: 'appointManager', openid: MGR, storeId: A, name: '甲店长' }))
  ok(
    await env.admin({
      action: 'upsertCouponTemplate',
      template: {
        templateId: 'crp-cash-5',
        name: '5元券',
        type: 'cash',
        valueFen: 500,
        minSpendFen: 0,
        validity: { kind: 'relative', days: 30 },
        totalStock: 100,
        perMemberLimit: 1,
        audience: { kind: 'all' },
        channels: ['admin'],
      },
    }),
  )

  const p1 = await buy(M1, SA, 5000, [await couponOf(M1)]) // pays 4,500 at A
  const p2 = await buy(M2, SB, 3000, [await couponOf(M2)]) // pays 2,500 at B
  await buy(M4, SA, 4000)
  await buy(M4, SB, 6000)
  const undone = ok(await env.staff({ action: 'writeOffCoupon', requestId: rid('crpwo'), member: { memberNo: no[M4] }, couponCode: await couponOf(M4) }, SA)).writeOff
  ok(await env.staff({ action: 'undoWriteOff', writeOffId: undone.writeOffId, reason: '误核销' }, SA))
  await setClock(env.emu, DAY2)
  await buy(M1, SA, 2000)
  const p3 = await buy(M3, SA, 1000)
  ok(await env.staff({ action: 'refundPurchase', requestId: rid('crpref'), purchaseId: p3 }, SA))
  ok(await env.member({ action: 'submitNps', purchaseId: p1, score: 10, comment: '好' }, M1))
  ok(await env.member({ action: 'submitNps', purchaseId: p2, score: 3, comment: '慢' }, M2))
}, 120_000)

describe('consoleReport', () => {
  test('brand: every section, a chart (SVG) per section, the same figures as admin.report', async () => {
    const answer = ok(await env.admin({ action: 'consoleReport', ...RANGE }, BOSS))
    const report = ok(await env.admin({ action: 'report', ...RANGE }))
    expect(answer.scope).toEqual({ kind: 'brand' })
    expect({ from: answer.from, to: answer.to }).toEqual(RANGE)
    expect(answer.brandOnly).toEqual([])
    expect(answer.sections.map((s: any) => s.id)).toEqual(ALL_SECTIONS)
    for (const s of answer.sections) expect(s.title && s.note).toBeTruthy()
    // the clock is pinned: even generatedAt (and the coupons that lapsed by now) agree
    expect(answer.report).toEqual(report)
    expect(answer.report.repurchase).toMatchObject({ purchases: 5, buyers: 3, repeatBuyers: 1, salesFen: 4500 + 2500 + 4000 + 6000 + 2000 })
    expect(answer.report.nps.total).toMatchObject({ responses: 2, promoters: 1, detractors: 1 })
    // coupons were issued in the range, so every section has its chart
    expect(answer.charts.map((c: any) => c.id)).toEqual(ALL_SECTIONS)
    for (const c of answer.charts) {
      expect(c.svg).toMatch(/^<svg[\s\S]*<\/svg>$/)
      expect(c.title).toBe(answer.sections.find((s: any) => s.id === c.id).title)
    }
  })

  test("the manager of store A: store A's figures only, brand-wide sections left out", async () => {
    const answer = ok(await env.admin({ action: 'consoleReport', ...RANGE }, MGR))
    const r = answer.report
    expect(answer.scope).toEqual({ kind: 'store', storeId: A, storeName: `门店 ${A}` })
    expect(answer.brandOnly).toEqual(['checkins', 'points', 'reminders'])
    expect(answer.sections.map((s: any) => s.id)).toEqual(ALL_SECTIONS)
    expect(Object.keys(r).sort()).toEqual(['generatedAt', 'range', 'rollups', ...STORE_SECTIONS].sort())

    // M1 (two days), M4 (4,000 at A; their 6,000 at B is not counted); M3's refunded purchase does not count
    expect(r.repurchase).toEqual({
      purchases: 3,
      salesFen: 4500 + 4000 + 2000,
      avgOrderFen: 3500,
      buyers: 2,
      repeatBuyers: 1,
      rate: 0.5,
      distribution: [
        { days: '1', buyers: 1 },
        { days: '2', buyers: 1 },
        { days: '3', buyers: 0 },
        { days: '4', buyers: 0 },
        { days: '5+', buyers: 0 },
      ],
    })
    // the store's customers: M1, M3, M4 (not M2, who bought at B only)
    expect(r.stageTier.total).toBe(3)
    expect(r.ltv.total).toEqual({
      tierId: 'all',
      name: '本店顾客',
      members: 3,
      buyers: 2,
      avgSpendFen: 3500,
      avgSpendPerBuyerFen: 5250,
      scored: 0,
      avgClvFen: null,
      avgPredictedLtvFen: null,
      avgRisk: null,
    })
    // joined in the range and bought at A in it: M1, M3, M4
    expect(r.newMembers.total).toBe(3)
    expect(r.newMembers.byDay).toEqual([
      { day: '2026-04-10', count: 3 },
      { day: '2026-04-11', count: 0 },
    ])
    expect(r.cohorts).toEqual({ offsets: 1, rows: [{ month: '2026-04', size: 3, active: [2], rates: [2 / 3] }] })
    // M1's write-off at A; M4's at A was undone, M2's was at B
    expect(r.coupons).toEqual({ rows: [{ name: '5元券', redeemed: 1, discountFen: 500 }], redeemed: 1, discountFen: 500 })
    expect(r.nps.rows).toEqual([{ storeId: A, storeName: `门店 ${A}`, month: '2026-04', responses: 1, promoters: 1, passives: 0, detractors: 0, nps: 100 }])
    expect(r.nps.total).toMatchObject({ responses: 1, detractors: 0, nps: 100 })

    expect(answer.charts.map((c: any) => c.id)).toEqual(STORE_SECTIONS)
    for (const c of answer.charts) expect(c.svg).toMatch(/^<svg/)
    // nothing of store B anywhere: not its id (nor its name, 门店 store_rb), not its sales in the figures
    expect(JSON.stringify(answer)).not.toContain(B)
    const figures = JSON.stringify(r)
    expect(figures).not.toContain('6000')
    expect(figures).not.toContain('2500')
  })

  test('a bad range is INVALID_ARGUMENT with the issue on `to`; staff and consumers are denied', async () => {
    for (const bad of [
      { from: '2024-01-01', to: '2026-01-01' },
      { from: '2026-02-01', to: '2026-01-01' },
      { from: '2026-02-30', to: '2026-03-01' },
      { from: '2026-01-01' },
      { ...RANGE, followUpDays: 0 },
    ]) {
      for (const caller of [BOSS, MGR]) expect(await env.admin({ action: 'consoleReport', ...bad }, caller)).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
    }
    const long = await env.admin({ action: 'consoleReport', from: '2025-01-01', to: '2026-01-02' }, MGR)
    expect(long.issues).toEqual([{ path: 'to', message: '日期范围最多 366 天' }])
    expect(await env.admin({ action: 'consoleReport', ...RANGE }, SA)).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' })
    expect(await env.admin({ action: 'consoleReport', ...RANGE }, M1)).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' })
    // a store manager still may not call the brand's report
    expect(await env.admin({ action: 'report', ...RANGE }, MGR)).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' })
  })
})
