/**
 * The item neighbours in bounded steps (issue 15, tiers/similarity.ts) through the SDK: the run's own
 * neighbours, the same split into many small invocations (counting steps, merge pages, buckets), by
 * shard workers, and by two callers at once all equal the one-shot count of the same purchases.
 */
import { countCoPurchases, neighborsFromCounts, popularityFromCounts, type Basket } from '../../domain/recommend'
import { invoke, setClock } from '../../scripts/emulator-process'
import { useEmulator } from './support'

const env = useEmulator()
const NOW = '2026-11-23T04:00:00.000Z'
const DAY = 86_400_000
const ITEMS = ['latte', 'croissant', 'beans', 'tea', 'mug', 'cake', 'juice', 'bagel']
const tiers = (event: unknown) => invoke(env.emu, 'tiers', event)

/** A small deterministic generator (the data must be the same in every run of the file). */
function lcg(seed: number) {
  let x = seed
  return (n: number) => {
    x = (x * 1_103_515_245 + 12_345) % 2 ** 31
    // the high bits: the low ones of this generator repeat with a short period
    return Math.floor(x / 2 ** 15) % n
  }
}

const rows: Array<{ _id: string; memberId: string; createdAt: Date; lines: Array<{ productId: string; quantity: number; priceFen: number }> }> = []
const random = lcg(7)
for (let m = 0; m < 30; m++) {
  const memberId = `o_nb_${String(m).padStart(2, '0')}`
  // one heavy buyer (more purchases than a small step reads)
  const count = m === 3 ? 9 : 1 + random(4)
  for (let k = 0; k < count; k++) {
    const picked = [...new Set(Array.from({ length: 1 + random(4) }, () => ITEMS[random(ITEMS.length)]))]
    // some purchases fall outside the 12-month window
    rows.push({
      _id: `pur_nb_${random(1_000_000)}_${m}_${k}`,
      memberId,
      createdAt: new Date(Date.parse(NOW) - random(420) * DAY),
      lines: picked.map(productId => ({ productId, quantity: 1, priceFen: 100 })),
    })
  }
}
rows.push({ _id: 'pur_nb_nolines', memberId: 'o_nb_05', createdAt: new Date(Date.parse(NOW) - DAY), lines: [] })

/** The one-shot reference: every purchase of the window counted at once. */
function expected() {
  const since = Date.parse(NOW) - 365 * DAY
  const baskets = new Map<string, Basket[]>()
  for (const r of rows) {
    if (r.createdAt.getTime() < since) continue
    baskets.set(r.memberId, [...(baskets.get(r.memberId) ?? []), { items: [...new Set(r.lines.map(l => l.productId))], at: r.createdAt }])
  }
  const counts = countCoPurchases(baskets, { now: Date.parse(NOW) })
  return { neighbors: neighborsFromCounts(counts), popular: popularityFromCounts(counts), purchases: rows.filter(r => r.createdAt.getTime() >= since).length }
}

async function stored() {
  const { data } = await env.db.collection('item_neighbors').limit(100).get()
  const neighbors = Object.fromEntries(data.filter((d: any) => d._id !== '__popular__').map((d: any) => [d._id, d.neighbors]))
  const popular = data.find((d: any) => d._id === '__popular__')?.popularity
  return { neighbors, popular }
}

async function clearNeighbors() {
  await env.db
    .collection('item_neighbors')
    .where({ _id: env._.exists(true) })
    .remove()
}

let runId = ''

beforeAll(async () => {
  await setClock(env.emu, NOW)
  for (const r of rows) await env.db.collection('purchases').add({ data: { ...r, storeId: 'store_nb', status: 'paid' } })
  const run = await tiers({ action: 'run' })
  expect(run).toMatchObject({ ok: true, data: { status: 'done' } })
  runId = run.data.runId
}, 120_000)

test('the run computes the neighbours as the one-shot count would', async () => {
  const want = expected()
  const status = await tiers({ action: 'status', runId })
  expect(status.data.neighbors).toEqual({ purchases: want.purchases, items: Object.keys(want.neighbors).length })
  const got = await stored()
  expect(got.neighbors).toEqual(want.neighbors)
  expect(got.popular).toEqual(want.popular)
  // the steps' documents are gone once merged
  const { total } = await env.db
    .collection('jobs')
    .where({ _id: env.db.RegExp({ regexp: `^${runId}:nbp:` }) })
    .count()
  expect(total).toBe(0)
})

