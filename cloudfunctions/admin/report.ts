/**
 * `admin.report { from, to, followUpDays? }`: the report from the daily rollups (report-rollup.ts,
 * domain/report-rollup.ts) — a few pages of rollup docs for the range and the latest member snapshot,
 * so its requests and time do not grow with the brand — handed to domain/report.ts. Days without a
 * rollup are read from rows while they are few, else listed in `rollups.missingDays`.
 * `admin.consoleReport` (the console's 报表) answers the same report with its charts, or for a store
 * manager the sections that can be scoped to their store (loadStoreReport; console-report.ts).
 * `admin.rollupReports` runs one bounded step of the rollup job (dailyJobs runs it every night).
 */
import type { AdminActions } from './actions'
import type { ConsoleReport, ReportResult, StoreReport } from '../../types/report'
import { buildReport, buildStoreReport, type BuyerRow, type DayRange, type StageTierRow } from '../../domain/report'
import { reportInputFromRollups, storeReportInputFromRollups } from '../../domain/report-rollup'
import { storeCustomersPipeline } from '../../domain/report-store'
import type { Stage } from '../../domain/report-pipelines'
import { requireOperator } from '../shared/access'
import type { CollectionHandle } from '../shared/collection'
import { purchases } from '../shared/collections/purchases'
import { stores } from '../shared/collections/stores'
import { findById } from '../shared/query'
import { loadRules, TIER_LADDER } from '../shared/rules'
import type { Doc } from '../shared/sdk-types'
import { brandConsoleReport, storeConsoleReport } from './console-report'
import { latestSnapshot, namesOf, rollupsOf, rollupStep } from './report-rollup'

/** CloudBase answers 20 aggregate rows unless told otherwise; every group here is far smaller than this. */
const AGG_LIMIT = 10_000
/** What one `rollupReports` call may spend (the function's timeout is 20 s). */
export const ROLLUP_BUDGET_MS = 12_000

export async function grouped(collection: CollectionHandle<unknown>, match: Record<string, unknown>, group: Record<string, unknown>): Promise<Doc[]> {
  const { list } = await collection.aggregate().match(match).group(group).limit(AGG_LIMIT).end()
  return list as Doc[]
}

/** A plain pipeline (domain/report-pipelines.ts) sent stage by stage through the SDK's aggregate(). */
export async function pipeline(collection: CollectionHandle<unknown>, stages: Stage[]): Promise<Doc[]> {
  let agg = collection.aggregate()
  for (const stage of stages) {
    const [op, value] = Object.entries(stage)[0]
    agg = agg[op.slice(1)](value)
  }
  const { list } = await agg.limit(AGG_LIMIT).end()
  return list as Doc[]
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0)
const strOrNull = (v: unknown) => (typeof v === 'string' && v ? v : null)

/** The brand's whole report for Shanghai days `range` (what `admin.report` answers). */
export async function loadBrandReport(range: DayRange, followUpDays: number, now: Date): Promise<ReportResult> {
  const [{ rules: ladder }, snapshot, rollups, names] = await Promise.all([loadRules(TIER_LADDER), latestSnapshot(now), rollupsOf(range, followUpDays, now), namesOf()])
  const report = buildReport(
    reportInputFromRollups({
      range,
      now,
      followUpDays,
      tiers: ladder.tiers.map(t => ({ tierId: t.tierId, name: t.name })),
      snapshot: snapshot?.rows ?? [],
      days: rollups.days,
      templates: names.templates,
      stores: names.stores,
    }),
  )
  return { ...report, rollups: { snapshotAt: snapshot ? snapshot.at.toISOString() : null, missingDays: rollups.missingDays, computedDays: rollups.computedDays } }
}

/**
 * One store's subset (a store manager's 报表): the store's own rollups (its purchases, buyers, write-offs
 * at its till, NPS answers about it) and the brand's joiners, so no other store's figure is read into
 * the answer. The store's customers now (stage × tier, what they paid there) are grouped by the
 * database over the store's purchases (domain/report-store.ts).
 */
export async function loadStoreReport(range: DayRange, storeId: string, now: Date): Promise<{ report: StoreReport; storeName: string }> {
  const [store, { rules: ladder }, customers, rollups] = await Promise.all([
    findById(stores, storeId),
    loadRules(TIER_LADDER),
    pipeline(purchases, storeCustomersPipeline(storeId)),
    rollupsOf(range, 0, now, storeId),
  ])
  const storeName = String(store?.name ?? storeId)
  const tierIdOf = (r: Doc) => strOrNull(r.tierId)
  const report = buildStoreReport(
    storeReportInputFromRollups({
      range,
      now,
      tiers: ladder.tiers.map(t => ({ tierId: t.tierId, name: t.name })),
      stageTier: customers.map((r): StageTierRow => ({ stage: strOrNull(r.stage), tierId: tierIdOf(r), n: num(r.n), spendFen: num(r.spendFen) })),
      buyers: customers.map((r): BuyerRow => ({ tierId: tierIdOf(r), n: num(r.buyers), spendFen: num(r.buyerSpendFen) })),
      days: rollups.days,
      store: { storeId, name: storeName },
    }),
  )
  return { report: { ...report, rollups: { snapshotAt: null, missingDays: rollups.missingDays, computedDays: rollups.computedDays } }, storeName }
}

export const adminReportActions: Pick<AdminActions, 'report' | 'consoleReport' | 'rollupReports'> = {
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

  /** One bounded step of the rollup job; `from`/`to` roll those days up again (after a history import). */
  async rollupReports(event, ctx) {
    return rollupStep(ctx.now, ROLLUP_BUDGET_MS, event.from && event.to ? { from: event.from, to: event.to } : null)
  },
}
