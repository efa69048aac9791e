/**
 * Indexes from deploy/database.json: unique indexes are enforced on insert, update, set and
 * transaction commits (with the duplicate-`_id` error), and every query is classified as indexed or
 * not (emulator/database/plan.ts), unindexed shapes being listed by `GET /stats`.
 */
import fs from 'fs'
import path from 'path'
import { startEmulator, sdkFor, tempDataDir, deployCollections, type RunningEmulator } from '../../scripts/emulator-process'
import { createDatabaseService, type DatabaseService } from '../../emulator/database'
import { parseIndexCatalog } from '../../emulator/database/indexes'
import { planQuery, type QueryToPlan } from '../../emulator/database/plan'
import { isDuplicateKey } from '../../cloudfunctions/shared/transaction'
import { indexConfig } from '../helpers/indexes'

const UNIQUE_CONFIG = indexConfig({
  people: [{ name: 'no_unique', keys: { no: 1 }, unique: true }],
  pairs: [{ name: 'a_b_unique', keys: { a: 1, b: 1 }, unique: true }],
  tagged: [{ name: 'tags_unique', keys: { tags: 1 }, unique: true }],
})

describe('unique indexes (in process)', () => {
  let dataDir: string
  let file: string
  let service: DatabaseService
  const ejson = (v: unknown) => JSON.stringify(v)
  const call = (action: string, params: Record<string, unknown>) => service.handle(`database.${action}`, { action: `database.${action}`, ...params })
  const insert = (coll: string, ...docs: object[]) => call('insertDocument', { collectionName: coll, data: docs.map(ejson) })
  const count = async (coll: string) => ((await call('calculateDocument', { collectionName: coll })) as any).data.total
  const update = (coll: string, query: object, data: object, merge = true) => call('modifyDocument', { collectionName: coll, query: ejson(query), data: ejson(data), multi: false, merge })
  const duplicate = (index: string) => expect.objectContaining({ code: 'DATABASE_DUPLICATE_WRITE', message: expect.stringContaining(`index: ${index} dup key`) })

  beforeEach(async () => {
    dataDir = tempDataDir('idx-')
    file = path.join(dataDir, 'database.json')
    fs.writeFileSync(file, JSON.stringify(UNIQUE_CONFIG))
    service = await createDatabaseService({ dataDir, baseUrl: '' }, { indexFile: file })
    for (const c of ['people', 'pairs', 'tagged', 'plain']) await call('addCollection', { collectionName: c })
  })
  afterEach(() => service.close?.())

  test('an insert that repeats a unique key is refused with the duplicate-key error, and its batch writes nothing', async () => {
    await insert('people', { _id: 'a', no: 'M1' })
    await expect(insert('people', { _id: 'b', no: 'M1' })).rejects.toEqual(duplicate('no_unique'))
    await expect(insert('people', { _id: 'c', no: 'M2' }, { _id: 'd', no: 'M2' })).rejects.toEqual(duplicate('no_unique'))
    expect(await count('people')).toBe(1)
    // a collection without unique indexes takes any values
    await insert('plain', { no: 'M1' }, { no: 'M1' })
    expect(await count('plain')).toBe(2)
  })

  test('a missing field is indexed as null (MongoDB): only one document may lack it', async () => {
    await insert('people', { _id: 'a' })
    await expect(insert('people', { _id: 'b', no: null })).rejects.toEqual(duplicate('no_unique'))
  })

  test('an update or a set to a taken key is refused; a doc keeps its own key; freed keys can be taken', async () => {
    await insert('people', { _id: 'a', no: 'M1' }, { _id: 'b', no: 'M2' })
    await expect(update('people', { _id: 'b' }, { $set: { no: 'M1' } })).rejects.toEqual(duplicate('no_unique'))
    await expect(update('people', { no: 'M2' }, { no: 'M1', other: 1 }, false)).rejects.toEqual(duplicate('no_unique'))
    expect(((await call('getDocument', { collectionName: 'people', query: ejson({ _id: 'b' }) })) as any).data.list[0]).toContain('"M2"')
    await update('people', { _id: 'a' }, { $set: { no: 'M1', touched: true } }) // its own key again
    await update('people', { _id: 'a' }, { $set: { no: 'M3' } }) // frees M1…
    await update('people', { _id: 'b' }, { $set: { no: 'M1' } }) // …which b may now take
    await call('removeDocument', { collectionName: 'people', query: ejson({ _id: 'a' }), multi: false })
    await insert('people', { _id: 'c', no: 'M3' }) // a removed doc's key is free
    expect(await count('people')).toBe(2)
  })

  test('compound keys are unique as a whole; array values are unique per element (multikey)', async () => {
    await insert('pairs', { a: 1, b: 1 }, { a: 1, b: 2 }, { a: 2, b: 1 })
    await expect(insert('pairs', { a: 1, b: 2 })).rejects.toEqual(duplicate('a_b_unique'))
    await insert('tagged', { tags: ['x', 'y', 'y'] }) // one doc may repeat a value
    await expect(insert('tagged', { tags: ['z', 'y'] })).rejects.toEqual(duplicate('tags_unique'))
  })

  test('of two transactions taking the same key, the second commit is refused', async () => {
    const start = async () => ((await call('startTransaction', {})) as any).transactionId as string
    const [t1, t2] = [await start(), await start()]
    await call('insertDocument', { collectionName: 'people', data: [ejson({ _id: 'a', no: 'M9' })], transactionId: t1 })
    await call('insertDocument', { collectionName: 'people', data: [ejson({ _id: 'b', no: 'M9' })], transactionId: t2 })
    await call('commitTransaction', { transactionId: t1 })
    await expect(call('commitTransaction', { transactionId: t2 })).rejects.toEqual(duplicate('no_unique'))
    expect(await count('people')).toBe(1)
  })

  test('after a restart the index is rebuilt from disk and still enforced', async () => {
    await insert('people', { _id: 'a', no: 'M1' })
    await service.close?.()
    service = await createDatabaseService({ dataDir, baseUrl: '' }, { indexFile: file })
    await expect(insert('people', { _id: 'b', no: 'M1' })).rejects.toEqual(duplicate('no_unique'))
  })
})

