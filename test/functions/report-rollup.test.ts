/**
 * The reports from daily rollups (issue 15): over random rows (several days, two stores and purchases
 * without one, refunds, a late row, a make-up and a write-off on later days) the rollups kept day by day
 * by `rollupReports` equal a fresh full rollup, `admin.report` from them equals the report computed from
 * rows (test/functions/report-from-rows.ts: the former pipelines), in at most 50 database requests, and
 * a store manager's 报表 holds their store's figures only.
 */
import { requestStats } from '../../scripts/bench-emulator'
import { setClock } from '../../scripts/emulator-process'
import { unpackKeys } from '../../domain/report-rollup'
import { addDays } from '../../domain/time'
import { brandReportFromRows, storeReportFromRows } from './report-from-rows'
import { signUp, useEmulator } from './support'

const env = useEmulator()
const DAYS = ['2026-03-01', '2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05', '2026-03-06', '2026-03-07', '2026-03-08']
const RANGE = { from: DAYS[0], to: DAYS[DAYS.length - 1] }
const MANAGER = 'o_rr_manager'
/** Shanghai wall time → Date */
const at = (day: string, hour: number, minute = 0) => new Date(`${day}T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00+08:00`)

/** A small seeded generator (mulberry32): the same rows on every run. */
function rng(seed: number) {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
const rand = rng(15_002)
const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1))
const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]

/** A write that becomes visible on `day` (the day the job first can see it). */
interface Change {
  day: string
  apply: () => Promise<unknown>
}
const changes: Change[] = []
const add = (day: string, collection: string, data: Record<string, unknown>) => changes.push({ day, apply: () => env.db.collection(collection).add({ data }) })

