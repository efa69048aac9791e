import { z } from 'zod'
import { isoDate } from './member'
import type { ChartView } from './console'
import type { NpsRow } from './nps'

/** The longest range one report covers (days, both ends included). */
export const REPORT_MAX_DAYS = 366
/** Purchases this many days after a reminder send count as its follow-up (default). */
export const REPORT_FOLLOW_UP_DAYS = 7

/** Days from `from` to `to`, both included (plain calendar arithmetic on YYYY-MM-DD). */
export function daysInclusive(from: string, to: string): number {
  const ms = (d: string) => Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)) - 1, Number(d.slice(8, 10)))
  return Math.round((ms(to) - ms(from)) / 86_400_000) + 1
}

/** The range rules both report actions share: from ≤ to, at most REPORT_MAX_DAYS (issues on `to`). */
function reportRangeEvent<A extends string>(action: A) {
  return z
    .object({
      action: z.literal(action),
      from: isoDate,
      to: isoDate,
      followUpDays: z.number().int().min(1).max(30).default(REPORT_FOLLOW_UP_DAYS),
    })
    .strict()
    .refine(e => e.from <= e.to, { message: 'from 不能晚于 to', path: ['to'] })
    .refine(e => daysInclusive(e.from, e.to) <= REPORT_MAX_DAYS, { message: `日期范围最多 ${REPORT_MAX_DAYS} 天`, path: ['to'] })
}

/**
 * `admin.report { from, to }`: Shanghai calendar days, both included, at most REPORT_MAX_DAYS.
 * `followUpDays`: how long after a reminder send a purchase counts as its follow-up.
 */
export const ReportEventSchema = reportRangeEvent('report')
export type ReportEvent = z.infer<typeof ReportEventSchema>

/**
 * `admin.consoleReport { from, to, followUpDays? }`: the 报表 screen — the report's sections with
 * their charts drawn by the function; a store manager gets the sections that can be scoped to
 * their store (see ConsoleReport).
 */
export const ConsoleReportEventSchema = reportRangeEvent('consoleReport')

/**
 * `admin.rollupReports { from?, to? }`: one bounded step of the reports' daily rollup job (dailyJobs
 * runs it every night; call it again while `more`); `from`/`to` roll those days up again.
 */
export const RollupReportsEventSchema = z
  .object({ action: z.literal('rollupReports'), from: isoDate.optional(), to: isoDate.optional() })
  .strict()
  .refine(e => !e.from === !e.to && (!e.from || e.from <= e.to!), { message: 'from 与 to 须同时给出，且 from 不晚于 to', path: ['to'] })

export const ReportAdminActions = {
  report: ReportEventSchema,
  consoleReport: ConsoleReportEventSchema,
  rollupReports: RollupReportsEventSchema,
}

/** Where the report's figures came from (admin.report, consoleReport). */
export interface ReportRollupInfo {
  /** when the member snapshot (stage × tier, LTV) was summed by the daily job; null: none yet (sections empty) */
  snapshotAt: string | null
  /** days of the range with no rollup yet and too many rows to read now: their figures are left out */
  missingDays: string[]
  /** days without a rollup read from rows for this answer */
  computedDays: string[]
}

/** A share in [0, 1], or null when there is nothing to divide by. */
export type Rate = number | null

export interface StageTierSection {
  /** the ladder's tiers in order (plus `未定级` for members without a tier, when there are any) */
  tiers: Array<{ tierId: string; name: string }>
  /** one row per stage: members per tier (same order as `tiers`) */
  rows: Array<{ stage: string; name: string; counts: number[]; total: number }>
  byTier: Array<{ tierId: string; name: string; count: number }>
  total: number
}

export interface NewMembersSection {
  total: number
  byDay: Array<{ day: string; count: number }>
  byMonth: Array<{ month: string; count: number }>
}

export interface RepurchaseSection {
  /** purchases in the range that are not fully refunded */
  purchases: number
  /** paid minus refunded, fen */
  salesFen: number
  avgOrderFen: number | null
  /** members with at least one such purchase */
  buyers: number
  /** buyers who bought on two or more Shanghai days in the range */
  repeatBuyers: number
  rate: Rate
  /** buyers by the number of days they bought on: 1, 2, 3, 4, 5+ */
  distribution: Array<{ days: string; buyers: number }>
}

export interface LtvRow {
  tierId: string
  name: string
  members: number
  /** members with at least one purchase */
  buyers: number
  /** average lifetime paid (stats.spendFen) over all members / over buyers */
  avgSpendFen: number | null
  avgSpendPerBuyerFen: number | null
  /** members the daily job scored (churn.clvFen present) */
  scored: number
  /** average predicted 52-week value (churn.clvFen) over scored members */
  avgClvFen: number | null
  /** average of spend so far + predicted value, over scored members */
  avgPredictedLtvFen: number | null
  avgRisk: number | null
}

export interface LtvSection {
  total: LtvRow
  byTier: LtvRow[]
}

export interface CohortSection {
  /** column k = k months after the join month */
  offsets: number
  rows: Array<{
    month: string
    size: number
    /** members of the cohort who bought in the join month + k (null: beyond the range) */
    active: Array<number | null>
    rates: Array<Rate>
  }>
}