test('split into many small invocations (counting steps of about 4 purchases, 3 buckets): the same neighbours', async () => {
  await clearNeighbors()
  const first = await tiers({ action: 'neighbors', runId, force: true, limit: 4, buckets: 3 })
  expect(first).toMatchObject({ ok: true, data: { busy: false, more: true } })
  let calls = 1
  let last = first
  while (last.data.more && calls < 200) {
    last = await tiers({ action: 'neighbors', runId, limit: 4 })
    expect(last.ok).toBe(true)
    calls++
  }
  expect(last.data).toEqual({ purchases: expected().purchases, items: Object.keys(expected().neighbors).length, busy: false, more: false })
  // a step counts whole customers: at most 4 purchases, or one customer's (the heavy buyer's 9)
  const shard = (await env.db.collection('jobs').doc(`${runId}:nb:0`).get()).data
  expect(shard).toMatchObject({ done: true, purchases: expected().purchases })
  expect(shard.steps).toBeGreaterThanOrEqual(Math.ceil(expected().purchases / 9))
  expect(calls).toBeGreaterThanOrEqual(shard.steps)
  const got = await stored()
  expect(got.neighbors).toEqual(expected().neighbors)
  expect(got.popular).toEqual(expected().popular)
})

test('counted by a shard worker, then merged by two callers at once (an uncommitted step lying about): the same neighbours, counted once', async () => {
  await clearNeighbors()
  expect(await tiers({ action: 'neighbors', runId, force: true, limit: 1, buckets: 2 })).toMatchObject({ ok: true, data: { more: true } })
  // the worker of shard 0 (the only one: 30 members), 5 purchases a step
  let shard = await tiers({ action: 'neighbors', runId, shard: 0, limit: 5 })
  for (let i = 0; !shard.data.shard.done && i < 100; i++) shard = await tiers({ action: 'neighbors', runId, shard: 0, limit: 5 })
  expect(shard.data.shard).toEqual({ done: true, purchases: expected().purchases })
  expect(await tiers({ action: 'neighbors', runId, shard: 7 })).toMatchObject({ ok: false, code: 'NOT_FOUND' })
  // what a worker that lost its step to another (or died before committing) leaves behind: never merged
  const { gen } = (await env.db.collection('jobs').doc(runId).get()).data.nb
  const stray = ':000000:000001:stray'
  await env.db.collection('jobs').add({ data: { _id: `${runId}:nbp:${gen}:i${stray}`, customers: 5, items: { ids: ['latte', 'tea'], norm: [2 ** 30, 2 ** 30], popular: [2 ** 32, 2 ** 32] } } })
  for (const b of ['b0000', 'b0001']) await env.db.collection('jobs').add({ data: { _id: `${runId}:nbp:${gen}:${b}${stray}`, ids: ['latte', 'tea'], cells: [0, 1, 2 ** 30, 5, 1, 0, 2 ** 30, 5] } })
  const loop = async () => {
    let res = await tiers({ action: 'neighbors', runId, limit: 1 })
    for (let i = 0; res.data.more && i < 200; i++) res = await tiers({ action: 'neighbors', runId, limit: 1 })
    return res
  }
  const [a, b] = await Promise.all([loop(), loop()])
  for (const res of [a, b]) expect(res.data).toMatchObject({ purchases: expected().purchases, more: false })
  const got = await stored()
  expect(got.neighbors).toEqual(expected().neighbors)
  expect(got.popular).toEqual(expected().popular)
  expect((await tiers({ action: 'status', runId })).data.neighbors).toEqual({ purchases: expected().purchases, items: Object.keys(expected().neighbors).length })
})

test('a rerun removes the neighbours of items it no longer counts (not bought in the window, off the catalogue)', async () => {
  await env.db.collection('item_neighbors').add({ data: { _id: 'discontinued', neighbors: [{ itemId: 'latte', score: 0.5 }], updatedAt: new Date('2025-01-01T00:00:00Z') } })
  const first = await tiers({ action: 'neighbors', runId, force: true })
  let last = first
  for (let calls = 0; last.data?.more && calls < 50; calls++) last = await tiers({ action: 'neighbors', runId })
  expect(last).toMatchObject({ ok: true, data: { more: false } })
  expect((await env.db.collection('item_neighbors').where({ _id: 'discontinued' }).get()).data).toEqual([])
  const got = await stored()
  expect(got.neighbors).toEqual(expected().neighbors)
  expect(got.popular).toEqual(expected().popular)
})
