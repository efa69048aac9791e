import fc from 'fast-check'
import { Query } from 'mingo'
import { SegmentRuleSchema } from '../../types/segments'
import { estimateCount, matches, resolveRule, sameIds, segmentIdsOf, toMongoQuery } from '../../domain/segments'

const now = new Date('2026-11-23T04:00:00Z')

test('daysAgo resolves to the start of a Shanghai day; ISO dates to instants', () => {
  const rule = resolveRule(
    SegmentRuleSchema.parse({
      all: [
        { field: 'stats.lastPurchaseAt', op: 'gte', value: { daysAgo: 30 } },
        { field: 'createdAt', op: 'lt', value: '2026-01-01T00:00:00+08:00' },
      ],
    }),
    now,
  )
  expect(rule.all.map(c => (c.value as Date).toISOString())).toEqual(['2026-10-23T16:00:00.000Z', '2025-12-31T16:00:00.000Z'])
})

test('a typical rule: gold or black tier, sleeping, not tagged 促销敏感型', () => {
  const rule = resolveRule(
    SegmentRuleSchema.parse({
      all: [
        { field: 'stage', op: 'eq', value: 'sleeping' },
        { field: 'tags', op: 'nin', value: ['促销敏感型'] },
      ],
      any: [
        { field: 'tierId', op: 'eq', value: 'gold' },
        { field: 'tierId', op: 'eq', value: 'black' },
      ],
    }),
    now,
  )
  expect(matches({ stage: 'sleeping', tierId: 'gold', tags: ['高价值会员'] }, rule)).toBe(true)
  expect(matches({ stage: 'sleeping', tierId: 'gold', tags: ['促销敏感型'] }, rule)).toBe(false)
  expect(matches({ stage: 'sleeping', tierId: 'silver', tags: [] }, rule)).toBe(false)
  expect(matches({ stage: 'active', tierId: 'black' }, rule)).toBe(false)
})

test('bad rules are refused with a reason', () => {
  const bad = [
    { all: [] },
    { all: [{ field: 'points', op: 'in', value: 5 }] },
    { all: [{ field: 'tags', op: 'gt', value: 'a' }] },
    { all: [{ field: 'stage', op: 'eq', value: 'asleep' }] },
    { all: [{ field: 'password', op: 'eq', value: 'x' }] },
    { all: [{ field: 'createdAt', op: 'gte', value: 5 }] },
  ]
  for (const rule of bad) expect(SegmentRuleSchema.safeParse(rule).success).toBe(false)
})

test('property: matches agrees with a MongoDB engine (mingo) on the same rule', () => {
  const stages = ['new', 'active', 'sleeping']
  const tagPool = ['新客', '高价值会员', '促销敏感型']
  const member = fc.record(
    {
      stage: fc.constantFrom(...stages),
      tierId: fc.constantFrom('base', 'silver', 'gold'),
      tags: fc.subarray(tagPool),
      points: fc.integer({ min: 0, max: 500 }),
      rfm: fc.record({ score: fc.integer({ min: 3, max: 15 }) }),
      createdAt: fc.date({ min: new Date('2025-01-01T00:00:00Z'), max: new Date('2026-11-23T00:00:00Z'), noInvalidDate: true }),
    },
    { requiredKeys: ['stage', 'createdAt'] },
  )
  const condition = fc.oneof(
    fc.record({ field: fc.constant('stage'), op: fc.constantFrom('eq', 'ne'), value: fc.constantFrom(...stages) }),
    fc.record({ field: fc.constant('tierId'), op: fc.constantFrom('in', 'nin'), value: fc.subarray(['base', 'silver', 'gold'], { minLength: 1 }) }),
    fc.record({ field: fc.constant('tags'), op: fc.constantFrom('hasAny', 'hasAll', 'nin'), value: fc.subarray(tagPool, { minLength: 1 }) }),
    fc.record({ field: fc.constant('points'), op: fc.constantFrom('gt', 'gte', 'lt', 'lte', 'eq', 'ne'), value: fc.integer({ min: 0, max: 500 }) }),
    fc.record({ field: fc.constant('rfm.score'), op: fc.constantFrom('gte', 'lt'), value: fc.integer({ min: 3, max: 15 }) }),
    fc.record({ field: fc.constantFrom('points', 'tierId'), op: fc.constant('exists'), value: fc.boolean() }),
    fc.record({ field: fc.constant('createdAt'), op: fc.constantFrom('gte', 'lt'), value: fc.record({ daysAgo: fc.integer({ min: 0, max: 700 }) }) }),
  )
  fc.assert(
    fc.property(fc.array(member, { maxLength: 20 }), fc.array(condition, { minLength: 1, maxLength: 3 }), fc.array(condition, { maxLength: 2 }), (docs, all, any) => {
      const rule = resolveRule(SegmentRuleSchema.parse({ all, any }), now)
      const engine = new Query(toMongoQuery(rule))
      for (const doc of docs) expect(matches(doc, rule)).toBe(engine.test(doc))
    }),
    { numRuns: 300 },
  )
})

test('segmentIdsOf: the saved segments a member matches, sorted; sameIds ignores order and repeats', () => {
  const rule = (r: unknown) => resolveRule(SegmentRuleSchema.parse(r), now)
  const saved = [
    { segmentId: 'vip', rule: rule({ all: [{ field: 'points', op: 'gte', value: 100 }] }) },
    { segmentId: 'coffee', rule: rule({ all: [{ field: 'tags', op: 'hasAny', value: ['咖啡控'] }] }) },
    { segmentId: 'gold', rule: rule({ all: [{ field: 'tierId', op: 'eq', value: 'gold' }] }) },
  ]
  expect(segmentIdsOf({ points: 150, tags: ['咖啡控'], tierId: 'base' }, saved)).toEqual(['coffee', 'vip'])
  expect(segmentIdsOf({ points: 0, tags: [] }, saved)).toEqual([])
  expect(sameIds(['vip', 'coffee', 'vip'], ['coffee', 'vip'])).toBe(true)
  expect(sameIds(undefined, [])).toBe(true)
  expect(sameIds(['vip'], ['coffee', 'vip'])).toBe(false)
  expect(sameIds(['gold'], ['vip'])).toBe(false)
})

test('estimateCount: exact when the sample was everyone, else scaled to all members', () => {
  expect(estimateCount(7, 30, 30)).toEqual({ count: 7, estimated: false })
  expect(estimateCount(0, 0, 0)).toEqual({ count: 0, estimated: false })
  expect(estimateCount(4985, 10_000, 12_030)).toEqual({ count: 5997, estimated: true })
  expect(estimateCount(0, 10_000, 1_000_000)).toEqual({ count: 0, estimated: true })
})
