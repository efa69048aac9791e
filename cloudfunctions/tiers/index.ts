/**
 * `tiers`: the daily job that keeps every member's stage, RFM, churn risk and value, tier review and
 * rule tags current. A run (`jobs/tiers-<day>`) is prepared once (model fit, RFM cut points, `_id`
 * shards of SHARD_SIZE members, their boundaries found across calls if need be), then its shards are
 * scored WORKERS at a time: by the coordinator itself (it would otherwise wait, billed, for its workers)
 * and by worker invocations of this same function (`cloud.callFunction`). Each scores its shard's
 * members page by page from its saved cursor until its time budget runs out: the stage (with the moves
 * the passing of time causes, counted by transition), RFM, churn, tier review and tags, in one write
 * per changed member. Once every shard is done the run computes the item neighbours in steps: it
 * prepares and merges them itself, and counts their shards like the scoring's. A run killed half way
 * resumes at the next timer tick from the cursors; it never applies a member twice because a member's
 * scores are recomputed from its data, not incremented, and written only if the member did not change
 * since it was read.
 *
 * Every invocation is bounded whatever the number of members: a worker by its budget (inside the SDK's
 * 15 s call timeout) and the shard size, the coordinator by its budget (inside its 60 s timeout). More
 * members only mean more shards, so more worker invocations and more timer ticks. The generic
 * mechanics (budgets, boundaries, leases, the coordinator, page sizing) are in `shared/jobs.ts`; this
 * file holds what is specific to scoring.
 */
import { TiersEvents, type RunSummary, type TiersEvent } from '../../types/jobs'
import { AppError } from '../../types/result'
import type { ModelParams } from '../../types/analytics'
import type { RfmCuts } from '../../domain/lifecycle'
import { scoreMember } from '../../domain/scoring'
import { shanghaiDay } from '../../domain/time'
import { requireAdmin } from '../shared/access'
import { wholeFields } from '../shared/activity'
import { _ } from '../shared/cloud'
import type { CollectionHandle } from '../shared/collection'
import { jobs as jobsHandle } from '../shared/collections/jobs'
import { members } from '../shared/collections/members'
import { defineFunction, type Actions } from '../shared/handler'
import { callFits, callWorker, claimLease, countOn, dispatchShards, findBoundaries, pagesWithinBudget, workHere, type CallBudget, type PageSizing } from '../shared/jobs'
import { isDeleted, parseMemberDoc } from '../shared/members'
import { findById, readAll } from '../shared/query'
import { LIFECYCLE, loadRules, TIER_LADDER } from '../shared/rules'
import { savedRules, segmentPassStep } from '../shared/segments'
import { idCondition, modelsAndCuts, nextBound, rangesOf, transitionsOf } from './prepare'
import { countStep, mergeNeighbors, neighborShardId, neighborShards, prepareNeighbors, type NeighborShard, type NeighborsState } from './similarity'

/** the coordinator's own budget inside its 60 s timeout (config.json); the SDK's call timeout */
const RUN_BUDGET: CallBudget = { runBudgetMs: 50_000, callTimeoutMs: 15_000 }
/** a worker stops starting pages after this long, so it answers well inside the call timeout */
const SHARD_BUDGET_MS = 10_000
/** a worker holds its shard this long at most: a second worker never scores the same shard meanwhile */
const LEASE_MS = 30_000
/** one neighbours invocation (prepare, count, merge) at a time on a run: its budget and a margin */
const NEIGHBORS_LEASE_MS = 30_000
/** a worker's pages: at most 1000 members, a first page of 100 to time the rest, none under 25 */
const PAGES: PageSizing = { budgetMs: SHARD_BUDGET_MS, maxPage: 1000, firstPage: 100, minPage: 25 }
/**
 * Shards scored at once: one by the coordinator itself, the others by worker invocations. Two: the
 * members' writes are what limits the pace, so more lanes mostly add billed waiting (100,000 members
 * on the emulator: 4 lanes 215 s and 806 s of function time, 2 lanes 257 s and 505 s).
 */
const WORKERS = 2
const WRITE_CONCURRENCY = 8

