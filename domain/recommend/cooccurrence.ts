/**
 * The item neighbours (similarity.ts's model) in steps: co-purchase sums counted per group of
 * customers (a step of the daily job: one `_id` range of members), merged by adding, then scored.
 * Every sum is over customers, so a step holds whole customers and the merge is plain addition.
 * Sums are kept in fixed point (units of 2^-30, each customer's term rounded once): integer addition
 * is exact, so the merged steps equal the one-shot count whatever the step boundaries and order.
 * (similarity.ts `itemNeighbors` sums the same terms in floating point: its scores differ from these
 * by rounding only, ~1e-9.)
 */
import { customerEntries, decay, lastPurchases, SIMILARITY_DEFAULTS, toMs, type Basket, type BasketsByCustomer, type ItemNeighbors, type Neighbor } from './similarity'

// local bindings: reaching the global Math is ~10× slower inside vm contexts such as jest's (nodejs/node#49283)
const { log, round, sqrt } = Math

/** one unit of the fixed-point sums: a term is rounded to a multiple of 2^-30 (~1e-9) */
export const FIXED_ONE = 2 ** 30

export interface CountOptions {
  /** reference time for the recency weights */
  now: number | Date
  /** the neighbours' recency half-life (default SIMILARITY_DEFAULTS.halfLifeDays) */
  halfLifeDays?: number
  /** the popularity prior's half-life (default 30 days) */
  popularityHalfLifeDays?: number
}

/** A pair's sums: Σ w(c,i)·w(c,j) in fixed point, and how many customers bought both. */
export type PairSum = [dot: number, together: number]

/** Co-purchase sums over a group of customers; rows hold both directions (i → j and j → i). */
export interface CoCounts {
  customers: number
  /** item → Σ_c w(c,i)² (fixed point) */
  norm: Map<string, number>
  /** item → Σ_c 0.5^(age of c's last purchase / popularity half-life) (fixed point) */
  popular: Map<string, number>
  rows: Map<string, Map<string, PairSum>>
}

export const emptyCounts = (): CoCounts => ({ customers: 0, norm: new Map(), popular: new Map(), rows: new Map() })

const fixed = (x: number) => round(x * FIXED_ONE)
const addTo = (map: Map<string, number>, key: string, value: number) => map.set(key, (map.get(key) ?? 0) + value)

/** Adds one customer (all their baskets of the window) to `counts`. */
export function addCustomer(counts: CoCounts, baskets: readonly Basket[], options: CountOptions): void {
  const now = toMs(options.now)
  const halfLife = options.halfLifeDays ?? SIMILARITY_DEFAULTS.halfLifeDays
  const popularHalfLife = options.popularityHalfLifeDays ?? 30
  const last = lastPurchases(baskets)
  if (!last.size) return
  counts.customers++
  // heavy buyers co-buy everything, so each of their pairs says less (similarity.ts itemNeighbors)
  const damping = 1 / log(2 + last.size)
  const items = [...last.keys()]
  const weight = items.map(item => decay(now, last.get(item)!, halfLife) * damping)
  items.forEach((item, a) => {
    addTo(counts.norm, item, fixed(weight[a] * weight[a]))
    addTo(counts.popular, item, fixed(decay(now, last.get(item)!, popularHalfLife)))
  })
  for (let a = 0; a < items.length; a++) {
    for (let b = a + 1; b < items.length; b++) {
      const dot = fixed(weight[a] * weight[b])
      addPair(counts, items[a], items[b], dot, 1)
      addPair(counts, items[b], items[a], dot, 1)
    }
  }
}

function addPair(counts: CoCounts, i: string, j: string, dot: number, together: number): void {
  let row = counts.rows.get(i)
  if (!row) counts.rows.set(i, (row = new Map()))
  const cell = row.get(j)
  if (cell) {
    cell[0] += dot
    cell[1] += together
  } else row.set(j, [dot, together])
}

/** Adds `from` into `into` (exact: integer sums). */
export function mergeCounts(into: CoCounts, from: CoCounts): CoCounts {
  into.customers += from.customers
  for (const [item, v] of from.norm) addTo(into.norm, item, v)
  for (const [item, v] of from.popular) addTo(into.popular, item, v)
  for (const [i, row] of from.rows) for (const [j, [dot, together]] of row) addPair(into, i, j, dot, together)
  return into
}

/** All customers at once: the reference the steps are checked against. */
export function countCoPurchases(baskets: BasketsByCustomer, options: CountOptions): CoCounts {
  const counts = emptyCounts()
  for (const [, list] of customerEntries(baskets)) addCustomer(counts, list, options)
  return counts
}

