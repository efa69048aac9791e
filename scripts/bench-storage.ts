/**
 * `npm run bench -- --only storage --sizes 100000`: the emulator's database at a brand's size.
 * Bulk-seeds N members (bench-seed.ts), their purchases and a ledger row per purchase into a fresh
 * data dir, then starts the emulator on it and measures: seed time, size on disk, start-up time,
 * the emulator's RSS after start and after the queries, and p50/p95 of index-served queries (a
 * member by `_id` and by member number, a member's last 20 purchases, a page of an `_id`-paged scan).
 */
import fs from 'fs'
import os from 'os'
import path from 'path'
import { performance } from 'perf_hooks'
import { sdkFor, startEmulator, type RunningEmulator } from './emulator-process'
import { benchProducts, seededRandom, seedPurchases, seedSnapshot } from './bench-seed'
import { seconds, stderr } from './bench-emulator'

export interface StorageBenchResult {
  members: number
  purchases: number
  ledger: number
  seedSeconds: number
  diskMB: number
  startSeconds: number
  rssStartMB: number
  rssAfterMB: number
  /** of rssAfterMB: mapped file pages (the OS cache of the lmdb file, shared and reclaimable) */
  rssAfterFileMB: number
  /** query label → latency in ms */
  queries: Array<{ label: string; count: number; p50: number; p95: number }>
  /** queries the emulator classified as unindexed during the run (should be none) */
  unindexed: number
}

const REPS = 300
const PAGES = 100

/** Resident memory in MB: all, and the part that is lmdb's mapped file (pages the OS can drop and reread). */
const rssMB = (pid: number) => {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN)
  return { all: Math.round(kb('VmRSS') / 1024), file: Math.round(kb('RssFile') / 1024) }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}

/** `reps`: queries of each kind (300), `pages`: `_id` pages read (100). */
export async function benchStorage(n: number, opts: { seed?: number; reps?: number; pages?: number } = {}): Promise<StorageBenchResult> {
  const seed = opts.seed ?? 20_240_601
  const now = new Date()
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-storage-${n}-`))
  let emu: RunningEmulator | undefined
  try {
    stderr(`storage: N = ${n.toLocaleString('en')} members; seeding ${dataDir}`)
    let t = performance.now()
    await seedSnapshot(dataDir, { n, now, seed })
    stderr(`  members seeded in ${seconds(t).toFixed(1)} s`)
    const seeded = await seedPurchases(dataDir, { products: benchProducts(500, seed), now, seed, ledger: true })
    const seedSeconds = seconds(t)
    const file = path.join(dataDir, 'database', 'data.mdb')
    const diskMB = Math.round((fs.statSync(file).blocks * 512) / 2 ** 20)
    stderr(`  ${seeded.purchases.toLocaleString('en')} purchases + ledger rows seeded; ${seedSeconds.toFixed(1)} s in all, ${diskMB} MB on disk`)

    t = performance.now()
    emu = await startEmulator({ dataDir, args: ['--no-timers'], startTimeoutMs: 600_000 })
    const startSeconds = seconds(t)
    const rssStartMB = rssMB(emu.proc.pid!).all
    stderr(`  emulator up in ${startSeconds.toFixed(1)} s, RSS ${rssStartMB} MB`)

    const db = sdkFor(emu).database()
    const _ = db.command
    await fetch(`${emu.baseUrl}/stats`, { method: 'DELETE' })
    const random = seededRandom(seed ^ 0x5707)
    const buyers = seeded.callers
    const people = [...buyers, ...seeded.nonBuyers]
    const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]
    const timings = new Map<string, number[]>()
    const time = async (label: string, fn: () => Promise<unknown>) => {
      const t0 = performance.now()
      await fn()
      const list = timings.get(label) ?? []
      list.push(performance.now() - t0)
      timings.set(label, list)
    }
    for (let i = 0; i < (opts.reps ?? REPS); i++) {
      const m = pick(people)
      await time('member by _id (openid)', async () => {
        const { data } = await db.collection('members').doc(m.openid).get()
        if (data._id !== m.openid) throw new Error('member not found')
      })
      await time('member by memberNo (unique index)', async () => {
        const { data } = await db.collection('members').where({ memberNo: m.memberNo }).limit(1).get()
        if (data.length !== 1) throw new Error('member not found by memberNo')
      })
      const b = pick(buyers)
      await time('last 20 purchases of a member (memberId, createdAt desc)', async () => {
        const { data } = await db.collection('purchases').where({ memberId: b.openid }).orderBy('createdAt', 'desc').limit(20).get()
        if (!data.length) throw new Error('no purchases')
      })
      await time('ledger page of a member (memberId, createdAt desc)', async () => {
        await db.collection('points_ledger').where({ memberId: b.openid }).orderBy('createdAt', 'desc').orderBy('seq', 'desc').orderBy('_id', 'desc').limit(20).get()
      })
    }
    let last = ''
    for (let i = 0; i < (opts.pages ?? PAGES); i++) {
      await time('members page of 1000 by _id', async () => {
        const { data } = await db
          .collection('members')
          .where({ _id: _.gt(last) })
          .orderBy('_id', 'asc')
          .limit(1000)
          .get()
        last = data[data.length - 1]?._id ?? ''
      })
    }
    const { all: rssAfterMB, file: rssAfterFileMB } = rssMB(emu.proc.pid!)
    const stats = (await (await fetch(`${emu.baseUrl}/stats`)).json()) as { unindexed: unknown[] }
    const counts = await Promise.all(['members', 'purchases', 'points_ledger'].map(async c => (await db.collection(c).count()).total as number))
    const queries = [...timings].map(([label, list]) => {
      const sorted = [...list].sort((a, b) => a - b)
      return { label, count: list.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95) }
    })
    return { members: counts[0], purchases: counts[1], ledger: counts[2], seedSeconds, diskMB, startSeconds, rssStartMB, rssAfterMB, rssAfterFileMB, queries, unindexed: stats.unindexed.length }
  } finally {
    await emu?.stop()
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
}

export function formatStorageTable(results: StorageBenchResult[]): string {
  const fmt = (v: number) => v.toLocaleString('en')
  const rows = [
    `| | ${results.map(r => `${fmt(r.members)} members`).join(' | ')} |`,
    `|---|${results.map(() => '---:').join('|')}|`,
    `| documents (members / purchases / ledger) | ${results.map(r => `${fmt(r.members)} / ${fmt(r.purchases)} / ${fmt(r.ledger)}`).join(' | ')} |`,
    `| bulk seed | ${results.map(r => `${r.seedSeconds.toFixed(0)} s`).join(' | ')} |`,
    `| on disk (data + indexes) | ${results.map(r => `${fmt(r.diskMB)} MB`).join(' | ')} |`,
    `| emulator start-up | ${results.map(r => `${r.startSeconds.toFixed(1)} s`).join(' | ')} |`,
    `| RSS after start / after the queries (of which mapped lmdb file) | ${results.map(r => `${r.rssStartMB} / ${r.rssAfterMB} MB (${r.rssAfterFileMB} MB)`).join(' | ')} |`,
  ]
  for (const q of results[0]?.queries ?? []) {
    rows.push(
      `| ${q.label}: p50 / p95 | ${results
        .map(r => r.queries.find(x => x.label === q.label))
        .map(x => (x ? `${x.p50.toFixed(1)} / ${x.p95.toFixed(1)} ms` : '–'))
        .join(' | ')} |`,
    )
  }
  rows.push(`| unindexed queries seen | ${results.map(r => r.unindexed).join(' | ')} |`)
  return rows.join('\n')
}
