import type { CareStepSummary } from './care-tasks'
import { z } from 'zod'
import { segmentId } from './segments'

/** The `tiers` function: the daily scoring job and its workers (console, timer, or itself). */
export const TiersEvents = z.discriminatedUnion('action', [
  /**
   * Starts today's run (Shanghai day) or resumes it where it stopped; a finished run answers its
   * summary and changes nothing. The timer fires every 2 minutes, so a run cut short resumes by itself.
   */
  z.object({ action: z.literal('run'), force: z.boolean().default(false) }).strict(),
  /** one worker: scores the members of one shard from its cursor until the time budget runs out */
  z.object({ action: z.literal('shard'), runId: z.string().min(1).max(64), shard: z.number().int().min(0).max(10_000) }).strict(),
  z.object({ action: z.literal('status'), runId: z.string().min(1).max(64).optional() }).strict(),
  /**
   * The recommendations' item neighbours for a finished run (co-purchases of the last 12 months), in
   * bounded steps (tiers/similarity.ts) that the run calls once everyone is scored: with `shard`, one
   * worker counting that shard's purchases; without, whatever is left within one invocation's budget
   * (preparing, counting the open shards, merging) — `more` until done. A run's neighbours are computed
   * once (`force`: again, with `buckets` buckets of items if given). `limit` caps the work of this call
   * (purchases per counting step, pages or buckets merged): small steps for tests.
   */
  z
    .object({
      action: z.literal('neighbors'),
      runId: z.string().min(1).max(64),
      force: z.boolean().default(false),
      shard: z.number().int().min(0).max(10_000).optional(),
      limit: z.number().int().min(1).max(100_000).optional(),
      buckets: z.number().int().min(1).max(1024).optional(),
    })
    .strict(),
  /**
   * One step of finding a saved segment's members (shared/segments.ts segmentPassStep): the segment
   * `segmentId`, or the first whose rule is new; `limit` members in one page (small steps for tests).
   * `run` takes these steps itself when the day's scoring is done; both wait while it scores.
   */
  z
    .object({
      action: z.literal('segments'),
      segmentId: segmentId.optional(),
      limit: z.number().int().min(1).max(1000).optional(),
    })
    .strict(),
])
export type TiersEvent = z.infer<typeof TiersEvents>

export interface RunSummary {
  runId: string
  day: string
  /** preparing: finding the shard boundaries (resumed by the next call if need be) */
  status: 'preparing' | 'scoring' | 'done'
  now: string
  transitions: Record<string, number>
  models: { source: 'fitted' | 'pinned' | 'none'; sample: number }
  shards: number
  shardsDone: number
  scored: number
  written: number
  downgraded: number
  /** the item neighbours of this run (null until computed, after the scoring) */
  neighbors: { purchases: number; items: number } | null
  /** how long the steps took, in ms: the run's preparation and the longest worker invocation; worker calls that failed or timed out */
  timing: { prepareMs: number; longestShardMs: number; workerFailures: number }
}

/** The `reminders` function: the hourly send (timer `run`), callable from the console too. */
export const RemindersEvents = z.discriminatedUnion('action', [
  z.object({ action: z.literal('run') }).strict(),
  /** the daily care step alone (关怀任务, reminders/care.ts); `run` also runs it with what is left of its budget */
  z.object({ action: z.literal('care') }).strict(),
])
export type RemindersEvent = z.infer<typeof RemindersEvents>

export interface RemindersRunSummary {
  now: string
  /** subscribers read in this call */
  read: number
  sent: number
  failed: number
  duplicate: number
  deferred: number
  skipped: Record<string, number>
  /** stopped at its time budget: the next run continues from the saved cursor */
  more: boolean
  /** the daily care step's progress (types/care-tasks.ts) */
  care?: CareStepSummary
}