interface RunDoc {
  _id: string
  day: string
  now: Date
  /** preparing: the shard boundaries are being found (`bounds` so far); scoring: the shards exist */
  status: 'preparing' | 'scoring' | 'done'
  bounds?: string[]
  /** the transitions' labels (counts are the shards') */
  transitions: Record<string, number>
  models: ModelParams | null
  modelSource: 'fitted' | 'pinned' | 'none'
  sampled: number
  cuts: RfmCuts
  shards: number
  prepareMs?: number
  /** worker calls that failed or timed out (their shards were taken up again) */
  workerFailures?: number
  neighbors?: { purchases: number; items: number } | null
  /** the neighbours' steps (tiers/similarity.ts), once the scoring is done */
  nb?: NeighborsState | null
  neighborsClaimedUntil?: Date | null
  createdAt: Date
  finishedAt: Date | null
}

interface ShardDoc {
  _id: string
  runId: string
  index: number
  from: string | null
  to: string | null
  /** the members of this shard's range the scoring moved, by time transition */
  transitions?: Record<string, number>
  cursor: string | null
  done: boolean
  claimedUntil: Date | null
  scored: number
  written: number
  downgraded: number
  /** the longest worker invocation on this shard, in ms */
  longestMs?: number
}

// documents of several shapes (runs, shards, the neighbours' steps): typed where read
const jobs = jobsHandle as unknown as CollectionHandle<any>
const shardId = (runId: string, index: number) => `${runId}:shard:${index}`

async function shardsOf(run: RunDoc): Promise<ShardDoc[]> {
  // a forced rerun over fewer members leaves the earlier preparation's last shards behind: not this run's
  return readAll<ShardDoc>(jobs.where({ runId: run._id, index: _.lt(run.shards) }).orderBy('index', 'asc'))
}

async function summary(run: RunDoc): Promise<RunSummary> {
  const shards = await shardsOf(run)
  const sum = (k: 'scored' | 'written' | 'downgraded') => shards.reduce((s, x) => s + x[k], 0)
  // the run doc holds the labels (and, for runs prepared before the shards applied them, the counts)
  const transitions = Object.fromEntries(Object.entries(run.transitions).map(([k, v]) => [k, v + shards.reduce((s, x) => s + (x.transitions?.[k] ?? 0), 0)]))
  return {
    runId: run._id,
    day: run.day,
    status: run.status,
    now: new Date(run.now).toISOString(),
    transitions,
    models: { source: run.modelSource, sample: run.sampled },
    shards: run.shards,
    shardsDone: shards.filter(s => s.done).length,
    scored: sum('scored'),
    written: sum('written'),
    downgraded: sum('downgraded'),
    neighbors: run.neighbors ?? null,
    timing: { prepareMs: run.prepareMs ?? 0, longestShardMs: shards.reduce((m, x) => Math.max(m, x.longestMs ?? 0), 0), workerFailures: run.workerFailures ?? 0 },
  }
}

/** A new run (or a forced rerun): the models and cut points; the shard boundaries come next. */
async function startRun(runId: string, day: string, now: Date): Promise<RunDoc> {
  const started = Date.now()
  const { rules: lifecycle } = await loadRules(LIFECYCLE)
  const { models, source, sampled, cuts } = await modelsAndCuts(lifecycle, now)
  const transitions = Object.fromEntries(transitionsOf(lifecycle, now).map(t => [t.key, 0]))
  const run: Omit<RunDoc, '_id'> = {
    day,
    now,
    status: 'preparing',
    bounds: [],
    transitions,
    models,
    modelSource: source,
    sampled,
    cuts,
    shards: 0,
    prepareMs: Date.now() - started,
    workerFailures: 0,
    neighbors: null,
    neighborsClaimedUntil: null,
    createdAt: new Date(),
    finishedAt: null,
  }
  await jobs.doc(runId).set({ data: run })
  return { _id: runId, ...run }
}

/**
 * Finds the shard boundaries from where the last call stopped while the coordinator's budget lasts,
 * then writes the shards and starts the scoring.
 */
