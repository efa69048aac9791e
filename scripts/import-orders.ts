/**
 * `npm run import -- orders --file <csv | csv.gz | jsonl> [--source <name>] [--award-points] [--dry-run]
 *  [--port <p>] [--errors <out.csv>] [--state-dir <dir>]`
 *
 * Imports a brand's order history through `admin.importOrders` on a running emulator (as a console
 * caller, like `npm run admin`). Pass 1 checks and counts the file (scripts/order-file.ts); pass 2
 * sends the orders in batches of at most 200 (2 in flight), re-sending what the function left
 * `unfinished` or met in contention (`CONFLICT`), up to 5 attempts. After each acknowledged batch a
 * checkpoint (`<file>.import-state.json`, scripts/import-state.ts) records how far the file is done, so a run that dies
 * (even `kill -9`) resumes there; the function is idempotent per (source, orderId), so anything sent
 * twice counts as unchanged. Exit codes: 0 every order accepted (imported, pending or unchanged),
 * 2 some orders rejected, 1 a bad file or bad arguments, 3 the emulator or function failed (run again
 * to resume).
 */
import fs from 'fs'
import path from 'path'
import { ORDER_IMPORT_MAX, orderSource, type OrderImportReport } from '../types/orders'
import { doneOf, ImportState, type Counts, type ImportErrorRecord } from './import-state'
import { FileError, formatBytes, readOrders, scanOrderFile, type FileOrder } from './order-file'

export { readCheckpoint, statePaths, type Counts, type ImportErrorRecord } from './import-state'

export const ATTEMPTS = 5
/** Batches in flight at once. */
export const PARALLEL = 2
/** A batch also ends before its JSON passes this size (orders with many lines). */
export const BATCH_BYTES = 1024 * 1024
/** Rejected orders listed in the summary (all of them with --errors). */
export const LISTED_ERRORS = 50

export const EXIT = { ok: 0, badInput: 1, rejected: 2, failed: 3 } as const

export class UsageError extends Error {}
/** The emulator or the function failed: the checkpoint stays, a rerun resumes. */
export class RunError extends Error {}

export interface OrdersArgs {
  file: string
  source: string
  awardPoints: boolean
  dryRun: boolean
  port: number
  errorsFile?: string
  stateDir?: string
}

export const ORDERS_USAGE = 'usage: npm run import -- orders --file <csv|csv.gz|jsonl> [--source <name>] [--award-points] [--dry-run] [--port <p>] [--errors <out.csv>] [--state-dir <dir>]'

export function parseOrdersArgs(argv: string[]): OrdersArgs {
  const args = [...argv]
  if (args[0] === 'orders') args.shift()
  const take = (flag: string): string | undefined => {
    const at = args.indexOf(flag)
    if (at < 0) return undefined
    const value = args[at + 1]
    if (value === undefined || value.startsWith('--')) throw new UsageError(`${flag} needs a value\n${ORDERS_USAGE}`)
    args.splice(at, 2)
    return value
  }
  const flag = (name: string): boolean => {
    const at = args.indexOf(name)
    if (at >= 0) args.splice(at, 1)
    return at >= 0
  }
  const file = take('--file')
  const source = take('--source') ?? 'history'
  const port = Number(take('--port') ?? process.env.EMULATOR_PORT ?? 9000)
  const errorsFile = take('--errors')
  const stateDir = take('--state-dir')
  const awardPoints = flag('--award-points')
  const dryRun = flag('--dry-run')
  if (args.length) throw new UsageError(`unexpected arguments: ${args.join(' ')}\n${ORDERS_USAGE}`)
  if (!file) throw new UsageError(`--file is required\n${ORDERS_USAGE}`)
  if (!orderSource.safeParse(source).success) throw new UsageError(`--source "${source}": 1–32 letters, digits, _ . or -`)
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new UsageError('--port must be a port number')
  return { file, source, awardPoints, dryRun, port, ...(errorsFile ? { errorsFile } : {}), ...(stateDir ? { stateDir } : {}) }
}

// ---------------------------------------------------------------------------------------------
// Batches

