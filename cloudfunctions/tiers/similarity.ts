/**
 * The daily item-to-item similarity (domain/recommend): co-purchases of the last 12 months into
 * `item_neighbors/<productId>` (top neighbours) and `item_neighbors/__popular__` (recent buyers per
 * item, the prior and the cold start), in bounded steps once a `tiers` run has scored everyone:
 *
 * 1. **counting**: the run's member `_id` shards again; a step reads one shard's purchases in
 *    (`memberId`, `_id`) order from its cursor (whole customers: every sum is over customers) while its
 *    budget lasts, and stores its sums (domain/recommend/cooccurrence.ts) in `jobs` (one document for its
 *    items, one per bucket of items), committed with the shard's cursor;
 * 2. **merging**: the items' totals (norms, popularity) folded from the steps' documents page by page,
 *    then, bucket by bucket of items, the steps' rows of that bucket added up, scored and written.
 *
 * Sums are exact (fixed point), so the result is the one-shot count's whatever the steps. No request
 * or invocation grows with the brand: steps are bounded by the budget and a cell cap, a bucket by the
 * purchases per bucket chosen at the start. The state lives in the run doc (`nb`), the shards'
 * (`<run>:nb:<i>`) and the steps' documents (`<run>:nbp:<generation>:…`, removed as they are merged).
 */
import {
  addCustomer,
  addStoredItems,
  addStoredRows,
  bucketOf,
  emptyCounts,
  encodeCounts,
  neighborsFromCounts,
  pairCells,
  popularityFromCounts,
  type Basket,
  type CoCounts,
  type StoredCounts,
} from '../../domain/recommend'
import { _ } from '../shared/cloud'
import { itemNeighbors, popularItems, POPULAR_DOC } from '../shared/collections/item_neighbors'
import { jobs } from '../shared/collections/jobs'
import { products } from '../shared/collections/products'
import { purchases } from '../shared/collections/purchases'
import { pagesWithinBudget, type PageSizing } from '../shared/jobs'
import { rangesOf, type IdRange } from './prepare'

export const YEAR_MS = 365 * 86_400_000
const POPULAR_KEPT = 300
/** purchases of the window per bucket of items (a bucket's rows over all steps stay this size) and
 * catalogue items per bucket (the neighbour docs one merge unit writes) */
const PURCHASES_PER_BUCKET = 15_000
const ITEMS_PER_BUCKET = 250
const MAX_BUCKETS = 256
/** a step stops growing past this many pair cells (the size of its documents) */
const MAX_STEP_CELLS = 100_000
/** step documents read per page when merging */
const MERGE_PAGE = 20
const WRITE_CONCURRENCY = 10
/** a step's pages of purchases: sized to its budget, at most 1000 */
const PAGES = (budgetMs: number): PageSizing => ({ budgetMs, maxPage: 1000, firstPage: 200, minPage: 50 })

/** The neighbours' part of a run doc. */
export interface NeighborsState {
  /** steps' and shards' documents of an earlier attempt (a forced rerun) carry another generation */
  gen: number
  phase: 'counting' | 'merging' | 'done'
  since: Date
  shards: number
  buckets: number
  /** merging: the items' totals are folded (in the totals doc); then buckets [0, bucketsDone) are written */
  totalsDone: boolean
  bucketsDone: number
  purchases: number
  items: number
}

export interface NeighborShard {
  _id: string
  /** `<run>:nb`, so the run's own shard queries never see it */
  runId: string
  index: number
  gen: number
  from: string | null
  to: string | null
  /** every purchase of members up to this `_id` (inclusive) is counted */
  cursor: string | null
  steps: number
  /** the steps this shard committed (with its cursor), by key: only their documents are merged */
  stepIds: string[]
  done: boolean
  claimedUntil: Date | null
  purchases: number
  longestMs?: number
}

interface TotalsDoc {
  _id: string
  gen: number
  cursor: string | null
  done: boolean
  customers: number
  items: StoredCounts['items']
}