function randomRows(): void {
  const members = Array.from({ length: 30 }, (_x, i) => `o_rr_${i}`)
  for (const [i, id] of members.entries()) {
    const joined = i < 5 ? '2026-01-20' : pick(DAYS)
    const spend = int(0, 3) ? int(1000, 90_000) : 0
    add(joined, 'members', {
      _id: id,
      memberNo: String(7_000_000_000 + i),
      status: i === 3 ? 'deleted' : 'active',
      stage: pick(['new', 'active', 'at_risk', 'lapsed']),
      tierId: pick([null, 'silver', 'gold']),
      points: 0,
      pointBatches: [],
      stats: { purchases: spend ? int(1, 6) : 0, spendFen: spend },
      ...(i % 4 === 0 ? { churn: { risk: rand(), clvFen: int(0, 50_000) } } : {}),
      createdAt: at(joined, int(8, 21), int(0, 59)),
    })
  }
  for (const [k, name] of ['满100减20', '九折券'].entries()) add('2026-02-20', 'coupon_templates', { _id: `rr_t${k}`, name, type: 'threshold', totalStock: k ? null : 100, status: 'active' })
  for (const s of ['st_a', 'st_b']) add('2026-02-20', 'stores', { _id: s, name: `门店 ${s}` })
  for (let i = 0; i < 140; i++) {
    const day = pick(DAYS)
    const amountFen = int(500, 20_000)
    const refund = int(0, 9)
    const storeId = pick(['st_a', 'st_b', 'st_a', null])
    const createdAt = at(day, int(8, 21), int(0, 59))
    const id = `rr_p${i}`
    const data: Record<string, unknown> = { _id: id, memberId: pick(members), amountFen, refundedFen: 0, status: 'completed', createdAt, ...(storeId ? { storeId } : {}) }
    // a late row: written three days after it happened (the job has rolled its day up already)
    const visible = i === 7 ? addDays(day, 3) : day
    add(visible, 'purchases', data)
    if (refund <= 1) {
      // refunded in full (0) or in part (1), later in the range or the same day
      const refundDay = [day, ...DAYS.filter(d => d > day)][int(0, 3)] ?? day
      const refundedFen = refund === 0 ? amountFen : Math.floor(amountFen / 2)
      changes.push({
        day: refundDay > visible ? refundDay : visible,
        apply: async () => {
          await env.db
            .collection('purchases')
            .doc(id)
            .update({ data: { refundedFen, status: refund === 0 ? 'refunded' : 'partially_refunded' } })
          await env.db
            .collection('refunds')
            .add({ data: { _id: `rr_r${i}`, purchaseId: id, memberId: data.memberId, amountFen: refundedFen, createdAt: at(refundDay, 22), ...(storeId ? { storeId } : {}) } })
        },
      })
    }
  }
  for (let i = 0; i < 40; i++) {
    const day = pick(DAYS)
    add(day, 'checkins', { _id: `rr_c${i}`, memberId: pick(members), day, kind: 'checkin', points: int(1, 20), createdAt: at(day, int(7, 22)) })
  }
  // a make-up done on the 7th fills the 3rd
  add(DAYS[6], 'checkins', { _id: 'rr_makeup', memberId: members[9], day: DAYS[2], kind: 'makeup', points: 0, createdAt: at(DAYS[6], 9) })
  for (let i = 0; i < 60; i++) {
    const day = pick(DAYS)
    const kind = pick(['earn', 'spend', 'adjust', 'expire', 'reverse'])
    const delta = kind === 'earn' ? int(1, 300) : kind === 'adjust' ? int(-50, 50) || 1 : -int(1, 300)
    add(day, 'points_ledger', { _id: `rr_l${i}`, memberId: `x_ledger_${i % 7}`, kind, sourceType: pick(['purchase', 'checkin', 'admin', 'exchange']), delta, createdAt: at(day, int(7, 22)) })
  }
  const issued: Array<{ id: string; day: string }> = []
  for (let i = 0; i < 30; i++) {
    const day = pick(DAYS)
    const status = pick(['available', 'available', 'used', 'expired'])
    issued.push({ id: `rr_cp${i}`, day })
    add(day, 'coupons', {
      _id: `rr_cp${i}`,
      templateId: pick(['rr_t0', 'rr_t1']),
      memberId: pick(members),
      status,
      issuedAt: at(day, int(8, 20)),
      validUntil: at(addDays(day, pick([1, 3, 30])), 0),
    })
  }
  // a write-off on the 7th of a coupon issued earlier: the coupon's issue day is rolled up again
  const used = issued.find(c => c.day < DAYS[5]) ?? issued[0]
  changes.push({
    day: DAYS[6],
    apply: async () => {
      await env.db
        .collection('coupons')
        .doc(used.id)
        .update({ data: { status: 'used', usedAt: at(DAYS[6], 11) } })
      await env.db.collection('coupon_writeoffs').add({ data: { _id: 'rr_wo_late', couponId: used.id, storeId: 'st_a', name: '满100减20', discountFen: 2000, at: at(DAYS[6], 11), undone: null } })
    },
  })
  for (let i = 0; i < 10; i++) {
    const day = pick(DAYS)
    add(day, 'coupon_writeoffs', {
      _id: `rr_wo${i}`,
      couponId: `none_${i}`,
      storeId: pick(['st_a', 'st_b']),
      name: pick(['满100减20', '九折券']),
      discountFen: int(100, 3000),
      at: at(day, int(9, 20)),
      undone: i === 2 ? { at: at(day, 21) } : null,
    })
  }
  for (let i = 0; i < 24; i++) {
    const day = pick(DAYS)
    add(day, 'reminders_log', {
      _id: `rr_s${i}`,
      memberId: pick(members.slice(0, 12)),
      kind: pick(['win_back', 'birthday', 'coupon_expiring']),
      sentAt: at(day, int(9, 20), int(0, 59)),
      status: pick(['sent', 'sent', 'failed']),
    })
  }
  for (let i = 0; i < 16; i++) {
    const day = pick(DAYS)
    add(day, 'nps_responses', { _id: `rr_n${i}`, memberId: pick(members), storeId: pick(['st_a', 'st_b']), score: int(0, 10), dismissed: i % 5 === 0, at: at(day, int(9, 21)) })
  }
}

async function ok(res: Promise<any>) {
  const r = await res
  if (!r.ok) throw new Error(JSON.stringify(r))
  return r.data
}

/** rollupReports until it has nothing left (at the pinned clock). */
async function rollUpAll(): Promise<string[]> {
  const days: string[] = []
  for (let i = 0; i < 40; i++) {
    const step = await ok(env.admin({ action: 'rollupReports' }))
    days.push(...step.days)
    if (!step.more) return days
  }
  throw new Error('rollupReports did not finish in 40 calls')
}

