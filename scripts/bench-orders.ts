/**
 * The "orders" part of `npm run bench` (issue 12, "Measure"): two benchmarks, each on a fresh emulator
 * (temporary data dir, no timers, a private copy of the built functions so a rebuild elsewhere cannot
 * swap them mid-run).
 *
 * A. History import of the UCI Online Retail data set (vendored in `test/fixtures/data/online_retail`, CC BY 4.0;
 *    `--history-file <path>`; skipped, saying so, when the file is not there). The file is converted
 *    into the import CSV of `npm run import -- orders`: one order per invoice (rows of an invoice
 *    gathered wherever they are; the first row's InvoiceDate for all, read as **Shanghai local
 *    time**, as the importer reads times without an offset), the member by external id (CustomerID
 *    without `.0`), store_id = the country slugified (`united-kingdom`), sku = StockCode, title =
 *    Description (trimmed, ≤ 60), category = **the description's last word, lower-cased** (the data has
 *    none: `… T-LIGHT HOLDER` → `holder`), price_fen = round(UnitPrice × 100), amount_fen empty (the
 *    lines' sum). Skipped and counted: cancellations (invoices starting with `C`), rows without a
 *    CustomerID, lines with quantity ≤ 0 or price ≤ 0, lines over the API's 9,999 quantity. Orders
 *    over the API's 200 lines are kept: the importer rejects them (counted in `rejected`).
 *    With the functions' clock pinned to 2011-12-10T12:00:00+08:00:
 *      1. the customers go in with `admin.importMembers` (500 a call; phone `139` + the id in 8 digits,
 *         joinDate = the day of their first order), and every other customer (even positions in id
 *         order) signs up and binds that phone (member.login → requestPhoneCode → bindPhoneBySms);
 *      2. the converted file is imported by the CLI's own `importOrdersFile` (no points, as the CLI's
 *         default): wall time, orders / s, database requests per order (`DELETE /stats` before,
 *         `GET /stats` after);
 *      3. the other half signs up and binds: each `bindPhoneBySms` timed (it credits the orders waiting
 *         for that external id within its 4 s budget), with its requests; orders credited / s of binding;
 *      4. the placeholder products the import created are completed (`admin.importProducts`, on sale;
 *         non-goods codes such as POST, DOT, M, BANK CHARGES stay off sale), as the brand would;
 *      5. the `tiers` job runs to completion (force on the first call);
 *      6. `member.recommendations` for 50 customers with ≥ 2 orders: non-empty answers, items with a
 *         reason from the customer's own purchases, p50/p95, requests per call.
 *    `--history-limit <orders>` takes whole customers (in id order) until that many orders.
 * B. Orders API at 100,000 members (`--orders-members`, `--orders-reps`): members seeded into the
 *    snapshot (scripts/bench-seed.ts), an API key, 50 products imported; then M orders (default 300)
 *    sent one by one to `POST /api/orders`, signed, for random seeded members by memberNo, 1–3 lines;
 *    100 orders for phones no member has (pending) and 50 refunds (half full, half partial) of the
 *    credited orders, each with its requests counted around the call. One warm-up order first.
 */
import fs from 'fs'
import os from 'os'
import path from 'path'
import readline from 'readline'
import zlib from 'zlib'
import { performance } from 'perf_hooks'
import { signRequest } from '../domain/orders'
import { DEFAULT_PRIVACY_POLICY } from '../types/consent'
import type { RunSummary } from '../types/jobs'
import { deployCollections, ROOT, sdkFor, setClock, startEmulator, type RunningEmulator } from './emulator-process'
import { percentile } from './bench-actions'
import { callFunction, requestStats, seconds, stderr, trackRun, type RequestStats, fmt, must } from './bench-emulator'
import { benchProducts, docPages, openBenchStore, seededRandom, seedSnapshot } from './bench-seed'
import { ensureFunctionsBuilt } from './builds'
import { importOrdersFile, type OrdersSummary, type Progress } from './import-orders'
import { ORDER_COLUMNS, parseCsvLine } from './order-file'

export const DEFAULT_HISTORY_FILE = path.resolve(ROOT, 'test/fixtures/data/online_retail/online_retail_2010-12_2011-12.csv.gz')
/** The functions' clock during part A: the day after the data set's last invoice (2011-12-09). */
export const HISTORY_NOW = '2011-12-10T12:00:00+08:00'
export const HISTORY_SOURCE = 'online-retail'
export const DEFAULT_RECOMMEND_MEMBERS = 50
export const DEFAULT_ORDERS_MEMBERS = 100_000
export const DEFAULT_ORDERS_REPS = 300
export const DEFAULT_PENDING_ORDERS = 100
export const DEFAULT_REFUNDS = 50

/** What the order API accepts (types/orders.ts): lines per order, quantity per line. */
const MAX_LINES = 200
const MAX_QUANTITY = 9_999
/** StockCodes that are no goods (postage, fees, manual adjustments): left off sale in the catalog. */
const NON_GOODS = new Set(['POST', 'DOT', 'M', 'C2', 'PADS', 'BANK CHARGES', 'AMAZONFEE', 'CRUK', 'D', 'S', 'B'])
const PRODUCT_ID = /^[\w-]{1,64}$/
const START_TIMEOUT_MS = 600_000
const MEMBER_BATCH = 500
const SETUP_CONCURRENCY = 4

const dbTotal = (s: RequestStats) => Object.entries(s.requests).reduce((sum, [k, v]) => sum + (k.startsWith('database.') ? v : 0), 0)

// ---------------------------------------------------------------------------------------------
// Converting the Online Retail file

export interface RetailLine {
  sku: string
  title: string
  category: string
  quantity: number
  priceFen: number
}

export interface RetailInvoice {
  invoice: string
  customer: string
  country: string
  /** the first row's InvoiceDate, as written (`2010-12-01 08:26:00`: Shanghai local time) */
  createdAt: string
  lines: RetailLine[]
}

export interface ConversionCounts {
  /** data rows in the file */
  rows: number
  /** rows of invoices starting with C, and those invoices */
  cancellationRows: number
  cancellations: number
  /** rows without a CustomerID (not cancellations) */
  noCustomerRows: number
  /** lines with quantity ≤ 0 or price ≤ 0 */
  badLines: number
  /** lines over the API's 9,999 quantity */
  overQuantityLines: number
  /** what the converted file holds (after --history-limit) */
  customers: number
  orders: number
  lines: number
  /** orders over the API's 200 lines (the importer rejects them) */
  ordersOver200Lines: number
  /** what the whole file would give without --history-limit */
  allCustomers: number
  allOrders: number
}