export interface Batch {
  /** 1-based, in file order: the batch id's suffix */
  n: number
  /** groups of the file consumed up to and including this batch */
  groupsEnd: number
  orders: Array<Extract<FileOrder, { kind: 'order' }>>
  /** orders rejected here before sending */
  local: ImportErrorRecord[]
}

/** Cuts the file's orders into batches of ≤ 200 orders (and ≤ 1 MB), skipping the first `skipGroups` groups. */
export async function* batchesOf(items: AsyncIterable<FileOrder>, opts: { skipGroups: number; firstBatch: number; max?: number; maxBytes?: number }): AsyncGenerator<Batch> {
  const max = opts.max ?? ORDER_IMPORT_MAX
  const maxBytes = opts.maxBytes ?? BATCH_BYTES
  let n = opts.firstBatch
  let batch: Batch = { n, groupsEnd: opts.skipGroups, orders: [], local: [] }
  let bytes = 0
  for await (const item of items) {
    if (item.group < opts.skipGroups) continue
    if (item.kind === 'order') {
      const size = JSON.stringify(item.order).length + 1
      if (batch.orders.length >= max || (batch.orders.length && bytes + size > maxBytes)) {
        yield batch
        batch = { n: ++n, groupsEnd: batch.groupsEnd, orders: [], local: [] }
        bytes = 0
      }
      batch.orders.push(item)
      bytes += size
    } else if (item.kind === 'rejected') {
      batch.local.push({ lines: item.lines, orderId: item.orderId, code: item.error.code, message: item.error.message, ...(item.error.field ? { field: item.error.field } : {}) })
    }
    batch.groupsEnd = item.group + 1
  }
  if (batch.orders.length || batch.local.length) yield batch
}

export interface BatchOutcome extends Counts {
  batch: Batch
  errors: ImportErrorRecord[]
  attempts: number
}

export type CallAdmin = (event: Record<string, unknown>) => Promise<unknown>

/** A transient failure (network, the function crashed or timed out): the attempt is repeated. */
class Transient extends Error {}

/** admin via the emulator's loopback route, as a console caller. */
export function adminCaller(port: number): CallAdmin {
  const url = `http://127.0.0.1:${port}/functions/admin`
  return async event => {
    let res: Response
    try {
      res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(event), signal: AbortSignal.timeout(120_000) })
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code
      if (cause === 'ECONNREFUSED') throw new RunError(`cannot reach the emulator at ${url}: start it with npm start (or npm run emulator)`)
      throw new Transient(`admin.${String(event.action)}: ${cause ?? (err as Error).message}`)
    }
    const body = (await res.json().catch(() => null)) as { ok?: boolean; data?: unknown; code?: string; message?: string } | null
    if (res.status >= 500 || !body) throw new Transient(`admin.${String(event.action)}: HTTP ${res.status}${body?.code ? ` ${body.code}: ${body.message}` : ''}`)
    if (body.ok === true) return body.data
    if (body.code === 'UNKNOWN_ACTION') throw new RunError(`the emulator's admin function has no ${String(event.action)}: rebuild it (npm run build:functions) and restart the emulator`)
    if (body.code === 'CONFLICT' || body.code === 'INTERNAL') throw new Transient(`admin.${String(event.action)}: ${body.code}: ${body.message}`)
    throw new RunError(`admin.${String(event.action)} refused the batch: ${body.code}: ${body.message}`)
  }
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

export interface SendOptions {
  batchPrefix: string
  source: string
  awardPoints: boolean
  dryRun: boolean
  call: CallAdmin
  log?: (line: string) => void
  retryDelayMs?: number
}

/**
 * Sends one batch; orders the function left unfinished or met in contention are sent again (only
 * those, under the same batch id), up to 5 attempts. Each error's index is mapped back to its file lines.
 */
