/**
 * The "report" part of `npm run bench`: `admin.report` from the daily rollups over the last 366 Shanghai days on N bench
 * members with the purchase rows behind their histories (default 20,000 members: about 50,000
 * purchases in the range), written into the emulator's snapshot (scripts/bench-seed.ts). Measured
 * through the loopback interface with the function's own 20 s timeout: the first call after the
 * start (instance start included), then K calls, each with the database requests it sent
 * (`DELETE /stats` before, `GET /stats` after). Before them the rollups are built from scratch by
 * calling `admin.rollupReports` until it has nothing left (its calls, time and longest call are reported). Only members and purchases are seeded: the ledger,
 * coupons, check-ins, reminder sends and NPS answers are empty, so their reads cost next to nothing here.
 */
import fs from 'fs'
import os from 'os'
import path from 'path'
import { performance } from 'perf_hooks'
import { shanghaiDay } from '../domain/time'
import { startEmulator } from './emulator-process'
import { callFunction, requestStats, seconds, stderr, trackRun, fmt } from './bench-emulator'
import { seedDataDir } from './bench-seed'
import { DEFAULT_ACTIONS_PRODUCTS, percentile } from './bench-actions'
import { ensureFunctionsBuilt } from './builds'

export const DEFAULT_REPORT_SIZES = [20_000]
export const DEFAULT_REPORT_REPS = 5
const RANGE_DAYS = 366
const START_TIMEOUT_MS = 600_000

export interface ReportBenchOptions {
  /** members seeded (default 20,000) */
  members?: number
  /** calls after the first (default 5) */
  reps?: number
  seed?: number
  /** the seed cache folder (`--seed-cache`) */
  seedCache?: string
  log?: (line: string) => void
}

export interface ReportBenchResult {
  members: number
  /** purchase rows seeded, and those in the report's range (as the report counted them) */
  purchases: number
  purchasesInRange: number
  range: { from: string; to: string }
  /** the first call after the emulator started (the admin instance is started for it) */
  firstMs: number
  calls: number
  /** calls answered `{ ok: true }` (latency and requests are over these) */
  ok: number
  p50Ms: number
  p95Ms: number
  /** database requests per call (mean), and every request kind per call */
  dbPerCall: number
  perCall: Record<string, number>
  /** building the rollups from scratch: rollupReports calls, their summed time and the longest, days rolled up */
  rollup: { calls: number; ms: number; longestMs: number; days: number; failed: number }
  /** what the answer said (from the first call that answered ok) */
  answer: { purchases: number; newMembers: number } | null
  errors: string[]
  seedSeconds: number
  startSeconds: number
  dataDir: string
  load: [number, number]
}

