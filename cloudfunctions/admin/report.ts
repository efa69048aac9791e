/**
 * `admin.report { from, to, followUpDays? }`: reads what the range needs and hands it to
 * domain/report.ts. Large collections are grouped by the database (aggregate: the member snapshot,
 * coupons, check-ins, the points ledger); the rest is read page by page by `_id` with only the
 * fields the report uses (members who joined, purchases, reminder sends, templates).
 */
import type { AdminEvent } from '../../types/admin'
import { AppError } from '../../types/result'
import {
  buildReport,
  monthsOf,
  rangeBounds,
  type BuyerRow,
  type CheckinCountRow,
  type CouponCountRow,
  type JoinedMember,
  type LedgerSumRow,
  type PurchaseRow,
  type ReminderLogRow,
  type ScoredRow,
  type StageTierRow,
  type TemplateRow,
} from '../../domain/report'
import { requireAdmin } from '../shared/access'
import { db, _ } from '../shared/cloud'
import type { Actions } from '../shared/handler'
import { PAGE, readAll } from '../shared/query'
import { loadRules, TIER_LADDER } from '../shared/rules'
import type { Doc } from '../shared/sdk-types'

const DAY_MS = 86_400_000
/** Range reads are split into chunks of this length, read in parallel. */
const CHUNK_MS = 31 * DAY_MS
/** CloudBase answers 20 aggregate rows unless told otherwise; every group here is far smaller than this. */
const AGG_LIMIT = 10_000
/** At most this many documents of one kind per report (purchases, joined members, reminder sends). */
const MAX_DOCS = 200_000

/** Every doc matching `where`, in `_id` order, a page at a time after the last `_id` seen (no growing skip). */
async function readByIdPages(collection: string, where: Record<string, unknown>, fields: Record<string, true>): Promise<Doc[]> {
  const out: Doc[] = []
  let last: string | null = null
  for (;;) {
    const cond: Record<string, unknown> = last === null ? where : { ...where, _id: _.gt(last) }
    const { data } = await db.collection(collection).where(cond).orderBy('_id', 'asc').limit(PAGE).field({ _id: true, ...fields }).get()
    out.push(...data)
    if (data.length < PAGE) return out
    if (out.length >= MAX_DOCS) throw new AppError('FAILED_PRECONDITION', `日期范围内的 ${collection} 超过 ${MAX_DOCS} 条，请缩短日期范围分段查看`)
    last = String(data[data.length - 1]._id)
  }
}

/** Docs whose `field` falls in [start, end), read one month of it at a time in parallel (within the function's time limit). */
async function readInRange(collection: string, field: string, start: Date, end: Date, fields: Record<string, true>): Promise<Doc[]> {
  const chunks: Array<[Date, Date]> = []
  for (let a = start; a < end; ) {
    const b = new Date(Math.min(a.getTime() + CHUNK_MS, end.getTime()))
    chunks.push([a, b])
    a = b
  }
  const parts = await Promise.all(chunks.map(([a, b]) => readByIdPages(collection, { [field]: _.gte(a).and(_.lt(b)) }, fields)))
  const all = parts.flat()
  if (all.length > MAX_DOCS) throw new AppError('FAILED_PRECONDITION', `日期范围内的 ${collection} 超过 ${MAX_DOCS} 条，请缩短日期范围分段查看`)
  return all
}

async function grouped(collection: string, match: Record<string, unknown>, group: Record<string, unknown>): Promise<Doc[]> {
  const { list } = await db.collection(collection).aggregate().match(match).group(group).limit(AGG_LIMIT).end()
  return list as Doc[]
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0)
const strOrNull = (v: unknown) => (typeof v === 'string' && v ? v : null)

