/** Transactions: runTransaction/startTransaction, snapshot reads, buffered writes, conflicts, timeouts. */
import fs from 'fs'
import os from 'os'
import path from 'path'
import { startEmulator, sdkFor, type RunningEmulator } from '../../scripts/emulator-process'
import { Engine } from '../../emulator/database/engine'
import { Store } from '../../emulator/database/store'
import { createCollection, getDocs, modifyDocs } from '../../emulator/database/ops'

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
async function fresh(docs: object[]): Promise<{ name: string; c: any }> {
  const name = `tx_${++seq}`
  await db.createCollection(name)
  await db.collection(name).add({ data: docs })
  return { name, c: db.collection(name) }
}
const value = async (c: any, id: string) => (await c.doc(id).get()).data

test('runTransaction commits all its writes and returns the callback result', async () => {
  const { name, c } = await fresh([
    { _id: 'a', bal: 100 },
    { _id: 'b', bal: 0 },
  ])
  const result = await db.runTransaction(async (t: any) => {
    const a = (await t.collection(name).doc('a').get()).data
    await t
      .collection(name)
      .doc('a')
      .update({ data: { bal: a.bal - 30 } })
    await t
      .collection(name)
      .doc('b')
      .update({ data: { bal: _.inc(30) } })
    return 'moved'
  })
  expect(result).toBe('moved')
  expect((await value(c, 'a')).bal).toBe(70)
  expect((await value(c, 'b')).bal).toBe(30)
})

test('a transaction sees its own writes, others do not until it commits', async () => {
  const { name, c } = await fresh([{ _id: 'a', v: 1 }])
  const t = await db.startTransaction()
  await t
    .collection(name)
    .doc('a')
    .update({ data: { v: 2 } })
  expect((await t.collection(name).doc('a').get()).data.v).toBe(2)
  expect((await value(c, 'a')).v).toBe(1)
  await t.commit()
  expect((await value(c, 'a')).v).toBe(2)
})

test('an error thrown in runTransaction rolls everything back and reaches the caller', async () => {
  const { name, c } = await fresh([{ _id: 'a', v: 1 }])
  await expect(
    db.runTransaction(async (t: any) => {
      await t
        .collection(name)
        .doc('a')
        .update({ data: { v: 99 } })
      await t.collection(name).add({ data: { _id: 'n', v: 1 } })
      throw new Error('business rule failed')
    }),
  ).rejects.toThrow('business rule failed')
  expect((await value(c, 'a')).v).toBe(1)
  expect((await c.count()).total).toBe(1)
})

test('rollback() (database.abortTransaction) discards the writes; the transaction is gone afterwards', async () => {
  const { name, c } = await fresh([{ _id: 'a', v: 1 }])
  const t = await db.startTransaction()
  await t.collection(name).doc('a').remove()
  await t
    .collection(name)
    .doc('b')
    .set({ data: { v: 2 } })
  await t.rollback()
  expect((await value(c, 'a')).v).toBe(1)
  expect((await c.count()).total).toBe(1)
  await expect(t.commit()).rejects.toMatchObject({ code: 'DATABASE_TRANSACTION_FAIL' })
})

test('insert, set (upsert) and remove inside a transaction land together at commit', async () => {
  const { name, c } = await fresh([{ _id: 'gone', v: 1 }])
  await db.runTransaction(async (t: any) => {
    const added = await t.collection(name).add({ data: { _id: 'added', v: 1 } })
    expect(added._id).toBe('added')
    await t
      .collection(name)
      .doc('upserted')
      .set({ data: { v: 2 } })
    await t.collection(name).doc('gone').remove()
    // a duplicate _id inside the transaction is still a duplicate
    await expect(t.collection(name).add({ data: { _id: 'added' } })).rejects.toMatchObject({ errMsg: expect.stringMatching(/duplicate/) })
  })
  const { data } = await c.orderBy('_id', 'asc').get()
  expect(data).toEqual([
    { _id: 'added', v: 1 },
    { _id: 'upserted', v: 2 },
  ])
})

test('snapshot read: a transaction keeps reading the data as of its start', async () => {
  const { name, c } = await fresh([
    { _id: 'a', v: 0 },
    { _id: 'b', v: 0 },
  ])
  const t = await db.startTransaction()
  expect((await t.collection(name).doc('a').get()).data.v).toBe(0)
  // committed by others after the transaction started: one doc read before, one not yet read
  await c.doc('a').update({ data: { v: 5 } })
  await c.doc('b').update({ data: { v: 7 } })
  await c.add({ data: { _id: 'late', v: 1 } })
  expect((await t.collection(name).doc('a').get()).data.v).toBe(0)
  expect((await t.collection(name).doc('b').get()).data.v).toBe(0)
  const all = await t
    .collection(name)
    .where({ v: _.gte(0) })
    .get()
  expect(all.data.map((d: any) => d._id).sort()).toEqual(['a', 'b'])
  await t.commit() // read-only: nothing to conflict with
  expect((await value(c, 'a')).v).toBe(5)
})