export async function benchReport(opts: ReportBenchOptions = {}): Promise<ReportBenchResult> {
  const log = opts.log ?? stderr
  const n = opts.members ?? DEFAULT_REPORT_SIZES[0]
  const reps = opts.reps ?? DEFAULT_REPORT_REPS
  const seed = opts.seed ?? 20_240_601
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-report-${n}-`))
  const { run: current, finish } = trackRun(dataDir)
  try {
    await ensureFunctionsBuilt()
    log(`report: N = ${n.toLocaleString('en-US')} members; seeding ${dataDir}`)
    let t = performance.now()
    const now = new Date()
    const to = shanghaiDay(now)
    const from = shanghaiDay(new Date(new Date(`${to}T12:00:00+08:00`).getTime() - (RANGE_DAYS - 1) * 86_400_000))
    const range = { from, to }
    // the actions' catalogue, so that both parts can start from one cached seed (the report reads no lines)
    const { purchases: seeded, cached } = await seedDataDir(dataDir, { n, seed, products: DEFAULT_ACTIONS_PRODUCTS }, opts.seedCache, log)
    if (!seeded) throw new Error('the seed has no purchases')
    const seedSeconds = seconds(t)
    t = performance.now()
    const emu = (current.emu = await startEmulator({ dataDir, args: ['--no-timers'], startTimeoutMs: START_TIMEOUT_MS }))
    const startSeconds = seconds(t)
    log(
      `  ${cached ? 'copied' : 'seeded'} in ${seedSeconds.toFixed(1)} s (${seeded.purchases.toLocaleString('en-US')} purchases), emulator up in ${startSeconds.toFixed(1)} s; admin.report ${from} … ${to}`,
    )

    const rollup = { calls: 0, ms: 0, longestMs: 0, days: 0, failed: 0 }
    for (let more = true; more && rollup.calls < 2000;) {
      const step = await callFunction(emu, 'admin', { action: 'rollupReports' })
      rollup.calls++
      rollup.ms += step.ms
      rollup.longestMs = Math.max(rollup.longestMs, step.ms)
      if (step.status !== 200 || step.body?.ok !== true) {
        rollup.failed++
        log(`  rollupReports call ${rollup.calls} failed: ${step.body?.code ?? step.status} ${String(step.body?.message ?? '').slice(0, 120)}`)
        if (rollup.failed >= 3) break
        continue
      }
      rollup.days += step.body.data.days.length
      more = step.body.data.more
    }
    log(`  rollups built: ${rollup.calls} rollupReports calls, ${(rollup.ms / 1000).toFixed(1)} s summed, longest ${(rollup.longestMs / 1000).toFixed(1)} s, ${rollup.days} days`)

    const loadAtStart = os.loadavg()[0]
    const latencies: number[] = []
    const kinds: Record<string, number> = {}
    const errors: string[] = []
    let firstMs = NaN
    let answer: ReportBenchResult['answer'] = null
    for (let i = 0; i <= reps; i++) {
      await requestStats(emu, 'DELETE')
      const a = await callFunction(emu, 'admin', { action: 'report', ...range })
      const counted = await requestStats(emu)
      const ok = a.status === 200 && a.body?.ok === true
      log(
        `  call ${i + 1}${i === 0 ? ' (first after start)' : ''}: ${(a.ms / 1000).toFixed(2)} s, ${counted.total} requests${ok ? '' : `; ${a.body?.code ?? a.status}: ${String(a.body?.message ?? '').slice(0, 120)}`}`,
      )
      if (i === 0) firstMs = a.ms
      if (!ok) {
        if (errors.length < 3) errors.push(`${a.body?.code ?? a.status}: ${String(a.body?.message ?? JSON.stringify(a.body)).slice(0, 160)}`)
        continue
      }
      answer ??= { purchases: a.body.data.repurchase.purchases, newMembers: a.body.data.newMembers.total }
      if (i === 0) continue
      latencies.push(a.ms)
      for (const [k, v] of Object.entries(counted.requests)) kinds[k] = (kinds[k] ?? 0) + v
    }
    const ok = latencies.length
    const perCall = Object.fromEntries(
      Object.entries(kinds)
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => [k, v / ok]),
    )
    return {
      members: n,
      purchases: seeded.purchases,
      purchasesInRange: answer?.purchases ?? seeded.lastYear,
      range,
      firstMs,
      calls: reps,
      ok,
      p50Ms: percentile(latencies, 50),
      p95Ms: percentile(latencies, 95),
      dbPerCall: Object.entries(perCall).reduce((s, [k, v]) => s + (k.startsWith('database.') ? v : 0), 0),
      perCall,
      rollup,
      answer,
      errors,
      seedSeconds,
      startSeconds,
      dataDir,
      load: [loadAtStart, os.loadavg()[0]],
    }
  } finally {
    await finish(log)
  }
}

/** The report rows of the one summary table (see formatSummaryTable in scripts/bench.ts). */
export function reportSummaryRows(results: ReportBenchResult[]): string[][] {
  return results.map(r => {
    const what = `admin.report, ${fmt(r.members)} members, ${fmt(r.purchasesInRange)} purchases in ${RANGE_DAYS} days`
    return r.ok ? [what, fmt(r.p50Ms, 1), fmt(r.p95Ms, 1), `${fmt(r.dbPerCall, 1)} / call`, fmt(r.firstMs), '–'] : [what, '–', '–', '–', fmt(r.firstMs), `no call answered ok: ${r.errors[0] ?? ''}`]
  })
}

/** The detailed table (stderr). */
export function formatReportTable(results: ReportBenchResult[]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`
  const head = ['members', 'purchases in range', 'range', 'rollups built (calls, s summed, longest s)', 'first call ms', 'calls ok', 'p50 ms', 'p95 ms', 'requests / call by kind', 'load average']
  const rows = results.map(r => [
    fmt(r.members),
    fmt(r.purchasesInRange),
    `${r.range.from} … ${r.range.to}`,
    `${r.rollup.calls}, ${fmt(r.rollup.ms / 1000, 1)}, ${fmt(r.rollup.longestMs / 1000, 1)}`,
    fmt(r.firstMs),
    `${r.ok}/${r.calls}`,
    fmt(r.p50Ms, 1),
    fmt(r.p95Ms, 1),
    [
      Object.entries(r.perCall)
        .map(([k, v]) => `${k.replace(/^database\./, '')} ${fmt(v, 1)}`)
        .join(', '),
      ...r.errors.map(e => `failed: ${e}`),
    ]
      .filter(Boolean)
      .join('; '),
    `${fmt(r.load[0], 1)} → ${fmt(r.load[1], 1)}`,
  ])
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n')
}