export interface Conversion {
  counts: ConversionCounts
  invoices: RetailInvoice[]
  /** customer id → their orders and the Shanghai day of their first one */
  customers: Map<string, { orders: number; firstDay: string }>
}

/** One line of the data set → its fields (a quoted field left open is taken to the line's end). */
const csvFields = (line: string): string[] => parseCsvLine(line) ?? parseCsvLine(`${line}"`) ?? [line]

export const slug = (s: string) =>
  s
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 32) || 'unknown'

/** The last word with letters of a description, lower-cased (`WHITE HANGING HEART T-LIGHT HOLDER` → `holder`); '' without one. */
export function categoryOf(description: string): string {
  const words = description
    .toLowerCase()
    .split(/[^a-z]+/)
    .filter(w => w.length > 1)
  return (words[words.length - 1] ?? '').slice(0, 40)
}

/** Reads the (gzipped) Online Retail CSV, skipping and counting what the bench does not import. */
export async function convertOnlineRetail(file: string, opts: { limit?: number } = {}): Promise<Conversion> {
  const input = fs.createReadStream(file)
  const stream = file.endsWith('.gz') ? input.pipe(zlib.createGunzip()) : input
  const rl = readline.createInterface({ input: stream, crlfDelay: Infinity })
  const counts: ConversionCounts = {
    rows: 0,
    cancellationRows: 0,
    cancellations: 0,
    noCustomerRows: 0,
    badLines: 0,
    overQuantityLines: 0,
    customers: 0,
    orders: 0,
    lines: 0,
    ordersOver200Lines: 0,
    allCustomers: 0,
    allOrders: 0,
  }
  const cancelled = new Set<string>()
  const byInvoice = new Map<string, RetailInvoice>()
  let col: Record<string, number> | null = null
  for await (let text of rl) {
    if (!col) {
      text = text.replace(/^\uFEFF/, '')
      const names = csvFields(text).map(h => h.trim())
      col = Object.fromEntries(names.map((n, i) => [n, i]))
      for (const need of ['InvoiceNo', 'StockCode', 'Description', 'Quantity', 'InvoiceDate', 'UnitPrice', 'CustomerID', 'Country']) {
        if (col[need] === undefined) throw new Error(`${file}: no ${need} column (the UCI Online Retail columns are InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country)`)
      }
      continue
    }
    if (!text.trim()) continue
    counts.rows++
    const f = csvFields(text)
    const cell = (name: string) => (f[col![name]] ?? '').trim()
    const invoice = cell('InvoiceNo')
    if (/^c/i.test(invoice)) {
      counts.cancellationRows++
      cancelled.add(invoice)
      continue
    }
    const customer = cell('CustomerID').replace(/\.0+$/, '')
    if (!customer) {
      counts.noCustomerRows++
      continue
    }
    const quantity = Number(cell('Quantity'))
    const price = Number(cell('UnitPrice'))
    if (!(quantity > 0) || !(price > 0) || !Number.isInteger(quantity)) {
      counts.badLines++
      continue
    }
    if (quantity > MAX_QUANTITY) {
      counts.overQuantityLines++
      continue
    }
    let inv = byInvoice.get(invoice)
    if (!inv) byInvoice.set(invoice, (inv = { invoice, customer, country: cell('Country'), createdAt: cell('InvoiceDate'), lines: [] }))
    const description = cell('Description').replace(/\s+/g, ' ')
    inv.lines.push({ sku: cell('StockCode'), title: description.slice(0, 60).trim(), category: categoryOf(description), quantity, priceFen: Math.round(price * 100) })
  }
  counts.cancellations = cancelled.size
  const all = [...byInvoice.values()]
  const perCustomer = new Map<string, number>()
  for (const inv of all) perCustomer.set(inv.customer, (perCustomer.get(inv.customer) ?? 0) + 1)
  counts.allCustomers = perCustomer.size
  counts.allOrders = all.length
  // --history-limit: whole customers, in id order, until that many orders
  let keep: Set<string> | null = null
  if (opts.limit !== undefined && opts.limit < all.length) {
    keep = new Set()
    let orders = 0
    for (const id of [...perCustomer.keys()].sort(byCustomerId)) {
      if (orders >= opts.limit) break
      keep.add(id)
      orders += perCustomer.get(id)!
    }
  }
  const invoices = keep ? all.filter(inv => keep!.has(inv.customer)) : all
  const customers = new Map<string, { orders: number; firstDay: string }>()
  for (const inv of invoices) {
    const c = customers.get(inv.customer)
    const day = inv.createdAt.slice(0, 10)
    if (!c) customers.set(inv.customer, { orders: 1, firstDay: day })
    else {
      c.orders++
      if (day < c.firstDay) c.firstDay = day
    }
  }
  counts.customers = customers.size
  counts.orders = invoices.length
  counts.lines = invoices.reduce((s, inv) => s + inv.lines.length, 0)
  counts.ordersOver200Lines = invoices.filter(inv => inv.lines.length > MAX_LINES).length
  return { counts, invoices, customers }
}

const byCustomerId = (a: string, b: string) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0)
const csvCell = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)

/** The import CSV of `npm run import -- orders` (one row per line, an order's rows adjacent). */
export function writeImportCsv(invoices: RetailInvoice[], file: string): void {
  const fd = fs.openSync(file, 'w')
  try {
    let buf = `${ORDER_COLUMNS.join(',')}\n`
    for (const inv of invoices) {
      for (const l of inv.lines) {
        const row: Record<(typeof ORDER_COLUMNS)[number], string> = {
          order_id: inv.invoice,
          created_at: inv.createdAt,
          member_no: '',
          phone: '',
          external_id: inv.customer,
          store_id: slug(inv.country),
          amount_fen: '',
          sku: l.sku,
          title: l.title,
          category: l.category,
          quantity: String(l.quantity),
          price_fen: String(l.priceFen),
        }
        buf += `${ORDER_COLUMNS.map(c => csvCell(row[c])).join(',')}\n`
      }
      if (buf.length > 1 << 20) {
        fs.writeSync(fd, buf)
        buf = ''
      }
    }
    fs.writeSync(fd, buf)
  } finally {
    fs.closeSync(fd)
  }
}

