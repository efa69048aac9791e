/**
 * Reports (`admin.report`): pure functions from plain rows to the report's sections. The shell
 * (cloudfunctions/admin/report.ts) reads what the range needs — grouped rows where a collection is
 * large (the member snapshot, new members per day, buyers by purchase days, retention cohorts —
 * domain/report-pipelines.ts —, coupons, check-ins, the points ledger), documents where they are few
 * (reminder sends and their members' purchases, templates) — and passes `now`. Days and months are
 * Shanghai calendar days and months (domain/time.ts), whatever zone the host runs in.
 */
import dayjs from 'dayjs'
import { STAGES, STAGE_NAMES } from '../types/analytics'
import { REMINDER_KINDS, REMINDER_LABELS } from '../types/reminders'
import type {
  CheckinSection,
  CohortSection,
  ConsoleReportSection,
  CouponSection,
  LtvRow,
  LtvSection,
  NewMembersSection,
  NpsSection,
  PointsSection,
  Rate,
  ReminderRow,
  ReminderSection,
  RepurchaseSection,
  ReportResult,
  ReportSectionId,
  StageTierSection,
  StoreCouponSection,
  StoreReport,
} from '../types/report'
import { daysInclusive, REPORT_SECTION_IDS } from '../types/report'
import { npsTable } from './nps'
import { addDays, addMonths, BRAND_ZONE } from './time'

const DAY_MS = 86_400_000

export interface DayRange {
  /** YYYY-MM-DD, Shanghai, both ends included */
  from: string
  to: string
}

/** Shanghai midnight starting a day (YYYY-MM-DD). */
const midnight = (day: string) => dayjs.tz(`${day} 00:00`, BRAND_ZONE).toDate()
const nextMonth = (month: string) => addMonths(month, 1)

/** The instants the range covers: [start, end), Shanghai midnights. */
export function rangeBounds(range: DayRange): { start: Date; end: Date } {
  return { start: midnight(range.from), end: midnight(addDays(range.to, 1)) }
}

/** Every day of the range, in order. */
export function daysOf(range: DayRange): string[] {
  return Array.from({ length: daysInclusive(range.from, range.to) }, (_x, i) => addDays(range.from, i))
}

/** Every Shanghai month (YYYY-MM) the range touches, with its part of the range as instants. */
export function monthsOf(range: DayRange): Array<{ month: string; start: Date; end: Date }> {
  const { start, end } = rangeBounds(range)
  const out: Array<{ month: string; start: Date; end: Date }> = []
  for (let month = range.from.slice(0, 7); month <= range.to.slice(0, 7); month = nextMonth(month)) {
    const next = nextMonth(month)
    out.push({ month, start: new Date(Math.max(midnight(`${month}-01`).getTime(), start.getTime())), end: new Date(Math.min(midnight(`${next}-01`).getTime(), end.getTime())) })
  }
  return out
}

/** Months from `a` to `b` (YYYY-MM), b − a. */
function monthDiff(a: string, b: string): number {
  return (Number(b.slice(0, 4)) - Number(a.slice(0, 4))) * 12 + Number(b.slice(5, 7)) - Number(a.slice(5, 7))
}

export const rate = (n: number, d: number): Rate => (d > 0 ? n / d : null)
const avg = (sum: number, n: number): number | null => (n > 0 ? Math.round(sum / n) : null)

// ---------------------------------------------------------------------------------------------
// inputs

/** Members grouped by stage and tier (non-deleted), with their summed lifetime spend. */
export interface StageTierRow {
  stage: string | null
  tierId: string | null
  n: number
  spendFen: number
}
/** Per tier: buyers (stats.purchases ≥ 1) and their summed spend. */
export interface BuyerRow {
  tierId: string | null
  n: number
  spendFen: number
}
/** Per tier: members the daily job scored, their summed spend, predicted value and risk. */
export interface ScoredRow {
  tierId: string | null
  n: number
  spendFen: number
  clvFen: number
  risk: number
}
/** Members who joined on a Shanghai day of the range. */
export interface JoinedDayRow {
  day: string
  n: number
}
/**
 * Buyers by the number of Shanghai days of the range they bought on (`days` 1–4, 5 = five or more),
 * with their purchases that count (`counts`) and the net of those (`netFen`).
 */
