import { z } from 'zod'

/** The `tiers` function: the daily scoring job and its workers (console, timer, or itself). */
export const TiersEvents = z.discriminatedUnion('action', [
  /**
   * Starts today's run (Shanghai day) or resumes it where it stopped; a finished run answers its
   * summary and changes nothing. The timer fires every 10 minutes, so a run cut short resumes by itself.
   */
  z.object({ action: z.literal('run'), force: z.boolean().default(false) }).strict(),
  /** one worker: scores the members of one shard from its cursor until the time budget runs out */
  z.object({ action: z.literal('shard'), runId: z.string().min(1).max(64), shard: z.number().int().min(0).max(10_000) }).strict(),
  z.object({ action: z.literal('status'), runId: z.string().min(1).max(64).optional() }).strict(),
  /**
   * The recommendations' item neighbours for a finished run (co-purchases of the last 12 months): its
   * own invocation, which the run calls once everyone is scored, so reading the purchases never
   * counts against a `run` call's time. A run's neighbours are computed once (`force`: again).
   */
  z.object({ action: z.literal('neighbors'), runId: z.string().min(1).max(64), force: z.boolean().default(false) }).strict(),
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
export const RemindersEvents = z.discriminatedUnion('action', [z.object({ action: z.literal('run') }).strict()])
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
}
