/**
 * `admin.report { from, to, followUpDays? }`: reads what the range needs and hands it to
 * domain/report.ts. Large collections are grouped by the database (aggregate: the member snapshot in
 * one pass, new members per day, buyers by purchase days and retention cohorts from
 * domain/report-pipelines.ts, coupons, check-ins, the points ledger), so the function receives a
 * few hundred rows whatever the brand's size; the rest is read page by page by `_id` with only the
 * fields the report uses (reminder sends, then only their members' purchases; NPS answers, templates).
 * `admin.consoleReport` (the console's 报表) answers the same report with its charts, or for a store
 * manager the sections that can be scoped to their store (loadStoreReport; console-report.ts).
 */
import type { AdminActions } from './actions'
import type { ConsoleReport, ReportResult, StoreReport } from '../../types/report'
import { AppError } from '../../types/result'
import {
  buildReport,
  buildStoreReport,
  monthsOf,
  rangeBounds,
  type BuyerRow,
  type DayRange,
  type CheckinCountRow,
  type CouponCountRow,
  type LedgerSumRow,
  type PurchaseRow,
  type ReminderLogRow,
  type ScoredRow,
  type StageTierRow,
  type TemplateRow,
} from '../../domain/report'
import { buyerDaysPipeline, cohortPipeline, joinedByDayPipeline, type Stage } from '../../domain/report-pipelines'
import { storeCohortPipeline, storeCustomersPipeline, storeJoinedByDayPipeline } from '../../domain/report-store'
import { requireOperator } from '../shared/access'
import { db, _ } from '../shared/cloud'
import { findById, PAGE, readAll } from '../shared/query'
import { loadRules, TIER_LADDER } from '../shared/rules'
import type { Doc } from '../shared/sdk-types'
import { brandConsoleReport, storeConsoleReport } from './console-report'

const DAY_MS = 86_400_000
/** Range reads are split into chunks of this length, read in parallel. */
const CHUNK_MS = 31 * DAY_MS
/** CloudBase answers 20 aggregate rows unless told otherwise; every group here is far smaller than this. */
const AGG_LIMIT = 10_000
/** At most this many documents of one kind per report (reminder sends, NPS answers, their members' purchases). */
const MAX_DOCS = 200_000
/** Members per `_.in` query when reading the purchases of the members a reminder went to; queries in flight at once. */
const IN_CHUNK = 100
const IN_PARALLEL = 5

/** Every doc matching `where`, in `_id` order, a page at a time after the last `_id` seen (no growing skip). */
export async function readByIdPages(collection: string, where: Record<string, unknown>, fields: Record<string, true>): Promise<Doc[]> {
  const out: Doc[] = []
  let last: string | null = null
  for (;;) {
    const cond: Record<string, unknown> = last === null ? where : { ...where, _id: _.gt(last) }
    const { data } = await db
      .collection(collection)
      .where(cond)
      .orderBy('_id', 'asc')
      .limit(PAGE)
      .field({ _id: true, ...fields })
      .get()
    out.push(...data)
    if (data.length < PAGE) return out
    if (out.length >= MAX_DOCS) throw new AppError('FAILED_PRECONDITION', `日期范围内的 ${collection} 超过 ${MAX_DOCS} 条，请缩短日期范围分段查看`)
    last = String(data[data.length - 1]._id)
  }
}

/** Docs whose `field` falls in [start, end), read one month of it at a time in parallel (within the function's time limit). */
async function readInRange(collection: string, field: string, start: Date, end: Date, fields: Record<string, true>): Promise<Doc[]> {
  const chunks: Array<[Date, Date]> = []
  for (let a = start; a < end;) {
    const b = new Date(Math.min(a.getTime() + CHUNK_MS, end.getTime()))
    chunks.push([a, b])
    a = b
  }
  const parts = await Promise.all(chunks.map(([a, b]) => readByIdPages(collection, { [field]: _.gte(a).and(_.lt(b)) }, fields)))
  const all = parts.flat()
  if (all.length > MAX_DOCS) throw new AppError('FAILED_PRECONDITION', `日期范围内的 ${collection} 超过 ${MAX_DOCS} 条，请缩短日期范围分段查看`)
  return all
}

