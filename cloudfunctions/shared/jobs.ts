/**
 * Mechanics any long, resumable job needs, whatever it computes: budgets that keep each invocation
 * inside its timeout, `_id`-range boundaries found across calls, leases so one caller at a time works
 * on a shard (or on a once-only step), a coordinator that hands shards to worker invocations of the
 * same function, and page sizes adapted to the measured pace. The job itself (its run and shard docs,
 * what one page does) stays in its function; `tiers` is the first user.
 */
import { cloud, _ } from './cloud'

/** How long a coordinator may run and how long the SDK waits for a `cloud.callFunction`. */
export interface CallBudget {
  /** the coordinator's own budget, inside its function timeout */
  runBudgetMs: number
  /** the SDK gives up on a `cloud.callFunction` after this long (the callee keeps running) */
  callTimeoutMs: number
}

/** Whether one more call (awaited for up to its timeout) still ends inside the run's budget. */
export function callFits(budget: CallBudget, startedAt: number, now: number): boolean {
  return now - startedAt + budget.callTimeoutMs <= budget.runBudgetMs
}

/** The limits on one page of a budgeted loop. */
export interface PageSizing {
  /** the time one invocation may spend starting pages */
  budgetMs: number
  /** the most items one page reads */
  maxPage: number
  /** the first page, read before any pace is known, to time the rest */
  firstPage: number
  /** pages smaller than this are not worth a query: the invocation stops and the next goes on */
  minPage: number
}

/**
 * The next page's size, or 0 to stop: what is left of the budget at the slowest pace seen so far (ms
 * per item), a fifth held back because a page's pace varies with what else the database is doing.
 * Before any page, the first (small) page only if at least half the budget is left.
 */
export function nextPageSize(sizing: PageSizing, msPerItem: number, leftMs: number): number {
  const size = msPerItem ? Math.min(sizing.maxPage, Math.floor((0.8 * leftMs) / msPerItem)) : leftMs >= sizing.budgetMs / 2 ? sizing.firstPage : 0
  return size < sizing.minPage ? 0 : size
}

/** The pace to size pages by: the slowest seen (a loaded database means smaller pages, never a longer invocation). */
export function slowerPace(msPerItem: number, pageMs: number, read: number): number {
  return Math.max(msPerItem, pageMs / Math.max(1, read))
}

/**
 * Pages while the budget lasts, each sized by `nextPageSize` from the pace of the pages before it.
 * `page` reads and handles up to `limit` items (only it is timed); `saved` records the page (a cursor)
 * and answers whether more remain.
 */
export async function pagesWithinBudget<P extends { read: number }>(opts: {
  sizing: PageSizing
  leftMs: () => number
  page: (limit: number) => Promise<P>
  saved: (page: P, limit: number) => Promise<boolean>
}): Promise<void> {
  let msPerItem = 0
  for (;;) {
    const limit = nextPageSize(opts.sizing, msPerItem, opts.leftMs())
    if (!limit) return
    const pageStarted = Date.now()
    const page = await opts.page(limit)
    msPerItem = slowerPace(msPerItem, Date.now() - pageStarted, page.read)
    if (!(await opts.saved(page, limit))) return
  }
}

/** A collection as far as leases and counters need it. */
interface Updatable {
  where(condition: object): { update(args: { data: object }): Promise<{ stats: { updated: number } }> }
  doc(id: string): { update(args: { data: object }): Promise<unknown> }
}

/**
 * Takes the lease in `field` of doc `id` for `ms` if it is free (never taken, released to null or run
 * out) and the doc matches `also`, in one conditional update: of two callers at once, one gets it.
 * Released by setting the field to null; a holder that dies releases it by running out.
 */
export async function claimLease(collection: Updatable, id: string, field: string, ms: number, also: object = {}): Promise<boolean> {
  const { stats } = await collection.where({ _id: id, ...also, [field]: _.lt(new Date()).or(_.eq(null)) }).update({ data: { [field]: new Date(Date.now() + ms) } })
  return stats.updated === 1
}