describe('query classification', () => {
  const catalog = parseIndexCatalog(
    indexConfig({
      ledger: [{ name: 'memberId_createdAt_id', keys: { memberId: 1, createdAt: -1, _id: -1 } }],
      coupons: [{ name: 'memberId_status_validUntil', keys: { memberId: 1, status: 1, validUntil: 1 } }],
      members: [
        { name: 'createdAt_desc', keys: { createdAt: -1 } },
        { name: 'nickname', keys: { nickname: 1 } },
      ],
    }),
  )
  const plan = (coll: string, q: QueryToPlan) => planQuery(catalog, coll, q)
  const indexed = (coll: string, q: QueryToPlan) => plan(coll, q).indexed

  test('an equality prefix of an index is indexed; a field that is not its first key is not', () => {
    expect(indexed('ledger', { op: 'get', filter: { memberId: 'm' } })).toBe(true)
    expect(indexed('coupons', { op: 'count', filter: { memberId: 'm', status: { $in: ['a', 'b'] } } })).toBe(true)
    expect(indexed('coupons', { op: 'get', filter: { status: 'available' } })).toBe(false) // skips memberId
    expect(indexed('coupons', { op: 'get', filter: { validUntil: { $lte: new Date() } } })).toBe(false)
    expect(indexed('ledger', { op: 'remove', filter: { kind: 'earn' } })).toBe(false)
  })

  test('a range on the first key (or after the equality prefix) is indexed; negations and unanchored regexes are not', () => {
    expect(indexed('members', { op: 'count', filter: { createdAt: { $gte: new Date(0), $lt: new Date() } } })).toBe(true)
    expect(indexed('members', { op: 'get', filter: { nickname: /^张/ } })).toBe(true)
    expect(indexed('members', { op: 'get', filter: { nickname: /张/ } })).toBe(false)
    expect(indexed('members', { op: 'get', filter: { nickname: /^张/i } })).toBe(false)
    expect(indexed('members', { op: 'get', filter: { createdAt: { $ne: null } } })).toBe(false)
    expect(indexed('members', { op: 'get', filter: { createdAt: { $and: [{ $gt: 1 }, { $lt: 5 }] } } })).toBe(true) // _.gt().and(_.lt())
  })

  test('a sort is indexed when it continues the equality prefix in the index order, or entirely reversed', () => {
    const byMember = { memberId: 'm' }
    expect(indexed('ledger', { op: 'get', filter: byMember, sort: [['createdAt', -1]] })).toBe(true)
    expect(
      indexed('ledger', {
        op: 'get',
        filter: byMember,
        sort: [
          ['createdAt', -1],
          ['_id', -1],
        ],
      }),
    ).toBe(true)
    expect(
      indexed('ledger', {
        op: 'get',
        filter: byMember,
        sort: [
          ['createdAt', 1],
          ['_id', 1],
        ],
      }),
    ).toBe(true) // reversed
    expect(
      indexed('ledger', {
        op: 'get',
        filter: byMember,
        sort: [
          ['createdAt', -1],
          ['_id', 1],
        ],
      }),
    ).toBe(false) // mixed
    expect(indexed('ledger', { op: 'get', filter: byMember, sort: [['_id', 1]] })).toBe(false) // skips createdAt
    expect(indexed('ledger', { op: 'get', filter: { memberId: 'm', createdAt: new Date() }, sort: [['_id', 1]] })).toBe(true) // createdAt fixed
    expect(indexed('coupons', { op: 'get', filter: { memberId: 'm', status: 'a', validUntil: { $gt: 0 } }, sort: [['validUntil', 1]] })).toBe(true)
    // no filter: an index (or _id) must serve the sort
    expect(indexed('members', { op: 'get', sort: [['createdAt', 1]] })).toBe(true)
    expect(indexed('members', { op: 'get', sort: [['_id', 1]] })).toBe(true)
    expect(indexed('members', { op: 'get', sort: [['points', -1]] })).toBe(false)
    // the _id index serves a filter on something else only if it bounds it
    expect(indexed('members', { op: 'get', filter: { points: 1 }, sort: [['_id', 1]] })).toBe(false)
    expect(indexed('members', { op: 'get', filter: { points: 1, _id: { $gt: 'x' } }, sort: [['_id', 1]] })).toBe(true)
  })

  test('$or needs every branch indexed; _id is always indexed; unfiltered get and count are', () => {
    expect(indexed('members', { op: 'get', filter: { $or: [{ nickname: 'a' }, { _id: 'b' }] } })).toBe(true)
    expect(indexed('members', { op: 'get', filter: { $or: [{ nickname: 'a' }, { phone: 'b' }] } })).toBe(false)
    expect(indexed('members', { op: 'get', filter: { $and: [{ $or: [{ nickname: 'a' }, { _id: 'b' }] }, { points: 1 }] } })).toBe(true)
    expect(indexed('unknown_collection', { op: 'update', filter: { _id: 'x', v: 1 } })).toBe(true)
    expect(indexed('members', { op: 'count' })).toBe(true)
    expect(indexed('members', { op: 'get' })).toBe(true)
  })

  test('aggregate: a leading $match (and a $sort right after it) is judged; any other start is a full scan', () => {
    const match = { $match: { memberId: 'm' } }
    expect(indexed('ledger', { op: 'aggregate', pipeline: [match, { $group: { _id: null } }] })).toBe(true)
    expect(indexed('ledger', { op: 'aggregate', pipeline: [match, { $sort: { createdAt: -1 } }] })).toBe(true)
    expect(indexed('ledger', { op: 'aggregate', pipeline: [match, { $sort: { delta: -1 } }] })).toBe(false)
    expect(indexed('ledger', { op: 'aggregate', pipeline: [{ $match: { kind: 'earn' } }] })).toBe(false)
    expect(plan('ledger', { op: 'aggregate', pipeline: [{ $group: { _id: '$kind' } }] })).toEqual({ indexed: false, shape: 'aggregate (starts with $group)' })
  })

  test('the shape names fields and operator kinds, never values, in a stable order', () => {
    const q = (memberId: string, at: Date): QueryToPlan => ({ op: 'get', filter: { status: { $in: ['a'] }, memberId, at: { $gte: at } }, sort: [['at', -1]] })
    const shape = plan('coupons', q('m1', new Date(1))).shape
    expect(shape).toBe('get {at: range, memberId: eq, status: in} sort {at: -1}')
    expect(plan('coupons', q('m2', new Date(2))).shape).toBe(shape)
    expect(plan('members', { op: 'count', filter: { $or: [{ nickname: /^a/ }, { tags: { $exists: true } }] } }).shape).toBe('count {$or: [{nickname: prefix}, {tags: other}]}')
  })
})

