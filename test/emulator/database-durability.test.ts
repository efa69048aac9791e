/** Concurrency, limits and durability (kill -9, restart) of the database service; more in database-storage.test.ts. */
import fs from 'fs'
import path from 'path'
import { startEmulator, sdkFor, type RunningEmulator } from '../../scripts/emulator-process'

let emu: RunningEmulator
let db: any
let _: any

function connect(e: RunningEmulator): void {
  const cloud: any = sdkFor(e)
  db = cloud.database()
  _ = db.command
}

beforeAll(async () => {
  emu = await startEmulator()
  connect(emu)
}, 60_000)
afterAll(() => emu?.stop())

describe('concurrency', () => {
  test('100 parallel _.inc(1) on one doc land exactly 100', async () => {
    await db.createCollection('counter')
    await db.collection('counter').add({ data: { _id: 'c', n: 0 } })
    const results = await Promise.all(
      Array.from({ length: 100 }, () =>
        db
          .collection('counter')
          .doc('c')
          .update({ data: { n: _.inc(1) } }),
      ),
    )
    expect(results.every((r: any) => r.stats.updated === 1)).toBe(true)
    expect((await db.collection('counter').doc('c').get()).data.n).toBe(100)
  })

  test('100 parallel adds get 100 distinct ids', async () => {
    await db.createCollection('many')
    const results = await Promise.all(Array.from({ length: 100 }, (_x, i) => db.collection('many').add({ data: { i } })))
    expect(new Set(results.map((r: any) => r._id)).size).toBe(100)
    expect((await db.collection('many').count()).total).toBe(100)
  })
})

describe('limits', () => {
  beforeAll(async () => {
    await db.createCollection('big')
    await db.collection('big').add({ data: Array.from({ length: 1100 }, (_x, i) => ({ i })) })
  }, 30_000)

  test('a get without limit returns 100 docs', async () => {
    const { data } = await db.collection('big').get()
    expect(data).toHaveLength(100)
  })

  test('limit(1000) returns 1000 docs and skip pages after them', async () => {
    expect((await db.collection('big').limit(1000).get()).data).toHaveLength(1000)
    const rest = await db.collection('big').orderBy('i', 'asc').skip(1000).limit(1000).get()
    expect(rest.data.map((d: any) => d.i)).toEqual(Array.from({ length: 100 }, (_x, i) => 1000 + i))
  })

  test('the server caps limit at 1000 even when a client asks for more', async () => {
    const res = await fetch(emu.serviceUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'database.getDocument', collectionName: 'big', queryType: 'WHERE', limit: 5000 }),
    })
    const body = await res.json()
    expect(body.data.list).toHaveLength(1000)
    expect(body.data.limit).toBe(1000)
  })
})

describe('durability', () => {
  test('writes the SDK saw succeed survive kill -9; an open transaction does not', async () => {
    const dataDir = emu.dataDir
    await db.createCollection('durable')
    await db.createCollection('empty_but_created')
    const c = db.collection('durable')
    await c.add({
      data: [
        { _id: 'a', v: 1, at: new Date('2024-01-02T03:04:05Z') },
        { _id: 'b', v: 2 },
        { _id: 'gone', v: 3 },
      ],
    })
    await c.doc('a').update({ data: { v: _.inc(10), tags: _.push(['x']) } })
    await c.doc('gone').remove()
    await db.runTransaction(async (t: any) => {
      await t
        .collection('durable')
        .doc('b')
        .update({ data: { v: 20 } })
      await t.collection('durable').add({ data: { _id: 'tx', v: 1 } })
    })
    const open = await db.startTransaction()
    await open
      .collection('durable')
      .doc('a')
      .update({ data: { v: -1 } })

    await emu.kill9()
    emu = await startEmulator({ dataDir })
    connect(emu)

    const { data } = await db.collection('durable').orderBy('_id', 'asc').get()
    expect(data).toEqual([
      { _id: 'a', v: 11, at: new Date('2024-01-02T03:04:05Z'), tags: ['x'] },
      { _id: 'b', v: 20 },
      { _id: 'tx', v: 1 },
    ])
    expect((await db.collection('empty_but_created').count()).total).toBe(0)
    expect((await db.collection('counter').doc('c').get()).data.n).toBe(100)
  }, 60_000)

  test('a graceful stop and a restart keep everything; the store is lmdb files, no journal', async () => {
    const dataDir = emu.dataDir
    await db.createCollection('kept')
    await db.collection('kept').add({ data: { _id: 'ok', v: 1 } })
    await db
      .collection('kept')
      .doc('ok')
      .update({ data: { v: 5 } })
    await emu.stop()
    expect(fs.readdirSync(path.join(dataDir, 'database')).sort()).toEqual(['data.mdb', 'data.mdb-lock'])
    emu = await startEmulator({ dataDir })
    connect(emu)
    expect((await db.collection('kept').doc('ok').get()).data.v).toBe(5)
    expect((await db.collection('durable').count()).total).toBe(3)
  }, 60_000)
})