async function storedRollups(): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {}
  for (let offset = 0; ; offset += 1000) {
    const { data } = await env.db.collection('report_daily').where({ kind: 'day' }).orderBy('_id', 'asc').skip(offset).limit(1000).get()
    for (const { computedAt: _c, ...d } of data) out[d._id] = normalize(d)
    if (data.length < 1000) return out
  }
}
/** Lists whose order carries no meaning (sets of member keys, groups), sorted for comparison. */
function normalize(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normalize).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))
  if (v && typeof v === 'object' && !(v instanceof Date)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalize(x)]))
  return v
}

const NOW = at('2026-03-09', 12)
let incremental: Record<string, unknown>
const rolledDays: string[][] = []

beforeAll(async () => {
  randomRows()
  // the manager signs up now (outside the range) and is appointed to st_a
  await signUp(env, MANAGER)
  try {
    // day by day: what became visible on the day before, then the nightly step at 03:30
    const applied = new Set<Change>()
    for (const today of [...DAYS.slice(1), '2026-03-09']) {
      for (const c of changes) {
        if (applied.has(c) || c.day >= today) continue
        await c.apply()
        applied.add(c)
      }
      await setClock(env.emu, at(today, 3, 30).toISOString())
      rolledDays.push(await rollUpAll())
    }
    for (const c of changes) if (!applied.has(c)) await c.apply()
    incremental = await storedRollups()
    await setClock(env.emu, NOW.toISOString())
    await ok(env.admin({ action: 'upsertStore', storeId: 'st_a', name: '门店 st_a' }))
    await ok(env.admin({ action: 'appointManager', openid: MANAGER, storeId: 'st_a', name: '店长' }))
  } finally {
    await setClock(env.emu, NOW.toISOString())
  }
}, 300_000)

test('every night rolls up the new day and the two before it again; late rows, refunds, make-ups and write-offs are picked up', () => {
  // the first night starts from the first member's day; later nights: yesterday and the 2 days before
  expect(rolledDays[0]).toContain(DAYS[0])
  for (const [k, days] of rolledDays.slice(1).entries()) {
    const yesterday = DAYS[k + 1]
    expect(days).toEqual(expect.arrayContaining([addDays(yesterday, -2), addDays(yesterday, -1), yesterday].filter(d => d >= DAYS[0])))
  }
  // the refund, make-up and write-off on the 7th mark earlier days dirty: they are rolled up that night
  expect(rolledDays[6].some(d => d < addDays(DAYS[6], -2))).toBe(true)
})

test('rollups kept day by day equal a fresh full rollup', async () => {
  const { data } = await env.db.collection('report_daily').where({ kind: 'day' }).limit(1000).get()
  expect(data.length).toBeGreaterThan(DAYS.length)
  await env.db
    .collection('report_daily')
    .where({ kind: env._.in(['day', 'snapshot']) })
    .remove()
  await env.db.collection('jobs').doc('report_rollup').remove()
  await rollUpAll()
  expect(await storedRollups()).toEqual(incremental)
})

test('admin.report from the rollups equals the report computed from rows, in at most 50 requests', async () => {
  await rollUpAll() // the snapshot of today
  for (const followUpDays of [7, 2]) {
    await requestStats(env.emu, 'DELETE')
    const answer = await ok(env.admin({ action: 'report', ...RANGE, followUpDays }))
    const { requests } = await requestStats(env.emu)
    const db = Object.entries(requests)
      .filter(([k]) => k.startsWith('database.'))
      .reduce((s, [, v]) => s + v, 0)
    expect(db).toBeLessThanOrEqual(50)
    const { rollups, ...report } = answer
    expect(rollups.missingDays).toEqual([])
    expect(rollups.snapshotAt).not.toBeNull()
    const expected = JSON.parse(JSON.stringify(await brandReportFromRows(env, RANGE, followUpDays, NOW)))
    expect(report).toEqual(expected)
    // the data is not trivial: every section has figures
    expect(report.repurchase.purchases).toBeGreaterThan(50)
    expect(report.repurchase.repeatBuyers).toBeGreaterThan(0)
    expect(report.reminders.total.sent).toBeGreaterThan(0)
    expect(report.cohorts.rows.some((r: any) => r.size > 0)).toBe(true)
  }
})

