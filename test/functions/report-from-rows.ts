/**
 * The reports computed from rows, as `admin.report` did before the rollups (issue 15): the database
 * groups the rows (domain/report-pipelines.ts, domain/report-store.ts, $group) and domain/report.ts
 * builds the sections. The rollup tests compare the functions' answers with this, read by the test itself.
 */
import { buildReport, buildStoreReport, monthsOf, rangeBounds, type DayRange } from '../../domain/report'
import { buyerDaysPipeline, cohortPipeline, joinedByDayPipeline } from '../../domain/report-pipelines'
import { storeCohortPipeline, storeCustomersPipeline, storeJoinedByDayPipeline } from '../../domain/report-store'
import { DEFAULT_TIER_LADDER } from '../../types/tiers'
import type { Env } from './support'

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0)
const strOrNull = (v: unknown) => (typeof v === 'string' && v ? v : null)
const DAY_MS = 86_400_000

async function all(env: Env, collection: string, where: object = {}): Promise<any[]> {
  const out: any[] = []
  for (let offset = 0; ; offset += 1000) {
    const { data } = await env.db.collection(collection).where(where).orderBy('_id', 'asc').skip(offset).limit(1000).get()
    out.push(...data)
    if (data.length < 1000) return out
  }
}

async function pipeline(env: Env, collection: string, stages: Array<Record<string, unknown>>): Promise<any[]> {
  let agg = env.db.collection(collection).aggregate()
  for (const stage of stages) {
    const [op, value] = Object.entries(stage)[0]
    agg = agg[op.slice(1)](value)
  }
  return (await agg.limit(10_000).end()).list
}

const tiers = DEFAULT_TIER_LADDER.tiers.map(t => ({ tierId: t.tierId, name: t.name }))
const joinedRow = (r: any) => ({ day: String(r.day), n: num(r.n) })
const buyerDaysRow = (r: any) => ({ days: num(r.days), buyers: num(r.buyers), purchases: num(r.purchases), salesFen: num(r.salesFen) })
const cohortRow = (r: any) => ({ cohort: String(r.cohort), month: String(r.month), members: num(r.members) })