export const adminReportActions: Pick<Actions<AdminEvent>, 'report'> = {
  async report(event, ctx) {
    await requireAdmin(ctx)
    const range = { from: event.from, to: event.to }
    const { start, end } = rangeBounds(range)
    const inRange = () => _.gte(start).and(_.lt(end))
    const followEnd = new Date(end.getTime() + event.followUpDays * DAY_MS)
    const $ = _.aggregate
    const notDeleted = { status: _.neq('deleted') }
    const byTier = (extra: Record<string, unknown>) => ({ _id: '$tierId', n: $.sum(1), ...extra })

    const [{ rules: ladder }, stageTier, buyers, scored, joined, purchases, templates, coupons, lapsed, checkins, ledger, reminders, nps, stores] = await Promise.all([
      loadRules(TIER_LADDER),
      grouped('members', notDeleted, { _id: { stage: '$stage', tierId: '$tierId' }, n: $.sum(1), spendFen: $.sum('$stats.spendFen') }),
      grouped('members', { ...notDeleted, 'stats.purchases': _.gte(1) }, byTier({ spendFen: $.sum('$stats.spendFen') })),
      grouped('members', { ...notDeleted, 'churn.clvFen': _.exists(true) }, byTier({ spendFen: $.sum('$stats.spendFen'), clvFen: $.sum('$churn.clvFen'), risk: $.sum('$churn.risk') })),
      readInRange('members', 'createdAt', start, end, { createdAt: true }),
      readInRange('purchases', 'createdAt', start, followEnd, { memberId: true, amountFen: true, refundedFen: true, status: true, createdAt: true }),
      readAll(db.collection('coupon_templates').orderBy('_id', 'asc').field({ _id: true, name: true, type: true, totalStock: true })),
      grouped('coupons', { issuedAt: inRange() }, { _id: { templateId: '$templateId', status: '$status' }, n: $.sum(1) }),
      grouped('coupons', { issuedAt: inRange(), status: 'available', validUntil: _.lte(ctx.now) }, { _id: '$templateId', n: $.sum(1) }),
      grouped('checkins', { day: _.gte(event.from).and(_.lte(event.to)) }, { _id: { day: '$day', kind: '$kind' }, n: $.sum(1), points: $.sum('$points') }),
      Promise.all(
        monthsOf(range).map(async m => {
          const rows = await grouped('points_ledger', { createdAt: _.gte(m.start).and(_.lt(m.end)) }, {
            _id: { kind: '$kind', sourceType: '$sourceType' },
            pos: $.sum($.cond({ if: $.gt(['$delta', 0]), then: '$delta', else: 0 })),
            neg: $.sum($.cond({ if: $.lt(['$delta', 0]), then: '$delta', else: 0 })),
          })
          return rows.map((r): LedgerSumRow => ({ month: m.month, kind: String(r._id?.kind ?? ''), sourceType: String(r._id?.sourceType ?? ''), pos: num(r.pos), neg: num(r.neg) }))
        }),
      ),
      readInRange('reminders_log', 'sentAt', start, end, { memberId: true, kind: true, sentAt: true, status: true }),
      readInRange('nps_responses', 'at', start, end, { storeId: true, score: true, at: true, dismissed: true }),
      readAll(db.collection('stores').orderBy('_id', 'asc').field({ _id: true, name: true })),
    ])

    return buildReport({
      range,
      now: ctx.now,
      followUpDays: event.followUpDays,
      tiers: ladder.tiers.map(t => ({ tierId: t.tierId, name: t.name })),
      stageTier: stageTier.map((r): StageTierRow => ({ stage: strOrNull(r._id?.stage), tierId: strOrNull(r._id?.tierId), n: num(r.n), spendFen: num(r.spendFen) })),
      buyers: buyers.map((r): BuyerRow => ({ tierId: strOrNull(r._id), n: num(r.n), spendFen: num(r.spendFen) })),
      scored: scored.map((r): ScoredRow => ({ tierId: strOrNull(r._id), n: num(r.n), spendFen: num(r.spendFen), clvFen: num(r.clvFen), risk: num(r.risk) })),
      joined: joined.map((m): JoinedMember => ({ _id: String(m._id), createdAt: new Date(m.createdAt) })),
      purchases: purchases.map((p): PurchaseRow => ({ _id: String(p._id), memberId: String(p.memberId), amountFen: num(p.amountFen), refundedFen: num(p.refundedFen), status: String(p.status ?? ''), createdAt: new Date(p.createdAt) })),
      templates: templates.map((t): TemplateRow => ({ _id: String(t._id), name: String(t.name ?? t._id), type: String(t.type ?? ''), totalStock: typeof t.totalStock === 'number' ? t.totalStock : null })),
      coupons: coupons.map((r): CouponCountRow => ({ templateId: String(r._id?.templateId ?? ''), status: String(r._id?.status ?? ''), n: num(r.n) })),
      lapsed: lapsed.map(r => ({ templateId: String(r._id ?? ''), n: num(r.n) })),
      checkins: checkins.map((r): CheckinCountRow => ({ day: String(r._id?.day ?? ''), kind: String(r._id?.kind ?? ''), n: num(r.n), points: num(r.points) })),
      ledger: ledger.flat(),
      reminders: reminders.map((l): ReminderLogRow => ({ _id: String(l._id), memberId: String(l.memberId), kind: String(l.kind), sentAt: new Date(l.sentAt), status: String(l.status) })),
      nps: nps.filter(r => r.dismissed !== true).map(r => ({ storeId: String(r.storeId), score: num(r.score), at: new Date(r.at) })),
      stores: stores.map(s => ({ storeId: String(s._id), name: String(s.name ?? s._id) })),
    })
  },
}
