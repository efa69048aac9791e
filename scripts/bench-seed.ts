/**
 * A fast seeder for benchmarks: writes N members straight into an emulator data dir's database
 * (before the emulator starts), through the store's bulk loader (large lmdb write transactions, the
 * indexes of deploy/database.json maintained): no SDK round trip per member, only the CPU to build
 * the histories.
 *
 * Members are what the product would have stored: `newMember` at sign-up, then each purchase of a
 * random but seeded history applied in time order by the purchase flow's own rule (`afterPurchase`:
 * stats via `withPurchase`, growth, tier upgrades, the stage at that moment, `recencyAt`). Nobody is
 * re-staged for the passing of time since their last purchase: that is the daily job's work.
 * Only `members` gets documents (points stay 0: no ledger is made up); every other declared
 * collection is created empty. The domain rules are CPU-bound (dayjs time zones), so chunks of
 * members are built on worker threads; the same seed and `now` give the same members.
 */
import fs from 'fs'
import os from 'os'
import path from 'path'
import { isMainThread, parentPort, Worker, workerData } from 'worker_threads'
import { DEFAULT_LIFECYCLE } from '../types/analytics'
import { COLLECTIONS } from '../types/collections'
import { DEFAULT_PRIVACY_POLICY } from '../types/consent'
import { MemberSchema, type Member } from '../types/member'
import type { PurchaseLine } from '../types/points'
import { DEFAULT_TIER_LADDER } from '../types/tiers'
import { afterPurchase } from '../domain/activity'
import { memberNoFrom, newMember } from '../domain/member'
import type { Doc } from '../emulator/database/ejson'
import { indexFileFromEnv, loadIndexCatalog } from '../emulator/database/indexes'
import { collPrefix, FF } from '../emulator/database/keys'
import { Store } from '../emulator/database/store'

const DAY = 86_400_000
const JOIN_SPAN_DAYS = 730
const CATEGORIES = ['咖啡', '茶饮', '烘焙', '咖啡豆', '周边'] as const
const OPENID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

export interface SeedOptions {
  /** how many members */
  n: number
  /** the instant histories end at (the job should run shortly after it) */
  now: Date
  /** the random seed: the same seed and `now` give the same members */
  seed?: number
}

export interface SeedSummary {
  members: number
  /** members with at least one purchase */
  buyers: number
  purchases: number
  /** stored stage (as the last purchase or sign-up left it) */
  byStage: Record<string, number>
  /** tier reached (tier state), `none` for members who never bought */
  byTier: Record<string, number>
  /** members whose tier review date has passed */
  reviewsDue: number
}

/** mulberry32: small, fast, good enough for test data. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A member and their purchase history, built with the product's own rules. */
export function benchMember(random: () => number, openid: string, memberNo: string, now: Date): Member {
  const nowMs = now.getTime()
  const uniform = (lo: number, hi: number) => lo + random() * (hi - lo)
  const exponential = (mean: number) => -Math.log(1 - random()) * mean
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())

  const joinedAt = new Date(nowMs - uniform(0, JOIN_SPAN_DAYS) * DAY)
  let member: Member = newMember(openid, memberNo, joinedAt)

  // how much and for how long this member buys: some never, most a few times, some often
  const kind = random()
  const [count, activeDays] =
    kind < 0.25
      ? [0, 0]
      : kind < 0.75
        ? [1 + Math.floor(random() * 3), exponential(120)]
        : kind < 0.93
          ? [4 + Math.floor(random() * 5), exponential(300)]
          : [9 + Math.floor(random() * 32), random() < 0.6 ? JOIN_SPAN_DAYS : exponential(400)]
  const firstAt = joinedAt.getTime() + exponential(7) * DAY
  const lastAt = Math.min(nowMs - 60_000, firstAt + activeDays * DAY)
  const times = firstAt < nowMs - 60_000 && count > 0 ? [firstAt, ...Array.from({ length: count - 1 }, () => uniform(firstAt, Math.max(firstAt, lastAt)))].sort((a, b) => a - b) : []

  const favourite = CATEGORIES[Math.floor(random() * CATEGORIES.length)]
  const promoShare = random() < 0.15 ? 0.7 : 0.1
  for (const t of times) {
    const at = new Date(t)
    const paidFen = Math.max(500, Math.round((8_800 * Math.exp(0.6 * normal())) / 100) * 100)
    const usedCoupon = random() < promoShare
    const orderFen = paidFen + (usedCoupon ? 1_000 + Math.floor(random() * 3) * 500 : 0)
    const category = random() < 0.6 ? favourite : CATEGORIES[Math.floor(random() * CATEGORIES.length)]
    const lines: PurchaseLine[] = [{ productId: `p_${category}`, category, quantity: 1, priceFen: orderFen }]
    member = { ...member, ...afterPurchase(member, { paidFen, orderFen, lines, usedCoupon }, DEFAULT_TIER_LADDER, DEFAULT_LIFECYCLE, at).patch, updatedAt: at }
  }
  // the last time the mini-program was opened: around the last visit, or lately for some
  const lastSeen = member.stats.lastPurchaseAt?.getTime() ?? joinedAt.getTime()
  const lastLoginAt = random() < 0.3 ? Math.max(lastSeen, nowMs - uniform(0, 14) * DAY) : Math.min(nowMs, lastSeen + uniform(0, 3) * DAY)
  return { ...member, lastLoginAt: new Date(lastLoginAt) }
}