describe('through the SDK on the emulator (deploy/database.json)', () => {
  let emu: RunningEmulator
  let db: any
  beforeAll(async () => {
    emu = await startEmulator({ args: ['--no-timers'] })
    await deployCollections(emu)
    db = sdkFor(emu).database()
  }, 60_000)
  afterAll(() => emu?.stop())

  const stats = async (method: 'GET' | 'DELETE' = 'GET') => (await fetch(`${emu.baseUrl}/stats`, { method })).json()

  test('parallel inserts of one memberNo: exactly one lands, the others get an error isDuplicateKey recognises', async () => {
    const members = db.collection('members')
    const results = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => members.add({ data: { _id: `o_dup_${i}`, memberNo: '900001' } })))
    expect(results.filter(r => r.status === 'fulfilled')).toHaveLength(1)
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')
    expect(rejected).toHaveLength(11)
    for (const r of rejected) expect(isDuplicateKey(r.reason)).toBe(true)
    expect((await members.where({ memberNo: '900001' }).count()).total).toBe(1)
  })

  test('an update to a taken memberNo is refused with the duplicate-key error', async () => {
    const members = db.collection('members')
    await members.add({ data: { _id: 'o_upd_1', memberNo: '900101' } })
    await members.add({ data: { _id: 'o_upd_2', memberNo: '900102' } })
    const err = await members
      .doc('o_upd_2')
      .update({ data: { memberNo: '900101' } })
      .catch((e: unknown) => e)
    expect(isDuplicateKey(err)).toBe(true)
    expect((await members.doc('o_upd_2').get()).data.memberNo).toBe('900102')
  })

  test('GET /stats lists unindexed queries by collection and shape, with a count; indexed ones are not listed', async () => {
    await stats('DELETE')
    const members = db.collection('members')
    await members.where({ memberNo: '900001' }).get() // memberNo_unique
    await members.orderBy('createdAt', 'desc').limit(5).get() // createdAt_id, read backwards
    await members.where({ points: db.command.gt(1) }).get()
    await members.where({ points: db.command.gt(5) }).get()
    await db.collection('purchases').where({ amountFen: 100 }).count()
    expect((await stats()).unindexed).toEqual([
      { collection: 'members', shape: 'get {points: range}', caller: 'outside', count: 2 },
      { collection: 'purchases', shape: 'count {amountFen: eq}', caller: 'outside', count: 1 },
    ])
    expect((await stats('DELETE')).unindexed).toHaveLength(2)
    expect((await stats()).unindexed).toEqual([])
  })
})