const pad = (n: number) => String(n).padStart(6, '0')
export const neighborShardId = (runId: string, index: number) => `${runId}:nb:${index}`
const shardsKey = (runId: string) => `${runId}:nb`
/**
 * A step's documents: `<run>:nbp:<gen>:i:<key>` (its items' norms and popularity) and
 * `<run>:nbp:<gen>:b<bucket>:<key>` (the rows of that bucket's items), so each merge unit reads only its
 * own. The key names the shard, the step and the attempt: two workers on one step write two sets; one commits.
 */
const itemsPrefix = (runId: string, gen: number) => `${runId}:nbp:${gen}:i:`
const bucketPrefix = (runId: string, gen: number, bucket: number) => `${runId}:nbp:${gen}:b${String(bucket).padStart(4, '0')}:`
const stepKey = (shard: number, step: number) => `${pad(shard)}:${pad(step)}:${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`
const totalsId = (runId: string) => `${runId}:nbt`
/** `_id`s starting with `prefix`: a range on the `_id` index */
const startsWith = (prefix: string) => _.gte(prefix).and(_.lt(`${prefix}\uffff`))

/**
 * Starts (or, forced, restarts) the neighbours of a run: one counting shard per member shard of the
 * run (its boundaries), buckets from the purchases of the window and the catalogue (two counts).
 */
export async function prepareNeighbors(runId: string, now: Date, bounds: string[], buckets?: number): Promise<NeighborsState> {
  const since = new Date(now.getTime() - YEAR_MS)
  const gen = Date.now()
  const [{ total }, catalogue] = await Promise.all([purchases.where({ createdAt: _.gte(since) }).count(), products.count()])
  // what an earlier attempt left (a forced rerun): its steps are another generation, removed here and at the end
  await jobs.where({ _id: startsWith(`${runId}:nbp:`) }).remove()
  const ranges = rangesOf(bounds)
  for (let i = 0; i < ranges.length; i += 10) {
    await Promise.all(
      ranges.slice(i, i + 10).map((r, k) => {
        const shard: Omit<NeighborShard, '_id'> = { runId: shardsKey(runId), index: i + k, gen, ...r, cursor: null, steps: 0, stepIds: [], done: false, claimedUntil: null, purchases: 0, longestMs: 0 }
        return jobs.doc(neighborShardId(runId, i + k)).set({ data: shard })
      }),
    )
  }
  const b = buckets ?? Math.min(MAX_BUCKETS, Math.max(1, Math.ceil(total / PURCHASES_PER_BUCKET), Math.ceil(catalogue.total / ITEMS_PER_BUCKET)))
  return { gen, phase: 'counting', since, shards: ranges.length, buckets: b, totalsDone: false, bucketsDone: 0, purchases: 0, items: 0 }
}

/** The counting shards of the run's current generation (a forced rerun over fewer members leaves others behind). */
export async function neighborShards(runId: string, state: NeighborsState): Promise<NeighborShard[]> {
  const { data } = await jobs
    .where({ runId: shardsKey(runId), index: _.lt(state.shards) })
    .orderBy('index', 'asc')
    .limit(1000)
    .get()
  return (data as NeighborShard[]).filter(s => s.gen === state.gen)
}

/** `memberId` in the shard's range after `after`; never unbounded (`>= ''` holds every id), so the index bounds it. */
function memberCondition(range: IdRange, after: string | null) {
  const lower = after ? _.gt(after) : _.gte(range.from ?? '')
  return range.to ? lower.and(_.lt(range.to)) : lower
}

const basketOf = (row: { lines?: Array<{ productId: string }>; createdAt: Date }): Basket => ({ items: [...new Set((row.lines ?? []).map(l => l.productId))], at: new Date(row.createdAt) })

interface CustomersPage {
  customers: Array<[string, Basket[]]>
  /** the last member whose purchases are all in `customers` (the cursor) */
  last: string | null
  read: number
  /** the range has no purchases after `last` */
  end: boolean
}