export interface BuyerDaysRow {
  days: number
  buyers: number
  purchases: number
  salesFen: number
}
/** Members who joined in the range, by join month (`cohort`) and a Shanghai month of the range they bought in. */
export interface CohortActiveRow {
  cohort: string
  month: string
  members: number
}
export interface PurchaseRow {
  _id: string
  memberId: string
  /** paid fen */
  amountFen: number
  refundedFen?: number
  status?: string
  createdAt: Date
}
export interface TemplateRow {
  _id: string
  name: string
  type: string
  totalStock: number | null
}
/** Coupons issued in the range, per template and stored status; `lapsed`: available but past validUntil now. */
export interface CouponCountRow {
  templateId: string
  status: string
  n: number
}
export interface CheckinCountRow {
  day: string
  kind: string
  n: number
  points: number
}
/** The ledger in one month of the range, per kind and source: summed positive and negative deltas. */
export interface LedgerSumRow {
  month: string
  kind: string
  sourceType: string
  pos: number
  neg: number
}
export interface ReminderLogRow {
  _id: string
  memberId: string
  kind: string
  sentAt: Date
  status: string
}

export interface ReportInput {
  range: DayRange
  now: Date
  followUpDays: number
  /** the ladder's tiers, lowest first (members without a tier count as the first) */
  tiers: Array<{ tierId: string; name: string }>
  stageTier: StageTierRow[]
  buyers: BuyerRow[]
  scored: ScoredRow[]
  /** members who joined in the range, per Shanghai day */
  joinedByDay: JoinedDayRow[]
  /** buyers in the range by the number of days they bought on */
  buyerDays: BuyerDaysRow[]
  /** members who joined in the range, per join month and month they bought in */
  cohorts: CohortActiveRow[]
  /** purchases of the members a reminder was sent to, from the range's start to its end + followUpDays */
  followUps: PurchaseRow[]
  templates: TemplateRow[]
  coupons: CouponCountRow[]
  /** per template: coupons issued in the range that are available but past validUntil now */
  lapsed: Array<{ templateId: string; n: number }>
  checkins: CheckinCountRow[]
  ledger: LedgerSumRow[]
  /** reminder sends (any status) in the range */
  reminders: ReminderLogRow[]
  /** NPS answers (not dismissals) given in the range, and the stores' names */
  nps: Array<{ storeId: string; score: number; at: Date }>
  stores: Array<{ storeId: string; name: string }>
}

// ---------------------------------------------------------------------------------------------
// sections

const UNKNOWN_TIER = (tierId: string) => ({ tierId, name: tierId })

function tierList(tiers: ReportInput['tiers'], seen: Array<string | null>): Array<{ tierId: string; name: string }> {
  const list = [...tiers]
  for (const id of seen) if (id && !list.some(t => t.tierId === id)) list.push(UNKNOWN_TIER(id))
  return list
}
const tierOf = (tiers: ReportInput['tiers'], id: string | null) => id ?? tiers[0]?.tierId ?? 'base'

/** Members by lifecycle stage × tier, as stored now (stage: the daily job; tier: purchases, reviews, admins). */
export function stageTierSection(rows: StageTierRow[], ladder: ReportInput['tiers']): StageTierSection {
  const tiers = tierList(
    ladder,
    rows.map(r => r.tierId),
  )
  const stages: string[] = [...STAGES]
  for (const r of rows) if (r.stage && !stages.includes(r.stage)) stages.push(r.stage)
  const table = stages.map(stage => ({ stage, name: STAGE_NAMES[stage as keyof typeof STAGE_NAMES] ?? stage, counts: tiers.map(() => 0), total: 0 }))
  for (const r of rows) {
    const row = table[stages.indexOf(r.stage ?? 'new')]
    const col = tiers.findIndex(t => t.tierId === tierOf(ladder, r.tierId))
    row.counts[col] += r.n
    row.total += r.n
  }
  const byTier = tiers.map((t, i) => ({ tierId: t.tierId, name: t.name, count: table.reduce((s, row) => s + row.counts[i], 0) }))
  return { tiers, rows: table, byTier, total: table.reduce((s, r) => s + r.total, 0) }
}

