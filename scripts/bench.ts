/**
 * `npm run bench [-- --sizes 10000,100000] [--seed <n>]`: the daily `tiers` job at scale.
 *
 * For each N: a temporary data dir seeded with N members and their purchase rows, the seed the actions
 * and report parts use (scripts/bench-seed.ts writes the emulator's store directly, in bulk), so the
 * job's item-neighbour steps have purchases to count; the emulator started on it without timers, then `tiers`
 * `{ action: 'run' }` called through the loopback interface until the run and its item neighbours are done (a call that runs
 * out of its time budget answers `scoring` and the next call resumes), timed, with the database
 * requests the functions sent counted by the emulator (`/stats`). Then a forced rerun the same day, and a
 * segment saved and its members found (scripts/bench-segments.ts).
 * A call that fails (e.g. INTERNAL when a shard's `cloud.callFunction` times out, or a closed connection) is retried once the
 * functions are quiet, as the next timer tick would; the table counts such calls. The members are
 * read back after each run to check the job's own counters. Then every member and staff action
 * (scripts/bench-actions.ts), `admin.report` (scripts/bench-report.ts), and the orders part
 * (scripts/bench-orders.ts: the Online Retail history import when the file is there, the orders API
 * at 100,000 members); `--only` runs one part. `--only storage` (scripts/bench-storage.ts, at
 * `--sizes`) measures the database alone: seed, disk, start-up, memory and indexed query latencies.
 * Prints one table on stdout; progress goes to stderr. Speed targets belong here, not in unit tests.
 */
import fs from 'fs'
import os from 'os'
import path from 'path'
import { performance } from 'perf_hooks'
import type { RunSummary } from '../types/jobs'
import { setClock, startEmulator, type RunningEmulator } from './emulator-process'
import { localCloud } from './local-sdk'
import { seedDataDir, type SeedSummary } from './bench-seed'
import { benchActions, DEFAULT_ACTIONS_PRODUCTS, formatActionsTable, type ActionsResult } from './bench-actions'
import { callOrTransportFailure, cleanUpRuns, functionSeconds, requestStats, seconds, stderr, trackRun, type RequestStats, fmt } from './bench-emulator'
import { benchReport, DEFAULT_REPORT_SIZES, formatReportTable, reportSummaryRows, type ReportBenchResult } from './bench-report'
import { benchOrders, formatOrdersTables, ordersSummaryRows, type OrdersBenchResult } from './bench-orders'
import { ensureFunctionsBuilt } from './builds'
import { benchStorage, formatStorageTable, type StorageBenchResult } from './bench-storage'
import { formatSegmentTable, measureSegmentPass, type SegmentPassMeasure } from './bench-segments'

export const DEFAULT_SIZES = [10_000, 100_000]
const USAGE =
  'usage: npm run bench [-- --sizes 10000,100000] [--seed <n>] [--seed-cache <dir>] [--only tiers|actions|report|orders|storage] [--actions-members <n>] [--actions-products <n>] [--actions-reps <n>] [--report-sizes 20000,100000] [--report-reps <n>] [--history-file <path>] [--history-limit <orders>] [--orders-members <n>] [--orders-reps <n>]'
/** A run that needs more calls than this (or fails this many times in a row) is reported as stuck. */
const MAX_CALLS = 500
const MAX_FAILURES_IN_A_ROW = 25
const TICK_MS = 15_000
/** After a failed call: the functions count as finished when no database request came for this long. */
const QUIET_MS = 2_000
const MAX_QUIET_WAIT_MS = 120_000

export interface RunMeasure {
  /** calls of `tiers.run` until it answered `done` */
  calls: number
  /** calls that failed (e.g. the run's own time limit) and were retried */
  failures: string[]
  wallSeconds: number
  /** the longest single `tiers.run` call (the coordinator), measured here */
  longestCallSeconds: number
  summary: RunSummary
  stats: RequestStats
  /** read from the members after the run (not from the job's own counters) */
  check: {
    /** members whose churn score carries this run's instant (every buyer, once scored by this run) */
    scoredAtRun: number
    /** members with a tier id (the first run gives one to every member) */
    withTierId: number
  }
}

