/** Aggregation pipelines (database.aggregateDocuments) through the unmodified wx-server-sdk. */
import { startEmulator, sdkFor, type RunningEmulator } from '../../scripts/emulator-process'

let emu: RunningEmulator
let db: any
let $: any
let _: any

beforeAll(async () => {
  emu = await startEmulator()
  db = sdkFor(emu).database()
  _ = db.command
  $ = _.aggregate
  await db.createCollection('orders')
  await db.createCollection('users')
  await db.collection('users').add({
    data: [
      { _id: 'u1', name: 'Ann' },
      { _id: 'u2', name: 'Bob' },
    ],
  })
  await db.collection('orders').add({
    data: [
      { _id: 'o1', user: 'u1', amount: 10, items: ['tea', 'cake'], at: new Date('2024-01-01T00:00:00Z') },
      { _id: 'o2', user: 'u1', amount: 30, items: ['tea'], at: new Date('2024-03-01T00:00:00Z') },
      { _id: 'o3', user: 'u2', amount: 5, items: ['cake', 'tea', 'milk'], at: new Date('2024-02-01T00:00:00Z') },
    ],
  })
}, 60_000)
afterAll(() => emu?.stop())

const orders = () => db.collection('orders').aggregate()

test('match + group + sort with $sum, $avg and $max of Dates (which come back as Dates)', async () => {
  const { list } = await orders()
    .match({ amount: _.gte(5) })
    .group({ _id: '$user', total: $.sum('$amount'), avg: $.avg('$amount'), n: $.sum(1), last: $.max('$at') })
    .sort({ total: -1 })
    .end()
  expect(list.map((r: any) => [r._id, r.total, r.avg, r.n])).toEqual([
    ['u1', 40, 20, 2],
    ['u2', 5, 5, 1],
  ])
  expect(list[0].last).toBeInstanceOf(Date)
  expect(list[0].last.toISOString()).toBe('2024-03-01T00:00:00.000Z')
})

test('project and addFields with expressions', async () => {
  const { list } = await orders()
    .addFields({ double: $.multiply(['$amount', 2]) })
    .project({ _id: 1, double: 1, count: $.size('$items') })
    .sort({ _id: 1 })
    .end()
  expect(list).toEqual([
    { _id: 'o1', double: 20, count: 2 },
    { _id: 'o2', double: 60, count: 1 },
    { _id: 'o3', double: 10, count: 3 },
  ])
})

test('lookup joins another collection', async () => {
  const { list } = await orders().lookup({ from: 'users', localField: 'user', foreignField: '_id', as: 'buyer' }).sort({ _id: 1 }).end()
  expect(list.map((r: any) => r.buyer[0].name)).toEqual(['Ann', 'Ann', 'Bob'])
})

test('lookup with let and pipeline', async () => {
  const { list } = await db
    .collection('users')
    .aggregate()
    .lookup({
      from: 'orders',
      let: { uid: '$_id' },
      pipeline: $.pipeline()
        .match(_.expr($.eq(['$user', '$$uid'])))
        .project({ _id: 0, amount: 1 })
        .done(),
      as: 'orders',
    })
    .sort({ _id: 1 })
    .end()
  expect(list.map((u: any) => u.orders.map((o: any) => o.amount).sort((a: number, b: number) => a - b))).toEqual([[10, 30], [5]])
})

test('unwind + sortByCount', async () => {
  const { list } = await orders().unwind('$items').sortByCount('$items').end()
  expect(list[0]).toEqual({ _id: 'tea', count: 3 })
  expect(list.find((r: any) => r._id === 'milk').count).toBe(1)
})

test('count stage', async () => {
  const { list } = await orders().match({ user: 'u1' }).count('n').end()
  expect(list).toEqual([{ n: 2 }])
})

test('sort + skip + limit', async () => {
  const { list } = await orders().sort({ amount: 1 }).skip(1).limit(1).end()
  expect(list.map((r: any) => r._id)).toEqual(['o1'])
})

test('aggregating a collection that does not exist fails with DATABASE_COLLECTION_NOT_EXIST', async () => {
  // wx-server-sdk's aggregate keeps the node-sdk error (with its code) and sets errCode -1
  await expect(db.collection('no_such').aggregate().match({}).end()).rejects.toMatchObject({ code: 'DATABASE_COLLECTION_NOT_EXIST' })
})

test('a pipeline never changes what is stored: a leading match reads the stored docs, later stages get copies', async () => {
  await db.createCollection('profiles')
  await db.collection('profiles').add({
    data: [
      { _id: 'p1', city: 'sh', stats: { n: 1 } },
      { _id: 'p2', city: 'bj', stats: { n: 2 } },
    ],
  })
  const { list } = await db.collection('profiles').aggregate().match({ city: 'sh' }).addFields({ 'stats.n': 99 }).end()
  expect(list).toEqual([{ _id: 'p1', city: 'sh', stats: { n: 99 } }])
  const again = await db.collection('profiles').aggregate().addFields({ 'stats.n': 7 }).sort({ _id: 1 }).end()
  expect(again.list.map((p: any) => p.stats.n)).toEqual([7, 7])
  const { data } = await db.collection('profiles').orderBy('_id', 'asc').get()
  expect(data.map((p: any) => p.stats.n)).toEqual([1, 2])
})

test('Shanghai days and months with $dateToString and the +08:00 offset (what admin.report groups by)', async () => {
  await db.createCollection('stamps')
  await db.collection('stamps').add({
    data: [
      { _id: 's1', at: new Date('2026-01-31T15:59:59.999Z') },
      { _id: 's2', at: new Date('2026-01-31T16:00:00Z') },
    ],
  })
  const { list } = await db
    .collection('stamps')
    .aggregate()
    .match({ at: _.gte(new Date('2026-01-01T00:00:00Z')) })
    .project({ day: $.dateToString({ date: '$at', format: '%Y-%m-%d', timezone: '+08:00' }), month: $.dateToString({ date: '$at', format: '%Y-%m', timezone: '+08:00' }) })
    .sort({ _id: 1 })
    .end()
  expect(list).toEqual([
    { _id: 's1', day: '2026-01-31', month: '2026-01' },
    { _id: 's2', day: '2026-02-01', month: '2026-02' },
  ])
})
