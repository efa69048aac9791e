/** Database CRUD through the unmodified wx-server-sdk: ids, replies, error shapes, Dates, serverDate. */
import { startEmulator, sdkFor, tempDataDir, type RunningEmulator } from '../../scripts/emulator-process'
import { createDatabaseService } from '../../emulator/database'

let emu: RunningEmulator
let db: any
let _: any

beforeAll(async () => {
  emu = await startEmulator()
  db = sdkFor(emu).database()
  _ = db.command
}, 60_000)
afterAll(() => emu?.stop())

let seq = 0
async function fresh(docs?: object[]): Promise<any> {
  const name = `crud_${++seq}`
  await db.createCollection(name)
  if (docs) await db.collection(name).add({ data: docs })
  return db.collection(name)
}

describe('add / get', () => {
  test('add returns a CloudBase-style 32-hex _id and doc().get() returns the document', async () => {
    const c = await fresh()
    const { _id } = await c.add({ data: { name: 'a', n: 1 } })
    expect(_id).toMatch(/^[0-9a-f]{32}$/)
    const { data } = await c.doc(_id).get()
    expect(data).toEqual({ _id, name: 'a', n: 1 })
  })

  test('a custom string or numeric _id is kept', async () => {
    const c = await fresh()
    expect((await c.add({ data: { _id: 'mine', v: 1 } }))._id).toBe('mine')
    expect((await c.add({ data: { _id: 42, v: 2 } }))._id).toBe(42)
    expect((await c.doc('mine').get()).data.v).toBe(1)
    expect((await c.doc(42).get()).data.v).toBe(2)
  })

  test('a batch add returns every _id in order', async () => {
    const c = await fresh()
    const res = await c.add({ data: [{ _id: 'x1' }, { v: 2 }, { _id: 'x3' }] })
    expect(res._ids).toHaveLength(3)
    expect(res._ids[0]).toBe('x1')
    expect(res._ids[2]).toBe('x3')
    expect((await c.count()).total).toBe(3)
  })

  test('a duplicate _id is rejected with DATABASE_DUPLICATE_WRITE and the batch writes nothing', async () => {
    const c = await fresh([{ _id: 'dup', v: 1 }])
    // the layer under wx-server-sdk throws CloudBase's error code as is
    await expect(db._db.collection(c.collectionName).add({ _id: 'dup', v: 2 })).rejects.toMatchObject({ code: 'DATABASE_DUPLICATE_WRITE' })
    await expect(c.add({ data: [{ _id: 'fresh' }, { _id: 'dup' }] })).rejects.toMatchObject({ errCode: -501001, errMsg: expect.stringMatching(/duplicate key/) })
    expect((await c.count()).total).toBe(1)
    expect((await c.doc('dup').get()).data.v).toBe(1)
  })

  test('Dates round-trip as Date objects, also nested in arrays and objects', async () => {
    const c = await fresh()
    const when = new Date('2024-05-06T07:08:09.123Z')
    const { _id } = await c.add({ data: { when, list: [when], nested: { at: when } } })
    const { data } = await c.doc(_id).get()
    expect(data.when).toBeInstanceOf(Date)
    expect(data.when.getTime()).toBe(when.getTime())
    expect(data.list[0]).toBeInstanceOf(Date)
    expect(data.nested.at.toISOString()).toBe(when.toISOString())
  })

  test('db.serverDate() is replaced by the server time (with its offset) on insert', async () => {
    const c = await fresh()
    const before = Date.now()
    const { _id } = await c.add({ data: { at: db.serverDate(), later: db.serverDate({ offset: 60_000 }) } })
    const after = Date.now()
    const { data } = await c.doc(_id).get()
    expect(data.at).toBeInstanceOf(Date)
    expect(data.at.getTime()).toBeGreaterThanOrEqual(before - 5)
    expect(data.at.getTime()).toBeLessThanOrEqual(after + 5)
    expect(data.later.getTime() - data.at.getTime()).toBe(60_000)
  })

  test('a Geo.Point is stored as GeoJSON and comes back as a Point', async () => {
    const c = await fresh()
    const { _id } = await c.add({ data: { loc: db.Geo.Point(113.3, 23.1) } })
    const { data } = await c.doc(_id).get()
    expect(data.loc.longitude).toBeCloseTo(113.3)
    expect(data.loc.latitude).toBeCloseTo(23.1)
  })
})

describe('missing things', () => {
  test('reading or writing a collection that was never created fails with DATABASE_COLLECTION_NOT_EXIST (-502005)', async () => {
    await expect(db.collection('never_created').get()).rejects.toMatchObject({ errCode: -502005 })
    await expect(db.collection('never_created').add({ data: { a: 1 } })).rejects.toMatchObject({ errCode: -502005 })
    await expect(db._db.collection('never_created').where({ a: 1 }).count()).rejects.toMatchObject({ code: 'DATABASE_COLLECTION_NOT_EXIST' })
  })

  test('createCollection succeeds once, then fails because it exists', async () => {
    expect((await db.createCollection('made_once')).errMsg).toBe('createCollection:ok')
    await expect(db._db.createCollection('made_once')).rejects.toMatchObject({ code: 'DATABASE_COLLECTION_ALREADY_EXIST' })
    await expect(db.createCollection('made_once')).rejects.toMatchObject({ errMsg: expect.stringMatching(/already exists/) })
  })

  test('doc().get() of a missing doc: the server answers an empty list, wx-server-sdk throws "does not exist"', async () => {
    const c = await fresh()
    const raw = await db._db.collection(c.collectionName).doc('ghost').get()
    expect(raw.data).toEqual([])
    await expect(c.doc('ghost').get()).rejects.toMatchObject({ errMsg: expect.stringMatching(/does not exist/) })
  })

  test('doc().update() and doc().remove() of a missing doc report 0 and create nothing', async () => {
    const c = await fresh()
    expect((await c.doc('ghost').update({ data: { a: 1 } })).stats.updated).toBe(0)
    expect((await c.doc('ghost').remove()).stats.removed).toBe(0)
    expect((await c.count()).total).toBe(0)
  })
})