export interface BenchResult {
  n: number
  /** the temporary data dir (removed when benchSize returns) */
  dataDir: string
  seed: SeedSummary
  seedSeconds: number
  startSeconds: number
  first: RunMeasure
  /** the same day again with `force: true`: should find nothing to write */
  second: RunMeasure
  /** then a segment saved and its members found (scripts/bench-segments.ts) */
  segment: SegmentPassMeasure
}

export interface BenchOptions {
  seed?: number
  /** the seed cache folder (`--seed-cache`): seed once there, copy from there */
  seedCache?: string
  /** progress lines (default: stderr) */
  log?: (line: string) => void
}

export class UsageError extends Error {}

export interface BenchArgs {
  sizes: number[]
  seed?: number
  /** `--seed-cache <dir>`: the parts seed there once and copy from there (scripts/bench-seed.ts seedDataDir) */
  seedCache?: string
  /** run only one part (default: all four, the tiers job first, then the actions, the report, the orders) */
  only?: 'tiers' | 'actions' | 'report' | 'orders' | 'storage'
  /** the actions bench (scripts/bench-actions.ts): members, products, calls per action */
  actionsMembers?: number
  actionsProducts?: number
  actionsReps?: number
  /** the report bench (scripts/bench-report.ts): members per run (default 20,000), calls per run */
  reportSizes?: number[]
  reportReps?: number
  /** the orders bench (scripts/bench-orders.ts): the Online Retail file (default test/fixtures/data/online_retail/…csv.gz), about how many of its orders; members and orders of the API part */
  historyFile?: string
  historyLimit?: number
  ordersMembers?: number
  ordersReps?: number
}

export function parseBenchArgs(argv: string[]): BenchArgs {
  let sizes: number[] | undefined
  let seed: number | undefined
  let seedCache: string | undefined
  let only: BenchArgs['only']
  let actionsMembers: number | undefined
  let actionsProducts: number | undefined
  let actionsReps: number | undefined
  let reportSizes: number[] | undefined
  let reportReps: number | undefined
  let historyFile: string | undefined
  let historyLimit: number | undefined
  let ordersMembers: number | undefined
  let ordersReps: number | undefined
  const count = (value: string) => {
    const v = Number(value.replace(/_/g, '').trim())
    if (!Number.isInteger(v) || v < 1) throw new UsageError(USAGE)
    return v
  }
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2)
    const value = inline ?? argv[++i]
    if (value === undefined) throw new UsageError(USAGE)
    if (flag === '--sizes') sizes = value.split(',').map(count)
    else if (flag === '--report-sizes') reportSizes = value.split(',').map(count)
    else if (flag === '--report-reps') reportReps = count(value)
    else if (flag === '--seed') {
      seed = Number(value)
      if (!Number.isInteger(seed)) throw new UsageError(USAGE)
    } else if (flag === '--only') {
      if (value !== 'tiers' && value !== 'actions' && value !== 'report' && value !== 'orders' && value !== 'storage') throw new UsageError(USAGE)
      only = value
    } else if (flag === '--actions-members') actionsMembers = count(value)
    else if (flag === '--actions-products') actionsProducts = count(value)
    else if (flag === '--actions-reps') actionsReps = count(value)
    else if (flag === '--history-file') {
      if (!value.trim()) throw new UsageError(USAGE)
      historyFile = value
    } else if (flag === '--history-limit') historyLimit = count(value)
    else if (flag === '--orders-members') ordersMembers = count(value)
    else if (flag === '--orders-reps') ordersReps = count(value)
    else if (flag === '--seed-cache') {
      if (!value.trim()) throw new UsageError(USAGE)
      seedCache = value
    } else throw new UsageError(USAGE)
  }
  // `--sizes` alone sizes the whole bench: the actions at the largest size, the report at each
  if (sizes) {
    actionsMembers ??= Math.max(...sizes)
    reportSizes ??= sizes
  }
  return { sizes: sizes ?? DEFAULT_SIZES, seed, seedCache, only, actionsMembers, actionsProducts, actionsReps, reportSizes, reportReps, historyFile, historyLimit, ordersMembers, ordersReps }
}