async function findShards(run: RunDoc, started: number): Promise<RunDoc> {
  const t0 = Date.now()
  const { bounds, complete } = await findBoundaries({
    found: run.bounds ?? [],
    fits: () => callFits(RUN_BUDGET, started, Date.now()),
    next: nextBound,
    save: found => jobs.doc(run._id).update({ data: { bounds: _.set(found) } }),
  })
  const prepareMs = (run.prepareMs ?? 0) + (Date.now() - t0)
  if (!complete) {
    await jobs.doc(run._id).update({ data: { bounds: _.set(bounds), prepareMs } })
    return { ...run, bounds, prepareMs }
  }
  const ranges = rangesOf(bounds)
  for (let i = 0; i < ranges.length; i += 10) {
    await Promise.all(
      ranges.slice(i, i + 10).map((b, k) => {
        const shard: Omit<ShardDoc, '_id'> = { runId: run._id, index: i + k, ...b, transitions: {}, cursor: null, done: false, claimedUntil: null, scored: 0, written: 0, downgraded: 0, longestMs: 0 }
        return jobs.doc(shardId(run._id, i + k)).set({ data: shard })
      }),
    )
  }
  // scoring only once every shard exists
  const ready = { bounds: _.set(bounds), shards: ranges.length, status: 'scoring' as const, prepareMs: (run.prepareMs ?? 0) + (Date.now() - t0) }
  await jobs.doc(run._id).update({ data: ready })
  return { ...run, bounds, shards: ranges.length, status: 'scoring', prepareMs: ready.prepareMs }
}

type TimeMove = ReturnType<typeof transitionsOf>[number]

/** The time transition that moves a member from stage `from` to `to`, if one does. */
const timeMoveKey = (moves: TimeMove[], from: string, to: string) => moves.find(t => t.to === to && (t.from as string[]).includes(from))?.key

/** Scores one page of a shard; returns the last id read and the counts (`moved`: by time transition). */
async function scorePage(shard: ShardDoc, ctx: Parameters<typeof scoreMember>[1] & { moves: TimeMove[] }, limit: number) {
  const { data } = await members
    .where({ _id: idCondition(shard, shard.cursor) })
    .orderBy('_id', 'asc')
    .limit(limit)
    .get()
  let written = 0
  let downgraded = 0
  const moved: Record<string, number> = {}
  let next = 0
  const docs = data.filter(d => !isDeleted(d))
  await Promise.all(
    Array.from({ length: WRITE_CONCURRENCY }, async () => {
      while (next < docs.length) {
        const doc = docs[next++]
        const { member, dropped } = parseMemberDoc(doc)
        const scored = scoreMember(member, ctx)
        for (const problem of scored.problems) console.warn(`[tiers] member ${member._id}: ${problem}; churn stored as null`)
        // a stored derived value that failed validation is written afresh even when the new one equals its default
        for (const field of dropped) if (!(field in scored.patch)) (scored.patch as Record<string, unknown>)[field] = member[field]
        // unchanged members cost no request (a forced rerun the same day writes nobody)
        if (!Object.keys(scored.patch).length) continue
        // only if the member did not change since it was read (a purchase meanwhile wins; the next run rescores)
        const { stats } = await members.where({ _id: member._id, updatedAt: member.updatedAt }).update({ data: wholeFields(scored.patch) })
        written += stats.updated
        if (scored.downgraded && stats.updated) downgraded++
        const move = scored.patch.stage && stats.updated ? timeMoveKey(ctx.moves, member.stage, scored.patch.stage) : undefined
        if (move) moved[move] = (moved[move] ?? 0) + 1
      }
    }),
  )
  return { last: data.length ? String(data[data.length - 1]._id) : shard.cursor, read: data.length, scored: docs.length, written, downgraded, moved }
}

/**
 * One worker's part of a shard: pages of members while the budget lasts. A member's stage is part of
 * its scores (`stageOf`), so the moves the passing of time causes are written with them, and counted
 * by transition; a page scored again (its cursor was lost) finds them moved already and counts nobody.
 */
