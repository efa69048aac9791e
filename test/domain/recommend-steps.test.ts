/**
 * The item neighbours in steps (domain/recommend/cooccurrence.ts): sums counted per group of
 * customers, stored, merged bucket by bucket and scored equal the one-shot result whatever the step
 * boundaries; and they are the model of similarity.ts `itemNeighbors` (up to rounding).
 */
import fc from 'fast-check'
import {
  addCustomer,
  addStoredItems,
  addStoredRows,
  bucketOf,
  countCoPurchases,
  emptyCounts,
  encodeCounts,
  itemNeighbors,
  mergeCounts,
  neighborsFromCounts,
  popularity,
  popularityFromCounts,
  type Basket,
  type CoCounts,
  type ItemNeighbors,
} from '../../domain/recommend'

const DAY = 86_400_000
const NOW = Date.UTC(2026, 10, 23)
const ITEMS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', '__proto__', 'x-1']

const basketArb = fc.record({ items: fc.uniqueArray(fc.constantFrom(...ITEMS), { minLength: 1, maxLength: 5 }), at: fc.integer({ min: 0, max: 360 }).map(d => NOW - d * DAY) })
/** customers in id order, each with 1–4 baskets */
const shopArb = fc.uniqueArray(fc.tuple(fc.string({ minLength: 1, maxLength: 4 }), fc.array(basketArb, { minLength: 1, maxLength: 4 })), { selector: c => c[0], minLength: 0, maxLength: 25 })

/** Cuts the customers into consecutive groups at `cuts` (positions, any order, duplicates allowed). */
function groups<T>(list: T[], cuts: number[]): T[][] {
  const at = [...new Set(cuts.map(c => c % (list.length + 1)))].sort((x, y) => x - y)
  const out: T[][] = []
  let from = 0
  for (const c of [...at, list.length]) {
    out.push(list.slice(from, c))
    from = c
  }
  return out
}

/** What the job does: each step counted alone and stored; items merged; each bucket's rows merged, then scored. */
function throughSteps(customers: Array<[string, Basket[]]>, cuts: number[], buckets: number): { neighbors: ItemNeighbors; popular: Record<string, number>; customers: number } {
  const stored = groups(customers, cuts).map(group => {
    const counts = emptyCounts()
    for (const [, baskets] of group) addCustomer(counts, baskets, { now: NOW })
    // through JSON, as a document would be
    return JSON.parse(JSON.stringify(encodeCounts(counts, buckets)))
  })
  const totals = emptyCounts()
  for (const s of stored.reverse()) addStoredItems(totals, s.items, s.customers)
  let neighbors: ItemNeighbors = {}
  for (let b = 0; b < buckets; b++) {
    const rows = emptyCounts()
    for (const s of stored) addStoredRows(rows, s.buckets[b])
    const items = [...totals.norm.keys()].filter(id => bucketOf(id, buckets) === b)
    neighbors = { ...neighbors, ...neighborsFromCounts({ norm: totals.norm, rows: rows.rows }, { items }) }
  }
  return { neighbors, popular: popularityFromCounts(totals), customers: totals.customers }
}

const sorted = (n: ItemNeighbors) => Object.fromEntries(Object.entries(n).sort((a, b) => (a[0] < b[0] ? -1 : 1)))