/**
 * Waits until the functions stop sending database requests: a failed `run` call (e.g. its
 * `cloud.callFunction` of a shard timed out) leaves shard workers running, and calling again at once
 * would start a second worker on the same shard. The timer's next tick comes 10 minutes later.
 */
async function quiet(emu: RunningEmulator): Promise<void> {
  const until = performance.now() + MAX_QUIET_WAIT_MS
  let last = (await requestStats(emu)).total
  let since = performance.now()
  while (performance.now() < until) {
    await new Promise(resolve => setTimeout(resolve, 250))
    const total = (await requestStats(emu)).total
    if (total !== last) {
      last = total
      since = performance.now()
    } else if (performance.now() - since >= QUIET_MS) return
  }
}

/**
 * Reads every member back a page at a time in `_id` order, the two fields only: a count over a million
 * members in one request outlasted the emulator's request timeout (408 after 76 s) once the run was done.
 */
async function checkMembers(emu: RunningEmulator, summary: RunSummary): Promise<RunMeasure['check']> {
  const db = localCloud(emu.serviceUrl).database()
  const at = new Date(summary.now).getTime()
  let scoredAtRun = 0
  let withTierId = 0
  let last: string | null = null
  for (;;) {
    const { data } = await db
      .collection('members')
      .where(last === null ? {} : { _id: db.command.gt(last) })
      .orderBy('_id', 'asc')
      .limit(1000)
      .field({ _id: true, tierId: true, 'churn.scoredAt': true })
      .get()
    for (const m of data as Array<{ _id: string; tierId?: string; churn?: { scoredAt?: Date } | null }>) {
      if (m.churn?.scoredAt && new Date(m.churn.scoredAt).getTime() === at) scoredAtRun++
      if (m.tierId !== undefined) withTierId++
    }
    if (data.length < 1000) return { scoredAtRun, withTierId }
    last = String(data[data.length - 1]._id)
  }
}

/** Calls `tiers.run` until the run and its item neighbours are done (the first call may force a new run; the rest resume it). */
async function runUntilDone(emu: RunningEmulator, label: string, force: boolean, log: (line: string) => void): Promise<RunMeasure> {
  await requestStats(emu, 'DELETE')
  const started = performance.now()
  const failures: string[] = []
  let failedInARow = 0
  let longestCallSeconds = 0
  // a call can take a minute: show the requests going by meanwhile
  const ticker = setInterval(() => {
    void requestStats(emu).then(
      s => log(`  ${label}: ${seconds(started).toFixed(0)} s, ${s.total.toLocaleString('en-US')} database requests so far`),
      () => undefined,
    )
  }, TICK_MS)
  try {
    for (let calls = 1; calls <= MAX_CALLS; calls++) {
      const callStarted = performance.now()
      const { status, body } = await callOrTransportFailure(emu, 'tiers', { action: 'run', ...(force && calls === 1 ? { force: true } : {}) })
      longestCallSeconds = Math.max(longestCallSeconds, seconds(callStarted))
      if (status === 200 && body?.ok) {
        failedInARow = 0
        const s = body.data as RunSummary
        log(
          `  ${label}: call ${calls} answered ${s.status} after ${seconds(started).toFixed(1)} s (call ${seconds(callStarted).toFixed(1)} s; shards ${s.shardsDone}/${s.shards}, scored ${s.scored}, written ${s.written}, longest worker ${(s.timing.longestShardMs / 1000).toFixed(1)} s${s.neighbors ? `; neighbours of ${s.neighbors.items} items written` : ''})`,
        )
        // the job is done once its item neighbours are written too (the timer keeps calling until then)
        if (s.status === 'done' && s.neighbors) {
          const measured = { calls, failures, wallSeconds: seconds(started), longestCallSeconds, summary: s, stats: await requestStats(emu) }
          // logged now, so an interrupted bench still leaves this run's figures behind
          const top = Object.entries(measured.stats.requests)
            .sort((a, b) => b[1] - a[1])
            .slice(0, 4)
          log(
            `  ${label}: ${measured.stats.total.toLocaleString('en-US')} database requests (${top.map(([a, c]) => `${a} ${c.toLocaleString('en-US')}`).join(', ')}); function time ${functionSeconds(measured.stats).toFixed(1)} s summed (${Object.entries(
              measured.stats.functions ?? {},
            )
              .map(([k, f]) => `${k} ${f.calls} × ${(f.ms / f.calls / 1000).toFixed(1)} s`)
              .join(', ')})`,
          )
          return { ...measured, check: await checkMembers(emu, s) }
        }
        continue
      }
      const why = `call ${calls}: ${status ? `HTTP ${status}` : 'connection closed'} ${body?.code ?? ''} ${body?.message ?? JSON.stringify(body)}`.slice(0, 300)
      failures.push(why)
      if (++failedInARow >= MAX_FAILURES_IN_A_ROW) throw new Error(`${label}: ${failedInARow} failed calls in a row; last: ${why}`)
      log(`  ${label}: ${why} — calling again once the functions are quiet`)
      await quiet(emu)
    }
    throw new Error(`${label}: not done after ${MAX_CALLS} calls`)
  } finally {
    clearInterval(ticker)
  }
}

