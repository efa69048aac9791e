/**
 * Index-served queries (emulator/database/executor.ts) answer exactly what a full scan filtered and
 * sorted by mingo answers: random docs (mixed types, missing fields, arrays, dates) and random
 * filters (eq, $in, ranges, ^prefix regexes, $or, null), sorts, skips and limits; counts, updates
 * and removes alike; inside a transaction too.
 */
import fs from 'fs'
import os from 'os'
import path from 'path'
import fc from 'fast-check'
import type { Doc } from '../../emulator/database/ejson'
import { Engine } from '../../emulator/database/engine'
import { parseIndexCatalog } from '../../emulator/database/indexes'
import { collPrefix, FF } from '../../emulator/database/keys'
import { countDocs, createCollection, getDocs, insertDocs, modifyDocs, removeDocs, type View } from '../../emulator/database/ops'
import { find, matcher } from '../../emulator/database/query'
import { pkString, Store } from '../../emulator/database/store'

const CATALOG = parseIndexCatalog({
  collections: [
    {
      CollectionName: 'items',
      CreateIndexes: [
        ['a_1', { a: 1 }],
        ['a_b', { a: 1, b: -1 }],
        ['b_id', { b: 1, _id: 1 }],
        ['tags', { tags: 1 }],
        ['s_a', { s: 1, a: 1 }],
        ['d_b_id', { d: -1, b: -1, _id: -1 }],
        ['n_s', { 'n.x': 1, s: 1 }],
      ].map(([name, keys]) => ({
        IndexName: name,
        MgoKeySchema: { MgoIsUnique: false, MgoIndexKeys: Object.entries(keys).map(([Name, d]) => ({ Name, Direction: String(d) })) },
      })),
    },
  ],
})

const DATES = [new Date('2024-01-01T00:00:00Z'), new Date('2024-06-01T00:00:00Z'), new Date('2025-01-01T00:00:00Z')]
const scalar = fc.oneof(
  fc.integer({ min: -3, max: 6 }),
  fc.constantFrom(0.5, -0, 1e9),
  fc.constantFrom('', 'a', 'ab', 'abc', 'b', 'B', 'é', '😀', 'a\u0000b', 'x'.repeat(300), 'x'.repeat(301)),
  fc.constantFrom(...DATES),
  fc.boolean(),
  fc.constant(null),
)
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 4 })
const docArb = fc.record(
  {
    a: maybe(fc.oneof(scalar, fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }))),
    b: maybe(scalar),
    s: maybe(fc.constantFrom('ab', 'abc', 'abd', 'b', 'ba', '', '😀', 'é')),
    d: maybe(fc.constantFrom(...DATES)),
    tags: maybe(fc.array(fc.constantFrom('x', 'y', 'z'), { maxLength: 3 })),
    n: maybe(fc.oneof(fc.record({ x: maybe(fc.integer({ min: 0, max: 3 })) }), fc.array(fc.record({ x: fc.integer({ min: 0, max: 3 }) }), { maxLength: 2 }))),
  },
  { requiredKeys: [] },
)

const FIELDS = ['a', 'b', 's', 'd', 'tags', 'n.x', '_id']
const condition = fc.oneof(
  scalar,
  fc.record({ $eq: scalar }),
  fc.record({ $in: fc.array(scalar, { maxLength: 3 }) }),
  fc.record({ $gt: scalar }),
  fc.record({ $gte: scalar, $lt: scalar }),
  fc.record({ $lte: scalar }),
  fc.record({ $ne: scalar }),
  fc.constantFrom(/^a/, /^ab/, /^a.?/, /^b|a/, /^A/i, /b/, { $regex: '^ab', $options: '' }),
  fc.record({ $exists: fc.boolean() }),
)
const clause = fc.dictionary(fc.constantFrom(...FIELDS), condition, { minKeys: 0, maxKeys: 3 })
const filterArb = fc.oneof(
  clause,
  fc.record({ $or: fc.array(clause, { minLength: 1, maxLength: 3 }) }),
  fc.tuple(clause, fc.array(clause, { minLength: 1, maxLength: 2 })).map(([base, or]) => ({ ...base, $or: or })),
)
const sortArb = fc.uniqueArray(fc.tuple(fc.constantFrom('a', 'b', 's', 'd', '_id', 'n.x'), fc.constantFrom(1, -1)), { selector: ([f]) => f, maxLength: 3 })

