/** Update operators (field, array, nested and positional paths) through the unmodified wx-server-sdk. */
import { startEmulator, sdkFor, type RunningEmulator } from '../../scripts/emulator-process'

let emu: RunningEmulator
let db: any
let _: any
let coll: any

beforeAll(async () => {
  emu = await startEmulator()
  db = sdkFor(emu).database()
  _ = db.command
  await db.createCollection('upd')
  coll = db.collection('upd')
}, 60_000)
afterAll(() => emu?.stop())

let seq = 0
/** Inserts `doc`, applies `update` through doc().update(), returns the stored result without _id. */
async function after(doc: object, update: object): Promise<any> {
  const _id = `d${++seq}`
  await coll.add({ data: { _id, ...doc } })
  await coll.doc(_id).update({ data: update })
  const { data } = await coll.doc(_id).get()
  delete data._id
  return data
}

describe('field operators', () => {
  test('_.inc and _.mul, also on nested paths and missing fields', async () => {
    expect(await after({ n: 1, o: { m: 3 } }, { n: _.inc(2), o: { m: _.mul(4) }, fresh: _.inc(5) })).toEqual({ n: 3, o: { m: 12 }, fresh: 5 })
  })
  test('_.set replaces a sub-object while a plain object merges into it', async () => {
    expect(await after({ o: { a: 1, b: 2 } }, { o: _.set({ c: 3 }) })).toEqual({ o: { c: 3 } })
    expect(await after({ o: { a: 1, b: 2 } }, { o: { c: 3 } })).toEqual({ o: { a: 1, b: 2, c: 3 } })
  })
  test('_.remove() unsets a field, also a nested one', async () => {
    expect(await after({ a: 1, o: { x: 1, y: 2 } }, { a: _.remove(), 'o.y': _.remove() })).toEqual({ o: { x: 1 } })
  })
  test('_.min / _.max / _.rename', async () => {
    expect(await after({ lo: 5, hi: 5, old: 'v' }, { lo: _.min(3), hi: _.max(9), old: _.rename('renamed') })).toEqual({ lo: 3, hi: 9, renamed: 'v' })
  })
  test('dot paths create missing intermediate objects', async () => {
    expect(await after({}, { 'a.b.c': 1 })).toEqual({ a: { b: { c: 1 } } })
  })
  test('a Date set by update comes back as a Date', async () => {
    const when = new Date('2021-02-03T04:05:06Z')
    const data = await after({}, { when: _.set(when) })
    expect(data.when).toBeInstanceOf(Date)
    expect(data.when.getTime()).toBe(when.getTime())
  })
})

describe('array operators', () => {
  test('_.push of values and an array', async () => {
    expect(await after({ t: [1] }, { t: _.push(2, 3) })).toEqual({ t: [1, 2, 3] })
    expect(await after({ t: [1] }, { t: _.push([4, 5]) })).toEqual({ t: [1, 4, 5] })
  })
  test('_.push with each/position/slice and with sort', async () => {
    expect(await after({ t: [1, 2, 3] }, { t: _.push({ each: [8, 9], position: 1, slice: 4 }) })).toEqual({ t: [1, 8, 9, 2] })
    expect(await after({ t: [3, 1] }, { t: _.push({ each: [2], sort: 1 }) })).toEqual({ t: [1, 2, 3] })
  })
  test('_.unshift, _.pop and _.shift', async () => {
    expect(await after({ t: [2] }, { t: _.unshift(0, 1) })).toEqual({ t: [0, 1, 2] })
    expect(await after({ t: [1, 2, 3] }, { t: _.pop() })).toEqual({ t: [1, 2] })
    expect(await after({ t: [1, 2, 3] }, { t: _.shift() })).toEqual({ t: [2, 3] })
  })
  test('_.pull by value, by condition and by sub-document match', async () => {
    expect(await after({ t: [1, 2, 1, 3] }, { t: _.pull(1) })).toEqual({ t: [2, 3] })
    expect(await after({ t: [1, 5, 7, 2] }, { t: _.pull(_.gt(4)) })).toEqual({ t: [1, 2] })
    expect(await after({ t: [{ k: 1 }, { k: 2 }] }, { t: _.pull({ k: 1 }) })).toEqual({ t: [{ k: 2 }] })
  })
  test('_.pullAll', async () => {
    expect(await after({ t: [1, 2, 3, 2] }, { t: _.pullAll([2, 3]) })).toEqual({ t: [1] })
  })
  test('_.addToSet, single and with $each', async () => {
    expect(await after({ t: ['a'] }, { t: _.addToSet('a') })).toEqual({ t: ['a'] })
    expect(await after({ t: ['a'] }, { t: _.addToSet({ $each: ['a', 'b', 'c'] }) })).toEqual({ t: ['a', 'b', 'c'] })
  })
  test('array element paths by index', async () => {
    expect(await after({ items: [{ v: 1 }, { v: 2 }] }, { 'items.1.v': _.inc(10), 'items.0.w': true })).toEqual({ items: [{ v: 1, w: true }, { v: 12 }] })
  })
  test('the positional $ operator updates the element the where-query matched', async () => {
    await coll.add({
      data: {
        _id: 'pos',
        items: [
          { k: 'a', n: 0 },
          { k: 'b', n: 0 },
        ],
      },
    })
    await coll.where({ _id: 'pos', 'items.k': 'b' }).update({ data: { 'items.$.n': _.inc(1) } })
    expect((await coll.doc('pos').get()).data.items).toEqual([
      { k: 'a', n: 0 },
      { k: 'b', n: 1 },
    ])
  })
})

describe('update errors', () => {
  test('an invalid operator argument fails with DATABASE_REQUEST_FAILED (-502001) and changes nothing', async () => {
    await coll.add({ data: { _id: 'bad', s: 'text', n: 1 } })
    await expect(coll.doc('bad').update({ data: { n: _.inc('x'), s: 'changed' } })).rejects.toMatchObject({ errCode: -502001 })
    await expect(
      db._db
        .collection('upd')
        .doc('bad')
        .update({ n: _.inc('x') }),
    ).rejects.toMatchObject({ code: 'DATABASE_REQUEST_FAILED' })
    expect((await coll.doc('bad').get()).data.s).toBe('text')
  })
})