/** Loading a 100,000-member snapshot can take longer than the tests' 30 s start limit on a busy machine. */
const START_TIMEOUT_MS = 300_000

/** One size: seed, start, run, rerun; the emulator is stopped and the data dir removed whatever happens. */
export async function benchSize(n: number, opts: BenchOptions = {}): Promise<BenchResult> {
  const log = opts.log ?? stderr
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-tiers-${n}-`))
  const { run: current, finish } = trackRun(dataDir)
  let emu: RunningEmulator | undefined
  try {
    log(`N = ${n.toLocaleString('en-US')}: seeding ${dataDir}`)
    let t = performance.now()
    // members with their purchase rows (the seed the actions and report parts use): the job's item-neighbour steps count them
    const { members: seed, cached } = await seedDataDir(dataDir, { n, seed: opts.seed, products: DEFAULT_ACTIONS_PRODUCTS }, opts.seedCache, log)
    const seedSeconds = seconds(t)
    log(
      `  ${cached ? 'copied' : 'seeded'} in ${seedSeconds.toFixed(1)} s: ${seed.buyers} buyers, ${seed.purchases} purchases, stages ${JSON.stringify(seed.byStage)}, tiers ${JSON.stringify(seed.byTier)}, ${seed.reviewsDue} reviews due`,
    )
    t = performance.now()
    emu = current.emu = await startEmulator({ dataDir, args: ['--no-timers'], startTimeoutMs: START_TIMEOUT_MS })
    const startSeconds = seconds(t)
    // the functions' clock stays at the start: a run is for one Shanghai day, and a million members'
    // run that crossed midnight (16:00 UTC) was dropped for a new day's run half way
    const pinned = new Date().toISOString()
    await setClock(emu, pinned)
    log(`  emulator up in ${startSeconds.toFixed(1)} s at ${emu.baseUrl}; the functions' clock pinned to ${pinned}`)
    const first = await runUntilDone(emu, 'run', false, log)
    const second = await runUntilDone(emu, 'forced rerun', true, log)
    const segment = await measureSegmentPass(emu, log)
    return { n, dataDir, seed, seedSeconds, startSeconds, first, second, segment }
  } finally {
    await finish(log)
  }
}

export async function runBench(sizes: number[], opts: BenchOptions = {}): Promise<BenchResult[]> {
  await ensureFunctionsBuilt()
  const results: BenchResult[] = []
  for (const n of sizes) results.push(await benchSize(n, opts))
  return results
}

const shortAction = (a: string) => a.replace(/^database\./, '')

/** `new|active|loyal|sleeping→churned: 12` → `→churned 12` */
function transitions(t: Record<string, number>): string {
  return Object.entries(t)
    .map(([k, v]) => `→${k.split('→')[1] ?? k} ${fmt(v)}`)
    .join(', ')
}

