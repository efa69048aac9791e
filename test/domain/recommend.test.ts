import fc from 'fast-check'
import {
  catalogCoverage,
  createRecommender,
  hitAtK,
  itemNeighbors,
  leaveLastBasket,
  ndcgAtK,
  popularNotBought,
  popularity,
  popularityRanking,
  recommend,
  scoreRecommendations,
  splitByDate,
  type Basket,
  type CatalogItem,
  type ItemNeighbors,
  type RecommendContext,
} from '../../domain/recommend'

const DAY = 86_400_000
const T0 = Date.UTC(2026, 0, 1)
const at = (day: number) => T0 + day * DAY
const basket = (day: number, ...items: string[]): Basket => ({ at: at(day), items })

// tea and a teapot go together, as do a mug and coasters; everyone buys the popular tote bag
const shop: Record<string, Basket[]> = {
  u1: [basket(1, 'tea', 'teapot'), basket(20, 'tote')],
  u2: [basket(2, 'tea', 'teapot', 'tote')],
  u3: [basket(3, 'tea'), basket(9, 'teapot')],
  u4: [basket(4, 'mug', 'coaster', 'tote')],
  u5: [basket(5, 'mug', 'coaster')],
  u6: [basket(6, 'mug', 'tote'), basket(7, 'coaster')],
  u7: [basket(8, 'tote', 'tea')],
}

describe('item neighbours', () => {
  const neighbors = itemNeighbors(shop, { now: at(30) })

  test('items bought together rank each other first', () => {
    expect(neighbors.tea[0].itemId).toBe('teapot')
    expect(neighbors.teapot[0].itemId).toBe('tea')
    expect(neighbors.mug[0].itemId).toBe('coaster')
    expect(neighbors.coaster[0].itemId).toBe('mug')
    expect(Object.keys(neighbors).sort()).toEqual(['coaster', 'mug', 'tea', 'teapot', 'tote'])
    for (const [id, list] of Object.entries(neighbors)) {
      expect(list.every(n => n.itemId !== id && n.score > 0 && n.score <= 1)).toBe(true)
      expect(list.map(n => n.score)).toEqual([...list.map(n => n.score)].sort((a, b) => b - a))
    }
  })

  test('top-K, shrinkage, recency and input order', () => {
    expect(itemNeighbors(shop, { now: at(30), k: 1 }).tote).toHaveLength(1)
    expect(itemNeighbors(shop, { k: 0 }).tea).toEqual([])
    // one shared customer, perfect cosine: shrinkage 5 leaves 1/6
    const pair = itemNeighbors({ a: [basket(0, 'x', 'y')] }, { now: at(0) })
    expect(pair.x).toEqual([{ itemId: 'y', score: expect.closeTo(1 / 6, 12) }])
    expect(itemNeighbors({ a: [basket(0, 'x', 'y')] }, { now: at(0), shrinkage: 0 }).x[0].score).toBeCloseTo(1, 12)
    // x was co-bought with y long ago and with z lately, by one customer each: z wins
    const recency = itemNeighbors({ a: [basket(0, 'x', 'y')], b: [basket(360, 'x', 'z')] }, { now: at(365) })
    expect(recency.x.map(n => n.itemId)).toEqual(['z', 'y'])
    // the same data in another order gives exactly the same numbers
    const reversed = new Map(
      Object.entries(shop)
        .reverse()
        .map(([c, b]) => [c, [...b].reverse()]),
    )
    expect(itemNeighbors(reversed, { now: at(30) })).toEqual(neighbors)
    expect(() => itemNeighbors(shop, { k: -1 })).toThrow(RangeError)
  })

  test('popularity counts distinct buyers, optionally weighted by recency', () => {
    expect(popularity(shop)).toEqual({ coaster: 3, mug: 3, tea: 4, teapot: 3, tote: 5 })
    const recent = popularity({ a: [basket(0, 'x'), basket(10, 'x')], b: [basket(0, 'y')] }, { halfLifeDays: 10, now: at(10) })
    expect(recent.x).toBeCloseTo(1, 12)
    expect(recent.y).toBeCloseTo(0.5, 12)
  })
})

