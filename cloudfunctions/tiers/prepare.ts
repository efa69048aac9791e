/**
 * The start of a daily run: the time-caused stage changes as set-based updates, the model fit (or
 * the admin-pinned parameters), the RFM cut points, and the shards the workers score.
 */
import { ModelParamsSchema, type LifecycleConfig, type ModelParams } from '../../types/analytics'
import { modelCustomer, fitModels } from '../../domain/churn'
import { cutPoints, rfmInputs, timeTransitions, type RfmCuts } from '../../domain/lifecycle'
import { MemberStatsSchema } from '../../types/analytics'
import { db, _ } from '../shared/cloud'
import { findById, readAll } from '../shared/query'

export const SHARD_SIZE = 5000
const SAMPLE_SIZE = 5000

const members = db.collection('members')

/** One conditional update per transition: members matching `from` whose time field passed the cutoff. */
export async function applyTimeTransitions(lifecycle: LifecycleConfig, now: Date): Promise<Record<string, number>> {
  const counts: Record<string, number> = {}
  for (const t of timeTransitions(lifecycle, now)) {
    const where: Record<string, unknown> = { stage: _.in(t.from), [t.field]: _.lt(t.before), status: _.neq('deleted') }
    if (t.purchased) where['stats.lastPurchaseAt'] = _.neq(null)
    const { stats } = await members.where(where).update({ data: { stage: t.to } })
    counts[`${t.from.join('|')}→${t.to}`] = stats.updated
  }
  return counts
}

/** Members with purchases, in `_id` order (OPENIDs: effectively random), as the fitting sample. */
async function sample(now: Date) {
  const docs = await readAll(members.where({ 'stats.purchaseDays': _.gte(1) }).orderBy('_id', 'asc').field({ stats: true }), SAMPLE_SIZE)
  return docs.map(d => MemberStatsSchema.parse(d.stats)).map(stats => ({ stats, customer: modelCustomer(stats, now) }))
}

export async function modelsAndCuts(lifecycle: LifecycleConfig, now: Date): Promise<{ models: ModelParams | null; source: 'fitted' | 'pinned' | 'none'; sampled: number; cuts: RfmCuts }> {
  const [pinnedDoc, rows] = await Promise.all([findById<{ pinned?: boolean; params?: unknown }>(db.collection('tiers_config'), 'models'), sample(now)])
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

/** Shard boundaries by `_id`: [from, to) with null for open ends. */
export async function shardBounds(): Promise<Array<{ from: string | null; to: string | null }>> {
  const { total } = await members.count()
  const n = Math.max(1, Math.ceil(total / SHARD_SIZE))
  const cuts: string[] = []
  for (let k = 1; k < n; k++) {
    const { data } = await members.orderBy('_id', 'asc').skip(k * SHARD_SIZE).limit(1).field({ _id: true }).get()
    if (data.length) cuts.push(String(data[0]._id))
  }
  const edges = [null, ...cuts, null]
  return edges.slice(0, -1).map((from, i) => ({ from, to: edges[i + 1] }))
}