export function newMembersSection(joined: JoinedDayRow[], range: DayRange): NewMembersSection {
  const perDay = new Map<string, number>()
  for (const r of joined) perDay.set(r.day, (perDay.get(r.day) ?? 0) + r.n)
  const byDay = daysOf(range).map(day => ({ day, count: perDay.get(day) ?? 0 }))
  const byMonth = monthsOf(range).map(({ month }) => ({ month, count: byDay.filter(d => d.day.startsWith(month)).reduce((s, d) => s + d.count, 0) }))
  return { total: byDay.reduce((s, d) => s + d.count, 0), byDay, byMonth }
}

/** A purchase counts unless fully refunded; it is worth what was paid minus what was refunded. */
export const counts = (p: PurchaseRow) => p.status !== 'refunded' && p.amountFen - (p.refundedFen ?? 0) > 0
export const netFen = (p: PurchaseRow) => p.amountFen - (p.refundedFen ?? 0)

/** Repurchase rate: of the members who bought in the range, the share who bought on two or more Shanghai days. */
export function repurchaseSection(rows: BuyerDaysRow[]): RepurchaseSection {
  const buckets = ['1', '2', '3', '4', '5+']
  const distribution = buckets.map(days => ({ days, buyers: 0 }))
  const sum = (f: (r: BuyerDaysRow) => number) => rows.reduce((s, r) => s + f(r), 0)
  for (const r of rows) if (r.days >= 1) distribution[Math.min(r.days, 5) - 1].buyers += r.buyers
  const purchases = sum(r => r.purchases)
  const salesFen = sum(r => r.salesFen)
  const buyers = distribution.reduce((s, d) => s + d.buyers, 0)
  const repeatBuyers = buyers - distribution[0].buyers
  return { purchases, salesFen, avgOrderFen: avg(salesFen, purchases), buyers, repeatBuyers, rate: rate(repeatBuyers, buyers), distribution }
}

/**
 * Average lifetime value so far (stats.spendFen) and predicted: the daily job's stored 52-week
 * customer value (churn.clvFen, BG/NBD + Gamma-Gamma) averaged over scored members — never refitted here.
 */
export function ltvSection(stageTier: StageTierRow[], buyers: BuyerRow[], scored: ScoredRow[], ladder: ReportInput['tiers']): LtvSection {
  const tiers = tierList(
    ladder,
    [...stageTier, ...buyers, ...scored].map(r => r.tierId),
  )
  const row = (tierId: string, name: string, pick: (id: string | null) => boolean): LtvRow => {
    const sum = <T extends { tierId: string | null }>(rows: T[], f: (r: T) => number) => rows.filter(r => pick(r.tierId)).reduce((s, r) => s + f(r), 0)
    const members = sum(stageTier, r => r.n)
    const buyerN = sum(buyers, r => r.n)
    const scoredN = sum(scored, r => r.n)
    return {
      tierId,
      name,
      members,
      buyers: buyerN,
      avgSpendFen: avg(
        sum(stageTier, r => r.spendFen),
        members,
      ),
      avgSpendPerBuyerFen: avg(
        sum(buyers, r => r.spendFen),
        buyerN,
      ),
      scored: scoredN,
      avgClvFen: avg(
        sum(scored, r => r.clvFen),
        scoredN,
      ),
      avgPredictedLtvFen: avg(
        sum(scored, r => r.spendFen + r.clvFen),
        scoredN,
      ),
      avgRisk: scoredN > 0 ? Math.round((sum(scored, r => r.risk) / scoredN) * 10_000) / 10_000 : null,
    }
  }
  return {
    total: row('all', '全部会员', () => true),
    byTier: tiers.map(t => row(t.tierId, t.name, id => tierOf(ladder, id) === t.tierId)),
  }
}

/**
 * Retention by join month: members who joined in the range, grouped by their Shanghai join month;
 * column k is the share of the cohort who bought in the k-th month after joining (k = 0: the join
 * month), counting purchases up to the range's end. Cells past the range's last month are null.
 */