/**
 * Whole customers of the range after `after`: a page of purchases in (`memberId`, `_id`) order (the
 * `memberId_id` index), less the last member's when the page is full (the next page reads them again);
 * a member alone on a full page has the rest of their purchases read by `_id` (one member's year).
 */
export async function customersAfter(range: IdRange, after: string | null, since: Date, limit: number): Promise<CustomersPage> {
  const { data } = await purchases
    .where({ memberId: memberCondition(range, after), createdAt: _.gte(since) })
    .orderBy('memberId', 'asc')
    .orderBy('_id', 'asc')
    .limit(limit)
    .field({ memberId: true, lines: true, createdAt: true })
    .get()
  const byMember = new Map<string, Basket[]>()
  for (const row of data) {
    const list = byMember.get(row.memberId) ?? []
    list.push(basketOf(row))
    byMember.set(row.memberId, list)
  }
  const ids = [...byMember.keys()]
  if (data.length < limit) return { customers: [...byMember], last: ids.length ? ids[ids.length - 1] : after, read: data.length, end: true }
  if (ids.length > 1) {
    const lastId = ids[ids.length - 1]
    const dropped = byMember.get(lastId)!.length
    byMember.delete(lastId)
    return { customers: [...byMember], last: ids[ids.length - 2], read: data.length - dropped, end: false }
  }
  // one member fills the page: the rest of their year by `_id` (memberId_id index)
  const member = ids[0]
  const baskets = byMember.get(member)!
  let lastRow = String(data[data.length - 1]._id)
  for (;;) {
    const { data: more } = await purchases
      .where({ memberId: member, createdAt: _.gte(since), _id: _.gt(lastRow) })
      .orderBy('_id', 'asc')
      .limit(1000)
      .field({ memberId: true, lines: true, createdAt: true })
      .get()
    baskets.push(...more.map(basketOf))
    if (more.length < 1000) break
    lastRow = String(more[more.length - 1]._id)
  }
  return { customers: [[member, baskets]], last: member, read: baskets.length, end: false }
}

/**
 * One counting step of a shard (the caller holds its lease): pages of whole customers from the
 * cursor while the budget lasts (at most `limit` purchases when given, and MAX_STEP_CELLS cells), then
 * the step's sums as one document, committed with the shard's cursor in one conditional update (on
 * the step number): of two workers on one step (a lease run out) one commits; the other's document is
 * removed and, were that lost, never merged (only committed ids are). A step cut short before its
 * commit is counted again from the same cursor.
 */
export async function countStep(
  runId: string,
  state: NeighborsState,
  shard: NeighborShard,
  opts: { now: Date; leftMs: () => number; budgetMs: number; limit?: number },
): Promise<NeighborShard & { lost?: boolean }> {
  const counts = emptyCounts()
  let cursor = shard.cursor
  let read = 0
  let end = false
  const count = { now: opts.now }
  await pagesWithinBudget({
    sizing: PAGES(opts.budgetMs),
    leftMs: opts.leftMs,
    page: async limit => {
      const page = await customersAfter(shard, cursor, state.since, opts.limit ? Math.max(1, Math.min(limit, opts.limit - read)) : limit)
      for (const [, baskets] of page.customers) addCustomer(counts, baskets, count)
      cursor = page.last
      read += page.read
      end = page.end
      return page
    },
    saved: async () => !end && pairCells(counts) < MAX_STEP_CELLS && !(opts.limit && read >= opts.limit),
  })
  if (cursor === shard.cursor && !end) return shard
  const key = stepKey(shard.index, shard.steps)
  const stored = encodeCounts(counts, state.buckets)
  const docs: Array<[string, object]> = [[`${itemsPrefix(runId, state.gen)}${key}`, { customers: stored.customers, items: stored.items }]]
  stored.buckets.forEach((bucket, b) => bucket.cells.length && docs.push([`${bucketPrefix(runId, state.gen, b)}${key}`, bucket]))
  for (let i = 0; i < docs.length; i += WRITE_CONCURRENCY) await Promise.all(docs.slice(i, i + WRITE_CONCURRENCY).map(([id, data]) => jobs.doc(id).set({ data })))
  const next = { cursor, steps: shard.steps + 1, done: end, purchases: shard.purchases + read }
  const { stats } = await jobs.where({ _id: shard._id, gen: state.gen, steps: shard.steps }).update({ data: { ...next, stepIds: _.push(key) } })
  if (stats.updated === 1) return { ...shard, ...next, stepIds: [...(shard.stepIds ?? []), key] }
  // another worker committed this step first (or a forced rerun began anew): ours are dropped (never
  // merged in any case) and this worker stops
  for (let i = 0; i < docs.length; i += 100) await jobs.where({ _id: _.in(docs.slice(i, i + 100).map(([id]) => id)) }).remove()
  return { ...shard, lost: true }
}