/** A synthetic, unique mainland mobile per customer id: `139` + the id in 8 digits. */
export const phoneOf = (customer: string) => `139${customer.replace(/\D/g, '').padStart(8, '0').slice(-8)}`
export const openidOf = (customer: string) => `o_retail_${customer}`

// ---------------------------------------------------------------------------------------------
// Shared helpers

/**
 * A copy of the built functions under node_modules/.cache (so `wx-server-sdk` still resolves from the
 * repo): other work rebuilding dist/cloudfunctions during a long run cannot replace the instances.
 */
function functionsSnapshot(): { dir: string; remove: () => void } {
  const cache = path.join(ROOT, 'node_modules', '.cache')
  fs.mkdirSync(cache, { recursive: true })
  const dir = fs.mkdtempSync(path.join(cache, 'bench-orders-functions-'))
  fs.cpSync(path.join(ROOT, 'dist/cloudfunctions'), dir, { recursive: true })
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) }
}

async function eachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++])
    }),
  )
}

/** Latency and requests of a series of calls (each counted on its own). */
export interface CallSeries {
  calls: number
  /** calls that answered as expected (the figures are over these) */
  ok: number
  /** HTTP statuses answered */
  statuses: Record<string, number>
  p50Ms: number
  p95Ms: number
  maxMs: number
  /** database requests per call (mean), and every request kind per call */
  dbPerCall: number
  perCall: Record<string, number>
  errors: string[]
}

class Series {
  private ms: number[] = []
  private kinds: Record<string, number> = {}
  private statuses: Record<string, number> = {}
  private errors: string[] = []
  private calls = 0
  add(status: number, ok: boolean, ms: number, stats: RequestStats | null, error?: string): void {
    this.calls++
    this.statuses[status] = (this.statuses[status] ?? 0) + 1
    if (!ok) {
      if (this.errors.length < 3) this.errors.push(error ?? `HTTP ${status}`)
      return
    }
    this.ms.push(ms)
    for (const [k, v] of Object.entries(stats?.requests ?? {})) this.kinds[k] = (this.kinds[k] ?? 0) + v
  }
  result(): CallSeries {
    const ok = this.ms.length
    const perCall = Object.fromEntries(
      Object.entries(this.kinds)
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => [k, v / ok]),
    )
    return {
      calls: this.calls,
      ok,
      statuses: this.statuses,
      p50Ms: percentile(this.ms, 50),
      p95Ms: percentile(this.ms, 95),
      maxMs: this.ms.length ? Math.max(...this.ms) : NaN,
      dbPerCall: Object.entries(perCall).reduce((s, [k, v]) => s + (k.startsWith('database.') ? v : 0), 0),
      perCall,
      errors: this.errors,
    }
  }
}

/** Calls `fn` with the emulator's request counters reset before and read after. */
async function counted<T>(emu: RunningEmulator, fn: () => Promise<T>): Promise<{ value: T; ms: number; stats: RequestStats }> {
  await requestStats(emu, 'DELETE')
  const t = performance.now()
  const value = await fn()
  const ms = performance.now() - t
  return { value, ms, stats: await requestStats(emu) }
}

/**
 * `tiers.run` until done (force on the first call), then until its item neighbours are there: the run
 * asks for them in their own invocation, which may outlast the `run` call (the SDK's call timeout);
 * a call then comes again after a pause, as the next timer tick would. A failed call is repeated the same way.
 */
async function runTiers(emu: RunningEmulator, log: (line: string) => void): Promise<HistoryResult['tiers']> {
  await requestStats(emu, 'DELETE')
  const started = performance.now()
  const failures: string[] = []
  let scoredSeconds: number | null = null
  for (let calls = 1; calls <= 200; calls++) {
    const a = await callFunction(emu, 'tiers', { action: 'run', ...(calls === 1 ? { force: true } : {}) })
    if (a.status === 200 && a.body?.ok) {
      const s = a.body.data as RunSummary
      log(
        `  tiers: call ${calls} answered ${s.status} after ${seconds(started).toFixed(1)} s (shards ${s.shardsDone}/${s.shards}, scored ${s.scored}, written ${s.written}, neighbours ${s.neighbors ? s.neighbors.items : 'not yet'})`,
      )
      if (s.status === 'done') scoredSeconds ??= seconds(started)
      if (s.status === 'done' && s.neighbors) {
        const stats = await requestStats(emu)
        return {
          calls,
          failures,
          wallSeconds: seconds(started),
          scoredSeconds: scoredSeconds!,
          scored: s.scored,
          written: s.written,
          transitions: s.transitions,
          models: s.models.source,
          neighbors: s.neighbors,
          dbRequests: dbTotal(stats),
        }
      }
      if (s.status === 'done') await new Promise(resolve => setTimeout(resolve, 3_000))
      continue
    }
    const why = `call ${calls}: HTTP ${a.status} ${a.body?.code ?? ''} ${String(a.body?.message ?? '').slice(0, 200)}`
    failures.push(why)
    if (failures.length >= 20) throw new Error(`tiers: ${failures.length} failed calls; last: ${why}`)
    log(`  tiers: ${why} — calling again in 5 s`)
    await new Promise(resolve => setTimeout(resolve, 5_000))
  }
  throw new Error('tiers: not done after 200 calls')
}

// ---------------------------------------------------------------------------------------------
// A. History import

export interface HistoryOptions {
  /** the Online Retail file (default test/fixtures/data/online_retail/online_retail_2010-12_2011-12.csv.gz) */
  file?: string
  /** about this many orders: whole customers in id order */
  limit?: number
  /** customers asked for recommendations (default 50) */
  recommendMembers?: number
  log?: (line: string) => void
  /** the importer's progress line (default: the CLI's own on stderr; null: none) */
  progress?: Progress | null
}