export function cohortSection(joined: JoinedDayRow[], active: CohortActiveRow[], range: DayRange): CohortSection {
  const lastMonth = range.to.slice(0, 7)
  const days = new Set(daysOf(range))
  const activeIn = new Map<string, number>() // `${cohort}|${k}` → members
  for (const r of active) {
    const k = monthDiff(r.cohort, r.month)
    if (k >= 0) activeIn.set(`${r.cohort}|${k}`, (activeIn.get(`${r.cohort}|${k}`) ?? 0) + r.members)
  }
  const offsets = monthsOf(range).length
  const rows = monthsOf(range).map(({ month }) => {
    const size = joined.filter(r => days.has(r.day) && r.day.startsWith(month)).reduce((s, r) => s + r.n, 0)
    const span = monthDiff(month, lastMonth)
    const cells = Array.from({ length: offsets }, (_x, k) => (k <= span ? (activeIn.get(`${month}|${k}`) ?? 0) : null))
    return { month, size, active: cells, rates: cells.map(a => (a === null ? null : rate(a, size))) }
  })
  return { offsets, rows }
}

/**
 * Per template, the coupons issued in the range (claim center, points mall, admin, welcome…):
 * claim rate = issued ÷ total stock (null for unlimited stock); redemption rate = used ÷ issued,
 * as stored now (an undone write-off makes the coupon available again).
 */
export function couponSection(templates: TemplateRow[], rows: CouponCountRow[], lapsed: Array<{ templateId: string; n: number }>): CouponSection {
  const ids = [...templates.map(t => t._id)]
  for (const r of rows) if (!ids.includes(r.templateId)) ids.push(r.templateId)
  const list = ids.map(id => {
    const t = templates.find(x => x._id === id)
    const mine = rows.filter(r => r.templateId === id)
    const by = (status: string) => mine.filter(r => r.status === status).reduce((s, r) => s + r.n, 0)
    const issued = mine.reduce((s, r) => s + r.n, 0)
    const late = lapsed.filter(l => l.templateId === id).reduce((s, l) => s + l.n, 0)
    const redeemed = by('used')
    const totalStock = t?.totalStock ?? null
    return {
      templateId: id,
      name: t?.name ?? id,
      type: t?.type ?? '',
      totalStock,
      issued,
      redeemed,
      expired: by('expired') + late,
      available: by('available') - late,
      claimRate: totalStock === null ? null : rate(issued, totalStock),
      redemptionRate: rate(redeemed, issued),
    }
  })
  const issued = list.reduce((s, t) => s + t.issued, 0)
  const redeemed = list.reduce((s, t) => s + t.redeemed, 0)
  return { templates: list, issued, redeemed, redemptionRate: rate(redeemed, issued) }
}

/** Check-in daily actives: members who checked in that Shanghai day (make-ups fill a past day and are counted apart). */
export function checkinSection(rows: CheckinCountRow[], range: DayRange): CheckinSection {
  const byDay = daysOf(range).map(day => {
    const of = (kind: string) => rows.filter(r => r.day === day && r.kind === kind)
    return {
      day,
      actives: of('checkin').reduce((s, r) => s + r.n, 0),
      makeups: of('makeup').reduce((s, r) => s + r.n, 0),
      points: rows.filter(r => r.day === day).reduce((s, r) => s + r.points, 0),
    }
  })
  const checkins = byDay.reduce((s, d) => s + d.actives, 0)
  const peak = byDay.reduce<{ day: string; actives: number } | null>((best, d) => (d.actives > 0 && (!best || d.actives > best.actives) ? { day: d.day, actives: d.actives } : best), null)
  return {
    byDay,
    checkins,
    makeups: byDay.reduce((s, d) => s + d.makeups, 0),
    points: byDay.reduce((s, d) => s + d.points, 0),
    avgDailyActives: byDay.length ? Math.round((checkins / byDay.length) * 100) / 100 : 0,
    peak,
  }
}

