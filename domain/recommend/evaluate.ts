/**
 * Offline evaluation of recommendations: split the purchases into what the recommender may learn
 * from and what it should predict, then hit rate@K, NDCG@K (binary relevance) and catalog coverage.
 * Relevant items are those bought in the test part that the customer had not bought before, as only
 * such items are recommended.
 */
import { customerEntries, toMs, type Basket, type BasketsByCustomer } from './similarity'

// local bindings: reaching the global Math is ~10× slower inside vm contexts such as jest's (nodejs/node#49283)
const { log2, max, min } = Math

export interface EvaluationCase {
  customerId: string
  /** What the customer bought in the training part. */
  history: Array<{ itemId: string; at: number }>
  /** Items bought in the test part and not in the training part. */
  relevant: Set<string>
  /** When the recommendations are made. */
  now: number
}

export interface EvaluationSplit {
  /** Baskets the models may learn from. */
  train: Map<string, Basket[]>
  /** One case per customer who bought in both parts (customer id order). */
  cases: EvaluationCase[]
}

function makeCase(customerId: string, train: readonly Basket[], test: readonly Basket[], now: number): EvaluationCase {
  const history = train.flatMap(b => b.items.map(itemId => ({ itemId, at: toMs(b.at) })))
  const before = new Set(history.map(h => h.itemId))
  const relevant = new Set(test.flatMap(b => b.items).filter(id => !before.has(id)))
  return { customerId, history, relevant, now }
}

/**
 * Baskets before `split` train, those at or after it test; customers who bought on both sides are
 * evaluated, at the moment of the split.
 */
export function splitByDate(baskets: BasketsByCustomer, split: number | Date): EvaluationSplit {
  const at = toMs(split)
  const train = new Map<string, Basket[]>()
  const cases: EvaluationCase[] = []
  for (const [customerId, list] of customerEntries(baskets)) {
    const before = list.filter(b => toMs(b.at) < at)
    const after = list.filter(b => toMs(b.at) >= at)
    if (before.length > 0) train.set(customerId, before)
    if (before.length > 0 && after.length > 0) cases.push(makeCase(customerId, before, after, at))
  }
  return { train, cases }
}

/**
 * Each customer's last basket (all baskets at their latest time) is the test, the rest trains;
 * customers with a single visit only train. The neighbours thus learn from other customers' later
 * baskets too: the usual leave-one-out compromise.
 */
export function leaveLastBasket(baskets: BasketsByCustomer): EvaluationSplit {
  const train = new Map<string, Basket[]>()
  const cases: EvaluationCase[] = []
  for (const [customerId, list] of customerEntries(baskets)) {
    let last = -Infinity
    for (const b of list) last = max(last, toMs(b.at))
    const before = list.filter(b => toMs(b.at) < last)
    if (before.length === 0) {
      if (list.length > 0) train.set(customerId, [...list])
      continue
    }
    train.set(customerId, before)
    cases.push(
      makeCase(
        customerId,
        before,
        list.filter(b => toMs(b.at) === last),
        last,
      ),
    )
  }
  return { train, cases }
}

/** 1 when any of the first k recommended items is relevant. */
export function hitAtK(recommended: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  for (let i = 0; i < min(k, recommended.length); i++) if (relevant.has(recommended[i])) return 1
  return 0
}

/** DCG of the first k with gain 1 per relevant item over the best possible DCG; 0 without relevant items. */
export function ndcgAtK(recommended: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  let dcg = 0
  for (let i = 0; i < min(k, recommended.length); i++) if (relevant.has(recommended[i])) dcg += 1 / log2(i + 2)
  let ideal = 0
  for (let i = 0; i < min(k, relevant.size); i++) ideal += 1 / log2(i + 2)
  return ideal > 0 ? dcg / ideal : 0
}

/** Distinct items among the first k of all lists, over the catalog size. */
export function catalogCoverage(lists: Iterable<readonly string[]>, catalogSize: number, k: number): number {
  if (!(catalogSize > 0)) throw new RangeError('catalogCoverage: empty catalog')
  const seen = new Set<string>()
  for (const list of lists) for (const id of list.slice(0, k)) seen.add(id)
  return seen.size / catalogSize
}

export interface RankingMetrics {
  customers: number
  hitRate: number
  ndcg: number
  coverage: number
}

/** Mean hit rate and NDCG over the cases (a case without relevant items counts as a miss) and coverage. */
export function scoreRecommendations(cases: readonly EvaluationCase[], lists: ReadonlyArray<readonly string[]>, k: number, catalogSize: number): RankingMetrics {
  if (cases.length !== lists.length) throw new Error('scoreRecommendations: one list per case')
  if (cases.length === 0) return { customers: 0, hitRate: NaN, ndcg: NaN, coverage: 0 }
  let hits = 0
  let ndcg = 0
  cases.forEach((c, i) => {
    hits += hitAtK(lists[i], c.relevant, k)
    ndcg += ndcgAtK(lists[i], c.relevant, k)
  })
  return { customers: cases.length, hitRate: hits / cases.length, ndcg: ndcg / cases.length, coverage: catalogCoverage(lists, catalogSize, k) }
}

/** Item ids by popularity, highest first, ties by id: the baseline's ranking. */
export function popularityRanking(popularity: Record<string, number>): string[] {
  return Object.entries(popularity)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([id]) => id)
}

/** The baseline: the k most popular items the customer has not bought. */
export function popularNotBought(ranking: readonly string[], bought: ReadonlySet<string>, k: number): string[] {
  const out: string[] = []
  for (const id of ranking) {
    if (out.length >= k) break
    if (!bought.has(id)) out.push(id)
  }
  return out
}