describe('recommend', () => {
  const catalog: Record<string, CatalogItem> = {
    tea: { category: 'tea', title: '龙井', tags: ['茶'] },
    teapot: { category: 'ware', title: '紫砂壶', tags: ['茶'] },
    mug: { category: 'ware', title: '马克杯' },
    coaster: { category: 'ware', title: '杯垫' },
    tote: { category: 'bag', title: '帆布袋' },
  }
  const context = (): RecommendContext => ({ neighbors: itemNeighbors(shop, { now: at(30) }), popularity: popularity(shop), catalog })

  test('neighbours of what the member bought come first, with the reason', () => {
    const recs = recommend({ history: [{ itemId: 'mug', at: at(25) }], now: at(30), k: 3 }, context())
    expect(recs[0]).toEqual({ itemId: 'coaster', score: expect.any(Number), reason: '因为你买过「马克杯」' })
    expect(recs.map(r => r.itemId)).not.toContain('mug')
    expect(recs).toHaveLength(3)
    expect(recs.every(r => r.reason.length > 0 && !r.reason.includes('\n'))).toBe(true)
  })

  test("taps count as interest: a tapped product's neighbours come first for a member who bought nothing, weaker than a purchase", () => {
    const ctx = context()
    const tappedOnly = recommend({ history: [], clicks: [{ itemId: 'mug', at: at(29) }], now: at(30), k: 3 }, ctx)
    expect(tappedOnly[0]).toEqual({ itemId: 'coaster', score: expect.any(Number), reason: '因为你看过「马克杯」' })
    // a tapped product is still recommended itself (not bought): its own neighbours do not hide it
    expect(recommend({ history: [], clicks: [{ itemId: 'mug', at: at(29) }], now: at(30), k: 5 }, ctx).map(r => r.itemId)).toContain('mug')
    // bought tea and tapped mug at the same age: tea's neighbour (teapot) outranks mug's (coaster)
    const both = recommend({ history: [{ itemId: 'tea', at: at(29) }], clicks: [{ itemId: 'mug', at: at(29) }], now: at(30), k: 5 }, ctx).map(r => r.itemId)
    expect(both.indexOf('teapot')).toBeLessThan(both.indexOf('coaster'))
    // a tap on something already bought adds nothing; clickWeight 0 ignores taps
    const plain = recommend({ history: [{ itemId: 'tea', at: at(29) }], now: at(30), k: 5 }, ctx)
    expect(recommend({ history: [{ itemId: 'tea', at: at(29) }], clicks: [{ itemId: 'tea', at: at(29) }], now: at(30), k: 5 }, ctx)).toEqual(plain)
    expect(recommend({ history: [{ itemId: 'tea', at: at(29) }], clicks: [{ itemId: 'mug', at: at(29) }], now: at(30), k: 5 }, { ...ctx, options: { clickWeight: 0 } })).toEqual(plain)
  })

  test('already bought items only come back in a repeat-purchase category; off-sale never', () => {
    const history = [
      { itemId: 'tea', at: at(20) },
      { itemId: 'teapot', at: at(21) },
    ]
    const ctx = context()
    expect(
      recommend({ history, now: at(30), k: 5 }, ctx)
        .map(r => r.itemId)
        .sort(),
    ).toEqual(['coaster', 'mug', 'tote'])
    const repeat = recommend({ history, now: at(30), k: 5 }, { ...ctx, repeatCategories: ['tea'] }).map(r => r.itemId)
    expect(repeat).toContain('tea')
    expect(repeat).not.toContain('teapot')
    const offSale = recommend({ history, now: at(30), k: 5 }, { ...ctx, catalog: { ...catalog, tote: { ...catalog.tote, onSale: false } } })
    expect(offSale.map(r => r.itemId)).not.toContain('tote')
    // items outside the catalog are never shown, whatever the neighbours say
    const { mug: _mug, ...withoutMug } = catalog
    expect(recommend({ history, now: at(30), k: 5 }, { ...ctx, catalog: withoutMug }).map(r => r.itemId)).not.toContain('mug')
  })

  test('diversity: at most 3 of a category in each 10 places, unless nothing else is left', () => {
    // 8 mugs all co-bought with the one item the member has; 8 scarves only popular
    const mugs = Array.from({ length: 8 }, (_, i) => `mug${i}`)
    const scarves = Array.from({ length: 8 }, (_, i) => `scarf${i}`)
    const cat: Record<string, CatalogItem> = { kettle: { category: 'kitchen' } }
    mugs.forEach(id => (cat[id] = { category: 'mug' }))
    scarves.forEach((id, i) => (cat[id] = { category: i < 4 ? 'scarf' : `scarf-${i}` }))
    const neighbors: ItemNeighbors = { kettle: mugs.map((itemId, i) => ({ itemId, score: 0.9 - i * 0.05 })) }
    const pop = Object.fromEntries([...mugs, ...scarves].map((id, i) => [id, 100 - i]))
    const ctx: RecommendContext = { neighbors, popularity: pop, catalog: cat }
    const recs = recommend({ history: [{ itemId: 'kettle', at: at(0) }], now: at(1), k: 10 }, ctx).map(r => r.itemId)
    expect(recs).toHaveLength(10)
    expect(recs.slice(0, 3)).toEqual(['mug0', 'mug1', 'mug2'])
    expect(recs.filter(id => id.startsWith('mug'))).toHaveLength(3)
    expect(recs.filter(id => cat[id].category === 'scarf')).toHaveLength(3)
    // the next 10 places start with the mugs held back, best first
    const twenty = recommend({ history: [{ itemId: 'kettle', at: at(0) }], now: at(1), k: 20 }, ctx).map(r => r.itemId)
    expect(twenty.slice(0, 10)).toEqual(recs)
    expect(twenty.slice(10, 13)).toEqual(['mug3', 'mug4', 'mug5'])
    // a shop with one category still fills the list
    const only = recommend({ history: [], now: at(1), k: 5 }, { neighbors: {}, popularity: pop, catalog: Object.fromEntries(mugs.map(id => [id, { category: 'mug' }])) })
    expect(only.map(r => r.itemId)).toEqual(['mug0', 'mug1', 'mug2', 'mug3', 'mug4'])
  })

  test('cold start: popular items in the member’s tags, then popular overall', () => {
    const recs = recommend({ history: [], tags: ['茶'], now: at(30), k: 4 }, context())
    expect(recs.map(r => r.itemId)).toEqual(['tea', 'teapot', 'tote', 'coaster'])
    expect(recs.map(r => r.reason)).toEqual(['你关注的茶热卖', '你关注的茶热卖', '热卖推荐', '热卖推荐'])
    expect(recommend({ history: [], now: at(30), k: 2 }, context()).map(r => r.itemId)).toEqual(['tote', 'tea'])
    expect(recommend({ history: [], now: at(30), k: 0 }, context())).toEqual([])
  })

  test('a member with a varied history gets the "members also bought" reason', () => {
    const ctx: RecommendContext = {
      neighbors: { a: [{ itemId: 'x', score: 0.5 }], b: [{ itemId: 'x', score: 0.5 }], c: [{ itemId: 'x', score: 0.5 }] },
      popularity: { x: 1 },
      catalog: { x: { title: '香薰蜡烛' }, a: { title: '甲' }, b: { title: '乙' }, c: { title: '丙' } },
    }
    const history = ['a', 'b', 'c'].map(itemId => ({ itemId, at: at(0) }))
    expect(recommend({ history, now: at(0), k: 1 }, ctx)).toEqual([{ itemId: 'x', score: expect.any(Number), reason: '购买「甲」的会员也买了' }])
    expect(() => recommend({ history, now: at(0), k: 1.5 }, ctx)).toThrow(RangeError)
  })

  // random shops: 12 items in 4 categories, random neighbours, popularity and flags
  const ITEMS = Array.from({ length: 12 }, (_, i) => `i${i}`)
  const arbShop = fc.record({
    catalog: fc.tuple(...ITEMS.map(() => fc.record({ category: fc.constantFrom('a', 'b', 'c', 'd'), onSale: fc.boolean(), tags: fc.subarray(['t1', 't2']) }))),
    neighbors: fc.tuple(
      ...ITEMS.map(() => fc.uniqueArray(fc.record({ itemId: fc.constantFrom(...ITEMS), score: fc.double({ min: 0.01, max: 1, noNaN: true }) }), { selector: n => n.itemId, maxLength: 5 })),
    ),
    popularity: fc.tuple(...ITEMS.map(() => fc.nat(20))),
    history: fc.array(fc.record({ itemId: fc.constantFrom(...ITEMS), day: fc.nat(100) }), { maxLength: 8 }),
    tags: fc.subarray(['t1', 't2']),
    repeat: fc.subarray(['a', 'b', 'c', 'd']),
    k: fc.nat(15),
  })

  test('property: never off-sale or already bought (outside repeat categories), at most k, unique, deterministic, capped', () => {
    fc.assert(
      fc.property(arbShop, s => {
        const catalog = Object.fromEntries(ITEMS.map((id, i) => [id, s.catalog[i]]))
        const ctx: RecommendContext = {
          catalog,
          neighbors: Object.fromEntries(ITEMS.map((id, i) => [id, s.neighbors[i].filter(n => n.itemId !== id).sort((a, b) => b.score - a.score)])),
          popularity: Object.fromEntries(ITEMS.map((id, i) => [id, s.popularity[i]])),
          repeatCategories: s.repeat,
        }
        const history = s.history.map(h => ({ itemId: h.itemId, at: at(h.day) }))
        const input = { history, tags: s.tags, now: at(100), k: s.k }
        const recs = recommend(input, ctx)
        const ids = recs.map(r => r.itemId)
        const bought = new Set(history.map(h => h.itemId))
        const eligible = (id: string) => catalog[id].onSale && (!bought.has(id) || s.repeat.includes(catalog[id].category))
        expect(ids.every(eligible)).toBe(true)
        expect(new Set(ids).size).toBe(ids.length)
        // the list is as long as it can be: every eligible item with a score (popular, co-bought or tagged) competes
        const memberTags = new Set([...s.tags, ...history.flatMap(h => catalog[h.itemId].tags)])
        const reachable = ITEMS.filter(
          (id, i) => eligible(id) && (s.popularity[i] > 0 || history.some(h => ctx.neighbors[h.itemId].some(n => n.itemId === id)) || catalog[id].tags.some(t => memberTags.has(t))),
        )
        expect(ids.length).toBe(Math.min(s.k, reachable.length))
        expect(recs.every(r => r.reason.length > 0 && Number.isFinite(r.score))).toBe(true)
        // deterministic, whatever the order of the history, and the same through a bound recommender
        expect(recommend({ ...input, history: [...history].reverse() }, ctx)).toEqual(recs)
        expect(createRecommender(ctx)(input)).toEqual(recs)
        // over the cap in the first 10 only when the items left out are all of categories already at the cap
        const first = ids.slice(0, 10)
        const count = (c: string) => first.filter(id => catalog[id].category === c).length
        if (['a', 'b', 'c', 'd'].some(c => count(c) > 3)) {
          expect(reachable.filter(id => !ids.includes(id)).every(id => count(catalog[id].category) >= 3)).toBe(true)
          expect(ids.length).toBe(Math.min(s.k, reachable.length))
        }
      }),
      { numRuns: 300 },
    )
  })
})