/** Points issued (positive deltas), spent (spend and negative adjustments), expired and reversed by refunds. */
export function pointsSection(rows: LedgerSumRow[], range: DayRange): PointsSection {
  const split = (r: LedgerSumRow) => ({
    issued: r.kind === 'earn' || r.kind === 'adjust' ? r.pos : 0,
    spent: r.kind === 'spend' || r.kind === 'adjust' ? -r.neg : 0,
    expired: r.kind === 'expire' ? -r.neg : 0,
    reversed: r.kind === 'reverse' ? -r.neg : 0,
  })
  const byMonth = monthsOf(range).map(({ month }) => {
    const acc = { month, issued: 0, spent: 0, expired: 0, reversed: 0 }
    for (const r of rows.filter(x => x.month === month)) {
      const s = split(r)
      acc.issued += s.issued
      acc.spent += s.spent
      acc.expired += s.expired
      acc.reversed += s.reversed
    }
    return acc
  })
  const sources = new Map<string, { sourceType: string; issued: number; spent: number }>()
  for (const r of rows) {
    const s = split(r)
    if (!s.issued && !s.spent) continue
    const acc = sources.get(r.sourceType) ?? { sourceType: r.sourceType, issued: 0, spent: 0 }
    acc.issued += s.issued
    acc.spent += s.spent
    sources.set(r.sourceType, acc)
  }
  const total = (k: 'issued' | 'spent' | 'expired' | 'reversed') => byMonth.reduce((s, m) => s + m[k], 0)
  const net = rows.reduce((s, r) => s + r.pos + r.neg, 0)
  return {
    issued: total('issued'),
    spent: total('spent'),
    expired: total('expired'),
    reversed: total('reversed'),
    net,
    byMonth,
    bySource: [...sources.values()].sort((a, b) => b.issued + b.spent - (a.issued + a.spent)),
  }
}

/**
 * Reminder sends in the range and their follow-up: a send converted when its member bought (a
 * purchase not fully refunded) within `followUpDays` after it. Each purchase is attributed to the
 * latest send to that member before it (within the window), so no purchase counts twice.
 */
export function reminderSection(logs: ReminderLogRow[], purchases: PurchaseRow[], range: DayRange, followUpDays: number): ReminderSection {
  const { start, end } = rangeBounds(range)
  const windowMs = followUpDays * DAY_MS
  const inRange = logs.filter(l => new Date(l.sentAt) >= start && new Date(l.sentAt) < end)
  const sent = inRange.filter(l => l.status === 'sent').sort((a, b) => new Date(a.sentAt).getTime() - new Date(b.sentAt).getTime() || a._id.localeCompare(b._id))
  const sendsOf = new Map<string, typeof sent>()
  for (const l of sent) sendsOf.set(l.memberId, [...(sendsOf.get(l.memberId) ?? []), l])

  const converted = new Set<string>()
  const attributed = new Map<string, { n: number; fen: number }>() // log id → purchases
  for (const p of purchases) {
    if (!counts(p)) continue
    const at = new Date(p.createdAt).getTime()
    const sends = (sendsOf.get(p.memberId) ?? []).filter(l => new Date(l.sentAt).getTime() < at && at <= new Date(l.sentAt).getTime() + windowMs)
    if (!sends.length) continue
    for (const l of sends) converted.add(l._id)
    const last = sends[sends.length - 1]
    const acc = attributed.get(last._id) ?? { n: 0, fen: 0 }
    acc.n++
    acc.fen += netFen(p)
    attributed.set(last._id, acc)
  }

  const rowOf = (list: typeof inRange): Omit<ReminderRow, 'kind' | 'label'> => {
    const ok = list.filter(l => l.status === 'sent')
    const conv = ok.filter(l => converted.has(l._id)).length
    return {
      sent: ok.length,
      failed: list.filter(l => l.status === 'failed').length,
      members: new Set(ok.map(l => l.memberId)).size,
      converted: conv,
      conversionRate: rate(conv, ok.length),
      followUpPurchases: ok.reduce((s, l) => s + (attributed.get(l._id)?.n ?? 0), 0),
      followUpFen: ok.reduce((s, l) => s + (attributed.get(l._id)?.fen ?? 0), 0),
    }
  }
  const kinds: string[] = [...REMINDER_KINDS]
  for (const l of inRange) if (!kinds.includes(l.kind)) kinds.push(l.kind)
  const byKind = kinds.map(kind => ({ kind, label: REMINDER_LABELS[kind as keyof typeof REMINDER_LABELS]?.label ?? kind, ...rowOf(inRange.filter(l => l.kind === kind)) }))
  return { followUpDays, byKind, total: rowOf(inRange) }
}

/** NPS answers by store and month, with the stores' names. */
export function npsSection(answers: ReportInput['nps'], stores: ReportInput['stores']): NpsSection {
  const names = new Map(stores.map(s => [s.storeId, s.name]))
  const { rows, total } = npsTable(answers)
  return { rows: rows.map(r => ({ ...r, storeName: names.get(r.storeId) ?? r.storeId })), total }
}