export interface HistoryResult {
  file: string
  limit: number | null
  timeZone: 'Asia/Shanghai'
  now: string
  conversion: ConversionCounts & { seconds: number }
  members: { rows: number; created: number; errors: number; seconds: number }
  /** customers signed up and bound before the import (their orders credited directly) */
  boundBefore: { members: number; seconds: number }
  import: {
    orders: number
    lines: number
    imported: number
    pending: number
    unchanged: number
    rejected: number
    /** rejected orders by code and field */
    rejectedBy: Record<string, number>
    wallSeconds: number
    ordersPerSecond: number
    /** database requests over the orders written (imported, pending, or unchanged: see `resent`) */
    dbPerOrder: number
    perOrder: Record<string, number>
    dbRequests: number
    /** batches (or their unfinished orders) the CLI sent again: a timeout, unfinished orders or contention */
    resent: number
  }
  /** the other half binding after the import: their pending orders are credited by the binding */
  bindAfter: CallSeries & { pendingBefore: number; credited: number; leftPending: number; creditedPerSecond: number; totalSeconds: number }
  catalog: { products: number; onSale: number; seconds: number }
  /** wallSeconds: until the neighbours were there; scoredSeconds: until a call answered `done` */
  tiers: {
    calls: number
    failures: string[]
    wallSeconds: number
    scoredSeconds: number
    scored: number
    written: number
    transitions: Record<string, number>
    models: string
    neighbors: RunSummary['neighbors']
    dbRequests: number
  }
  recommendations: CallSeries & {
    asked: number
    nonEmpty: number
    /** members with at least one item whose reason names something they bought */
    withOwnReason: number
    items: number
    /** items 因为你买过「…」 / 购买「…」的会员也买了 (both name an item from the member's own purchases) */
    itemsBought: number
    itemsAlsoBought: number
    samples: string[]
  }
  dataDir: string
}

export type HistoryOutcome = HistoryResult | { skipped: string; file: string }