export async function sendBatch(batch: Batch, opts: SendOptions): Promise<BatchOutcome> {
  const out: BatchOutcome = { batch, imported: 0, pending: 0, unchanged: 0, rejected: batch.local.length, errors: [...batch.local], attempts: 0 }
  let todo = batch.orders.map((_o, i) => i)
  const batchId = `${opts.batchPrefix}-${batch.n}`
  const delay = opts.retryDelayMs ?? 300
  let lastProblem = ''
  while (todo.length) {
    if (out.attempts === ATTEMPTS) throw new RunError(`batch ${batchId}: ${todo.length} orders still ${lastProblem} after ${ATTEMPTS} attempts; run the same command again to resume`)
    if (out.attempts > 0) await sleep(delay * out.attempts)
    out.attempts++
    let report: OrderImportReport
    try {
      report = (await opts.call({
        action: 'importOrders',
        batchId,
        source: opts.source,
        awardPoints: opts.awardPoints,
        dryRun: opts.dryRun,
        orders: todo.map(i => batch.orders[i].order),
      })) as OrderImportReport
    } catch (err) {
      if (!(err instanceof Transient)) throw err
      lastProblem = `failing (${err.message})`
      opts.log?.(`${batchId}: ${err.message}: sending it again`)
      continue
    }
    out.imported += report.imported
    out.pending += report.pending
    out.unchanged += report.unchanged
    const again = new Set<number>(report.unfinished.map(i => todo[i]))
    for (const e of report.errors) {
      const at = todo[e.index]
      if (at === undefined) throw new RunError(`batch ${batchId}: the function reported index ${e.index} of ${todo.length} orders`)
      if (e.code === 'CONFLICT') again.add(at)
      else {
        out.rejected++
        const { lines, orderId } = batch.orders[at]
        // a line item's problem names its line (field lines.<i>.<name>) when the file has one per item
        const item = /^lines\.(\d+)\b/.exec(e.field ?? '')
        const line = item && lines.length > 1 ? lines[Number(item[1])] : undefined
        out.errors.push({ lines, orderId: e.orderId ?? orderId, code: e.code, message: line !== undefined ? `line ${line}: ${e.message}` : e.message, ...(e.field ? { field: e.field } : {}) })
      }
    }
    if (again.size) {
      const conflicts = report.errors.filter(e => e.code === 'CONFLICT').length
      lastProblem = 'unfinished or in contention'
      opts.log?.(`${batchId}: ${report.unfinished.length} orders unfinished, ${conflicts} in contention: sending them again`)
    }
    todo = [...again].sort((a, b) => a - b)
  }
  out.errors.sort((a, b) => a.lines[0] - b.lines[0])
  return out
}

// ---------------------------------------------------------------------------------------------
// Progress

const fmt = (n: number) => n.toLocaleString('en-US')

export function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?'
  const s = Math.max(0, Math.round(seconds))
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  return h ? `${h}:${String(m).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}` : `${m}:${String(s % 60).padStart(2, '0')}`
}

/** Progress on stderr: a line rewritten in place on a terminal, else a line every `everyMs`. */
export class Progress {
  private started = Date.now()
  private last = 0
  private startDone: number
  constructor(
    private total: number,
    startDone: number,
    private stream: NodeJS.WriteStream = process.stderr,
    private tty = Boolean(process.stderr.isTTY),
    private everyMs = tty ? 200 : 5_000,
  ) {
    this.startDone = startDone
  }
  line(done: number): string {
    const seconds = (Date.now() - this.started) / 1000
    const rate = seconds > 0 ? (done - this.startDone) / seconds : 0
    const pct = this.total ? Math.floor((done / this.total) * 100) : 100
    return `${fmt(done)} / ${fmt(this.total)} orders (${pct}%)  ${rate >= 10 ? Math.round(rate) : rate.toFixed(1)} orders/s  ETA ${rate > 0 ? duration((this.total - done) / rate) : '?'}`
  }
  update(done: number, force = false): void {
    const now = Date.now()
    if (!force && now - this.last < this.everyMs) return
    this.last = now
    if (this.tty) this.stream.write(`\r\x1b[2K${this.line(done)}`)
    else this.stream.write(`${this.line(done)}\n`)
  }
  finish(done: number): void {
    if (this.tty) this.stream.write(`\r\x1b[2K${this.line(done)}\n`)
    else this.stream.write(`${this.line(done)}\n`)
  }
}