/** A page of the documents under `prefix` after `after` (a committed step's only), with their step keys. */
async function stepDocsAfter(prefix: string, committed: ReadonlySet<string>, after: string | null) {
  const { data } = await jobs
    .where({ _id: after ? _.gt(after).and(_.lt(`${prefix}\uffff`)) : startsWith(prefix) })
    .orderBy('_id', 'asc')
    .limit(MERGE_PAGE)
    .get()
  return { docs: data.filter(d => committed.has(String(d._id).slice(prefix.length))), last: data.length ? String(data[data.length - 1]._id) : after, full: data.length === MERGE_PAGE }
}

/** The steps every shard of the generation committed. */
const committedSteps = async (runId: string, state: NeighborsState) => new Set((await neighborShards(runId, state)).flatMap(s => s.stepIds ?? []))

const totalsCounts = (doc: TotalsDoc | null): CoCounts => (doc ? addStoredItems(emptyCounts(), doc.items, doc.customers) : emptyCounts())

/**
 * The merging phase from where it stopped, while `fits()` (and at most `limit` units: pages of
 * steps or buckets): the items' totals, the popularity doc, then bucket after bucket. Answers the
 * state (saved with `save` after each unit that removes documents); `phase: 'done'` once every bucket
 * is written and the steps' documents are removed.
 */
export async function mergeNeighbors(
  runId: string,
  state: NeighborsState,
  opts: { now: Date; fits: (slowestMs: number) => boolean; limit?: number; save: (state: NeighborsState) => Promise<unknown> },
): Promise<NeighborsState> {
  let units = 0
  let slowest = 0
  const go = () => opts.fits(slowest) && !(opts.limit && units >= opts.limit)
  const found = await jobs
    .where({ _id: totalsId(runId) })
    .limit(1)
    .get()
  let totalsDoc = (found.data[0] as TotalsDoc | undefined)?.gen === state.gen ? (found.data[0] as TotalsDoc) : null
  const totals = totalsCounts(totalsDoc)
  let cursor = totalsDoc?.cursor ?? null
  const committed = await committedSteps(runId, state)
  while (!state.totalsDone && go()) {
    const t0 = Date.now()
    const page = await stepDocsAfter(itemsPrefix(runId, state.gen), committed, cursor)
    for (const step of page.docs) addStoredItems(totals, step.items, step.customers)
    cursor = page.last
    const done = !page.full
    const encoded = encodeCounts({ ...totals, rows: new Map() }, 1)
    totalsDoc = { _id: totalsId(runId), gen: state.gen, cursor, done, customers: totals.customers, items: encoded.items }
    const { _id, ...data } = totalsDoc
    await jobs.doc(_id).set({ data })
    if (done) {
      const popular = Object.entries(popularityFromCounts(totals))
        .sort((a, b) => b[1] - a[1])
        .slice(0, POPULAR_KEPT)
      await popularItems.doc(POPULAR_DOC).set({ data: { popularity: Object.fromEntries(popular), updatedAt: opts.now } })
      state = { ...state, totalsDone: true, items: totals.norm.size }
      // the totals doc holds what they said: gone once the state says so
      await opts.save(state)
      await jobs.where({ _id: startsWith(itemsPrefix(runId, state.gen)) }).remove()
    }
    units++
    slowest = Math.max(slowest, Date.now() - t0)
  }
  while (state.totalsDone && state.bucketsDone < state.buckets && go()) {
    const t0 = Date.now()
    await writeBucket(runId, state, committed, totals, opts.now)
    state = { ...state, bucketsDone: state.bucketsDone + 1 }
    // a bucket's documents go only once the state says it is written (a crash before redoes it from them)
    await opts.save(state)
    await jobs.where({ _id: startsWith(bucketPrefix(runId, state.gen, state.bucketsDone - 1)) }).remove()
    units++
    slowest = Math.max(slowest, Date.now() - t0)
  }
  if (state.totalsDone && state.bucketsDone >= state.buckets) {
    await jobs.where({ _id: startsWith(`${runId}:nbp:`) }).remove()
    await removeStaleNeighbors(new Date(new Date(state.since).getTime() + YEAR_MS))
    state = { ...state, phase: 'done' }
  }
  return state
}