/**
 * Runs `fn` with `date.toLocaleString('en-US', { timeZone })` answered by a cached Intl.DateTimeFormat.
 * dayjs's timezone plugin calls that for every `.tz()`, and each call builds a new ICU formatter
 * (~0.3 ms): the domain rules spend most of their time there, which would make seeding 100,000
 * histories take half an hour. A formatter with the same locale and the options toLocaleString
 * defaults to gives the same text; the original method is back when `fn` returns.
 */
export function withCachedZoneFormat<T>(fn: () => T): T {
  const original = Date.prototype.toLocaleString
  const formats = new Map<string, Intl.DateTimeFormat>()
  const full = { year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' } as const
  Date.prototype.toLocaleString = function (this: Date, locales?: Intl.LocalesArgument, options?: Intl.DateTimeFormatOptions) {
    const zoneOnly = locales === 'en-US' && options && Object.keys(options).length === 1 && typeof options.timeZone === 'string'
    if (!zoneOnly) return original.call(this, locales, options)
    let format = formats.get(options.timeZone!)
    if (!format) formats.set(options.timeZone!, (format = new Intl.DateTimeFormat('en-US', { ...full, timeZone: options.timeZone })))
    return format.format(this)
  }
  try {
    return fn()
  } finally {
    Date.prototype.toLocaleString = original
  }
}

/** Members are built in chunks with their own seeds, so the result does not depend on how many threads built them. */
const CHUNK = 5_000
const chunkSeed = (seed: number, k: number) => (seed ^ Math.imul(k + 1, 0x9e3779b1)) >>> 0

function randomOpenid(random: () => number): string {
  let openid = 'o'
  for (let i = 0; i < 27; i++) openid += OPENID_CHARS[Math.floor(random() * OPENID_CHARS.length)]
  return openid
}

function buildChunk(seed: number, k: number, count: number, nowMs: number): Member[] {
  const random = seededRandom(chunkSeed(seed, k))
  const now = new Date(nowMs)
  return withCachedZoneFormat(() => Array.from({ length: count }, () => benchMember(random, randomOpenid(random), memberNoFrom(random), now)))
}

/**
 * The same value with every Date made by this realm's Date: a worker's Dates arrive as the main
 * realm's, which a jest test (another realm) and zod's `instanceof Date` do not take for dates.
 */
function ownDates<T>(value: T): T {
  if (Object.prototype.toString.call(value) === '[object Date]') return new Date((value as unknown as Date).getTime()) as T
  if (Array.isArray(value)) return value.map(ownDates) as T
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, ownDates(v)])) as T
  return value
}