export async function benchHistory(opts: HistoryOptions = {}): Promise<HistoryOutcome> {
  const log = opts.log ?? stderr
  const file = path.resolve(opts.file ?? DEFAULT_HISTORY_FILE)
  if (!fs.existsSync(file)) {
    const skipped = `${file} not found (the UCI Online Retail data set; --history-file <path>): history import not measured`
    log(`history: ${skipped}`)
    return { skipped, file }
  }
  await ensureFunctionsBuilt()
  const functions = functionsSnapshot()
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-history-'))
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-history-work-'))
  const { run: current, finish } = trackRun(dataDir)
  try {
    log(`history: converting ${file}${opts.limit ? ` (about ${fmt(opts.limit)} orders)` : ''}`)
    let t = performance.now()
    const conv = await convertOnlineRetail(file, { limit: opts.limit })
    const csv = path.join(work, 'online-retail-orders.csv')
    writeImportCsv(conv.invoices, csv)
    const c = conv.counts
    const conversion = { ...c, seconds: seconds(t) }
    log(
      `  ${fmt(c.rows)} rows: ${fmt(c.cancellations)} cancellations (${fmt(c.cancellationRows)} rows), ${fmt(c.noCustomerRows)} rows without customer, ${fmt(c.badLines)} lines with quantity or price ≤ 0, ${fmt(c.overQuantityLines)} over ${fmt(MAX_QUANTITY)}; → ${fmt(c.customers)} customers, ${fmt(c.orders)} orders, ${fmt(c.lines)} lines (${c.ordersOver200Lines} orders over ${MAX_LINES} lines) in ${conversion.seconds.toFixed(1)} s`,
    )

    t = performance.now()
    const emu = (current.emu = await startEmulator({ dataDir, args: ['--no-timers', '--functions-dir', functions.dir], startTimeoutMs: START_TIMEOUT_MS }))
    // a fresh environment: the collections the code declares, as a deploy creates them
    await deployCollections(emu)
    await setClock(emu, HISTORY_NOW)
    log(`  emulator up in ${seconds(t).toFixed(1)} s at ${emu.baseUrl}, clock pinned to ${HISTORY_NOW}`)

    // 1. members first, then half of them sign up and bind
    const ids = [...conv.customers.keys()].sort(byCustomerId)
    t = performance.now()
    const members = { rows: ids.length, created: 0, errors: 0, seconds: 0 }
    for (let i = 0; i < ids.length; i += MEMBER_BATCH) {
      const rows = ids.slice(i, i + MEMBER_BATCH).map(id => ({ externalId: id, phone: phoneOf(id), joinDate: conv.customers.get(id)!.firstDay }))
      let report: { created: number; attached: number; updated: number; unchanged: number; unfinished: number; rowErrors: Array<{ code: string; message: string }> } | undefined
      for (let attempt = 1; attempt <= 5; attempt++) {
        report = await must(emu, 'admin', { action: 'importMembers', batchId: `bench-retail-${i / MEMBER_BATCH + 1}`, rows })
        members.created += report!.created
        if (!report!.unfinished && !report!.rowErrors.some(e => e.code === 'CONFLICT')) break
      }
      members.errors += report!.rowErrors.length
      if (report!.rowErrors.length) log(`  importMembers: ${report!.rowErrors.length} row errors, e.g. ${report!.rowErrors[0].code} ${report!.rowErrors[0].message}`)
    }
    members.seconds = seconds(t)
    log(`  ${fmt(members.created)} members imported in ${members.seconds.toFixed(1)} s (${members.errors} errors)`)

    const before = ids.filter((_id, i) => i % 2 === 0)
    const after = ids.filter((_id, i) => i % 2 === 1)
    const bind = async (id: string) => {
      await must(emu, 'member', { action: 'login' }, openidOf(id))
      // binding a phone needs the member's consent to the privacy guide (the app asks first)
      await must(emu, 'member', { action: 'agreePrivacy', version: DEFAULT_PRIVACY_POLICY.version }, openidOf(id))
      const sms = await must(emu, 'member', { action: 'requestPhoneCode', phone: phoneOf(id) }, openidOf(id))
      return callFunction(emu, 'member', { action: 'bindPhoneBySms', phone: phoneOf(id), smsCode: sms.devCode }, openidOf(id))
    }
    t = performance.now()
    await eachLimited(before, SETUP_CONCURRENCY, async id => {
      const a = await bind(id)
      if (a.status !== 200 || !a.body?.ok) throw new Error(`bind ${id}: HTTP ${a.status} ${JSON.stringify(a.body).slice(0, 300)}`)
    })
    const boundBefore = { members: before.length, seconds: seconds(t) }
    log(`  ${fmt(before.length)} customers signed up and bound their phone before the import (${boundBefore.seconds.toFixed(1)} s)`)

    // 2. the import, through the CLI's own code
    log(`  importing ${csv} with importOrdersFile (source ${HISTORY_SOURCE}, no points)`)
    let resent = 0
    const importLog = (line: string) => {
      if (/sending (it|them) again/.test(line)) resent++
      log(line)
    }
    const imported = await counted(emu, () =>
      importOrdersFile(
        { file: csv, source: HISTORY_SOURCE, awardPoints: false, dryRun: false, port: emu.port, stateDir: work },
        { log: importLog, keepErrors: 100_000, ...(opts.progress !== undefined ? { progress: opts.progress } : {}) },
      ),
    )
    const s: OrdersSummary = imported.value
    // written: on a fresh data dir an `unchanged` order was written by an attempt whose answer was lost (a timeout) and sent again
    const received = s.imported + s.pending + s.unchanged
    const rejectedBy: Record<string, number> = {}
    for (const e of s.errors) {
      const k = `${e.code}${e.field ? ` (${e.field})` : ''}`
      rejectedBy[k] = (rejectedBy[k] ?? 0) + 1
    }
    const perOrder = Object.fromEntries(
      Object.entries(imported.stats.requests)
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => [k, v / Math.max(1, received)]),
    )
    const importResult: HistoryResult['import'] = {
      orders: s.orders,
      lines: s.lines,
      imported: s.imported,
      pending: s.pending,
      unchanged: s.unchanged,
      rejected: s.rejected,
      rejectedBy,
      wallSeconds: imported.ms / 1000,
      ordersPerSecond: s.orders / (imported.ms / 1000),
      dbPerOrder: dbTotal(imported.stats) / Math.max(1, received),
      perOrder,
      dbRequests: dbTotal(imported.stats),
      resent,
    }
    log(
      `  imported ${fmt(s.imported)}, pending ${fmt(s.pending)}, unchanged ${fmt(s.unchanged)}, rejected ${fmt(s.rejected)} ${JSON.stringify(rejectedBy)}, ${resent} batches sent again, in ${importResult.wallSeconds.toFixed(1)} s: ${fmt(importResult.ordersPerSecond, 1)} orders/s, ${fmt(importResult.dbPerOrder, 1)} database requests per order (${Object.entries(
        perOrder,
      )
        .slice(0, 6)
        .map(([k, v]) => `${k.replace(/^database\./, '')} ${fmt(v, 2)}`)
        .join(', ')})`,
    )

    // 3. the other half binds: their orders were waiting for their external id
    const orders = sdkFor(emu).database().collection('orders')
    const pendingBefore = (await orders.where({ status: 'pending' }).count()).total
    const binds = new Series()
    let bindMs = 0
    t = performance.now()
    for (const [k, id] of after.entries()) {
      await must(emu, 'member', { action: 'login' }, openidOf(id))
      // binding a phone needs the member's consent to the privacy guide (the app asks first)
      await must(emu, 'member', { action: 'agreePrivacy', version: DEFAULT_PRIVACY_POLICY.version }, openidOf(id))
      const sms = await must(emu, 'member', { action: 'requestPhoneCode', phone: phoneOf(id) }, openidOf(id))
      const r = await counted(emu, () => callFunction(emu, 'member', { action: 'bindPhoneBySms', phone: phoneOf(id), smsCode: sms.devCode }, openidOf(id)))
      const ok = r.value.status === 200 && r.value.body?.ok === true
      binds.add(r.value.status, ok, r.value.ms, r.stats, `${r.value.body?.code ?? ''} ${String(r.value.body?.message ?? '').slice(0, 160)}`)
      bindMs += r.value.ms
      if ((k + 1) % 500 === 0) log(`  bound ${fmt(k + 1)} / ${fmt(after.length)} after the import (${seconds(t).toFixed(0)} s)`)
    }
    const leftPending = (await orders.where({ status: 'pending' }).count()).total
    const credited = pendingBefore - leftPending
    const bindAfter = { ...binds.result(), pendingBefore, credited, leftPending, creditedPerSecond: credited / (bindMs / 1000), totalSeconds: bindMs / 1000 }
    log(
      `  ${fmt(after.length)} binds after the import: p50 ${fmt(bindAfter.p50Ms, 1)} ms, p95 ${fmt(bindAfter.p95Ms, 1)} ms, max ${fmt(bindAfter.maxMs)} ms; ${fmt(credited)} of ${fmt(pendingBefore)} pending orders credited (${fmt(bindAfter.creditedPerSecond, 1)} / s of binding), ${fmt(leftPending)} left for the daily sweep`,
    )

    // 4. the brand completes the placeholder products (on sale; non-goods codes stay off)
    const catalogOf = new Map<string, RetailLine>()
    for (const inv of conv.invoices) for (const l of inv.lines) if (PRODUCT_ID.test(l.sku)) catalogOf.set(l.sku, l)
    const products = [...catalogOf.values()].map(l => ({ productId: l.sku, title: l.title || l.sku, category: l.category || 'other', priceFen: l.priceFen, onSale: !NON_GOODS.has(l.sku) }))
    t = performance.now()
    for (let i = 0; i < products.length; i += 500) await must(emu, 'admin', { action: 'importProducts', products: products.slice(i, i + 500) })
    const catalog = { products: products.length, onSale: products.filter(p => p.onSale).length, seconds: seconds(t) }
    log(`  ${fmt(catalog.products)} products completed (${fmt(catalog.onSale)} on sale) in ${catalog.seconds.toFixed(1)} s`)

    // 5. the daily job on that base
    const tiers = await runTiers(emu, log)
    log(`  tiers: done in ${tiers.wallSeconds.toFixed(1)} s, ${tiers.calls} calls, scored ${fmt(tiers.scored)}, neighbours ${JSON.stringify(tiers.neighbors)}`)

    // 6. recommendations for customers with 2+ orders, spread over the id order (both halves)
    const repeat = ids.filter(id => conv.customers.get(id)!.orders >= 2)
    const want = Math.min(opts.recommendMembers ?? DEFAULT_RECOMMEND_MEMBERS, repeat.length)
    const asked = Array.from({ length: want }, (_x, i) => repeat[Math.floor((i * repeat.length) / want)])
    const recs = new Series()
    let nonEmpty = 0
    let withOwnReason = 0
    let items = 0
    let itemsBought = 0
    let itemsAlsoBought = 0
    const samples: string[] = []
    for (const id of asked) {
      const r = await counted(emu, () => callFunction(emu, 'member', { action: 'recommendations' }, openidOf(id)))
      const ok = r.value.status === 200 && r.value.body?.ok === true
      recs.add(r.value.status, ok, r.value.ms, r.stats, `${r.value.body?.code ?? ''} ${String(r.value.body?.message ?? '').slice(0, 160)}`)
      if (!ok) continue
      const list = (r.value.body.data.items ?? []) as Array<{ title: string; reason: string }>
      items += list.length
      if (list.length) nonEmpty++
      const bought = list.filter(x => x.reason.startsWith('因为你买过「')).length
      const also = list.filter(x => /^购买「.*」的会员也买了$/.test(x.reason)).length
      itemsBought += bought
      itemsAlsoBought += also
      if (bought + also > 0) withOwnReason++
      if (samples.length < 5 && list.length)
        samples.push(
          `${id}: ${list
            .slice(0, 3)
            .map(x => `${x.title} — ${x.reason}`)
            .join('; ')}`,
        )
    }
    const recommendations = { ...recs.result(), asked: asked.length, nonEmpty, withOwnReason, items, itemsBought, itemsAlsoBought, samples }
    log(
      `  recommendations for ${asked.length} customers: ${nonEmpty} non-empty, ${withOwnReason} with a reason from their own purchases (${itemsBought} items 因为你买过, ${itemsAlsoBought} 购买…也买了, of ${items}); p50 ${fmt(recommendations.p50Ms, 1)} ms, p95 ${fmt(recommendations.p95Ms, 1)} ms`,
    )
    for (const line of samples) log(`    ${line}`)

    return { file, limit: opts.limit ?? null, timeZone: 'Asia/Shanghai', now: HISTORY_NOW, conversion, members, boundBefore, import: importResult, bindAfter, catalog, tiers, recommendations, dataDir }
  } finally {
    try {
      await finish(log)
    } finally {
      fs.rmSync(work, { recursive: true, force: true })
      functions.remove()
    }
  }
}