test('rollups stored before the member keys were packed (arrays of base-36 keys) give the same report', async () => {
  const packed = await ok(env.admin({ action: 'report', ...RANGE }))
  const { data } = await env.db.collection('report_daily').where({ kind: 'day' }).limit(1000).get()
  const stores = data.filter((d: any) => d.storeId !== '*')
  expect(stores.every((d: any) => typeof d.buyers === 'string' && typeof d.visitors === 'string')).toBe(true)
  expect(stores.some((d: any) => d.buyers.length > 0)).toBe(true)
  const legacy = (list: unknown) => unpackKeys(list).map(k => k.toString(36))
  const legacyKey = <T extends { key: number }>(x: T) => ({ ...x, key: x.key.toString(36) })
  for (const { _id, ...d } of data as any[]) {
    const old =
      d.storeId === '*' ? { ...d, joined: legacy(d.joined), sends: d.sends.map(legacyKey), followUps: d.followUps.map(legacyKey) } : { ...d, buyers: legacy(d.buyers), visitors: legacy(d.visitors) }
    await env.db.collection('report_daily').doc(_id).set({ data: old })
  }
  expect(await ok(env.admin({ action: 'report', ...RANGE }))).toEqual(packed)
  const days = data.map((d: any) => String(d.day)).sort()
  await ok(env.admin({ action: 'rollupReports', from: days[0], to: days[days.length - 1] }))
  expect(await storedRollups()).toEqual(incremental)
})

test('a range with a part not rolled up reads those days from rows (few rows)', async () => {
  await env.db.collection('report_daily').doc(`${DAYS[4]}|*`).remove()
  const answer = await ok(env.admin({ action: 'report', ...RANGE }))
  expect(answer.rollups.computedDays).toContain(DAYS[4])
  const { rollups: _r, ...report } = answer
  expect(report).toEqual(JSON.parse(JSON.stringify(await brandReportFromRows(env, RANGE, 7, NOW))))
  await ok(env.admin({ action: 'rollupReports', from: DAYS[4], to: DAYS[4] }))
})

test("a store manager's 报表 holds their store's figures only", async () => {
  const answer = await ok(env.admin({ action: 'consoleReport', ...RANGE }, MANAGER))
  expect(answer.scope).toEqual({ kind: 'store', storeId: 'st_a', storeName: '门店 st_a' })
  const { rollups: _r, ...report } = answer.report
  const expected = JSON.parse(JSON.stringify(await storeReportFromRows(env, RANGE, 'st_a', NOW)))
  expect(report).toEqual(expected)
  const brand = await ok(env.admin({ action: 'report', ...RANGE }))
  expect(report.repurchase.purchases).toBeLessThan(brand.repurchase.purchases)
  expect(report.coupons.redeemed).toBeGreaterThan(0)
})

test('history imported later marks its past day stale: the next step redoes that day and the report counts the order', async () => {
  const member = await signUp(env, 'o_rr_history')
  const before = await ok(env.admin({ action: 'report', ...RANGE }))
  const order = {
    orderId: 'RR-H1',
    createdAt: `${DAYS[2]}T15:00:00+08:00`,
    storeId: 'st_a',
    member: { memberNo: member.memberNo },
    amountFen: 12_300,
    lines: [{ sku: 'rr-tea', title: '乌龙', category: 'tea', quantity: 1, priceFen: 12_300 }],
  }
  expect(await ok(env.admin({ action: 'importOrders', batchId: 'rr-history', source: 'history', orders: [order] }))).toMatchObject({ imported: 1 })
  expect((await env.db.collection('jobs').doc('report_rollup').get()).data.stale).toEqual([DAYS[2]])

  expect(await rollUpAll()).toContain(DAYS[2])
  expect((await env.db.collection('jobs').doc('report_rollup').get()).data.stale).toEqual([])
  const after = await ok(env.admin({ action: 'report', ...RANGE }))
  expect(after.repurchase.purchases).toBe(before.repurchase.purchases + 1)
  // the day sections agree with the rows; stage × tier and LTV come from today's member snapshot, taken before this member joined
  const { rollups: _r, stageTier: _s, ltv: _l, ...report } = after
  const { stageTier: _es, ltv: _el, ...expected } = JSON.parse(JSON.stringify(await brandReportFromRows(env, RANGE, 7, NOW)))
  expect(report).toEqual(expected)
})