/** Builds chunks on worker threads (the domain rules are CPU-bound), or in this thread for a small N. */
async function buildChunks(seed: number, counts: number[], nowMs: number): Promise<Member[][]> {
  const threads = Math.min(counts.length, os.availableParallelism())
  if (threads <= 1) return counts.map((count, k) => buildChunk(seed, k, count, nowMs))
  const results: Member[][] = new Array(counts.length)
  let next = 0
  await Promise.all(
    Array.from({ length: threads }, async () => {
      // the worker compiles this file with tsx, whoever runs the parent (tsx, ts-jest)
      const worker = new Worker(`require('tsx/cjs'); require(${JSON.stringify(__filename)})`, { eval: true, workerData: { benchSeedWorker: true } })
      try {
        while (next < counts.length) {
          const k = next++
          results[k] = await new Promise<Member[]>((resolve, reject) => {
            worker.once('message', (members: Member[]) => resolve(members.map(ownDates)))
            worker.once('error', reject)
            worker.postMessage({ seed, k, count: counts[k], nowMs })
          })
          worker.removeAllListeners('error')
        }
      } finally {
        await worker.terminate()
      }
    }),
  )
  return results
}

if (!isMainThread && workerData?.benchSeedWorker) {
  parentPort!.on('message', (m: { seed: number; k: number; count: number; nowMs: number }) => parentPort!.postMessage(buildChunk(m.seed, m.k, m.count, m.nowMs)))
}

/** Builds the members in memory: `_id` order is random (OPENIDs), as on CloudBase. */
export async function benchMembers(opts: SeedOptions): Promise<{ members: Member[]; summary: SeedSummary }> {
  const seed = opts.seed ?? 20_240_601
  const counts = Array.from({ length: Math.ceil(opts.n / CHUNK) }, (_x, k) => Math.min(CHUNK, opts.n - k * CHUNK))
  const members = (await buildChunks(seed, counts, opts.now.getTime())).flat()
  // OPENIDs and member numbers are unique in the product: draw again on a (rare) collision
  const again = seededRandom(chunkSeed(seed, -2))
  const ids = new Set<string>()
  const numbers = new Set<string>()
  const summary: SeedSummary = { members: 0, buyers: 0, purchases: 0, byStage: {}, byTier: {}, reviewsDue: 0 }
  for (const member of members) {
    while (ids.has(member._id)) member._id = member.openid = randomOpenid(again)
    while (numbers.has(member.memberNo)) member.memberNo = memberNoFrom(again)
    ids.add(member._id)
    numbers.add(member.memberNo)
    summary.members++
    summary.purchases += member.stats.purchases
    if (member.stats.purchases) summary.buyers++
    summary.byStage[member.stage] = (summary.byStage[member.stage] ?? 0) + 1
    const tier = member.tier?.tierId ?? 'none'
    summary.byTier[tier] = (summary.byTier[tier] ?? 0) + 1
    if (member.tier && member.tier.reviewAt <= opts.now) summary.reviewsDue++
  }
  return { members, summary }
}

/** The emulator's store under a data dir, with the index catalog the emulator will open it with. */
export function openBenchStore(dataDir: string): Store {
  return Store.open(path.join(dataDir, 'database'), loadIndexCatalog(indexFileFromEnv()), () => {})
}

/** Every doc of a collection, a page at a time (no write transaction overlaps a read). */
export function* docPages(store: Store, coll: string, size = 5_000): Generator<Doc[]> {
  let start = collPrefix(coll)
  const end = Buffer.concat([start, FF])
  for (;;) {
    const page: Doc[] = []
    let last: Buffer | undefined
    for (const { pk, doc } of store.primaryRange(coll, start, end)) {
      page.push(doc)
      last = pk
      if (page.length >= size) break
    }
    if (!last) return
    start = Buffer.concat([collPrefix(coll), last, Buffer.from([0])])
    yield page
  }
}

/**
 * Writes every declared collection (types/collections.ts) and the members into `<dataDir>/database`
 * through the store's bulk loader. The data dir must not hold a database yet.
 */