async function scoreShard(event: { runId: string; shard: number }, loaded?: RunDoc) {
  const started = Date.now()
  // the coordinator's own lane passes the run it holds (its models, cuts and instant are fixed once scoring starts)
  const [run, found] = await Promise.all([loaded ?? findById<RunDoc>(jobs, event.runId), findById<ShardDoc>(jobs, shardId(event.runId, event.shard))])
  if (!run || !found) throw new AppError('NOT_FOUND', `没有这个任务分片：${event.runId} #${event.shard}`)
  if (found.done) return { done: true, scored: found.scored, written: found.written }
  if (!(await claimLease(jobs, found._id, 'claimedUntil', LEASE_MS, { done: false }))) return { done: false, scored: found.scored, written: found.written, busy: true }
  let shard: ShardDoc = { ...found, transitions: found.transitions ?? {} }
  const now = new Date(run.now)
  const [{ rules: ladder }, { rules: lifecycle }, segments] = await Promise.all([loadRules(TIER_LADDER), loadRules(LIFECYCLE), savedRules(now)])
  const left = () => SHARD_BUDGET_MS - (Date.now() - started)
  const scoring = { ladder, lifecycle, cuts: run.cuts, models: run.models, now, moves: transitionsOf(lifecycle, now), segments }
  await pagesWithinBudget({
    sizing: PAGES,
    leftMs: left,
    page: limit => scorePage(shard, scoring, limit),
    saved: async (page, limit) => {
      const transitions = { ...shard.transitions }
      for (const [key, n] of Object.entries(page.moved)) transitions[key] = (transitions[key] ?? 0) + n
      shard = {
        ...shard,
        cursor: page.last,
        done: page.read < limit,
        scored: shard.scored + page.scored,
        written: shard.written + page.written,
        downgraded: shard.downgraded + page.downgraded,
        transitions,
      }
      await jobs
        .doc(shard._id)
        .update({ data: { cursor: shard.cursor, done: shard.done, scored: shard.scored, written: shard.written, downgraded: shard.downgraded, transitions: _.set(transitions) } })
      return !shard.done
    },
  })
  const ms = Date.now() - started
  await jobs.doc(shard._id).update({ data: { claimedUntil: null, longestMs: Math.max(found.longestMs ?? 0, ms) } })
  return { done: shard.done, scored: shard.scored, written: shard.written, ms }
}

/** Hands the open shards to the coordinator's own lane and worker invocations while a worker call still fits in its budget. */
async function scoreShards(run: RunDoc, started: number): Promise<RunDoc> {
  const outcome = await dispatchShards({
    open: async () => (await shardsOf(run)).filter(s => !s.done).map(s => s.index),
    work: (index, lane) => {
      const label = `shard ${index} of ${run._id}`
      // the coordinator scores in its own lane instead of waiting idle (its time is billed either way)
      return lane === 0 ? workHere(() => scoreShard({ runId: run._id, shard: index }, run), `[tiers] ${label}`) : callWorker('tiers', { action: 'shard', runId: run._id, shard: index }, label)
    },
    workers: WORKERS,
    fits: () => callFits(RUN_BUDGET, started, Date.now()),
    onFailure: () => countOn(jobs, run._id, 'workerFailures', 'tiers'),
  })
  if (outcome === 'paused') return run
  const finishedAt = new Date()
  await jobs.doc(run._id).update({ data: { status: 'done', finishedAt } })
  return { ...run, status: 'done', finishedAt }
}

/**
 * The neighbours of a finished run: the first step prepares them (and does it all for a small brand),
 * open counting shards go to this call's own lane and to workers like the scoring's, then steps merge
 * while one still fits and each makes progress.
 */