describe('neighbours in steps', () => {
  test('merged steps (any boundaries, any bucket count, stored as JSON) equal the one-shot result exactly', () => {
    fc.assert(
      fc.property(shopArb, fc.array(fc.nat(), { maxLength: 6 }), fc.integer({ min: 1, max: 7 }), (customers, cuts, buckets) => {
        const whole = countCoPurchases(new Map(customers), { now: NOW })
        const oneShot = neighborsFromCounts(whole)
        const stepped = throughSteps(customers, cuts, buckets)
        expect(sorted(stepped.neighbors)).toEqual(sorted(oneShot))
        expect(stepped.popular).toEqual(popularityFromCounts(whole))
        expect(stepped.customers).toBe(whole.customers)
      }),
      { numRuns: 300 },
    )
  })

  test('merging is addition: any grouping and order of mergeCounts gives the same sums', () => {
    fc.assert(
      fc.property(shopArb, fc.array(fc.nat(), { maxLength: 5 }), (customers, cuts) => {
        const parts = groups(customers, cuts).map(g => countCoPurchases(new Map(g), { now: NOW }))
        const forward = parts.reduce((acc, p) => mergeCounts(acc, p), emptyCounts())
        const backward = [...parts].reverse().reduce((acc, p) => mergeCounts(acc, p), emptyCounts())
        const canon = (c: CoCounts) => ({
          customers: c.customers,
          norm: [...c.norm].sort(),
          popular: [...c.popular].sort(),
          rows: [...c.rows].map(([i, row]) => [i, [...row].sort()]).sort(),
        })
        expect(canon(forward)).toEqual(canon(backward))
        expect(canon(forward)).toEqual(canon(countCoPurchases(new Map(customers), { now: NOW })))
      }),
    )
  })

  test('the model of itemNeighbors / popularity: same items, same neighbours, scores equal up to rounding', () => {
    fc.assert(
      fc.property(shopArb, customers => {
        const baskets = new Map(customers)
        const counted = countCoPurchases(baskets, { now: NOW })
        const reference = itemNeighbors(baskets, { now: NOW })
        const ours = neighborsFromCounts(counted)
        expect(Object.keys(ours).sort()).toEqual(Object.keys(reference).sort())
        for (const [item, list] of Object.entries(reference)) {
          // ties in exact arithmetic may be ordered differently by rounding: compare as score maps
          const mine = new Map(ours[item].map(n => [n.itemId, n.score]))
          expect(ours[item]).toHaveLength(list.length)
          for (const n of list) if (mine.has(n.itemId)) expect(mine.get(n.itemId)!).toBeCloseTo(n.score, 6)
          expect(ours[item].map(n => n.score)).toEqual(list.map(n => expect.closeTo(n.score, 6)))
        }
        const pop = popularity(baskets, { halfLifeDays: 30, now: NOW })
        const mine = popularityFromCounts(counted)
        expect(Object.keys(mine)).toEqual(Object.keys(pop))
        for (const [item, v] of Object.entries(pop)) expect(mine[item]).toBeCloseTo(v, 6)
      }),
      { numRuns: 200 },
    )
  })

  test('a worked example: tea and teapot point at each other, a lone buyer adds no pair', () => {
    const shop = new Map<string, Basket[]>([
      ['u1', [{ items: ['tea', 'teapot'], at: NOW - DAY }]],
      [
        'u2',
        [
          { items: ['tea'], at: NOW - 2 * DAY },
          { items: ['teapot', 'mug'], at: NOW - 3 * DAY },
        ],
      ],
      ['u3', [{ items: ['mug'], at: NOW }]],
    ])
    const counts = countCoPurchases(shop, { now: NOW })
    expect(counts.customers).toBe(3)
    expect(counts.rows.get('tea')!.get('teapot')![1]).toBe(2)
    expect(counts.rows.get('mug')!.has('tea')).toBe(true)
    const n = neighborsFromCounts(counts)
    expect(n.tea.map(x => x.itemId)).toEqual(['teapot', 'mug'])
    expect(n.teapot[0].itemId).toBe('tea')
    // one step per customer, three buckets: the same
    expect(sorted(throughSteps([...shop], [1, 2], 3).neighbors)).toEqual(sorted(n))
  })

  test('customers without items count for nothing; k and shrinkage are checked', () => {
    const counts = emptyCounts()
    addCustomer(counts, [], { now: NOW })
    addCustomer(counts, [{ items: [], at: NOW }], { now: NOW })
    expect(counts.customers).toBe(0)
    expect(() => neighborsFromCounts(counts, { k: -1 })).toThrow(RangeError)
    expect(() => neighborsFromCounts(counts, { k: 1.5 })).toThrow(RangeError)
  })

  test('bucketOf spreads ids over the buckets and is stable', () => {
    const counts = new Array(8).fill(0)
    for (let i = 0; i < 800; i++) counts[bucketOf(`sku-${i}`, 8)]++
    for (const c of counts) expect(c).toBeGreaterThan(50)
    expect(bucketOf('latte', 13)).toBe(bucketOf('latte', 13))
    expect(bucketOf('anything', 1)).toBe(0)
  })
})