export async function seedSnapshot(dataDir: string, opts: SeedOptions): Promise<SeedSummary> {
  const { members, summary } = await benchMembers(opts)
  const store = openBenchStore(dataDir)
  try {
    if (store.collections().length) throw new Error(`${dataDir} already holds a database: seed an empty data dir`)
    const bulk = store.bulk()
    for (const name of COLLECTIONS) bulk.create(name)
    // in `_id` order: each doc lands next to the last one written
    for (const member of [...members].sort((a, b) => (a._id < b._id ? -1 : 1))) {
      // what the SDK would have stored: valid for the schema the functions parse with
      MemberSchema.parse(member)
      // members agreed to the privacy guide when they joined (phone binding, avatar and nickname need it)
      const privacyConsent = { version: DEFAULT_PRIVACY_POLICY.version, agreedAt: member.createdAt }
      bulk.put('members', { ...member, privacyConsent } as unknown as Doc)
    }
    bulk.flush()
  } finally {
    await store.close()
  }
  return summary
}

// ---------------------------------------------------------------------------------------------
// Catalogue and purchase rows for the actions bench (scripts/bench-actions.ts): products to import
// through `admin.importProducts`, and the purchase rows behind the seeded members' histories, so
// that recommendations, exports and the co-purchase job read what a real brand would have.

/** Categories of the bench catalogue (the member histories above use the same names). */
export const BENCH_CATEGORIES = CATEGORIES
export const BENCH_STORES = ['store_bench_1', 'store_bench_2', 'store_bench_3'] as const

export interface BenchProduct {
  productId: string
  title: string
  category: string
  tags: string[]
  priceFen: number
  onSale: boolean
  repeatPurchase: boolean
}

/** `count` products over the bench categories: what `admin.importProducts` accepts. */
export function benchProducts(count: number, seed = 20_240_601): BenchProduct[] {
  const random = seededRandom(chunkSeed(seed, -3))
  return Array.from({ length: count }, (_x, i) => {
    const category = CATEGORIES[i % CATEGORIES.length]
    return {
      productId: `bp-${String(i).padStart(5, '0')}`,
      title: `${category} ${i}`,
      category,
      tags: [category, ...(random() < 0.3 ? ['新品'] : [])],
      priceFen: (8 + Math.floor(random() * 60)) * 100,
      onSale: random() > 0.03,
      repeatPurchase: category === '咖啡豆' || category === '咖啡',
    }
  })
}

export interface PurchaseSeedOptions {
  products: BenchProduct[]
  /** the `now` the members were seeded with */
  now: Date
  seed?: number
  /** how many buyers to hand back as callers (those with at least 2 purchases, `_id` order) */
  callers?: number
}

export interface PurchaseSeedSummary {
  purchases: number
  lines: number
  /** purchases within the last 12 months (what the co-purchase job reads, up to its cap) */
  lastYear: number
  /** buyers with at least 2 purchases: openid, member number, purchases */
  callers: Array<{ openid: string; memberNo: string; purchases: number; joinedAt: Date }>
  /** members who never bought (login, first-purchase-free paths) */
  nonBuyers: Array<{ openid: string; memberNo: string; joinedAt: Date }>
}

/**
 * Adds a `purchases` row for every purchase the seeded members' stats count (`stats.purchases`
 * rows from `firstPurchaseAt` to `lastPurchaseAt`, at the bench stores), with 1–3 lines from the
 * catalogue: 60 % from the member's favourite category (largest `categoryFen`), popular products
 * more often (Zipf-like). Amounts are the lines' total; the members themselves are not touched.
 * Call after `seedSnapshot`, before the emulator starts.
 */