// ---------------------------------------------------------------------------------------------
// B. Orders API

export interface ApiOptions {
  /** members seeded (default 100,000) */
  members?: number
  /** orders for seeded members (default 300) */
  reps?: number
  /** orders for unknown phones (default 100) */
  pending?: number
  /** refunds of credited orders (default 50) */
  refunds?: number
  seed?: number
  log?: (line: string) => void
}

export interface ApiResult {
  members: number
  seedSeconds: number
  startSeconds: number
  orders: CallSeries
  pending: CallSeries
  refunds: CallSeries
  dataDir: string
  load: [number, number]
}

interface ApiKey {
  keyId: string
  secret: string
}

/** Signs and posts one request as a POS would (domain/orders.ts signRequest). */
async function post(emu: RunningEmulator, route: string, key: ApiKey, body: unknown, ts: string): Promise<{ status: number; json: any; ms: number }> {
  const raw = JSON.stringify(body)
  const t = performance.now()
  const res = await fetch(`${emu.baseUrl}${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key-id': key.keyId, 'x-api-timestamp': ts, 'x-api-signature': signRequest(key.secret, ts, raw) },
    body: raw,
  })
  const json = await res.json().catch(() => null)
  return { status: res.status, json, ms: performance.now() - t }
}

export async function benchOrdersApi(opts: ApiOptions = {}): Promise<ApiResult> {
  const log = opts.log ?? stderr
  const n = opts.members ?? DEFAULT_ORDERS_MEMBERS
  const reps = opts.reps ?? DEFAULT_ORDERS_REPS
  const pendingCount = opts.pending ?? DEFAULT_PENDING_ORDERS
  const refundCount = Math.min(opts.refunds ?? DEFAULT_REFUNDS, reps)
  const seed = opts.seed ?? 20_240_601
  await ensureFunctionsBuilt()
  const functions = functionsSnapshot()
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-orders-api-${n}-`))
  const { run: current, finish } = trackRun(dataDir)
  try {
    log(`orders API: N = ${fmt(n)} members; seeding ${dataDir}`)
    let t = performance.now()
    await seedSnapshot(dataDir, { n, now: new Date(), seed })
    // the member numbers, read back from the store just written
    const store = openBenchStore(dataDir)
    const memberNos: string[] = []
    for (const page of docPages(store, 'members')) for (const d of page) memberNos.push(String(d.memberNo))
    await store.close()
    const seedSeconds = seconds(t)
    t = performance.now()
    const emu = (current.emu = await startEmulator({ dataDir, args: ['--no-timers', '--functions-dir', functions.dir], startTimeoutMs: START_TIMEOUT_MS }))
    const startSeconds = seconds(t)
    log(`  seeded in ${seedSeconds.toFixed(1)} s, emulator up in ${startSeconds.toFixed(1)} s`)
    const key = (await must(emu, 'admin', { action: 'createApiKey', name: 'bench POS', ratePerMinute: 10_000 })) as ApiKey
    const catalog = benchProducts(50, seed).map(p => ({ ...p, onSale: true }))
    await must(emu, 'admin', { action: 'importProducts', products: catalog })

    const random = seededRandom(seed ^ 0x5eed)
    const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]
    const run = Date.now().toString(36)
    let k = 0
    // a fresh timestamp per request (a signature is accepted once), now minus a few seconds
    const ts = () => String(Math.floor(Date.now() / 1000) - (k % 100))
    const order = (member: object) => {
      const lines: Array<{ sku: string; title: string; category: string; quantity: number; priceFen: number }> = []
      const count = 1 + Math.floor(random() * 3)
      while (lines.length < count) {
        const p = pick(catalog)
        if (!lines.some(l => l.sku === p.productId)) lines.push({ sku: p.productId, title: p.title, category: p.category, quantity: 1 + Math.floor(random() * 3), priceFen: p.priceFen })
      }
      k++
      return {
        source: 'pos-bench',
        orderId: `B${run}-${k}`,
        createdAt: new Date(Date.now() - 60_000).toISOString(),
        storeId: 'store_bench_1',
        member,
        amountFen: lines.reduce((s, l) => s + l.quantity * l.priceFen, 0),
        lines,
      }
    }
    const warm = await post(emu, '/api/orders', key, order({ memberNo: pick(memberNos) }), ts())
    log(`  warm-up order: HTTP ${warm.status} in ${fmt(warm.ms)} ms`)

    const loadAtStart = os.loadavg()[0]
    const credited: Array<{ orderId: string; amountFen: number }> = []
    const measure = async (series: Series, route: string, body: any, expect: number[]) => {
      const r = await counted(emu, () => post(emu, route, key, body, ts()))
      const ok = expect.includes(r.value.status) && r.value.json?.ok === true
      series.add(r.value.status, ok, r.value.ms, r.stats, `HTTP ${r.value.status} ${r.value.json?.code ?? ''} ${String(r.value.json?.message ?? '').slice(0, 160)}`)
      return ok
    }
    const orders = new Series()
    for (let i = 0; i < reps; i++) {
      const o = order({ memberNo: pick(memberNos) })
      if (await measure(orders, '/api/orders', o, [201])) credited.push({ orderId: o.orderId, amountFen: o.amountFen })
    }
    const ordersResult = orders.result()
    log(
      `  ${reps} orders: p50 ${fmt(ordersResult.p50Ms, 1)} ms, p95 ${fmt(ordersResult.p95Ms, 1)} ms, ${fmt(ordersResult.dbPerCall, 1)} database requests / order ${JSON.stringify(ordersResult.statuses)}`,
    )
    const pending = new Series()
    for (let i = 0; i < pendingCount; i++) await measure(pending, '/api/orders', order({ phone: `137${String(Math.floor(random() * 1e8)).padStart(8, '0')}` }), [202])
    const pendingResult = pending.result()
    log(
      `  ${pendingCount} pending orders: p50 ${fmt(pendingResult.p50Ms, 1)} ms, p95 ${fmt(pendingResult.p95Ms, 1)} ms, ${fmt(pendingResult.dbPerCall, 1)} requests ${JSON.stringify(pendingResult.statuses)}`,
    )
    const refunds = new Series()
    for (const [i, c] of credited.slice(0, refundCount).entries()) {
      // half full (no amount), half partial
      await measure(
        refunds,
        '/api/orders/refund',
        { source: 'pos-bench', orderId: c.orderId, refundId: `R${c.orderId}`, ...(i % 2 && c.amountFen > 1 ? { amountFen: Math.floor(c.amountFen / 2) } : {}), reason: 'bench' },
        [201],
      )
    }
    const refundsResult = refunds.result()
    log(
      `  ${refundsResult.calls} refunds: p50 ${fmt(refundsResult.p50Ms, 1)} ms, p95 ${fmt(refundsResult.p95Ms, 1)} ms, ${fmt(refundsResult.dbPerCall, 1)} requests ${JSON.stringify(refundsResult.statuses)}`,
    )
    return { members: n, seedSeconds, startSeconds, orders: ordersResult, pending: pendingResult, refunds: refundsResult, dataDir, load: [loadAtStart, os.loadavg()[0]] }
  } finally {
    try {
      await finish(log)
    } finally {
      functions.remove()
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Both, and the tables

export interface OrdersBenchOptions {
  history?: HistoryOptions
  api?: ApiOptions
  log?: (line: string) => void
}

export interface OrdersBenchResult {
  history: HistoryOutcome
  api: ApiResult | null
  measuredAt: string
  machine: string
}

export function machine(): string {
  const cpus = os.cpus()
  return `${cpus.length} × ${cpus[0]?.model.trim() ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GB, Node ${process.versions.node}, load ${os.loadavg()[0].toFixed(1)}`
}

/** Part A (when the file is there), then part B; a part that fails is reported and the other still runs. */
export async function benchOrders(opts: OrdersBenchOptions = {}): Promise<OrdersBenchResult & { failures: string[] }> {
  const log = opts.log ?? stderr
  const failures: string[] = []
  const measuredAt = new Date().toISOString()
  const at = machine()
  let history: HistoryOutcome
  try {
    history = await benchHistory({ log, ...opts.history })
  } catch (err) {
    failures.push(`history: ${(err as Error).stack ?? err}`)
    history = { skipped: `failed: ${(err as Error).message}`, file: opts.history?.file ?? DEFAULT_HISTORY_FILE }
  }
  let api: ApiResult | null = null
  try {
    api = await benchOrdersApi({ log, ...opts.api })
  } catch (err) {
    failures.push(`orders API: ${(err as Error).stack ?? err}`)
  }
  return { history, api, measuredAt, machine: at, failures }
}

const kinds = (perCall: Record<string, number>, digits = 1) =>
  Object.entries(perCall)
    .filter(([k]) => k.startsWith('database.'))
    .map(([k, v]) => `${k.replace(/^database\./, '')} ${fmt(v, digits)}`)
    .join(', ')

/** The orders rows of the one summary table (see formatSummaryTable in scripts/bench.ts). */
export function ordersSummaryRows(r: OrdersBenchResult): string[][] {
  const rows: string[][] = []
  const h = r.history
  if ('skipped' in h) rows.push(['history import (Online Retail)', '–', '–', '–', '–', `not measured: ${h.skipped}`])
  else {
    const size = `${fmt(h.import.orders)} orders, ${fmt(h.conversion.customers)} customers`
    rows.push([`history import (Online Retail), ${size}`, '–', '–', `${fmt(h.import.dbPerOrder, 1)} / order`, '–', `${fmt(h.import.ordersPerSecond, 1)} orders/s (${fmt(h.import.wallSeconds, 1)} s)`])
    rows.push([
      `member.bindPhoneBySms after the import (credits pending history)`,
      fmt(h.bindAfter.p50Ms, 1),
      fmt(h.bindAfter.p95Ms, 1),
      `${fmt(h.bindAfter.dbPerCall, 1)} / call`,
      '–',
      `${fmt(h.bindAfter.creditedPerSecond, 1)} orders credited/s (${fmt(h.bindAfter.credited)} orders)`,
    ])
    rows.push([
      `tiers job after the import, ${fmt(h.conversion.customers)} members (with the item neighbours)`,
      '–',
      '–',
      `${fmt(h.tiers.dbRequests)} in all`,
      '–',
      `${fmt(h.conversion.customers / h.tiers.wallSeconds)} members/s (${fmt(h.tiers.wallSeconds, 1)} s)`,
    ])
    rows.push([
      `member.recommendations, imported customers`,
      fmt(h.recommendations.p50Ms, 1),
      fmt(h.recommendations.p95Ms, 1),
      `${fmt(h.recommendations.dbPerCall, 1)} / call`,
      '–',
      `${h.recommendations.nonEmpty}/${h.recommendations.asked} non-empty, ${h.recommendations.withOwnReason} with an own-history reason`,
    ])
  }
  if (r.api) {
    const a = r.api
    const row = (what: string, s: CallSeries) =>
      s.ok ? [what, fmt(s.p50Ms, 1), fmt(s.p95Ms, 1), `${fmt(s.dbPerCall, 1)} / call`, '–', '–'] : [what, '–', '–', '–', '–', `no call answered as expected: ${s.errors[0] ?? ''}`]
    rows.push(row(`POST /api/orders, ${fmt(a.members)} members (memberNo)`, a.orders))
    rows.push(row(`POST /api/orders, unknown phone (pending)`, a.pending))
    rows.push(row(`POST /api/orders/refund`, a.refunds))
  }
  return rows
}

/** The detailed tables (stderr, and the README). */
export function formatOrdersTables(r: OrdersBenchResult): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`
  const table = (head: string[], rows: string[][]) => [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n')
  const out: string[] = [`Measured ${r.measuredAt} on ${r.machine}.`]
  const h = r.history
  if ('skipped' in h) out.push(`History import: ${h.skipped}`)
  else {
    const c = h.conversion
    out.push(
      table(
        ['what', 'figure'],
        [
          [
            'file',
            `${path.basename(h.file)}${h.limit ? ` (limited to about ${fmt(h.limit)} orders: ${fmt(c.customers)} of ${fmt(c.allCustomers)} customers, ${fmt(c.orders)} of ${fmt(c.allOrders)} orders)` : ''}; times read as ${h.timeZone}; clock ${h.now}`,
          ],
          ['customers / orders / lines', `${fmt(c.customers)} / ${fmt(c.orders)} / ${fmt(c.lines)}`],
          [
            'skipped',
            `${fmt(c.cancellations)} cancellations (${fmt(c.cancellationRows)} rows), ${fmt(c.noCustomerRows)} rows without customer, ${fmt(c.badLines)} lines with quantity or price ≤ 0, ${fmt(c.overQuantityLines)} lines over 9,999`,
          ],
          ['members imported / bound before the import', `${fmt(h.members.created)} in ${fmt(h.members.seconds, 1)} s / ${fmt(h.boundBefore.members)}`],
          [
            'import: imported / pending / unchanged / rejected',
            `${fmt(h.import.imported)} / ${fmt(h.import.pending)} / ${fmt(h.import.unchanged)} / ${fmt(h.import.rejected)}${
              h.import.rejected
                ? ` (${Object.entries(h.import.rejectedBy)
                    .map(([k, v]) => `${k} ${v}`)
                    .join(', ')})`
                : ''
            }${h.import.resent ? `; ${h.import.resent} batches sent again by the CLI (an \`unchanged\` order on a fresh import was written by an attempt that timed out)` : ''}`,
          ],
          ['import wall time, orders / s', `${fmt(h.import.wallSeconds, 1)} s, ${fmt(h.import.ordersPerSecond, 1)}`],
          ['database requests per order', `${fmt(h.import.dbPerOrder, 2)} (${kinds(h.import.perOrder, 2)})`],
          [
            'binds after the import: p50 / p95 / max',
            `${fmt(h.bindAfter.p50Ms, 1)} / ${fmt(h.bindAfter.p95Ms, 1)} / ${fmt(h.bindAfter.maxMs)} ms over ${fmt(h.bindAfter.calls)} binds (${fmt(h.bindAfter.dbPerCall, 1)} requests / bind: ${kinds(h.bindAfter.perCall)})`,
          ],
          [
            'orders credited at binding',
            `${fmt(h.bindAfter.credited)} of ${fmt(h.bindAfter.pendingBefore)}, ${fmt(h.bindAfter.creditedPerSecond, 1)} / s of binding; ${fmt(h.bindAfter.leftPending)} left for the daily sweep`,
          ],
          ['catalog completed', `${fmt(h.catalog.products)} products (${fmt(h.catalog.onSale)} on sale) in ${fmt(h.catalog.seconds, 1)} s`],
          [
            'tiers run',
            `${fmt(h.tiers.wallSeconds, 1)} s with the item neighbours (scoring done after ${fmt(h.tiers.scoredSeconds, 1)} s), ${h.tiers.calls} calls${h.tiers.failures.length ? ` (${h.tiers.failures.length} failed)` : ''}, scored ${fmt(h.tiers.scored)}, written ${fmt(h.tiers.written)}, models ${h.tiers.models}, neighbours ${h.tiers.neighbors ? `${fmt(h.tiers.neighbors.items)} items from ${fmt(h.tiers.neighbors.purchases)} purchases` : 'none'}`,
          ],
          [
            'recommendations',
            `${h.recommendations.nonEmpty}/${h.recommendations.asked} non-empty, ${h.recommendations.withOwnReason} with a reason from their own purchases (items: ${h.recommendations.itemsBought} 因为你买过, ${h.recommendations.itemsAlsoBought} 购买…也买了, of ${h.recommendations.items}); p50 ${fmt(h.recommendations.p50Ms, 1)} ms, p95 ${fmt(h.recommendations.p95Ms, 1)} ms, ${fmt(h.recommendations.dbPerCall, 1)} requests / call`,
          ],
        ],
      ),
    )
  }
  if (r.api) {
    const a = r.api
    const row = (what: string, s: CallSeries) => [
      what,
      `${s.ok}/${s.calls}`,
      fmt(s.p50Ms, 1),
      fmt(s.p95Ms, 1),
      fmt(s.dbPerCall, 1),
      kinds(s.perCall),
      Object.entries(s.statuses)
        .map(([k, v]) => `${k} × ${v}`)
        .join(', ') + (s.errors.length ? `; ${s.errors.join('; ')}` : ''),
    ]
    out.push(
      table(
        ['orders API, ' + fmt(a.members) + ' members', 'ok', 'p50 ms', 'p95 ms', 'db requests / call', 'by kind', 'HTTP'],
        [row('order by memberNo (credited)', a.orders), row('order for an unknown phone (pending)', a.pending), row('refund (half full, half partial)', a.refunds)],
      ),
    )
  }
  return out.join('\n\n')
}