export function perThousand(stats: RequestStats, n: number): { total: number; top: Array<[string, number]> } {
  const top = Object.entries(stats.requests)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 4)
  return { total: (stats.total * 1000) / n, top: top.map(([a, c]) => [a, (c * 1000) / n]) }
}

/** the timer's period (cloudfunctions/tiers/config.json) */
const TICK_MINUTES = 2

export function formatResults(results: BenchResult[]): string {
  const head = [
    'N',
    'run',
    'calls',
    'wall s',
    `on the timer (a call per ${TICK_MINUTES}-min tick)`,
    'members/s',
    'db requests / 1,000 members',
    'top actions / 1,000 members',
    'function time s (summed)',
    'longest call s: run / worker',
    'prepare s',
    'transitions',
    'item neighbours (items / purchases)',
    'models',
    'scored',
    'written',
    'members: churn at run instant / with tierId',
  ]
  const rows = results.flatMap(r =>
    (['first', 'second'] as const).map(which => {
      const m = r[which]
      const per = perThousand(m.stats, r.n)
      return [
        fmt(r.n),
        which === 'first' ? 'first' : 'forced rerun',
        `${m.calls}${m.failures.length ? ` (${m.failures.length} failed)` : ''}`,
        fmt(m.wallSeconds, 1),
        `${m.calls} tick${m.calls === 1 ? '' : 's'} ≈ ${fmt(((m.calls - 1) * TICK_MINUTES * 60 + m.longestCallSeconds) / 3600, 1)} h`,
        fmt(r.n / m.wallSeconds),
        fmt(per.total, 1),
        per.top.map(([a, v]) => `${shortAction(a)} ${fmt(v, 1)}`).join(', '),
        fmt(functionSeconds(m.stats), 1),
        `${fmt(m.longestCallSeconds, 1)} / ${fmt(m.summary.timing.longestShardMs / 1000, 1)}${m.summary.timing.workerFailures ? ` (${m.summary.timing.workerFailures} worker calls failed)` : ''}`,
        fmt(m.summary.timing.prepareMs / 1000, 1),
        transitions(m.summary.transitions),
        m.summary.neighbors ? `${fmt(m.summary.neighbors.items)} / ${fmt(m.summary.neighbors.purchases)}` : '–',
        `${m.summary.models.source} (sample ${fmt(m.summary.models.sample)})`,
        fmt(m.summary.scored),
        fmt(m.summary.written),
        `${fmt(m.check.scoredAtRun)} / ${fmt(m.check.withTierId)}`,
      ]
    }),
  )
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n')
}

/**
 * The one table `npm run bench` prints on stdout: every member and staff action (p50/p95 latency,
 * database requests per call), each function's cold start, `admin.report` at each report size, the
 * daily job's throughput per run, and the orders part (history import, binds crediting it, the job
 * and recommendations after it, the orders API). The detailed tables (per request kind,
 * transitions) go to stderr.
 */
export function formatSummaryTable(results: BenchResult[], actions: ActionsResult | undefined, reports: ReportBenchResult[] = [], orders?: OrdersBenchResult): string {
  const head = ['what', 'p50 ms', 'p95 ms', 'db requests', 'cold start ms', 'throughput']
  const rows: string[][] = []
  for (const x of actions?.rows ?? []) {
    const name = `${x.fn}.${x.action}`
    rows.push(
      x.skipped || !x.ok
        ? [name, '–', '–', '–', '–', x.skipped ? `not measured: ${x.skipped}` : 'no call answered ok']
        : [name, fmt(x.p50Ms, 1), fmt(x.p95Ms, 1), `${fmt(x.dbPerCall, 1)} / call`, '–', '–'],
    )
  }
  for (const c of actions?.coldStarts ?? []) rows.push([`function ${c.fn}: first call after start`, fmt(c.warmP50Ms, 1), '–', '–', fmt(c.coldMs), '–'])
  rows.push(...reportSummaryRows(reports))
  for (const r of results) {
    for (const which of ['first', 'second'] as const) {
      const m = r[which]
      rows.push([
        `tiers job, ${fmt(r.n)} members, ${which === 'first' ? 'first run' : 'forced rerun'}`,
        '–',
        '–',
        `${fmt(perThousand(m.stats, r.n).total, 1)} / 1,000 members`,
        '–',
        `${fmt(r.n / m.wallSeconds)} members/s (${fmt(m.wallSeconds, 1)} s; function time ${fmt(functionSeconds(m.stats), 1)} s)`,
      ])
    }
    const s = r.segment
    rows.push([
      `saved segment's members found, ${fmt(r.n)} members`,
      '–',
      '–',
      `${fmt((s.requests * 1000) / r.n, 1)} / 1,000 members`,
      '–',
      `${fmt(s.members)} found in ${fmt(s.wallSeconds, 1)} s (${fmt(s.steps)} steps; function time ${fmt(s.functionSeconds, 1)} s)`,
    ])
  }
  if (orders) rows.push(...ordersSummaryRows(orders))
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n')
}