/**
 * Top-k neighbours of the items in `items` (default: every item counted) from merged sums:
 *   sim(i, j) = dot(i,j) / √(norm(i)·norm(j)) · n_ij / (n_ij + shrinkage),
 * best first, ties by item id; an item without co-buyers gets []. `norm` must hold every item (the
 * neighbours' norms), `rows` at least the rows of `items`.
 */
export function neighborsFromCounts(counts: Pick<CoCounts, 'norm' | 'rows'>, options: { k?: number; shrinkage?: number; items?: Iterable<string> } = {}): ItemNeighbors {
  const k = options.k ?? SIMILARITY_DEFAULTS.k
  const shrinkage = options.shrinkage ?? SIMILARITY_DEFAULTS.shrinkage
  if (!(Number.isInteger(k) && k >= 0) || !(shrinkage >= 0)) throw new RangeError('neighborsFromCounts: k must be a whole number ≥ 0 and shrinkage ≥ 0')
  const items = [...(options.items ?? counts.norm.keys())].sort(byId)
  const out: Array<[string, Neighbor[]]> = []
  for (const i of items) {
    const ni = counts.norm.get(i) ?? 0
    const scored: Neighbor[] = []
    for (const [j, [dot, together]] of counts.rows.get(i) ?? []) {
      const denominator = sqrt(ni * (counts.norm.get(j) ?? 0))
      const score = denominator > 0 ? (dot / denominator) * (together / (together + shrinkage)) : 0
      if (score > 0) scored.push({ itemId: j, score })
    }
    scored.sort((a, b) => b.score - a.score || byId(a.itemId, b.itemId))
    out.push([i, scored.slice(0, k)])
  }
  // fromEntries defines own properties, so even an id like "__proto__" is stored as data
  return Object.fromEntries(out)
}

/** Popularity (recency-weighted buyers) per item from merged sums, keys in id order. */
export function popularityFromCounts(counts: Pick<CoCounts, 'popular'>): Record<string, number> {
  return Object.fromEntries([...counts.popular].sort((a, b) => byId(a[0], b[0])).map(([item, v]) => [item, v / FIXED_ONE]))
}

const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/** The bucket of an item among `buckets` (FNV-1a of its id): merging and scoring go bucket by bucket. */
export function bucketOf(itemId: string, buckets: number): number {
  let h = 0x811c9dc5
  for (let p = 0; p < itemId.length; p++) h = Math.imul(h ^ itemId.charCodeAt(p), 0x01000193)
  return (h >>> 0) % buckets
}

/**
 * A step's sums as stored (ids in arrays, never as field names): `items` with their norm and
 * popularity, and per bucket the rows of its items as flat cells [row, column, dot, together] indexing
 * the bucket's `ids`.
 */
export interface StoredCounts {
  customers: number
  items: { ids: string[]; norm: number[]; popular: number[] }
  buckets: Array<{ ids: string[]; cells: number[] }>
}

export function encodeCounts(counts: CoCounts, buckets: number): StoredCounts {
  const ids = [...counts.norm.keys()]
  const out: StoredCounts['buckets'] = Array.from({ length: buckets }, () => ({ ids: [], cells: [] }))
  const index = out.map(() => new Map<string, number>())
  const at = (b: number, id: string) => {
    let n = index[b].get(id)
    if (n === undefined) {
      n = out[b].ids.length
      index[b].set(id, n)
      out[b].ids.push(id)
    }
    return n
  }
  for (const [i, row] of counts.rows) {
    const b = bucketOf(i, buckets)
    const r = at(b, i)
    for (const [j, [dot, together]] of row) out[b].cells.push(r, at(b, j), dot, together)
  }
  return { customers: counts.customers, items: { ids, norm: ids.map(id => counts.norm.get(id)!), popular: ids.map(id => counts.popular.get(id) ?? 0) }, buckets: out }
}

/** Adds a stored step's items (norm, popularity) into `into`. */
export function addStoredItems(into: CoCounts, items: StoredCounts['items'], customers = 0): CoCounts {
  into.customers += customers
  items.ids.forEach((id, n) => {
    addTo(into.norm, id, items.norm[n])
    addTo(into.popular, id, items.popular[n])
  })
  return into
}

/** Adds a stored step's rows of one bucket into `into`. */
export function addStoredRows(into: CoCounts, bucket: StoredCounts['buckets'][number]): CoCounts {
  const { ids, cells } = bucket
  for (let p = 0; p + 3 < cells.length; p += 4) addPair(into, ids[cells[p]], ids[cells[p + 1]], cells[p + 2], cells[p + 3])
  return into
}

/** The cells a step holds (its size: a step stops growing past a bound). */
export function pairCells(counts: CoCounts): number {
  let n = 0
  for (const row of counts.rows.values()) n += row.size
  return n
}