export async function seedPurchases(dataDir: string, opts: PurchaseSeedOptions & { ledger?: boolean }): Promise<PurchaseSeedSummary> {
  const random = seededRandom(chunkSeed(opts.seed ?? 20_240_601, -4))
  const byCategory = new Map<string, BenchProduct[]>()
  for (const p of opts.products) byCategory.set(p.category, [...(byCategory.get(p.category) ?? []), p])
  const all = opts.products
  // Zipf-like: index ⌊n · u^3⌋ favours the first products of a list
  const pick = (list: BenchProduct[]) => list[Math.min(list.length - 1, Math.floor(list.length * random() ** 3))]
  const yearAgo = opts.now.getTime() - 365 * DAY
  const store = openBenchStore(dataDir)
  const summary: PurchaseSeedSummary = { purchases: 0, lines: 0, lastYear: 0, callers: [], nonBuyers: [] }
  try {
    if (!store.count('members')) throw new Error(`${dataDir} holds no members: call seedSnapshot first`)
    const bulk = store.bulk()
    bulk.create('purchases')
    if (opts.ledger) bulk.create('points_ledger')
    for (const page of docPages(store, 'members'))
      for (const m of page as unknown as Member[]) {
        const n = m.stats.purchases
        if (!n || !m.stats.firstPurchaseAt || !m.stats.lastPurchaseAt) {
          summary.nonBuyers.push({ openid: m._id, memberNo: m.memberNo, joinedAt: m.createdAt })
          continue
        }
        if (n >= 2) summary.callers.push({ openid: m._id, memberNo: m.memberNo, purchases: n, joinedAt: m.createdAt })
        const favourite = Object.entries(m.stats.categoryFen).sort((a, b) => b[1] - a[1])[0]?.[0]
        const first = new Date(m.stats.firstPurchaseAt).getTime()
        const last = new Date(m.stats.lastPurchaseAt).getTime()
        const times = n === 1 ? [last] : [first, last, ...Array.from({ length: n - 2 }, () => first + random() * (last - first))].sort((a, b) => a - b)
        times.forEach((t, k) => {
          const count = 1 + Math.floor(random() * random() * 3)
          const chosen = new Map<string, BenchProduct>()
          for (let i = 0; i < count; i++) {
            const p = favourite && byCategory.has(favourite) && random() < 0.6 ? pick(byCategory.get(favourite)!) : pick(all)
            chosen.set(p.productId, p)
          }
          const lines = [...chosen.values()].map(p => ({ productId: p.productId, category: p.category, quantity: 1, priceFen: p.priceFen }))
          const amountFen = lines.reduce((s, l) => s + l.priceFen, 0)
          const at = new Date(t)
          const _id = `bench-pur-${m.memberNo}-${k}`
          const doc = {
            _id,
            requestId: _id,
            storeId: BENCH_STORES[Math.floor(random() * BENCH_STORES.length)],
            staffOpenid: 'o_bench_history',
            memberId: m._id,
            memberNo: m.memberNo,
            amountFen,
            orderFen: amountFen,
            discountFen: 0,
            couponCodes: [],
            lines,
            pointsEarned: 0,
            batchId: null,
            refundedFen: 0,
            pointsReversed: 0,
            pointsShortfall: 0,
            status: 'completed',
            balanceAfter: 0,
            createdAt: at,
            updatedAt: at,
          }
          bulk.put('purchases', doc as unknown as Doc)
          if (opts.ledger) bulk.put('points_ledger', ledgerRow(m, _id, k, amountFen, at))
          summary.purchases++
          summary.lines += lines.length
          if (t >= yearAgo) summary.lastYear++
        })
      }
    bulk.flush()
    summary.callers.sort((a, b) => (a.openid < b.openid ? -1 : 1))
    if (opts.callers !== undefined) summary.callers = summary.callers.slice(0, opts.callers)
  } finally {
    await store.close()
  }
  return summary
}

/** The points ledger row a purchase leaves (the storage bench's third collection). */
function ledgerRow(m: Member, purchaseId: string, k: number, amountFen: number, at: Date): Doc {
  const points = Math.floor(amountFen / 100)
  return { _id: `bench-led-${m.memberNo}-${k}`, memberId: m._id, seq: k + 1, delta: points, balanceAfter: points * (k + 1), reason: 'purchase', refId: purchaseId, createdAt: at }
}

// ---------------------------------------------------------------------------------------------
// The seed cache (`npm run bench -- --seed-cache <dir>`): a seed of a million members and their
// purchases takes over half an hour here, so the parts of one run (and later runs) can start from a
// copy of one seeded database instead of each seeding its own.