// ---------------------------------------------------------------------------------------------
// The run

export interface OrdersSummary extends Counts {
  dryRun: boolean
  file: string
  source: string
  orders: number
  lines: number
  batches: number
  /** the order the run started at (0 unless it resumed) */
  resumedAt: number
  errors: ImportErrorRecord[]
  /** every rejected order (errors holds the first ones) */
  errorCount: number
}

export interface RunOptions {
  call?: CallAdmin
  /** status lines (stderr) */
  log?: (line: string) => void
  progress?: Progress | null
  /** how many rejected orders to keep in the summary */
  keepErrors?: number
  retryDelayMs?: number
}

/** Lines as "line 12", "lines 12–14" or "lines 3–4, 9". */
export function lineList(lines: number[]): string {
  const parts: string[] = []
  for (let i = 0; i < lines.length;) {
    let j = i
    while (j + 1 < lines.length && lines[j + 1] === lines[j] + 1) j++
    parts.push(j > i ? `${lines[i]}–${lines[j]}` : `${lines[i]}`)
    i = j + 1
  }
  return `${lines.length > 1 ? 'lines' : 'line'} ${parts.join(', ')}`
}

export const csvCell = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)

export async function importOrdersFile(args: OrdersArgs, opts: RunOptions = {}): Promise<OrdersSummary> {
  // on a terminal a status line first clears the progress line (redrawn at the next update)
  const log = opts.log ?? ((line: string) => process.stderr.write(`${process.stderr.isTTY ? '\r\x1b[2K' : ''}${line}\n`))
  const scan = await scanOrderFile(args.file)
  log(
    `${args.file}: ${fmt(scan.orders)} orders in ${fmt(scan.lines)} ${scan.info.format === 'csv' ? 'rows' : 'lines'} (${scan.info.format.toUpperCase()}${scan.info.gzip ? ', gzip' : ''}, ${formatBytes(scan.info.size)}); source ${args.source}${args.awardPoints ? ', awarding points' : ', no points'}${args.dryRun ? ', dry run' : ''}`,
  )
  const id = { file: path.resolve(args.file), source: args.source, awardPoints: args.awardPoints, target: `http://127.0.0.1:${args.port}`, size: scan.info.size, sha256: scan.sha256 }
  const state = ImportState.open(id, { dryRun: args.dryRun, stateDir: args.stateDir, log })
  try {
    const resumedAt = doneOf(state.counts)
    if (state.resumed) log(`resuming at order ${fmt(resumedAt + 1)} of ${fmt(scan.orders)} (batch ${state.batchesDone + 1}; a checkpoint from ${state.resumed.updatedAt})`)
    const progress = opts.progress === undefined ? new Progress(scan.orders, resumedAt) : opts.progress
    const send: SendOptions = {
      batchPrefix: `ord-${args.source}-${scan.sha256.slice(0, 12)}`,
      source: args.source,
      awardPoints: args.awardPoints,
      dryRun: args.dryRun,
      call: opts.call ?? adminCaller(args.port),
      log,
      retryDelayMs: opts.retryDelayMs,
    }
    let batches = 0
    const commit = (o: BatchOutcome) => {
      state.commit(o.batch, o, o.errors)
      batches++
      progress?.update(doneOf(state.counts))
    }
    // up to PARALLEL batches in flight; they are committed (checkpointed) in file order
    const inflight: Array<Promise<BatchOutcome>> = []
    for await (const batch of batchesOf(readOrders(scan, args.source), { skipGroups: state.groupsDone, firstBatch: state.batchesDone + 1 })) {
      const p = batch.orders.length
        ? sendBatch(batch, send)
        : Promise.resolve<BatchOutcome>({ batch, imported: 0, pending: 0, unchanged: 0, rejected: batch.local.length, errors: batch.local, attempts: 0 })
      p.catch(() => {}) // awaited below, in order
      inflight.push(p)
      if (inflight.length >= PARALLEL) commit(await inflight.shift()!)
    }
    while (inflight.length) commit(await inflight.shift()!)
    progress?.finish(doneOf(state.counts))

    const { listed, errorCount } = listErrors(state.errors(), opts.keepErrors ?? LISTED_ERRORS, args.errorsFile)
    state.remove() // the run is complete: its state goes
    return { dryRun: args.dryRun, file: args.file, source: args.source, orders: scan.orders, lines: scan.lines, batches, resumedAt, ...state.counts, errors: listed, errorCount }
  } finally {
    state.close(args.dryRun)
  }
}