/** The whole report. */
export function buildReport(input: ReportInput): ReportResult {
  const { range, now } = input
  return {
    range: { from: range.from, to: range.to, days: daysInclusive(range.from, range.to) },
    generatedAt: now.toISOString(),
    stageTier: stageTierSection(input.stageTier, input.tiers),
    newMembers: newMembersSection(input.joinedByDay, range),
    repurchase: repurchaseSection(input.buyerDays),
    ltv: ltvSection(input.stageTier, input.buyers, input.scored, input.tiers),
    cohorts: cohortSection(input.joinedByDay, input.cohorts, range),
    coupons: couponSection(input.templates, input.coupons, input.lapsed),
    checkins: checkinSection(input.checkins, range),
    points: pointsSection(input.ledger, range),
    reminders: reminderSection(input.reminders, input.followUps, range, input.followUpDays),
    nps: npsSection(input.nps, input.stores),
  }
}

// ---------------------------------------------------------------------------------------------
// one store (a store manager's 报表)

/** A store's write-offs at its till in the range (not undone), per coupon name. */
export interface WriteOffCountRow {
  name: string
  n: number
  discountFen: number
}

export interface StoreReportInput {
  range: DayRange
  now: Date
  tiers: ReportInput['tiers']
  /** members who ever bought in the store (not deleted) by stage × tier, with what they paid there (net) */
  stageTier: StageTierRow[]
  /** of those, per tier: the ones who kept a purchase there (net > 0), and what they paid there */
  buyers: BuyerRow[]
  /** members who joined in the range and bought in the store in it, per Shanghai join day */
  joinedByDay: JoinedDayRow[]
  /** the store's buyers in the range by the number of days they bought there */
  buyerDays: BuyerDaysRow[]
  /** members who joined in the range, by join month and a month they bought in the store */
  cohorts: CohortActiveRow[]
  writeOffs: WriteOffCountRow[]
  /** NPS answers (not dismissals) about the store's purchases, given in the range */
  nps: ReportInput['nps']
  store: { storeId: string; name: string }
}

export function storeCouponSection(rows: WriteOffCountRow[]): StoreCouponSection {
  const by = new Map<string, { name: string; redeemed: number; discountFen: number }>()
  for (const r of rows) {
    const acc = by.get(r.name) ?? { name: r.name, redeemed: 0, discountFen: 0 }
    acc.redeemed += r.n
    acc.discountFen += r.discountFen
    by.set(r.name, acc)
  }
  const list = [...by.values()].filter(r => r.redeemed > 0).sort((a, b) => b.redeemed - a.redeemed || a.name.localeCompare(b.name))
  return { rows: list, redeemed: list.reduce((s, r) => s + r.redeemed, 0), discountFen: list.reduce((s, r) => s + r.discountFen, 0) }
}

/**
 * A store's subset of the report. Only the store's own rows go in (NPS answers about another store
 * are dropped here too); there is no predicted value (the model scores a member's brand-wide spend).
 */
export function buildStoreReport(input: StoreReportInput): StoreReport {
  const { range, now, store } = input
  const ltv = ltvSection(input.stageTier, input.buyers, [], input.tiers)
  return {
    range: { from: range.from, to: range.to, days: daysInclusive(range.from, range.to) },
    generatedAt: now.toISOString(),
    stageTier: stageTierSection(input.stageTier, input.tiers),
    newMembers: newMembersSection(input.joinedByDay, range),
    repurchase: repurchaseSection(input.buyerDays),
    ltv: { ...ltv, total: { ...ltv.total, name: '本店顾客' } },
    cohorts: cohortSection(input.joinedByDay, input.cohorts, range),
    coupons: storeCouponSection(input.writeOffs),
    nps: npsSection(
      input.nps.filter(a => a.storeId === store.storeId),
      [store],
    ),
  }
}

// ---------------------------------------------------------------------------------------------
// the sections as the console lists them

export const REPORT_SECTION_TITLES: Readonly<Record<ReportSectionId, string>> = {
  stageTier: '会员阶段与等级分布',
  newMembers: '新增会员',
  repurchase: '复购率',
  ltv: '平均与预测客户终身价值（LTV）',
  cohorts: '按入会月份的留存',
  coupons: '优惠券领取率与核销率',
  checkins: '签到日活',
  points: '积分发放、消耗与过期',
  reminders: '提醒发送与后续购买',
  nps: 'NPS（净推荐值）按门店与月份',
}