export interface SeedSpec {
  n: number
  seed?: number
  /** the purchase rows behind the histories, over this many bench products (benchProducts); none when absent */
  products?: number
  /** with purchases: a points ledger row per purchase */
  ledger?: boolean
}

export interface SeededDataDir {
  /** the instant the histories end at (the seed's, older than today when it came from the cache) */
  now: Date
  members: SeedSummary
  purchases?: PurchaseSeedSummary
  /** copied from the seed cache (seeded there first if it was not) */
  cached: boolean
}

const SEED_FILE = 'seed.json'

/** The cache folder's name for a spec: one folder per distinct seed. */
export function seedCacheKey(spec: SeedSpec): string {
  const seed = spec.seed ?? 20_240_601
  return spec.products === undefined ? `members-${spec.n}-s${seed}` : `purchases-${spec.n}-p${spec.products}-s${seed}${spec.ledger ? '-ledger' : ''}`
}

async function seedInto(dataDir: string, spec: SeedSpec, now: Date): Promise<Omit<SeededDataDir, 'cached'>> {
  const members = await seedSnapshot(dataDir, { n: spec.n, now, seed: spec.seed })
  if (spec.products === undefined) return { now, members }
  const purchases = await seedPurchases(dataDir, { products: benchProducts(spec.products, spec.seed), now, seed: spec.seed, ledger: spec.ledger })
  return { now, members, purchases }
}

/**
 * Opens the store of a bulk-seeded data dir once and writes to it (a doc put and removed again). The
 * first session on such an lmdb file commits slowly — about 115 ms a commit at a million members,
 * whatever the write, where the next session takes 5 ms (measured here; the cause is not known) — so
 * the emulator the bench measures starts on the second session.
 */
export async function settleStore(dataDir: string): Promise<void> {
  const store = openBenchStore(dataDir)
  try {
    const c = store.collections()[0]
    if (!c) return
    const doc = { _id: 'bench-settle' }
    store.commit([{ op: 'put', c, doc }])
    store.commit([{ op: 'del', c, id: doc._id }])
  } finally {
    await store.close()
  }
}

/**
 * Seeds the database of an empty `dataDir` as `spec` says. With `cacheDir`, the seed is made once into
 * `<cacheDir>/<seedCacheKey>` (its summary in seed.json, written last) and copied from there, so a
 * later part or run with the same spec copies instead of seeding. Its histories then end at the seed's
 * instant, not at this run's.
 */
export async function seedDataDir(dataDir: string, spec: SeedSpec, cacheDir?: string, log: (line: string) => void = () => {}): Promise<SeededDataDir> {
  if (!cacheDir) {
    const seeded = await seedInto(dataDir, spec, new Date())
    await settleStore(dataDir)
    return { ...seeded, cached: false }
  }
  const dir = path.join(cacheDir, seedCacheKey(spec))
  if (!fs.existsSync(path.join(dir, SEED_FILE))) {
    const partial = `${dir}.partial-${process.pid}`
    fs.rmSync(partial, { recursive: true, force: true })
    fs.mkdirSync(partial, { recursive: true })
    log(`  seeding the cache: ${dir}`)
    const seeded = await seedInto(partial, spec, new Date())
    fs.writeFileSync(path.join(partial, SEED_FILE), JSON.stringify(seeded))
    fs.rmSync(dir, { recursive: true, force: true })
    fs.renameSync(partial, dir)
  }
  const stored = JSON.parse(fs.readFileSync(path.join(dir, SEED_FILE), 'utf8')) as Omit<SeededDataDir, 'cached'>
  log(`  copying the seed of ${stored.now} from ${dir}`)
  fs.cpSync(path.join(dir, 'database'), path.join(dataDir, 'database'), { recursive: true })
  await settleStore(dataDir)
  const dates = <T extends { joinedAt: unknown }>(list: T[]) => list.map(x => ({ ...x, joinedAt: new Date(x.joinedAt as string) }))
  const purchases = stored.purchases && { ...stored.purchases, callers: dates(stored.purchases.callers), nonBuyers: dates(stored.purchases.nonBuyers) }
  return { now: new Date(stored.now), members: stored.members, ...(purchases ? { purchases } : {}), cached: true }
}