/** The first `keep` rejected orders, their count, and all of them as CSV in `errorsFile`. */
function listErrors(errors: Iterable<ImportErrorRecord>, keep: number, errorsFile?: string): { listed: ImportErrorRecord[]; errorCount: number } {
  const listed: ImportErrorRecord[] = []
  let errorCount = 0
  const out = errorsFile ? fs.openSync(errorsFile, 'w') : null
  try {
    if (out !== null) fs.writeSync(out, 'lines,order_id,code,field,message\n')
    for (const e of errors) {
      errorCount++
      if (listed.length < keep) listed.push(e)
      if (out !== null) fs.writeSync(out, `${[lineList(e.lines).replace(/^lines? /, ''), e.orderId ?? '', e.code, e.field ?? '', e.message].map(csvCell).join(',')}\n`)
    }
  } finally {
    if (out !== null) fs.closeSync(out)
  }
  return { listed, errorCount }
}

export function formatSummary(s: OrdersSummary, errorsFile?: string): string {
  const w = (n: number) => fmt(n).padStart(9)
  const would = s.dryRun ? 'would be ' : ''
  const out = [
    `${s.dryRun ? '[dry run: nothing written] ' : ''}${s.file} (source ${s.source}): ${fmt(s.orders)} orders in ${fmt(s.lines)} lines${s.resumedAt ? ` (resumed at order ${fmt(s.resumedAt + 1)}; the counts include the interrupted run)` : ''}`,
    `${w(s.imported)}  ${would}imported (credited to members)`,
    `${w(s.pending)}  ${would}pending (no member yet: credited when the phone binds or the external id is claimed)`,
    `${w(s.unchanged)}  unchanged (imported before)`,
    `${w(s.rejected)}  ${would}rejected`,
  ]
  if (s.errorCount) {
    out.push('', `rejected orders${s.errorCount > s.errors.length ? ` (the first ${s.errors.length} of ${fmt(s.errorCount)})` : ''}:`)
    // a one-line order's message need not name its line again
    for (const e of s.errors)
      out.push(`  ${lineList(e.lines)}${e.orderId ? ` (order ${e.orderId})` : ''}: ${e.code} ${e.lines.length === 1 ? e.message.replace(`line ${e.lines[0]}: `, '') : e.message}`)
    if (s.errorCount > s.errors.length) out.push(`  … and ${fmt(s.errorCount - s.errors.length)} more${errorsFile ? '' : ' (list them all with --errors <file.csv>)'}`)
    if (errorsFile) out.push(`all ${fmt(s.errorCount)} rejected orders: ${errorsFile}`)
  }
  return out.join('\n')
}

/** The command: prints the summary on stdout and exits 0, 1, 2 or 3 (see the top of the file). */
export async function runOrdersCli(argv: string[]): Promise<number> {
  let args: OrdersArgs
  try {
    args = parseOrdersArgs(argv)
  } catch (err) {
    console.error((err as Error).message)
    return EXIT.badInput
  }
  try {
    const s = await importOrdersFile(args)
    console.log(formatSummary(s, args.errorsFile))
    return s.rejected ? EXIT.rejected : EXIT.ok
  } catch (err) {
    if (err instanceof FileError) {
      console.error(err.message)
      return EXIT.badInput
    }
    if (err instanceof RunError) {
      console.error(`${err.message}${args.dryRun ? '' : '\n(the checkpoint keeps what was acknowledged: run the same command again to resume)'}`)
      return EXIT.failed
    }
    console.error(`import failed: ${(err as Error).message}`)
    return EXIT.failed
  }
}
