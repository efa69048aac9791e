/**
 * The start of a daily run: the model fit (or the admin-pinned parameters), the RFM cut points, and
 * the `_id` shards the workers score (their boundaries found across calls if need be), and the labels
 * of the time transitions the scoring counts.
 */
import { ModelParamsSchema, type LifecycleConfig, type ModelParams } from '../../types/analytics'
import { modelCustomer, fitModels } from '../../domain/churn'
import { cutPoints, rfmInputs, timeTransitions, type RfmCuts } from '../../domain/lifecycle'
import { MemberStatsSchema } from '../../types/analytics'
import { _ } from '../shared/cloud'
import { members } from '../shared/collections/members'
import { tiersConfig } from '../shared/collections/tiers_config'
import { findById } from '../shared/query'

export const SHARD_SIZE = 5000
const SAMPLE_SIZE = 5000

export interface IdRange {
  from: string | null
  to: string | null
}

/** The `_id` condition of a range [from, to) (null ends are open); never unbounded (`>= ''` holds every id), so the `_id` index bounds it. */
export function idCondition({ from, to }: IdRange, after?: string | null): unknown {
  const lower = after ? _.gt(after) : _.gte(from ?? '')
  return to ? lower.and(_.lt(to)) : lower
}

/** The transitions of a run, in the order they apply, each with its label (`new|active→sleeping`). */
export function transitionsOf(lifecycle: LifecycleConfig, now: Date) {
  return timeTransitions(lifecycle, now).map(t => ({ ...t, key: `${t.from.join('|')}→${t.to}` }))
}

/** members read per page of the sample */
const SAMPLE_PAGE = 1000

/**
 * Members with purchases, in `_id` order (OPENIDs: effectively random), as the fitting sample: pages
 * walk the `_id` index from a cursor (`_id > last`), filtering on `stats.purchaseDays`, so each page
 * reads a bounded stretch of members and stops at its limit. (The `stats.purchaseDays` index would
 * hand out the members with the fewest purchase days first: a biased sample.)
 */
async function sample(now: Date) {
  const docs: Array<{ _id: string; stats: unknown }> = []
  let last = ''
  while (docs.length < SAMPLE_SIZE) {
    const limit = Math.min(SAMPLE_PAGE, SAMPLE_SIZE - docs.length)
    const { data } = await members
      .where({ _id: _.gt(last), 'stats.purchaseDays': _.gte(1) })
      .orderBy('_id', 'asc')
      .limit(limit)
      .field({ stats: true })
      .get()
    docs.push(...(data as Array<{ _id: string; stats: unknown }>))
    if (data.length < limit) break
    last = String(data[data.length - 1]._id)
  }
  return docs.map(d => MemberStatsSchema.parse(d.stats)).map(stats => ({ stats, customer: modelCustomer(stats, now) }))
}

export async function modelsAndCuts(lifecycle: LifecycleConfig, now: Date): Promise<{ models: ModelParams | null; source: 'fitted' | 'pinned' | 'none'; sampled: number; cuts: RfmCuts }> {
  const [pinnedDoc, rows] = await Promise.all([findById(tiersConfig, 'models') as Promise<{ pinned?: boolean; params?: unknown } | null>, sample(now)])
  const pinned = pinnedDoc?.pinned ? ModelParamsSchema.safeParse(pinnedDoc.params) : null
  const fitted = pinned?.success ? null : fitModels(rows.flatMap(r => (r.customer ? [r.customer] : [])))
  const inputs = rows.flatMap(r => {
    const x = rfmInputs(r.stats, now)
    return x ? [x] : []
  })
  const cuts = lifecycle.rfmCutPoints ?? {
    recencyDays: cutPoints(inputs.map(i => i.recencyDays)),
    frequency: cutPoints(inputs.map(i => i.frequency)),
    monetaryFen: cutPoints(inputs.map(i => i.monetaryFen)),
  }
  if (pinned?.success) return { models: pinned.data, source: 'pinned', sampled: rows.length, cuts }
  return { models: fitted, source: fitted ? 'fitted' : 'none', sampled: rows.length, cuts }
}

/**
 * The shard boundary after `prev` (the first `_id`, when null): the member SHARD_SIZE places on, or
 * null past the last member. Each boundary is found from the previous one (`_id ≥ previous`, skip
 * SHARD_SIZE), so no query skips more than a shard, and a run finds its boundaries across calls.
 */
export async function nextBound(prev: string | null): Promise<string | null> {
  const query = prev ? members.where({ _id: _.gte(prev) }) : members
  const { data } = await query.orderBy('_id', 'asc').skip(SHARD_SIZE).limit(1).field({ _id: true }).get()
  return data.length ? String(data[0]._id) : null
}

/** Shards from the boundaries: [from, to) with null for open ends. */
export function rangesOf(bounds: string[]): IdRange[] {
  const edges = [null, ...bounds, null]
  return edges.slice(0, -1).map((from, i) => ({ from, to: edges[i + 1] }))
}