describe('evaluation', () => {
  test('hit rate, NDCG and coverage on hand-made lists', () => {
    const relevant = new Set(['b', 'z'])
    expect(hitAtK(['a', 'b', 'c'], relevant, 3)).toBe(1)
    expect(hitAtK(['a', 'b', 'c'], relevant, 1)).toBe(0)
    // b at place 2 of 2 relevant: (1/log2 3) / (1 + 1/log2 3)
    expect(ndcgAtK(['a', 'b', 'c'], relevant, 3)).toBeCloseTo(1 / Math.log2(3) / (1 + 1 / Math.log2(3)), 12)
    expect(ndcgAtK(['b', 'z'], relevant, 10)).toBeCloseTo(1, 12)
    expect(ndcgAtK(['a'], new Set(), 10)).toBe(0)
    expect(
      catalogCoverage(
        [
          ['a', 'b'],
          ['b', 'c', 'd'],
        ],
        8,
        2,
      ),
    ).toBe(3 / 8)
    expect(() => catalogCoverage([], 0, 10)).toThrow(RangeError)
  })

  test('split by date: train before, test from the split; relevant excludes what was bought before', () => {
    const { train, cases } = splitByDate(shop, at(6))
    expect([...train.keys()]).toEqual(['u1', 'u2', 'u3', 'u4', 'u5'])
    expect(cases.map(c => c.customerId)).toEqual(['u1', 'u3'])
    expect([...cases[0].relevant]).toEqual(['tote'])
    expect(cases[1]).toMatchObject({ now: at(6), history: [{ itemId: 'tea', at: at(3) }], relevant: new Set(['teapot']) })
  })

  test('leave last basket: all baskets at the latest time are the test', () => {
    const data = { a: [basket(1, 'x'), basket(5, 'y'), basket(5, 'x', 'z')], b: [basket(2, 'x')] }
    const { train, cases } = leaveLastBasket(data)
    expect(train.get('a')).toEqual([basket(1, 'x')])
    expect(train.get('b')).toEqual([basket(2, 'x')])
    expect(cases).toEqual([{ customerId: 'a', history: [{ itemId: 'x', at: at(1) }], relevant: new Set(['y', 'z']), now: at(5) }])
  })

  test('popularity baseline and scoring', () => {
    const ranking = popularityRanking(popularity(shop))
    expect(ranking).toEqual(['tote', 'tea', 'coaster', 'mug', 'teapot'])
    expect(popularNotBought(ranking, new Set(['tote', 'mug']), 2)).toEqual(['tea', 'coaster'])
    const { cases } = splitByDate(shop, at(6))
    const m = scoreRecommendations(cases, [['tote'], ['mug']], 10, 5)
    expect(m).toEqual({ customers: 2, hitRate: 0.5, ndcg: 0.5, coverage: 2 / 5 })
  })
})