/** Sections that cannot be scoped to a store: check-ins, points and reminders belong to the member, not to a store. */
export const BRAND_ONLY_SECTIONS: readonly ReportSectionId[] = ['checkins', 'points', 'reminders']

function brandNotes(followUpDays: number): Record<ReportSectionId, string> {
  return {
    stageTier: '生命周期阶段（每日任务计算）× 当前会员等级，已注销会员不计；生成时的快照。',
    newMembers: '区间内注册的会员，按上海日期统计。',
    repurchase: '复购率 = 区间内在两个及以上不同日期（上海时间）消费的会员 ÷ 区间内有消费的会员；全额退款的消费不计，部分退款按实收减退款计。',
    ltv: '累计消费为会员至今实付（扣除退款）；预测价值取每日任务写入的未来 52 周 CLV，仅统计已评分会员；预测 LTV = 累计消费 + 预测价值。',
    cohorts: '区间内入会的会员按入会月份分组；第 k 月 = 入会后第 k 个自然月内有消费的会员占比（括号内为人数），只计到区间结束。',
    coupons: '按券模板统计区间内发出的券：领取率 = 发出数 ÷ 总库存（不限量的券无此项）；核销率 = 已使用 ÷ 发出数（截至生成时）。',
    checkins: '每个上海自然日签到的会员数（补签另计）。',
    points: '按积分流水（上海时间月份）：发放 = 获得与正向调整，消耗 = 兑换、补签与负向调整，过期 = 到期清零，退款扣回 = 退款冲回。',
    reminders: `区间内发送成功的订阅消息，及会员在发送后 ${followUpDays} 天内的购买（全额退款不计）；每笔购买只归到它之前最近的一次发送。`,
    nps: '消费后邀请评价（0–10 分）的回答，按购买门店与回答时的上海月份；NPS = 推荐者（9–10 分）占比 − 贬损者（0–6 分）占比。',
  }
}

const STORE_SECTIONS: Record<ReportSectionId, { title?: string; note: string }> = {
  stageTier: { title: '本店顾客阶段与等级分布', note: '在本店消费过的会员（不含已注销）按当前生命周期阶段 × 等级；阶段与等级按会员在全品牌的情况计算。' },
  newMembers: { title: '新增会员（在本店消费）', note: '区间内注册、且区间内在本店消费过的会员，按注册日期（上海时间）统计。' },
  repurchase: { note: '只计本店的消费：区间内在本店两个及以上不同日期消费的会员 ÷ 区间内在本店消费的会员；全额退款不计，部分退款按实收减退款计。' },
  ltv: { title: '本店顾客累计消费（LTV）', note: '在本店消费过的会员在本店至今的实付（扣除退款），按当前等级；预测价值按全品牌消费计算，仅品牌管理员可见。' },
  cohorts: { note: '区间内注册并在本店消费过的会员按注册月份分组；第 k 月 = 入会后第 k 个自然月内在本店有消费的占比（括号内为人数）。' },
  coupons: { title: '本店优惠券核销', note: '区间内在本店收银台核销的券（撤销的不计），按券名称；券由品牌发放，发出数与领取率仅品牌管理员可见。' },
  checkins: { note: '签到不区分门店，按全品牌统计。' },
  points: { note: '积分全品牌通用，不按门店统计。' },
  reminders: { note: '提醒由品牌统一发送，不按门店统计。' },
  nps: { title: 'NPS（净推荐值）按月份', note: '对本店消费的评价（0–10 分），按回答时的上海月份；NPS = 推荐者占比 − 贬损者占比。' },
}

/** Every section in order, with its title and what it counts, for the brand or for one store. */
export function consoleReportSections(scope: 'brand' | 'store', followUpDays: number): ConsoleReportSection[] {
  const notes = brandNotes(followUpDays)
  return REPORT_SECTION_IDS.map(id =>
    scope === 'brand' ? { id, title: REPORT_SECTION_TITLES[id], note: notes[id] } : { id, title: STORE_SECTIONS[id].title ?? REPORT_SECTION_TITLES[id], note: STORE_SECTIONS[id].note },
  )
}