let dir: string
let store: Store
let engine: Engine

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'db-exec-'))
  store = Store.open(dir, CATALOG, () => {})
  engine = new Engine(store)
})
afterAll(async () => {
  engine.close()
  await store.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

/** The reference: every doc of the collection in `_id` order, through mingo only. */
function allDocs(): Doc[] {
  const start = collPrefix('items')
  return [...store.primaryRange('items', start, Buffer.concat([start, FF]))].map(e => e.doc)
}

function load(docs: Doc[]): void {
  engine.write(undefined, v => (v.has('items') ? removeDocs(v, 'items', { _id: { $exists: true } }, true) : createCollection(v, 'items')))
  engine.write(undefined, v => insertDocs(v, 'items', docs, false))
}

const withIds = (docs: Doc[]) => docs.map((d, i) => ({ ...d, _id: i % 7 === 3 ? i : `id-${String(i).padStart(3, '0')}` }))

test('a null and a missing sort value tie, as in mingo (found by the property below)', () => {
  load([{ _id: 'id-000', b: null }, { _id: 'id-001' }])
  for (const order of [{ b: 1 }, { b: -1 }]) {
    const expected = find(allDocs(), {}, { order, limit: 1 })
    expect(engine.read(undefined, v => getDocs(v, 'items', { $or: [{}] }, { order, limit: 1 }))).toEqual(expected)
  }
})

test('a sort over a field some doc holds an array in is not stopped early (mingo orders arrays its own way)', () => {
  load([{ _id: 'id-000' }, { _id: 'id-001', s: 'ab' }, { _id: 'id-002', s: 'ab', n: [] }])
  const order = { 'n.x': 1, s: 1 }
  expect(engine.read(undefined, v => getDocs(v, 'items', { $or: [{}] }, { order, limit: 1 }))).toEqual(find(allDocs(), {}, { order, limit: 1 }))
  expect(store.nonScalarFields('items', 'n_s')).toEqual(new Set(['n.x']))
})

test('get: index-served results equal the full scan (random data, filters, sorts, skip/limit)', () => {
  fc.assert(
    fc.property(
      fc.array(docArb, { minLength: 0, maxLength: 60 }),
      fc.array(fc.tuple(filterArb, sortArb, fc.nat(4), fc.integer({ min: 1, max: 12 })), { minLength: 1, maxLength: 15 }),
      (docs, queries) => {
        load(withIds(docs))
        const all = allDocs()
        for (const [filter, sort, offset, limit] of queries) {
          const order = sort.length ? Object.fromEntries(sort) : undefined
          const expected = find(all, filter, { order, offset, limit })
          expect(engine.read(undefined, v => getDocs(v, 'items', filter, { order, offset, limit }))).toEqual(expected)
          expect(engine.read(undefined, v => countDocs(v, 'items', filter))).toBe(all.filter(matcher(filter)).length)
        }
      },
    ),
    { numRuns: 100 },
  )
})

test('updates and removes with an indexed filter touch the docs a full scan would', () => {
  fc.assert(
    fc.property(fc.array(docArb, { minLength: 1, maxLength: 40 }), filterArb, fc.boolean(), (docs, filter, multi) => {
      load(withIds(docs))
      const matching = allDocs().filter(matcher(filter))
      const expected = (multi ? matching : matching.slice(0, 1)).map(d => d._id)
      const r = engine.write(undefined, v => modifyDocs(v, 'items', { criteria: filter, data: { $set: { hit: true } }, multi, merge: true, upsert: false }, false))
      expect(r.matched).toBe(expected.length)
      expect(
        allDocs()
          .filter(d => d.hit)
          .map(d => d._id),
      ).toEqual(expected)
      const removed = engine.write(undefined, v => removeDocs(v, 'items', { hit: true }, true))
      expect(removed).toBe(expected.length)
      expect(allDocs()).toHaveLength(docs.length - expected.length)
    }),
    { numRuns: 40 },
  )
})

test('inside a transaction, queries see its own writes and its snapshot (pre-images), as a full scan of that state would', () => {
  fc.assert(
    fc.property(
      fc.array(docArb, { minLength: 2, maxLength: 30 }),
      fc.array(docArb, { maxLength: 5 }),
      fc.array(fc.tuple(filterArb, sortArb), { minLength: 1, maxLength: 5 }),
      (docs, more, queries) => {
        load(withIds(docs))
        const tx = engine.startTransaction()
        const before = allDocs()
        // the transaction adds docs and changes one; someone else then changes another doc
        engine.write(tx, v => insertDocs(v, 'items', more, false))
        engine.write(tx, v => modifyDocs(v, 'items', { criteria: { _id: before[0]._id }, data: { $set: { b: 99 } }, multi: false, merge: true, upsert: false }, false))
        const last = before[before.length - 1]._id
        engine.write(undefined, v => modifyDocs(v, 'items', { criteria: { _id: last }, data: { $set: { a: 'changed' } }, multi: false, merge: true, upsert: false }, false))
        const txAll = engine.read(tx, (v: View) => getDocs(v, 'items', undefined, { order: { _id: 1 }, limit: 1000 }))
        expect(txAll.find(d => d._id === last)).toEqual(before[before.length - 1]) // its snapshot
        expect(txAll.find(d => d._id === before[0]._id)?.b).toBe(99)
        for (const [filter, sort] of queries) {
          const order = sort.length ? Object.fromEntries(sort) : undefined
          const natural = [...txAll].sort((x, y) => (pk(x) < pk(y) ? -1 : pk(x) > pk(y) ? 1 : 0))
          expect(engine.read(tx, v => getDocs(v, 'items', filter, { order, limit: 5 }))).toEqual(find(natural, filter, { order, limit: 5 }))
        }
        engine.abortTransaction(tx)
      },
    ),
    { numRuns: 25 },
  )
})

const pk = (d: Doc) => pkString(d._id)

test('of two bounding indexes the one with fewer entries is read: a narrow _id range beats a wide (s, a) range', () => {
  // 3,000 docs share s = 'ab', so (s, a) bounds the query to all of them; the _id range to 50
  load(Array.from({ length: 3000 }, (_x, i) => ({ _id: `k${String(i).padStart(4, '0')}`, s: 'ab', a: i % 10 })))
  const filter = { _id: { $gte: 'k1000', $lt: 'k1050' }, s: 'ab', a: { $gt: 2 } }
  const docsRead = jest.spyOn(store, 'primaryRange')
  const indexRead = jest.spyOn(store, 'indexRange')
  try {
    const found = engine.read(undefined, v => getDocs(v, 'items', filter, { order: { _id: 1 }, limit: 20 }))
    expect(found).toEqual(find(allDocs(), filter, { order: { _id: 1 }, limit: 20 }))
    const ids = found.map(d => String(d._id))
    // the ids as points: one entry each, against 2,100 entries of (s, a) with a > 2
    engine.write(undefined, v => modifyDocs(v, 'items', { criteria: { _id: { $in: ids }, s: 'ab', a: { $gt: 2 } }, data: { $set: { moved: true } }, multi: true, merge: true, upsert: false }, false))
    expect(indexRead).not.toHaveBeenCalled()
    expect(docsRead).toHaveBeenCalled()
    expect(allDocs().filter(d => d.moved)).toHaveLength(20)
  } finally {
    docsRead.mockRestore()
    indexRead.mockRestore()
  }
})

test('a count the index answers exactly is counted from its entries without reading a document; others read them', () => {
  // tags: arrays (one repeating an element) or missing, so its index holds an entry per distinct element of each doc
  const TAGS = [['x'], ['x', 'y'], ['y'], [], ['x', 'x', 'z'], undefined]
  load(Array.from({ length: 500 }, (_x, i) => ({ _id: `c${String(i).padStart(4, '0')}`, s: ['ab', 'b'][i % 2], a: i % 10, d: DATES[i % 3], b: i % 4 === 0 ? null : i, tags: TAGS[i % TAGS.length] })))
  const docsRead = jest.spyOn(store, 'getByPk')
  const scanned = jest.spyOn(store, 'primaryRange')
  /** the count, and how many times it read documents (the reference, a full scan, is taken first) */
  const count = (filter: Doc) => {
    const want = allDocs().filter(matcher(filter)).length
    docsRead.mockClear()
    scanned.mockClear()
    const got = engine.read(undefined, v => countDocs(v, 'items', filter))
    return { got, want, reads: docsRead.mock.calls.length + scanned.mock.calls.length }
  }
  try {
    // (a and n.x are left out: the properties above stored arrays in them, which rules out their indexes,
    // (s, a) included: each element of a doc's `a` is another entry under its `s`)
    for (const filter of [
      { b: { $in: [1, 2, 3] } }, // the leading key of (b, _id)
      { d: DATES[0], b: { $gt: 100 } }, // (d, b, _id) descending: an equality, then a range
      { d: { $gte: DATES[1] } },
      { b: null }, // null matches a missing field too, indexed as null
      { _id: { $gte: 'c0100', $lt: 'c0200' } },
      { tags: 'x' }, // an array field: an equality to one value counts each doc once
      { tags: { $in: ['z'] } },
    ]) {
      const { got, want, reads } = count(filter)
      expect([got, reads]).toEqual([want, 0])
      expect(want).toBeGreaterThan(0)
    }
    // a range before another key, an op that is not exact, fields no index leads with: documents are read
    // an index with an array field after the bound keys; on the array field two values or a range (a doc
    // with both would count twice), or null
    for (const filter of [{ b: { $gt: 10 }, _id: { $gte: 'c0100' } }, { s: { $ne: 'ab' } }, { b: 5, s: 'b' }, { s: 'ab' }, { tags: { $in: ['x', 'y'] } }, { tags: { $gte: 'x' } }, { tags: null }]) {
      const { got, want, reads } = count(filter)
      expect(got).toBe(want)
      expect(reads).toBeGreaterThan(0)
    }
  } finally {
    docsRead.mockRestore()
    scanned.mockRestore()
  }
})
