/**
 * `tiers`: the daily job that keeps every member's stage, RFM, churn risk and value, tier review and
 * rule tags current. A run (`jobs/tiers-<day>`) is prepared once (set-based stage transitions, model
 * fit, RFM cut points, `_id` shards), then its shards are scored by worker invocations of this same
 * function (`cloud.callFunction`), each from its saved cursor until its time budget runs out. A run
 * killed half way resumes at the next timer tick from the cursors; it never applies a member twice
 * because a member's scores are recomputed from its data, not incremented, and written only if
 * the member did not change since it was read.
 */
import { TiersEvents, type RunSummary, type TiersEvent } from '../../types/jobs'
import { AppError } from '../../types/result'
import type { ModelParams } from '../../types/analytics'
import type { RfmCuts } from '../../domain/lifecycle'
import { scoreMember } from '../../domain/scoring'
import { shanghaiDay } from '../../domain/time'
import { requireAdmin } from '../shared/access'
import { wholeFields } from '../shared/activity'
import { cloud, db, _ } from '../shared/cloud'
import { defineFunction, type Actions } from '../shared/handler'
import { isDeleted, parseMember } from '../shared/members'
import { findById, readAll } from '../shared/query'
import { LIFECYCLE, loadRules, TIER_LADDER } from '../shared/rules'
import { applyTimeTransitions, modelsAndCuts, shardBounds } from './prepare'
import { refreshNeighbors } from './similarity'

/**
 * A worker must answer within the SDK's callFunction timeout (15 s), and `run` starts a batch of
 * workers only while a whole batch still fits in its own 60 s timeout.
 */
const RUN_BUDGET_MS = 45_000
const SHARD_BUDGET_MS = 10_000
/** a worker holds its shard this long at most: a second worker never scores the same shard meanwhile */
const LEASE_MS = 30_000
const PAGE = 500
const WORKERS = 4
const WRITE_CONCURRENCY = 8

interface RunDoc {
  _id: string
  day: string
  now: Date
  status: 'scoring' | 'done'
  transitions: Record<string, number>
  models: ModelParams | null
  modelSource: 'fitted' | 'pinned' | 'none'
  sampled: number
  cuts: RfmCuts
  shards: number
  createdAt: Date
  finishedAt: Date | null
}

interface ShardDoc {
  _id: string
  runId: string
  index: number
  from: string | null
  to: string | null
  cursor: string | null
  done: boolean
  claimedUntil: Date | null
  scored: number
  written: number
  downgraded: number
}

const jobs = db.collection<any>('jobs')
const members = db.collection('members')
const shardId = (runId: string, index: number) => `${runId}:shard:${index}`

async function shardsOf(run: RunDoc): Promise<ShardDoc[]> {
  return readAll<ShardDoc>(jobs.where({ runId: run._id }).orderBy('index', 'asc'))
}

async function summary(run: RunDoc): Promise<RunSummary> {
  const shards = await shardsOf(run)
  const sum = (k: 'scored' | 'written' | 'downgraded') => shards.reduce((s, x) => s + x[k], 0)
  return {
    runId: run._id,
    day: run.day,
    status: run.status,
    now: new Date(run.now).toISOString(),
    transitions: run.transitions,
    models: { source: run.modelSource, sample: run.sampled },
    shards: run.shards,
    shardsDone: shards.filter(s => s.done).length,
    scored: sum('scored'),
    written: sum('written'),
    downgraded: sum('downgraded'),
  }
}

async function prepare(runId: string, day: string, now: Date): Promise<RunDoc> {
  const { rules: lifecycle } = await loadRules(LIFECYCLE)
  const transitions = await applyTimeTransitions(lifecycle, now)
  const { models, source, sampled, cuts } = await modelsAndCuts(lifecycle, now)
  const bounds = await shardBounds()
  for (const [index, b] of bounds.entries()) {
    const shard: Omit<ShardDoc, '_id'> = { runId, index, ...b, cursor: null, done: false, claimedUntil: null, scored: 0, written: 0, downgraded: 0 }
    await jobs.doc(shardId(runId, index)).set({ data: shard })
  }
  const run: Omit<RunDoc, '_id'> = { day, now, status: 'scoring', transitions, models, modelSource: source, sampled, cuts, shards: bounds.length, createdAt: new Date(), finishedAt: null }
  // the run doc last: its presence means the shards exist
  await jobs.doc(runId).set({ data: run })
  return { _id: runId, ...run }
}

