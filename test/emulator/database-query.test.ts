/** Query operators, ordering, paging and projection through the unmodified wx-server-sdk. */
import { startEmulator, sdkFor, type RunningEmulator } from '../../scripts/emulator-process'

let emu: RunningEmulator
let db: any
let _: any
let people: any

const PEOPLE = [
  { _id: 'p1', name: 'Ann', age: 21, tags: ['a', 'b'], profile: { city: 'sz' }, items: [{ k: 1, v: 5 }], vip: true },
  {
    _id: 'p2',
    name: 'bob',
    age: 35,
    tags: ['b'],
    profile: { city: 'gz' },
    items: [
      { k: 2, v: 1 },
      { k: 3, v: 9 },
    ],
  },
  { _id: 'p3', name: 'Cid', age: 42, tags: ['a', 'c', 'd'], profile: { city: 'sz' }, items: [], vip: false },
  { _id: 'p4', name: 'dan', age: 35, tags: [], profile: { city: 'bj' }, items: [{ k: 1, v: 1 }] },
  { _id: 'p5', name: 'Eve', age: 18, tags: ['c'], profile: { city: 'gz' }, items: [{ k: 4, v: 7 }] },
]

beforeAll(async () => {
  emu = await startEmulator()
  db = sdkFor(emu).database()
  _ = db.command
  await db.createCollection('people')
  people = db.collection('people')
  await people.add({ data: PEOPLE })
}, 60_000)
afterAll(() => emu?.stop())

async function ids(query: any): Promise<string[]> {
  const { data } = await people.where(query).get()
  return data.map((d: any) => d._id).sort()
}

describe('comparison operators', () => {
  test('plain equality and _.eq', async () => {
    expect(await ids({ age: 35 })).toEqual(['p2', 'p4'])
    expect(await ids({ name: _.eq('Eve') })).toEqual(['p5'])
  })
  test('_.neq', async () => {
    expect(await ids({ age: _.neq(35) })).toEqual(['p1', 'p3', 'p5'])
  })
  test('_.gt / _.gte / _.lt / _.lte and chained .and()', async () => {
    expect(await ids({ age: _.gt(35) })).toEqual(['p3'])
    expect(await ids({ age: _.gte(35) })).toEqual(['p2', 'p3', 'p4'])
    expect(await ids({ age: _.lt(21) })).toEqual(['p5'])
    expect(await ids({ age: _.lte(21) })).toEqual(['p1', 'p5'])
    expect(await ids({ age: _.gt(20).and(_.lt(40)) })).toEqual(['p1', 'p2', 'p4'])
  })
  test('_.in / _.nin', async () => {
    expect(await ids({ age: _.in([18, 42]) })).toEqual(['p3', 'p5'])
    expect(await ids({ age: _.nin([18, 42, 35]) })).toEqual(['p1'])
  })
})

describe('logical operators', () => {
  test('_.and / _.or across fields and on one field', async () => {
    expect(await ids(_.or([{ age: _.lt(20) }, { name: 'Cid' }]))).toEqual(['p3', 'p5'])
    expect(await ids(_.and([{ age: 35 }, { 'profile.city': 'bj' }]))).toEqual(['p4'])
    expect(await ids({ age: _.lt(20).or(_.gt(40)) })).toEqual(['p3', 'p5'])
  })
  test('_.nor', async () => {
    expect(await ids(_.nor([{ age: 35 }, { vip: true }]))).toEqual(['p3', 'p5'])
  })
  test('_.not', async () => {
    expect(await ids({ age: _.not(_.gte(35)) })).toEqual(['p1', 'p5'])
  })
})

describe('element and array operators', () => {
  test('_.exists', async () => {
    expect(await ids({ vip: _.exists(true) })).toEqual(['p1', 'p3'])
    expect(await ids({ vip: _.exists(false) })).toEqual(['p2', 'p4', 'p5'])
  })
  test('_.size', async () => {
    expect(await ids({ tags: _.size(0) })).toEqual(['p4'])
    expect(await ids({ items: _.size(2) })).toEqual(['p2'])
  })
  test('_.all and array membership by equality', async () => {
    expect(await ids({ tags: _.all(['a', 'c']) })).toEqual(['p3'])
    expect(await ids({ tags: 'b' })).toEqual(['p1', 'p2'])
  })
  test('_.elemMatch', async () => {
    expect(await ids({ items: _.elemMatch({ k: 1, v: _.gt(2) }) })).toEqual(['p1'])
  })
  test('nested fields by dot path and by nested object', async () => {
    expect(await ids({ 'profile.city': 'sz' })).toEqual(['p1', 'p3'])
    expect(await ids({ profile: { city: 'gz' } })).toEqual(['p2', 'p5'])
    expect(await ids({ 'items.v': _.gte(9) })).toEqual(['p2'])
  })
  test('regular expressions: db.RegExp with options, and a JS RegExp', async () => {
    expect(await ids({ name: db.RegExp({ regexp: '^[a-c]', options: 'i' }) })).toEqual(['p1', 'p2', 'p3'])
    expect(await ids({ name: /^[a-z]/ })).toEqual(['p2', 'p4'])
  })
})

describe('ordering, paging, projection, count', () => {
  test('orderBy on several keys', async () => {
    const { data } = await people.orderBy('age', 'desc').orderBy('name', 'asc').get()
    expect(data.map((d: any) => d._id)).toEqual(['p3', 'p2', 'p4', 'p1', 'p5'])
  })
  test('skip and limit page through the ordered result', async () => {
    const { data } = await people.orderBy('age', 'asc').skip(1).limit(2).get()
    expect(data.map((d: any) => d.age)).toEqual([21, 35])
  })
  test('field() includes (keeping _id) or excludes fields', async () => {
    const inc = await people.where({ _id: 'p1' }).field({ name: true, 'profile.city': true }).get()
    expect(inc.data).toEqual([{ _id: 'p1', name: 'Ann', profile: { city: 'sz' } }])
    const exc = await people.doc('p2').field({ items: false, tags: false, profile: false }).get()
    expect(exc.data).toEqual({ _id: 'p2', name: 'bob', age: 35 })
  })
  test('sorting works on a field the projection drops', async () => {
    const { data } = await people.orderBy('age', 'asc').field({ name: true }).limit(2).get()
    expect(data.map((d: any) => d.name)).toEqual(['Eve', 'Ann'])
    expect(data[0].age).toBeUndefined()
  })
  test('count() with and without a where', async () => {
    expect((await people.count()).total).toBe(5)
    expect((await people.where({ 'profile.city': 'gz' }).count()).total).toBe(2)
  })
  test('a query on a Date field compares by time', async () => {
    await db.createCollection('dated')
    const dated = db.collection('dated')
    await dated.add({
      data: [
        { _id: 'old', at: new Date('2020-01-01') },
        { _id: 'new', at: new Date('2030-01-01') },
      ],
    })
    const { data } = await dated.where({ at: _.lt(db.serverDate()) }).get()
    expect(data.map((d: any) => d._id)).toEqual(['old'])
    const exact = await dated.where({ at: new Date('2030-01-01') }).get()
    expect(exact.data.map((d: any) => d._id)).toEqual(['new'])
  })
})