/** One bucket: its rows added up over every step, scored against the totals' norms, written. */
async function writeBucket(runId: string, state: NeighborsState, committed: ReadonlySet<string>, totals: CoCounts, now: Date): Promise<void> {
  const b = state.bucketsDone
  const prefix = bucketPrefix(runId, state.gen, b)
  const rows = emptyCounts()
  let after: string | null = null
  for (;;) {
    const page = await stepDocsAfter(prefix, committed, after)
    for (const doc of page.docs) addStoredRows(rows, doc as unknown as StoredCounts['buckets'][number])
    if (!page.full) break
    after = page.last
  }
  const items = [...totals.norm.keys()].filter(id => bucketOf(id, state.buckets) === b)
  await writeNeighborLists(neighborsFromCounts({ norm: totals.norm, rows: rows.rows }, { items }), now)
}

/** Each item's neighbours, WRITE_CONCURRENCY writes at a time. */
async function writeNeighborLists(byItem: Record<string, unknown>, now: Date): Promise<void> {
  const lists = Object.entries(byItem)
  let next = 0
  await Promise.all(
    Array.from({ length: WRITE_CONCURRENCY }, async () => {
      while (next < lists.length) {
        const [itemId, neighbors] = lists[next++]
        await itemNeighbors.doc(itemId).set({ data: { neighbors, updatedAt: now } })
      }
    }),
  )
}

/**
 * The neighbours of items this run did not write (no longer bought in the window, or taken off the
 * catalogue): every item the run counted was written at or after its start (index updatedAt).
 */
async function removeStaleNeighbors(runStart: Date): Promise<void> {
  await itemNeighbors.where({ updatedAt: _.lt(runStart), _id: _.neq(POPULAR_DOC) }).remove()
}

/**
 * Everything at once in this process, without budgets (scripts/bench-actions.ts): the same reading,
 * counting and writing as the steps, for one range holding every member.
 */
export async function refreshNeighbors(now: Date): Promise<{ purchases: number; items: number }> {
  const since = new Date(now.getTime() - YEAR_MS)
  const counts = emptyCounts()
  const all: IdRange = { from: null, to: null }
  let cursor: string | null = null
  let read = 0
  for (;;) {
    const page = await customersAfter(all, cursor, since, 1000)
    for (const [, baskets] of page.customers) addCustomer(counts, baskets, { now })
    cursor = page.last
    read += page.read
    if (page.end) break
  }
  const lists = neighborsFromCounts(counts)
  await writeNeighborLists(lists, now)
  await removeStaleNeighbors(now)
  const popular = Object.entries(popularityFromCounts(counts))
    .sort((a, b) => b[1] - a[1])
    .slice(0, POPULAR_KEPT)
  await popularItems.doc(POPULAR_DOC).set({ data: { popularity: Object.fromEntries(popular), updatedAt: now } })
  return { purchases: read, items: Object.keys(lists).length }
}