async function neighborsOf(run: RunDoc, started: number): Promise<RunDoc> {
  const fits = () => callFits(RUN_BUDGET, started, Date.now())
  const reload = async () => (await findById<RunDoc>(jobs, run._id)) ?? run
  // preparing and merging are steps of the coordinator's own (a worker's budget each): calling a worker
  // for them would bill the coordinator's wait as well
  const step = async () => workHere(async () => neighborsStep(await reload()), `[tiers] neighbours of ${run._id}`)
  if (!run.nb && fits()) {
    await step()
    run = await reload()
  }
  if (run.nb?.phase === 'counting' && fits()) {
    const nb = run.nb
    const outcome = await dispatchShards({
      open: async () => (await neighborShards(run._id, nb)).filter(s => !s.done).map(s => s.index),
      work: (index, lane) => {
        const label = `neighbours shard ${index} of ${run._id}`
        return lane === 0 ? workHere(() => countNeighborShard(run._id, index), `[tiers] ${label}`) : callWorker('tiers', { action: 'neighbors', runId: run._id, shard: index }, label)
      },
      workers: WORKERS,
      fits,
      onFailure: () => countOn(jobs, run._id, 'workerFailures', 'tiers'),
    })
    if (outcome === 'paused') return run
  }
  while (run.nb && !run.neighbors && fits()) {
    const before = JSON.stringify(run.nb)
    const outcome = await step()
    run = await reload()
    if (outcome !== 'ok' || JSON.stringify(run.nb) === before) break
  }
  return run
}

/** Counts a shard's steps while at least half the budget is left (the caller holds the shard's lease). */
async function countShard(run: RunDoc, nb: NeighborsState, shard: NeighborShard, left: () => number, limit?: number): Promise<NeighborShard> {
  const started = Date.now()
  let s: NeighborShard & { lost?: boolean } = shard
  do s = await countStep(run._id, nb, s, { now: new Date(run.now), leftMs: left, budgetMs: SHARD_BUDGET_MS, limit })
  while (!s.done && !s.lost && !limit && left() >= SHARD_BUDGET_MS / 2)
  // a worker that lost its step to another leaves the lease (now the other's) alone
  if (!s.lost) await jobs.where({ _id: s._id, gen: nb.gen }).update({ data: { claimedUntil: null, longestMs: Math.max(s.longestMs ?? 0, Date.now() - started) } })
  return s
}

/**
 * One `neighbors` step of a finished run, within a worker's budget: under the run's neighbours lease (a
 * second caller meanwhile answers `busy`), prepares them if need be, counts the open shards itself,
 * then merges; `more` until they are written.
 */
async function neighborsStep(loaded: RunDoc, opts: { force?: boolean; limit?: number; buckets?: number } = {}) {
  const started = Date.now()
  const left = () => SHARD_BUDGET_MS - (Date.now() - started)
  let run = loaded
  if (run.neighbors && !opts.force) return neighborsAnswer(run, false)
  if (!(await claimLease(jobs, run._id, 'neighborsClaimedUntil', NEIGHBORS_LEASE_MS))) return neighborsAnswer(run, true)
  const save = async (nb: NeighborsState, extra: Partial<RunDoc> = {}) => {
    await jobs.doc(run._id).update({ data: { nb: _.set(nb), ...extra } })
    run = { ...run, nb, ...extra }
    return nb
  }
  let nb = run.nb && !opts.force ? run.nb : await save(await prepareNeighbors(run._id, new Date(run.now), run.bounds ?? [], opts.buckets), { neighbors: null })
  if (nb.phase === 'counting') {
    for (const shard of await neighborShards(run._id, nb)) {
      if (shard.done || left() < SHARD_BUDGET_MS / 2) continue
      if (!(await claimLease(jobs, shard._id, 'claimedUntil', LEASE_MS, { done: false, gen: nb.gen }))) continue
      await countShard(run, nb, shard, left, opts.limit)
      if (opts.limit) break
    }
    const shards = await neighborShards(run._id, nb)
    if (shards.every(s => s.done)) nb = await save({ ...nb, phase: 'merging', purchases: shards.reduce((n, s) => n + s.purchases, 0) })
  }
  if (nb.phase === 'merging' && left() > 0) {
    nb = await save(await mergeNeighbors(run._id, nb, { now: new Date(run.now), fits: slowest => left() >= 2 * slowest && left() > 0, limit: opts.limit, save }))
    if (nb.phase === 'done') await save(nb, { neighbors: { purchases: nb.purchases, items: nb.items } })
  }
  await jobs.doc(run._id).update({ data: { neighborsClaimedUntil: null } })
  return neighborsAnswer(run, false)
}