test('write conflict: a doc changed by someone else since the start fails the commit with DATABASE_TRANSACTION_CONFLICT', async () => {
  const { name, c } = await fresh([{ _id: 'a', v: 0 }])
  const t = await db.startTransaction()
  await t
    .collection(name)
    .doc('a')
    .update({ data: { v: _.inc(1) } })
  await c.doc('a').update({ data: { v: 10 } })
  await expect(t.commit()).rejects.toMatchObject({ code: 'DATABASE_TRANSACTION_CONFLICT' })
  expect((await value(c, 'a')).v).toBe(10)
})

test('two concurrent runTransaction on the same doc both succeed: the loser is retried on the conflict', async () => {
  const { name, c } = await fresh([{ _id: 'ctr', v: 0 }])
  let calls = 0
  let arrived = 0
  let release!: () => void
  const bothRead = new Promise<void>(r => (release = r))
  const bump = () =>
    db.runTransaction(async (t: any) => {
      calls++
      const { data } = await t.collection(name).doc('ctr').get()
      if (++arrived === 2) release()
      await bothRead // both read v before either writes: a real lost-update race
      await t
        .collection(name)
        .doc('ctr')
        .update({ data: { v: data.v + 1 } })
    })
  await Promise.all([bump(), bump()])
  expect((await value(c, 'ctr')).v).toBe(2)
  expect(calls).toBe(3)
})

test('transactions on different docs do not conflict', async () => {
  const { name, c } = await fresh([
    { _id: 'x', v: 0 },
    { _id: 'y', v: 0 },
  ])
  const t1 = await db.startTransaction()
  const t2 = await db.startTransaction()
  await t1
    .collection(name)
    .doc('x')
    .update({ data: { v: 1 } })
  await t2
    .collection(name)
    .doc('y')
    .update({ data: { v: 2 } })
  await t1.commit()
  await t2.commit()
  expect([(await value(c, 'x')).v, (await value(c, 'y')).v]).toEqual([1, 2])
})

test('the older transaction API (getInTransaction / updateDocInTransaction / deleteDocInTransaction)', async () => {
  const { name, c } = await fresh([
    { _id: 'a', v: 1, keep: true },
    { _id: 'b', v: 2 },
  ])
  // this API is no longer wired into the SDK's Db, so load it directly; jest may hand this file its
  // own copy of @cloudbase/database, so give it the requester node-sdk registered on the SDK's copy
  const { Transaction } = require('@cloudbase/database/dist/commonjs/transaction')
  const { Db } = require('@cloudbase/database')
  Db.reqClass ??= db._db.constructor.reqClass
  const t = new Transaction(db._db)
  await t.init()
  const coll = db._db.collection(name)
  expect((await t.get(coll.doc('a'))).data()).toEqual({ _id: 'a', v: 1, keep: true })
  expect((await t.update(coll.doc('a'), { v: 5 })).updated).toBe(1)
  const set = await t.set(coll.doc('n'), { fresh: true })
  expect(set.upserted).toEqual([{ _id: 'n' }])
  expect((await t.delete(coll.doc('b'))).deleted).toBe(1)
  expect((await t.get(coll.doc('b'))).data()).toBeNull()
  await t.commit()
  const { data } = await c.orderBy('_id', 'asc').get()
  expect(data).toEqual([
    { _id: 'a', v: 5, keep: true },
    { _id: 'n', fresh: true },
  ])
})

test('a transaction not finished within its timeout is dropped with DATABASE_TRANSACTION_FAIL (in-process, 50 ms)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'db-tx-'))
  const store = Store.open(dir, new Map(), () => {})
  const engine = new Engine(store, 50)
  engine.write(undefined, v => createCollection(v, 'c'))
  const tx = engine.startTransaction()
  engine.write(tx, v => modifyDocs(v, 'c', { criteria: { _id: 'a' }, data: { v: 1 }, multi: false, merge: false, upsert: true }, false))
  await new Promise(r => setTimeout(r, 120))
  expect(() => engine.commitTransaction(tx)).toThrow(expect.objectContaining({ code: 'DATABASE_TRANSACTION_FAIL' }))
  expect(engine.read(undefined, v => getDocs(v, 'c', undefined, {}))).toEqual([])
  engine.close()
  await store.close()
})