/**
 * Finds `_id` range boundaries from the last one found while `fits()` (one bounded query per `next`),
 * saving the list every `saveEvery` so a call cut short loses little. `complete` once `next` finds no
 * more. Two calls at once find the same boundaries, so an overlap only repeats work.
 */
export async function findBoundaries(opts: {
  found: string[]
  fits: () => boolean
  next: (prev: string | null) => Promise<string | null>
  save: (bounds: string[]) => Promise<unknown>
  saveEvery?: number
}): Promise<{ bounds: string[]; complete: boolean }> {
  const bounds = [...opts.found]
  let saved = bounds.length
  while (opts.fits()) {
    const next = await opts.next(bounds.length ? bounds[bounds.length - 1] : null)
    if (next === null) return { bounds, complete: true }
    bounds.push(next)
    if (bounds.length - saved >= (opts.saveEvery ?? 20)) {
      await opts.save(bounds)
      saved = bounds.length
    }
  }
  return { bounds, complete: false }
}

/** What a worker call came to: done its part, found its shard leased, or failed / timed out. */
export type WorkerOutcome = 'ok' | 'busy' | 'failed'

/** Calls a worker (`fn` with `data`); an error answer or a thrown call (e.g. the SDK's timeout) is `failed`. */
export async function callWorker(fn: string, data: object, label: string): Promise<WorkerOutcome> {
  try {
    const { result } = await cloud.callFunction({ name: fn, data })
    if (!result?.ok) return 'failed'
    return result.data?.busy ? 'busy' : 'ok'
  } catch (err) {
    // the worker may still be running (it holds its lease)
    console.warn(`[${fn}] ${label}: ${(err as Error).message}`)
    return 'failed'
  }
}

/** A worker's part done in this invocation (a coordinator's own lane): the same outcomes as `callWorker`. */
export async function workHere(work: () => Promise<{ busy?: boolean }>, label: string): Promise<WorkerOutcome> {
  try {
    return (await work()).busy ? 'busy' : 'ok'
  } catch (err) {
    console.warn(`${label}: ${(err as Error).message}`)
    return 'failed'
  }
}

/**
 * Hands the open shards to `work`, `workers` at a time (`lane` 0 … workers − 1: a coordinator can work
 * lane 0 itself rather than wait), while `fits()`. A shard whose worker fails or finds it leased waits
 * for the next call (`onFailure` is told of failures). `done` once no shard is open, `paused` when the
 * time or the workable shards ran out.
 */
export async function dispatchShards(opts: {
  open: () => Promise<number[]>
  work: (shard: number, lane: number) => Promise<WorkerOutcome>
  workers: number
  fits: () => boolean
  onFailure: () => Promise<void>
}): Promise<'done' | 'paused'> {
  const skipped = new Set<number>()
  for (;;) {
    const open = await opts.open()
    if (!open.length) return 'done'
    const todo = open.filter(s => !skipped.has(s))
    if (!todo.length || !opts.fits()) return 'paused'
    let next = 0
    await Promise.all(
      Array.from({ length: Math.min(opts.workers, todo.length) }, async (_x, lane) => {
        while (next < todo.length && opts.fits()) {
          const shard = todo[next++]
          const outcome = await opts.work(shard, lane)
          if (outcome === 'ok') continue
          skipped.add(shard)
          if (outcome === 'failed') await opts.onFailure()
        }
      }),
    )
  }
}

/** Adds one to a counter on a doc, best effort: the count is for reports, not for correctness. */
export async function countOn(collection: Updatable, id: string, field: string, tag: string): Promise<void> {
  try {
    await collection.doc(id).update({ data: { [field]: _.inc(1) } })
  } catch (err) {
    console.warn(`[${tag}] counting ${field} of ${id}: ${(err as Error).message}`)
  }
}