export async function grouped(collection: string, match: Record<string, unknown>, group: Record<string, unknown>): Promise<Doc[]> {
  const { list } = await db.collection(collection).aggregate().match(match).group(group).limit(AGG_LIMIT).end()
  return list as Doc[]
}

/** A plain pipeline (domain/report-pipelines.ts) sent stage by stage through the SDK's aggregate(). */
export async function pipeline(collection: string, stages: Stage[]): Promise<Doc[]> {
  let agg = db.collection(collection).aggregate()
  for (const stage of stages) {
    const [op, value] = Object.entries(stage)[0]
    agg = agg[op.slice(1)](value)
  }
  const { list } = await agg.limit(AGG_LIMIT).end()
  return list as Doc[]
}

/**
 * The purchases that can follow a reminder: those of the members it was sent to, after their first
 * send in the range and up to `followUpDays` after their last (index memberId_createdAt).
 */
async function followUpPurchases(sends: Doc[], windowMs: number): Promise<Doc[]> {
  const span = new Map<string, [number, number]>() // member → first and last send
  for (const s of sends) {
    if (s.status !== 'sent') continue
    const at = new Date(s.sentAt).getTime()
    const [a, b] = span.get(String(s.memberId)) ?? [at, at]
    span.set(String(s.memberId), [Math.min(a, at), Math.max(b, at)])
  }
  const ids = [...span.keys()]
  const chunks = Array.from({ length: Math.ceil(ids.length / IN_CHUNK) }, (_x, k) => ids.slice(k * IN_CHUNK, (k + 1) * IN_CHUNK))
  const read = (chunk: string[]) => {
    const from = new Date(Math.min(...chunk.map(id => span.get(id)![0])))
    const to = new Date(Math.max(...chunk.map(id => span.get(id)![1])) + windowMs)
    return readByIdPages('purchases', { memberId: _.in(chunk), createdAt: _.gt(from).and(_.lte(to)) }, { memberId: true, amountFen: true, refundedFen: true, status: true, createdAt: true })
  }
  const out: Doc[] = []
  for (let i = 0; i < chunks.length; i += IN_PARALLEL) out.push(...(await Promise.all(chunks.slice(i, i + IN_PARALLEL).map(read))).flat())
  return out
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0)
const strOrNull = (v: unknown) => (typeof v === 'string' && v ? v : null)
const joinedRow = (r: Doc) => ({ day: String(r.day), n: num(r.n) })
const buyerDaysRow = (r: Doc) => ({ days: num(r.days), buyers: num(r.buyers), purchases: num(r.purchases), salesFen: num(r.salesFen) })
const cohortRow = (r: Doc) => ({ cohort: String(r.cohort), month: String(r.month), members: num(r.members) })
const npsRow = (r: Doc) => ({ storeId: String(r.storeId), score: num(r.score), at: new Date(r.at) })