/** The answer of a `neighbors` call: what the run's neighbours came to, or how far they are. */
function neighborsAnswer(run: RunDoc, busy: boolean) {
  return { purchases: run.neighbors?.purchases ?? run.nb?.purchases ?? 0, items: run.neighbors?.items ?? run.nb?.items ?? 0, busy, more: !run.neighbors }
}

/** One counting worker on a neighbours shard of a finished run (its lease held while it counts). */
async function countNeighborShard(runId: string, index: number, limit?: number, loaded?: RunDoc) {
  const started = Date.now()
  const left = () => SHARD_BUDGET_MS - (Date.now() - started)
  const run = loaded ?? (await findById<RunDoc>(jobs, runId))
  const nb = run?.nb
  const shard = nb && (await findById<NeighborShard>(jobs, neighborShardId(runId, index)))
  if (!run || !nb || !shard || shard.gen !== nb.gen || index >= nb.shards) throw new AppError('NOT_FOUND', `没有这个任务分片：${runId} #${index}`)
  if (shard.done) return { ...neighborsAnswer(run, false), shard: { done: true, purchases: shard.purchases } }
  if (!(await claimLease(jobs, shard._id, 'claimedUntil', LEASE_MS, { done: false, gen: nb.gen }))) return { ...neighborsAnswer(run, true), shard: { done: false, purchases: shard.purchases } }
  const counted = await countShard(run, nb, shard, left, limit)
  return { ...neighborsAnswer(run, false), shard: { done: counted.done, purchases: counted.purchases } }
}

const actions: Actions<TiersEvent> = {
  async run(event, ctx) {
    const started = Date.now()
    const day = shanghaiDay(ctx.now)
    const runId = `tiers-${day}`
    let run = await findById<RunDoc>(jobs, runId)
    // a forced rerun the same day scores at the run's instant again: unchanged members are not rewritten
    if (!run || event.force) run = await startRun(runId, day, run ? new Date(run.now) : ctx.now)
    if (run.status === 'preparing') run = await findShards(run, started)
    if (run.status === 'scoring') run = await scoreShards(run, started)
    if (run.status === 'done' && !run.neighbors) run = await neighborsOf(run, started)
    // what is left of the budget finds the members of segments saved since (their pass waits while the run scores)
    const budgetMs = RUN_BUDGET.runBudgetMs - RUN_BUDGET.callTimeoutMs - (Date.now() - started)
    if (run.status === 'done' && budgetMs > 0) await workHere(async () => (await segmentPassStep({ now: ctx.now, budgetMs, dayRunDone: true })) ?? {}, '[tiers] segment pass')
    return summary(run)
  },

  segments: async (event, ctx) => ({ step: await segmentPassStep({ now: ctx.now, budgetMs: SHARD_BUDGET_MS, segmentId: event.segmentId, limit: event.limit }) }),

  shard: event => scoreShard(event),

  /**
   * The item neighbours of a finished run, in steps (tiers/similarity.ts). With `shard`: one counting
   * worker on that shard. Without: one step (`neighborsStep`), as the run's coordinator takes them.
   */
  async neighbors(event) {
    const run = await findById<RunDoc>(jobs, event.runId)
    if (!run) throw new AppError('NOT_FOUND', `没有这个任务：${event.runId}`)
    if (run.status !== 'done') throw new AppError('FAILED_PRECONDITION', '任务还没有给所有会员评分')
    if (event.shard !== undefined) return countNeighborShard(run._id, event.shard, event.limit, run)
    return neighborsStep(run, event)
  },

  async status(event, ctx) {
    const run = await findById<RunDoc>(jobs, event.runId ?? `tiers-${shanghaiDay(ctx.now)}`)
    if (!run) throw new AppError('NOT_FOUND', '今天的任务还没有开始')
    return summary(run)
  },
}

export const main = defineFunction(TiersEvents, actions, (_action, ctx) => requireAdmin(ctx))