export interface CouponTemplateRow {
  templateId: string
  name: string
  type: string
  totalStock: number | null
  /** coupons issued (claimed, exchanged or sent) in the range */
  issued: number
  /** of those: used, expired, still available now */
  redeemed: number
  expired: number
  available: number
  /** issued ÷ total stock (null: unlimited stock) */
  claimRate: Rate
  /** redeemed ÷ issued */
  redemptionRate: Rate
}

export interface CouponSection {
  templates: CouponTemplateRow[]
  issued: number
  redeemed: number
  redemptionRate: Rate
}

export interface CheckinSection {
  byDay: Array<{ day: string; actives: number; makeups: number; points: number }>
  /** check-ins (not make-ups) in the range */
  checkins: number
  makeups: number
  points: number
  avgDailyActives: number
  peak: { day: string; actives: number } | null
}

export interface PointsSection {
  /** positive deltas (earn and positive adjustments) */
  issued: number
  /** spends and negative adjustments */
  spent: number
  expired: number
  /** taken back by refunds */
  reversed: number
  net: number
  byMonth: Array<{ month: string; issued: number; spent: number; expired: number; reversed: number }>
  /** issued and spent per source (purchase, checkin, task, exchange, admin, …) */
  bySource: Array<{ sourceType: string; issued: number; spent: number }>
}

export interface ReminderRow {
  kind: string
  label: string
  sent: number
  failed: number
  /** distinct members sent to */
  members: number
  /** sends followed by a purchase of the member within followUpDays */
  converted: number
  conversionRate: Rate
  /** purchases attributed to this kind (each purchase to the latest send before it), and their paid fen */
  followUpPurchases: number
  followUpFen: number
}

/** NPS answers given in the range, by store and Shanghai month (domain/nps.ts npsTable). */
export interface NpsSection {
  rows: Array<NpsRow & { storeName: string }>
  total: Omit<NpsRow, 'storeId' | 'month'>
}

export interface ReminderSection {
  followUpDays: number
  byKind: ReminderRow[]
  total: Omit<ReminderRow, 'kind' | 'label'>
}

/** What `admin.report` answers. Snapshot sections (stageTier, ltv) are as of `generatedAt`. */
export interface ReportResult {
  range: { from: string; to: string; days: number }
  generatedAt: string
  stageTier: StageTierSection
  newMembers: NewMembersSection
  repurchase: RepurchaseSection
  ltv: LtvSection
  cohorts: CohortSection
  coupons: CouponSection
  checkins: CheckinSection
  points: PointsSection
  reminders: ReminderSection
  nps: NpsSection
  /** set by the functions: rollups behind the figures */
  rollups?: ReportRollupInfo
}

// ---------------------------------------------------------------------------------------------
// the console's 报表 (admin.consoleReport)

/** The report's sections, in the order the screen and the HTML report show them. */
export const REPORT_SECTION_IDS = ['stageTier', 'newMembers', 'repurchase', 'ltv', 'cohorts', 'coupons', 'checkins', 'points', 'reminders', 'nps'] as const
export type ReportSectionId = (typeof REPORT_SECTION_IDS)[number]

/** A store's coupon write-offs at its till in the range (not undone), per coupon name. */
export interface StoreCouponSection {
  rows: Array<{ name: string; redeemed: number; discountFen: number }>
  redeemed: number
  discountFen: number
}

/**
 * What a store manager sees of the report: the sections that can be scoped to their store.
 * Members do not belong to a store, so "the store's customers" are the members who bought there:
 * stage × tier and LTV are over the members who ever bought in the store (LTV = what they paid
 * there; no predicted value: it is brand-wide), new members and cohorts over members who joined in
 * the range and bought there in it, repurchase over the store's purchases, coupons = write-offs at
 * its till, NPS = answers about its purchases.
 */
export interface StoreReport {
  range: ReportResult['range']
  generatedAt: string
  stageTier: StageTierSection
  newMembers: NewMembersSection
  repurchase: RepurchaseSection
  ltv: LtvSection
  cohorts: CohortSection
  coupons: StoreCouponSection
  nps: NpsSection
  rollups?: ReportRollupInfo
}

/** A section as the screen lists it: its title and what its figures count. */
export interface ConsoleReportSection {
  id: ReportSectionId
  title: string
  note: string
}

interface ConsoleReportBase {
  from: string
  to: string
  /** every section in order; those in `brandOnly` have no figures in this answer */
  sections: ConsoleReportSection[]
  /** sections left out because they cover the whole brand (a store manager: 仅品牌管理员可见) */
  brandOnly: ReportSectionId[]
  /** one chart per section with figures (id = the section's id), drawn by the function as SVG */
  charts: ChartView[]
}

/** What `admin.consoleReport` answers: the brand's whole report, or a store manager's store subset. */
export type ConsoleReport =
  (ConsoleReportBase & { scope: { kind: 'brand' }; report: ReportResult }) | (ConsoleReportBase & { scope: { kind: 'store'; storeId: string; storeName: string }; report: StoreReport })