/** The brand's whole report for Shanghai days `range` (what `admin.report` answers). */
export async function loadBrandReport(range: DayRange, followUpDays: number, now: Date): Promise<ReportResult> {
  const { start, end } = rangeBounds(range)
  const inRange = () => _.gte(start).and(_.lt(end))
  const $ = _.aggregate
  const notDeleted = { status: _.neq('deleted') }
  const isBuyer = $.gte(['$stats.purchases', 1])
  const isScored = $.neq([$.ifNull(['$churn.clvFen', null]), null])

  const [{ rules: ladder }, snapshot, joinedByDay, buyerDays, cohorts, templates, coupons, lapsed, checkins, ledger, reminders, nps, stores] = await Promise.all([
    loadRules(TIER_LADDER),
    // one pass over the members: per stage × tier, everyone, the buyers and the scored (churn.clvFen is a number when present)
    grouped('members', notDeleted, {
      _id: { stage: '$stage', tierId: '$tierId' },
      n: $.sum(1),
      spendFen: $.sum('$stats.spendFen'),
      buyers: $.sum($.cond({ if: isBuyer, then: 1, else: 0 })),
      buyerSpendFen: $.sum($.cond({ if: isBuyer, then: '$stats.spendFen', else: 0 })),
      scored: $.sum($.cond({ if: isScored, then: 1, else: 0 })),
      scoredSpendFen: $.sum($.cond({ if: isScored, then: '$stats.spendFen', else: 0 })),
      clvFen: $.sum($.cond({ if: isScored, then: '$churn.clvFen', else: 0 })),
      risk: $.sum($.cond({ if: isScored, then: '$churn.risk', else: 0 })),
    }),
    pipeline('members', joinedByDayPipeline(range)),
    pipeline('purchases', buyerDaysPipeline(range)),
    pipeline('purchases', cohortPipeline(range)),
    readAll(db.collection('coupon_templates').orderBy('_id', 'asc').field({ _id: true, name: true, type: true, totalStock: true })),
    grouped('coupons', { issuedAt: inRange() }, { _id: { templateId: '$templateId', status: '$status' }, n: $.sum(1) }),
    grouped('coupons', { issuedAt: inRange(), status: 'available', validUntil: _.lte(now) }, { _id: '$templateId', n: $.sum(1) }),
    grouped('checkins', { day: _.gte(range.from).and(_.lte(range.to)) }, { _id: { day: '$day', kind: '$kind' }, n: $.sum(1), points: $.sum('$points') }),
    Promise.all(
      monthsOf(range).map(async m => {
        const rows = await grouped(
          'points_ledger',
          { createdAt: _.gte(m.start).and(_.lt(m.end)) },
          {
            _id: { kind: '$kind', sourceType: '$sourceType' },
            pos: $.sum($.cond({ if: $.gt(['$delta', 0]), then: '$delta', else: 0 })),
            neg: $.sum($.cond({ if: $.lt(['$delta', 0]), then: '$delta', else: 0 })),
          },
        )
        return rows.map((r): LedgerSumRow => ({ month: m.month, kind: String(r._id?.kind ?? ''), sourceType: String(r._id?.sourceType ?? ''), pos: num(r.pos), neg: num(r.neg) }))
      }),
    ),
    readInRange('reminders_log', 'sentAt', start, end, { memberId: true, kind: true, sentAt: true, status: true }),
    readInRange('nps_responses', 'at', start, end, { storeId: true, score: true, at: true, dismissed: true }),
    readAll(db.collection('stores').orderBy('_id', 'asc').field({ _id: true, name: true })),
  ])
  const followUps = await followUpPurchases(reminders, followUpDays * DAY_MS)
  const tierIdOf = (r: Doc) => strOrNull(r._id?.tierId)

  return buildReport({
    range,
    now,
    followUpDays,
    tiers: ladder.tiers.map(t => ({ tierId: t.tierId, name: t.name })),
    stageTier: snapshot.map((r): StageTierRow => ({ stage: strOrNull(r._id?.stage), tierId: tierIdOf(r), n: num(r.n), spendFen: num(r.spendFen) })),
    buyers: snapshot.map((r): BuyerRow => ({ tierId: tierIdOf(r), n: num(r.buyers), spendFen: num(r.buyerSpendFen) })),
    scored: snapshot.map((r): ScoredRow => ({ tierId: tierIdOf(r), n: num(r.scored), spendFen: num(r.scoredSpendFen), clvFen: num(r.clvFen), risk: num(r.risk) })),
    joinedByDay: joinedByDay.map(joinedRow),
    buyerDays: buyerDays.map(buyerDaysRow),
    cohorts: cohorts.map(cohortRow),
    followUps: followUps.map((p): PurchaseRow => ({
      _id: String(p._id),
      memberId: String(p.memberId),
      amountFen: num(p.amountFen),
      refundedFen: num(p.refundedFen),
      status: String(p.status ?? ''),
      createdAt: new Date(p.createdAt),
    })),
    templates: templates.map((t): TemplateRow => ({
      _id: String(t._id),
      name: String(t.name ?? t._id),
      type: String(t.type ?? ''),
      totalStock: typeof t.totalStock === 'number' ? t.totalStock : null,
    })),
    coupons: coupons.map((r): CouponCountRow => ({ templateId: String(r._id?.templateId ?? ''), status: String(r._id?.status ?? ''), n: num(r.n) })),
    lapsed: lapsed.map(r => ({ templateId: String(r._id ?? ''), n: num(r.n) })),
    checkins: checkins.map((r): CheckinCountRow => ({ day: String(r._id?.day ?? ''), kind: String(r._id?.kind ?? ''), n: num(r.n), points: num(r.points) })),
    ledger: ledger.flat(),
    reminders: reminders.map((l): ReminderLogRow => ({ _id: String(l._id), memberId: String(l.memberId), kind: String(l.kind), sentAt: new Date(l.sentAt), status: String(l.status) })),
    nps: nps.filter(r => r.dismissed !== true).map(npsRow),
    stores: stores.map(s => ({ storeId: String(s._id), name: String(s.name ?? s._id) })),
  })
}