/** The brand report from rows (every member, purchase, send… read by the test). */
export async function brandReportFromRows(env: Env, range: DayRange, followUpDays: number, now: Date) {
  const { start, end } = rangeBounds(range)
  const inRange = (d: any) => new Date(d) >= start && new Date(d) < end
  const members = (await all(env, 'members')).filter(m => m.status !== 'deleted')
  const snapshot = new Map<string, any>()
  for (const m of members) {
    const k = `${m.stage ?? null}|${m.tierId ?? null}`
    const r = snapshot.get(k) ?? { stage: strOrNull(m.stage), tierId: strOrNull(m.tierId), n: 0, spendFen: 0, buyers: 0, buyerSpendFen: 0, scored: 0, scoredSpendFen: 0, clvFen: 0, risk: 0 }
    const spend = num(m.stats?.spendFen)
    r.n++
    r.spendFen += spend
    if (num(m.stats?.purchases) >= 1) {
      r.buyers++
      r.buyerSpendFen += spend
    }
    if (m.churn?.clvFen != null) {
      r.scored++
      r.scoredSpendFen += spend
      r.clvFen += num(m.churn.clvFen)
      r.risk += num(m.churn.risk)
    }
    snapshot.set(k, r)
  }
  const rows = [...snapshot.values()]
  const coupons = (await all(env, 'coupons')).filter(c => inRange(c.issuedAt))
  const countBy = <T>(list: T[], key: (x: T) => string) => {
    const m = new Map<string, number>()
    for (const x of list) m.set(key(x), (m.get(key(x)) ?? 0) + 1)
    return m
  }
  const ledger = await all(env, 'points_ledger')
  const sends = (await all(env, 'reminders_log')).filter(l => inRange(l.sentAt))
  const sentTo = new Set(sends.filter(s => s.status === 'sent').map(s => s.memberId))
  const purchases = await all(env, 'purchases')
  const checkins = (await all(env, 'checkins')).filter(c => c.day >= range.from && c.day <= range.to)
  return buildReport({
    range,
    now,
    followUpDays,
    tiers,
    stageTier: rows.map(r => ({ stage: r.stage, tierId: r.tierId, n: r.n, spendFen: r.spendFen })),
    buyers: rows.map(r => ({ tierId: r.tierId, n: r.buyers, spendFen: r.buyerSpendFen })),
    scored: rows.map(r => ({ tierId: r.tierId, n: r.scored, spendFen: r.scoredSpendFen, clvFen: r.clvFen, risk: r.risk })),
    joinedByDay: (await pipeline(env, 'members', joinedByDayPipeline(range))).map(joinedRow),
    buyerDays: (await pipeline(env, 'purchases', buyerDaysPipeline(range))).map(buyerDaysRow),
    cohorts: (await pipeline(env, 'purchases', cohortPipeline(range))).map(cohortRow),
    followUps: purchases
      .filter(p => sentTo.has(p.memberId) && new Date(p.createdAt) >= start && new Date(p.createdAt).getTime() <= end.getTime() + followUpDays * DAY_MS)
      .map(p => ({ _id: p._id, memberId: p.memberId, amountFen: num(p.amountFen), refundedFen: num(p.refundedFen), status: p.status, createdAt: new Date(p.createdAt) })),
    templates: (await all(env, 'coupon_templates')).map(t => ({ _id: t._id, name: t.name ?? t._id, type: t.type ?? '', totalStock: typeof t.totalStock === 'number' ? t.totalStock : null })),
    coupons: [...countBy(coupons, c => `${c.templateId}|${c.status}`)].map(([k, n]) => ({ templateId: k.split('|')[0], status: k.split('|')[1], n })),
    lapsed: [
      ...countBy(
        coupons.filter(c => c.status === 'available' && new Date(c.validUntil) <= now),
        c => c.templateId,
      ),
    ].map(([templateId, n]) => ({ templateId, n })),
    checkins: [...countBy(checkins, c => `${c.day}|${c.kind}`)].map(([k, n]) => ({
      day: k.split('|')[0],
      kind: k.split('|')[1],
      n,
      points: checkins.filter(c => `${c.day}|${c.kind}` === k).reduce((s, c) => s + num(c.points), 0),
    })),
    ledger: monthsOf(range).flatMap(m => {
      const rowsIn = ledger.filter(l => new Date(l.createdAt) >= m.start && new Date(l.createdAt) < m.end)
      const by = new Map<string, { month: string; kind: string; sourceType: string; pos: number; neg: number }>()
      for (const l of rowsIn) {
        const k = `${l.kind}|${l.sourceType}`
        const acc = by.get(k) ?? { month: m.month, kind: l.kind, sourceType: l.sourceType, pos: 0, neg: 0 }
        if (l.delta > 0) acc.pos += l.delta
        else acc.neg += l.delta
        by.set(k, acc)
      }
      return [...by.values()]
    }),
    reminders: sends.map(l => ({ _id: l._id, memberId: l.memberId, kind: l.kind, sentAt: new Date(l.sentAt), status: l.status })),
    nps: (await all(env, 'nps_responses')).filter(a => inRange(a.at) && a.dismissed !== true).map(a => ({ storeId: a.storeId, score: a.score, at: new Date(a.at) })),
    stores: (await all(env, 'stores')).map(s => ({ storeId: s._id, name: s.name ?? s._id })),
  })
}

/** One store's report from rows. */
export async function storeReportFromRows(env: Env, range: DayRange, storeId: string, now: Date) {
  const { start, end } = rangeBounds(range)
  const customers = await pipeline(env, 'purchases', storeCustomersPipeline(storeId))
  const offs = (await all(env, 'coupon_writeoffs', { storeId })).filter(w => new Date(w.at) >= start && new Date(w.at) < end && !w.undone)
  const byName = new Map<string, { name: string; n: number; discountFen: number }>()
  for (const w of offs) {
    const acc = byName.get(w.name) ?? { name: w.name, n: 0, discountFen: 0 }
    acc.n++
    acc.discountFen += num(w.discountFen)
    byName.set(w.name, acc)
  }
  const store = (await all(env, 'stores', { _id: storeId }))[0]
  return buildStoreReport({
    range,
    now,
    tiers,
    stageTier: customers.map(r => ({ stage: strOrNull(r.stage), tierId: strOrNull(r.tierId), n: num(r.n), spendFen: num(r.spendFen) })),
    buyers: customers.map(r => ({ tierId: strOrNull(r.tierId), n: num(r.buyers), spendFen: num(r.buyerSpendFen) })),
    joinedByDay: (await pipeline(env, 'purchases', storeJoinedByDayPipeline(range, storeId))).map(joinedRow),
    buyerDays: (await pipeline(env, 'purchases', buyerDaysPipeline(range, { storeId }))).map(buyerDaysRow),
    cohorts: (await pipeline(env, 'purchases', storeCohortPipeline(range, storeId))).map(cohortRow),
    writeOffs: [...byName.values()],
    nps: (await all(env, 'nps_responses', { storeId }))
      .filter(a => new Date(a.at) >= start && new Date(a.at) < end && a.dismissed !== true)
      .map(a => ({ storeId, score: a.score, at: new Date(a.at) })),
    store: { storeId, name: store?.name ?? storeId },
  })
}