describe('set / update / remove', () => {
  test('set() replaces the whole document', async () => {
    const c = await fresh([{ _id: 's', a: 1, b: { c: 2 } }])
    const res = await c.doc('s').set({ data: { z: 9 } })
    expect(res.stats).toEqual({ updated: 1, created: 0 })
    expect((await c.doc('s').get()).data).toEqual({ _id: 's', z: 9 })
  })

  test('set() on a missing doc creates it with that _id (upsert)', async () => {
    const c = await fresh()
    const res = await c.doc('new-one').set({ data: { v: 1, at: db.serverDate() } })
    expect(res.stats).toEqual({ updated: 0, created: 1 })
    const { data } = await c.doc('new-one').get()
    expect(data.v).toBe(1)
    expect(data.at).toBeInstanceOf(Date)
  })

  test('update() with a plain nested object merges into the existing sub-document', async () => {
    const c = await fresh([{ _id: 'u', profile: { name: 'n', city: 'sz' }, keep: true }])
    await c.doc('u').update({ data: { profile: { city: 'gz' } } })
    expect((await c.doc('u').get()).data).toEqual({ _id: 'u', profile: { name: 'n', city: 'gz' }, keep: true })
  })

  test('update() that changes nothing reports updated: 0 (CloudBase counts modified docs)', async () => {
    const c = await fresh([{ _id: 'same', v: 1 }])
    expect((await c.doc('same').update({ data: { v: 1 } })).stats.updated).toBe(0)
    expect((await c.doc('same').update({ data: { v: 2 } })).stats.updated).toBe(1)
  })

  test('db.serverDate() inside update operators is replaced too', async () => {
    const c = await fresh([{ _id: 't', v: 1 }])
    const before = Date.now()
    await c.doc('t').update({ data: { at: db.serverDate({ offset: -1000 }), v: _.inc(1) } })
    const { data } = await c.doc('t').get()
    expect(data.v).toBe(2)
    expect(data.at.getTime()).toBeGreaterThanOrEqual(before - 1005)
    expect(data.at.getTime()).toBeLessThanOrEqual(Date.now())
  })

  test('where().update() updates every match (multi) and where().remove() removes every match', async () => {
    const c = await fresh([
      { g: 'a', v: 1 },
      { g: 'a', v: 2 },
      { g: 'b', v: 3 },
    ])
    expect((await c.where({ g: 'a' }).update({ data: { v: _.inc(10) } })).stats.updated).toBe(2)
    const { data } = await c.orderBy('v', 'asc').get()
    expect(data.map((d: any) => d.v)).toEqual([3, 11, 12])
    expect((await c.where({ v: _.gt(10) }).remove()).stats.removed).toBe(2)
    expect((await c.count()).total).toBe(1)
  })

  test('where().update(..., multi: false) updates only the first match', async () => {
    const c = await fresh([
      { _id: '1', g: 'a' },
      { _id: '2', g: 'a' },
    ])
    const res = await c.where({ g: 'a' }).update({ data: { hit: true }, multi: false })
    expect(res.stats.updated).toBe(1)
    expect((await c.where({ hit: true }).count()).total).toBe(1)
  })

  test('a where-update or where-remove with an empty query is refused (INVALID_PARAM)', async () => {
    const c = await fresh([{ v: 1 }])
    await expect(db._db.collection(c.collectionName).where({}).remove()).rejects.toMatchObject({ code: 'INVALID_PARAM' })
    await expect(c.where({}).update({ data: { v: 2 } })).rejects.toMatchObject({ errCode: -501007 })
    expect((await c.count()).total).toBe(1)
  })

  test('doc().remove() deletes the document', async () => {
    const c = await fresh([{ _id: 'r', v: 1 }])
    expect((await c.doc('r').remove()).stats.removed).toBe(1)
    await expect(c.doc('r').get()).rejects.toBeTruthy()
  })

  test('updateAndReturn (database.modifyAndReturnDoc) answers the updated document', async () => {
    const c = await fresh([{ _id: 'q', v: 1, tag: 'x' }])
    const res = await db._db
      .collection(c.collectionName)
      .where({ tag: 'x' })
      .updateAndReturn({ v: _.inc(5) })
    expect(res.updated).toBe(1)
    expect(res.doc).toEqual({ _id: 'q', v: 6, tag: 'x' })
    const none = await db._db.collection(c.collectionName).where({ tag: 'nope' }).updateAndReturn({ v: 1 })
    expect(none.updated).toBe(0)
    expect(none.doc).toBeFalsy()
  })
})

describe('service options (in-process)', () => {
  test('autoCreateCollections (env CLOUDBASE_EMULATOR_AUTOCREATE_COLLECTIONS=1) lets an insert create its collection', async () => {
    const service = await createDatabaseService({ dataDir: tempDataDir('db-auto-'), baseUrl: '' }, { autoCreateCollections: true })
    const reply: any = await service.handle('database.insertDocument', { action: 'database.insertDocument', collectionName: 'auto', data: ['{"v":{"$numberInt":"1"}}'] })
    expect(reply.data.insertedIds).toHaveLength(1)
    const got: any = await service.handle('database.calculateDocument', { action: 'database.calculateDocument', collectionName: 'auto', queryType: 'WHERE' })
    expect(got.data.total).toBe(1)
    await expect(service.handle('database.dropEverything', {})).rejects.toMatchObject({ code: 'INVALID_ACTION' })
    await service.close?.()
  })
})