/**
 * One store's subset (a store manager's 报表): every read is filtered by the store — its purchases
 * (grouped by the database, domain/report-store.ts and buyerDaysPipeline), the write-offs at its
 * till, the NPS answers about it — so no other store's figure is ever read into the answer.
 */
export async function loadStoreReport(range: DayRange, storeId: string, now: Date): Promise<{ report: StoreReport; storeName: string }> {
  const { start, end } = rangeBounds(range)
  const $ = _.aggregate
  const [store, { rules: ladder }, customers, joinedByDay, buyerDays, cohorts, writeOffs, nps] = await Promise.all([
    findById(db.collection('stores'), storeId),
    loadRules(TIER_LADDER),
    pipeline('purchases', storeCustomersPipeline(storeId)),
    pipeline('purchases', storeJoinedByDayPipeline(range, storeId)),
    pipeline('purchases', buyerDaysPipeline(range, { storeId })),
    pipeline('purchases', storeCohortPipeline(range, storeId)),
    // write-offs not undone (index storeId_at)
    grouped('coupon_writeoffs', { storeId, at: _.gte(start).and(_.lt(end)), undone: null }, { _id: '$name', n: $.sum(1), discountFen: $.sum('$discountFen') }),
    readByIdPages('nps_responses', { storeId, at: _.gte(start).and(_.lt(end)) }, { storeId: true, score: true, at: true, dismissed: true }),
  ])
  const storeName = String(store?.name ?? storeId)
  const tierIdOf = (r: Doc) => strOrNull(r.tierId)
  const report = buildStoreReport({
    range,
    now,
    tiers: ladder.tiers.map(t => ({ tierId: t.tierId, name: t.name })),
    stageTier: customers.map((r): StageTierRow => ({ stage: strOrNull(r.stage), tierId: tierIdOf(r), n: num(r.n), spendFen: num(r.spendFen) })),
    buyers: customers.map((r): BuyerRow => ({ tierId: tierIdOf(r), n: num(r.buyers), spendFen: num(r.buyerSpendFen) })),
    joinedByDay: joinedByDay.map(joinedRow),
    buyerDays: buyerDays.map(buyerDaysRow),
    cohorts: cohorts.map(cohortRow),
    writeOffs: writeOffs.map(r => ({ name: String(r._id ?? ''), n: num(r.n), discountFen: num(r.discountFen) })),
    nps: nps.filter(r => r.dismissed !== true).map(npsRow),
    store: { storeId, name: storeName },
  })
  return { report, storeName }
}

export const adminReportActions: Pick<AdminActions, 'report' | 'consoleReport'> = {
  async report(event, ctx) {
    return loadBrandReport({ from: event.from, to: event.to }, event.followUpDays, ctx.now)
  },

  /** 报表: the brand's report, or a store manager's store subset; the charts drawn here (console-report.ts). */
  async consoleReport(event, ctx): Promise<ConsoleReport> {
    const scope = await requireOperator(ctx)
    const range = { from: event.from, to: event.to }
    if (scope.kind === 'brand') return brandConsoleReport(await loadBrandReport(range, event.followUpDays, ctx.now), event.followUpDays)
    const { report, storeName } = await loadStoreReport(range, scope.storeId, ctx.now)
    return storeConsoleReport(report, { storeId: scope.storeId, storeName }, event.followUpDays)
  },
}