/** Scores one page of a shard; returns the last id read and the counts. */
async function scorePage(shard: ShardDoc, ctx: Parameters<typeof scoreMember>[1]) {
  const range = shard.cursor ? _.gt(shard.cursor) : shard.from ? _.gte(shard.from) : _.exists(true)
  const { data } = await members.where({ _id: shard.to ? range.and(_.lt(shard.to)) : range }).orderBy('_id', 'asc').limit(PAGE).get()
  let written = 0
  let downgraded = 0
  let next = 0
  const docs = data.filter(d => !isDeleted(d))
  await Promise.all(Array.from({ length: WRITE_CONCURRENCY }, async () => {
    while (next < docs.length) {
      const doc = docs[next++]
      const member = parseMember(doc)
      const scored = scoreMember(member, ctx)
      if (!Object.keys(scored.patch).length) continue
      // only if the member did not change since it was read (a purchase meanwhile wins; the next run rescores)
      const { stats } = await members.where({ _id: member._id, updatedAt: member.updatedAt }).update({ data: wholeFields(scored.patch) })
      written += stats.updated
      if (scored.downgraded && stats.updated) downgraded++
    }
  }))
  return { last: data.length ? String(data[data.length - 1]._id) : shard.cursor, read: data.length, scored: docs.length, written, downgraded }
}

const actions: Actions<TiersEvent> = {
  async run(event, ctx) {
    await requireAdmin(ctx)
    const started = Date.now()
    const day = shanghaiDay(ctx.now)
    const runId = `tiers-${day}`
    let run = await findById<RunDoc>(jobs, runId)
    if (run?.status === 'done' && !event.force) return summary(run)
    // a forced rerun the same day scores at the run's instant again: unchanged members are not rewritten
    if (!run || event.force) run = await prepare(runId, day, run ? new Date(run.now) : ctx.now)
    while (Date.now() - started < RUN_BUDGET_MS - SHARD_BUDGET_MS) {
      const open = (await shardsOf(run)).filter(s => !s.done)
      if (!open.length) {
        // everyone scored: the recommendations' co-purchase neighbours for the day, then done
        const neighbors = await refreshNeighbors(new Date(run.now))
        await jobs.doc(runId).update({ data: { status: 'done', finishedAt: new Date(), neighbors } })
        return summary({ ...run, status: 'done' })
      }
      for (let i = 0; i < open.length; i += WORKERS) {
        await Promise.all(open.slice(i, i + WORKERS).map(s => cloud.callFunction({ name: 'tiers', data: { action: 'shard', runId, shard: s.index } })))
      }
    }
    return summary(run)
  },

  async shard(event, ctx) {
    await requireAdmin(ctx)
    const started = Date.now()
    const [run, found] = await Promise.all([findById<RunDoc>(jobs, event.runId), findById<ShardDoc>(jobs, shardId(event.runId, event.shard))])
    if (!run || !found) throw new AppError('NOT_FOUND', `没有这个任务分片：${event.runId} #${event.shard}`)
    if (found.done) return { done: true, scored: found.scored, written: found.written }
    const lease = await jobs.where({ _id: found._id, done: false, claimedUntil: _.lt(new Date()).or(_.eq(null)) }).update({ data: { claimedUntil: new Date(Date.now() + LEASE_MS) } })
    if (lease.stats.updated !== 1) return { done: false, scored: found.scored, written: found.written, busy: true }
    let shard = found
    const [{ rules: ladder }, { rules: lifecycle }] = await Promise.all([loadRules(TIER_LADDER), loadRules(LIFECYCLE)])
    const scoring = { ladder, lifecycle, cuts: run.cuts, models: run.models, now: new Date(run.now) }
    while (!shard.done && Date.now() - started < SHARD_BUDGET_MS) {
      const page = await scorePage(shard, scoring)
      shard = {
        ...shard,
        cursor: page.last,
        done: page.read < PAGE,
        scored: shard.scored + page.scored,
        written: shard.written + page.written,
        downgraded: shard.downgraded + page.downgraded,
      }
      const { _id, ...progress } = shard
      await jobs.doc(_id).update({ data: { cursor: progress.cursor, done: progress.done, scored: progress.scored, written: progress.written, downgraded: progress.downgraded } })
    }
    await jobs.doc(shard._id).update({ data: { claimedUntil: null } })
    return { done: shard.done, scored: shard.scored, written: shard.written }
  },

  async status(event, ctx) {
    await requireAdmin(ctx)
    const run = await findById<RunDoc>(jobs, event.runId ?? `tiers-${shanghaiDay(ctx.now)}`)
    if (!run) throw new AppError('NOT_FOUND', '今天的任务还没有开始')
    return summary(run)
  },
}

export const main = defineFunction(TiersEvents, actions)