async function main(): Promise<void> {
  let args: ReturnType<typeof parseBenchArgs>
  try {
    args = parseBenchArgs(process.argv.slice(2))
  } catch (err) {
    console.error((err as Error).message)
    process.exit(2)
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      cleanUpRuns()
      process.exit(130)
    })
  }
  const results: BenchResult[] = []
  let actions: ActionsResult | undefined
  const reports: ReportBenchResult[] = []
  let orders: OrdersBenchResult | undefined
  // the database alone (bench-storage.ts), at --sizes: only when asked, its seeds are large
  const storage: StorageBenchResult[] = []
  if (args.only === 'storage') {
    try {
      for (const n of args.sizes) {
        storage.push(await benchStorage(n, { seed: args.seed }))
        stderr(formatStorageTable(storage.slice(-1)))
      }
    } catch (err) {
      console.error(err)
      process.exitCode = 1
    }
    if (storage.length) console.log(formatStorageTable(storage))
    return
  }
  try {
    await ensureFunctionsBuilt()
    if (args.only === undefined || args.only === 'tiers') {
      for (const n of args.sizes) {
        results.push(await benchSize(n, { seed: args.seed, seedCache: args.seedCache }))
        stderr(`${formatResults(results.slice(-1))}\n\n${formatSegmentTable(results.slice(-1))}`)
      }
    }
  } catch (err) {
    console.error(err)
    process.exitCode = 1
  }
  if (args.only === undefined || args.only === 'actions') {
    try {
      actions = await benchActions({ members: args.actionsMembers, products: args.actionsProducts, reps: args.actionsReps, seed: args.seed, seedCache: args.seedCache })
      stderr(formatActionsTable(actions))
    } catch (err) {
      console.error(err)
      process.exitCode = 1
    }
  }
  if (args.only === undefined || args.only === 'report') {
    try {
      for (const members of args.reportSizes ?? DEFAULT_REPORT_SIZES) {
        reports.push(await benchReport({ members, reps: args.reportReps, seed: args.seed, seedCache: args.seedCache }))
        stderr(formatReportTable(reports.slice(-1)))
      }
    } catch (err) {
      console.error(err)
      process.exitCode = 1
    }
  }
  if (args.only === undefined || args.only === 'orders') {
    try {
      const { failures, ...measured } = await benchOrders({
        history: { file: args.historyFile, limit: args.historyLimit },
        api: { members: args.ordersMembers, reps: args.ordersReps, seed: args.seed },
      })
      orders = measured
      for (const f of failures) console.error(f)
      if (failures.length) process.exitCode = 1
    } catch (err) {
      console.error(err)
      process.exitCode = 1
    }
  }
  if (results.length) stderr(`\n${formatResults(results)}\n\n${formatSegmentTable(results)}`)
  if (actions) stderr(`\n${formatActionsTable(actions)}`)
  if (reports.length) stderr(`\n${formatReportTable(reports)}`)
  if (orders) stderr(`\n${formatOrdersTables(orders)}`)
  if (results.length || actions || reports.length || orders) console.log(formatSummaryTable(results, actions, reports, orders))
}

if (require.main === module) void main()
