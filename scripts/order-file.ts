/**
 * Reading an order history file for `npm run import -- orders` (scripts/import-orders.ts): a CSV (one
 * row per line item, rows of one order adjacent) or JSONL (one order per line), optionally gzipped.
 * Files are streamed line by line (readline over fs.createReadStream, through gunzip for .gz): never
 * read whole. Two passes: `scanOrderFile` checks the file (size, encoding, header), counts its orders
 * and lines, hashes it and finds order ids that are split over the file; `readOrders` then yields each
 * order in file order, built and checked locally, with its file line numbers.
 */
import { createHash } from 'crypto'
import fs from 'fs'
import readline from 'readline'
import { PassThrough, Transform, pipeline } from 'stream'
import zlib from 'zlib'
import type { z } from 'zod'
import { normalizePhone } from '../domain/import'
import { externalId as externalIdSchema } from '../types/import'
import { memberNo as memberNoSchema, phoneNumber } from '../types/member'
import { OrderSchema } from '../types/orders'

/** The CSV columns, all required (in any order). */
export const ORDER_COLUMNS = ['order_id', 'created_at', 'member_no', 'phone', 'external_id', 'store_id', 'amount_fen', 'sku', 'title', 'category', 'quantity', 'price_fen'] as const
type Column = (typeof ORDER_COLUMNS)[number]

/** Files (and gzip contents) larger than this are refused: split them. */
export const MAX_FILE_BYTES = 2 ** 30

/** A file the importer cannot read: the message is one line, shown as is (exit code 1). */
export class FileError extends Error {}

/** What the function accepts per order: OrderSchema without `source` (the batch's) and `couponCodes` (history has none). */
export const ImportOrderSchema = OrderSchema.omit({ source: true, couponCodes: true })
export type ImportOrder = z.infer<typeof ImportOrderSchema>

export type FileFormat = 'csv' | 'jsonl'

export interface FileInfo {
  path: string
  size: number
  gzip: boolean
  format: FileFormat
}

/** Checks the file before reading it: exists, is a file, not empty, at most 1 GB; gzip by its magic bytes; the format by its name (else by its first byte). */
export function inspectFile(file: string): FileInfo {
  let stat: fs.Stats
  try {
    stat = fs.statSync(file)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    throw new FileError(code === 'ENOENT' ? `${file}: no such file` : `${file}: cannot read (${code ?? (err as Error).message})`)
  }
  if (!stat.isFile()) throw new FileError(`${file}: not a file`)
  if (stat.size === 0) throw new FileError(`${file}: the file is empty`)
  if (stat.size > MAX_FILE_BYTES)
    throw new FileError(`${file}: ${formatBytes(stat.size)} is larger than the 1 GB limit; split it into smaller files (each keeps whole orders) and import them one by one`)
  const head = Buffer.alloc(2)
  const fd = fs.openSync(file, 'r')
  try {
    fs.readSync(fd, head, 0, 2, 0)
  } finally {
    fs.closeSync(fd)
  }
  const gzip = head[0] === 0x1f && head[1] === 0x8b
  const name = file.toLowerCase().replace(/\.gz$/, '')
  const format: FileFormat = /\.(jsonl|ndjson)$/.test(name) ? 'jsonl' : /\.csv$/.test(name) ? 'csv' : !gzip && head[0] === 0x7b ? 'jsonl' : 'csv'
  return { path: file, size: stat.size, gzip, format }
}

export function formatBytes(n: number): string {
  return n >= 2 ** 30 ? `${(n / 2 ** 30).toFixed(1)} GB` : n >= 2 ** 20 ? `${(n / 2 ** 20).toFixed(1)} MB` : n >= 1024 ? `${Math.round(n / 1024)} KB` : `${n} bytes`
}

/**
 * The file's lines (1-based numbers, blank ones too, without the line break and a leading BOM).
 * `onRaw` sees the bytes as stored (for hashing). Invalid UTF-8 stops with a FileError naming the
 * line; so do a broken gzip stream and decompressed contents over 1 GB.
 */
export async function* fileLines(info: FileInfo, onRaw?: (chunk: Buffer) => void): AsyncGenerator<{ line: number; text: string }> {
  const decoder = new TextDecoder('utf-8', { fatal: true })
  let invalid = false
  let bytes = 0
  const check = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length
      if (bytes > MAX_FILE_BYTES) return done(new FileError(`${info.path}: its contents are larger than the 1 GB limit once decompressed; split it into smaller files`))
      if (!invalid) {
        try {
          decoder.decode(chunk, { stream: true })
        } catch {
          invalid = true
        }
      }
      done(null, chunk)
    },
    flush(done) {
      if (!invalid) {
        try {
          decoder.decode()
        } catch {
          invalid = true
        }
      }
      done()
    },
  })
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      onRaw?.(chunk)
      done(null, chunk)
    },
  })
  const out = new PassThrough()
  const stages: NodeJS.ReadWriteStream[] = [tap, ...(info.gzip ? [zlib.createGunzip()] : []), check]
  pipeline([fs.createReadStream(info.path), ...stages, out] as unknown as [NodeJS.ReadableStream, NodeJS.WritableStream], () => {})
  const rl = readline.createInterface({ input: out, crlfDelay: Infinity })
  let line = 0
  try {
    for await (let text of rl) {
      line++
      if (line === 1 && text.startsWith('\uFEFF')) text = text.slice(1)
      if (invalid && text.includes('\uFFFD')) throw notUtf8(info, line)
      yield { line, text }
    }
  } catch (err) {
    if (err instanceof FileError) throw err
    const e = err as NodeJS.ErrnoException
    if (e.code === 'Z_DATA_ERROR' || e.code === 'Z_BUF_ERROR' || /unexpected end of file|incorrect header/i.test(e.message)) throw new FileError(`${info.path}: not a valid gzip file (${e.message})`)
    throw new FileError(`${info.path}: cannot read (${e.code ?? e.message})`)
  } finally {
    rl.close()
    out.destroy()
  }
  if (invalid) throw notUtf8(info, null)
}

const notUtf8 = (info: FileInfo, line: number | null) =>
  new FileError(`${info.path}${line ? ` line ${line}` : ''}: not UTF-8 (GBK or another encoding?); save the file as UTF-8 (Excel: "CSV UTF-8") and import it again`)

/** One CSV line → its fields ("" inside quotes is a quote; a quote inside an unquoted field is kept), or null when a quoted field does not end on this line. */
export function parseCsvLine(line: string): string[] | null {
  const out: string[] = []
  let i = 0
  for (;;) {
    let field = ''
    if (line[i] === '"') {
      i++
      for (;;) {
        if (i >= line.length) return null
        const ch = line[i++]
        if (ch === '"') {
          if (line[i] === '"') {
            field += '"'
            i++
          } else break
        } else field += ch
      }
      while (i < line.length && line[i] !== ',') field += line[i++]
    } else {
      while (i < line.length && line[i] !== ',') field += line[i++]
    }
    out.push(field)
    if (i >= line.length) return out
    i++ // the comma
  }
}

/** The header row → each column's position; unknown, missing or repeated columns are a FileError. */
export function csvHeader(text: string, where: string): Record<Column, number> {
  const cells = parseCsvLine(text)
  if (!cells) throw new FileError(`${where}: the header row has an unclosed quote`)
  const names = cells.map(c => c.trim().toLowerCase())
  const known = new Set<string>(ORDER_COLUMNS)
  const unknown = names.filter(n => !known.has(n))
  const missing = ORDER_COLUMNS.filter(c => !names.includes(c))
  const repeated = names.filter((n, i) => names.indexOf(n) !== i)
  const problems = [
    unknown.length
      ? `unknown column${unknown.length > 1 ? 's' : ''} ${unknown
          .slice(0, 5)
          .map(n => `"${n.length > 30 ? `${n.slice(0, 30)}…` : n}"`)
          .join(', ')}${unknown.length > 5 ? ` and ${unknown.length - 5} more` : ''}`
      : '',
    missing.length ? `missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}` : '',
    repeated.length ? `repeated column${repeated.length > 1 ? 's' : ''} ${[...new Set(repeated)].join(', ')}` : '',
  ].filter(Boolean)
  if (problems.length) throw new FileError(`${where}: wrong header: ${problems.join('; ')} (the columns are ${ORDER_COLUMNS.join(',')})`)
  return Object.fromEntries(ORDER_COLUMNS.map(c => [c, names.indexOf(c)])) as Record<Column, number>
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0')

/**
 * An order's time → ISO with +08:00. Accepts ISO 8601 with an offset (or Z), and times without one
 * taken as Shanghai time: `YYYY-MM-DD HH:mm[:ss]`, `YYYY/M/D H:mm[:ss]`, `YYYY-MM-DDTHH:mm[:ss]`,
 * or a bare date (midnight). Null when it is none of these or not a real date.
 */
export function orderTime(raw: string): string | null {
  const s = raw.trim()
  const m = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(s)
  if (!m) return null
  const [, y, mo, d, h = '0', mi = '0', sec = '0', frac, zone] = m
  if (zone && m[4] === undefined) return null
  const ms = frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0
  const fields = [Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(sec)]
  const asUtc = Date.UTC(fields[0], fields[1] - 1, fields[2], fields[3], fields[4], fields[5], ms)
  const back = new Date(asUtc)
  if (
    back.getUTCFullYear() !== fields[0] ||
    back.getUTCMonth() !== fields[1] - 1 ||
    back.getUTCDate() !== fields[2] ||
    back.getUTCHours() !== fields[3] ||
    back.getUTCMinutes() !== fields[4] ||
    back.getUTCSeconds() !== fields[5]
  )
    return null
  let offsetMin = 8 * 60
  if (zone && zone.toUpperCase() !== 'Z') {
    const z = /([+-])(\d{2}):?(\d{2})/.exec(zone)!
    if (Number(z[3]) > 59 || Number(z[2]) > 23) return null
    offsetMin = (z[1] === '-' ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3]))
  } else if (zone) offsetMin = 0
  const instant = asUtc - offsetMin * 60_000
  const sh = new Date(instant + 8 * 3_600_000)
  const base = `${sh.getUTCFullYear()}-${pad(sh.getUTCMonth() + 1)}-${pad(sh.getUTCDate())}T${pad(sh.getUTCHours())}:${pad(sh.getUTCMinutes())}:${pad(sh.getUTCSeconds())}`
  return `${base}${sh.getUTCMilliseconds() ? `.${pad(sh.getUTCMilliseconds(), 3)}` : ''}+08:00`
}

// ---------------------------------------------------------------------------------------------
// Pass 1

const unclosed = (file: string, line: number) => new FileError(`${file} line ${line}: a quoted field does not end on its line (line breaks inside a cell are not supported: remove them)`)

export interface FileScan {
  info: FileInfo
  /** sha256 of the file as stored */
  sha256: string
  /** data lines (not blank, without the header) */
  lines: number
  /** distinct orders (an id-less CSV row or an unreadable JSONL line counts as one) */
  orders: number
  /** runs of adjacent rows (CSV) or lines (JSONL): what the second pass walks through */
  groups: number
  /** order ids found in more than one place → the lines of every place after the first */
  split: Map<string, number[]>
}

function jsonOrderId(text: string): string | null {
  try {
    const value = JSON.parse(text) as unknown
    const id = value && typeof value === 'object' ? (value as { orderId?: unknown }).orderId : undefined
    return typeof id === 'string' && id !== '' ? id : null
  } catch {
    return null
  }
}

/** Pass 1: checks and counts the whole file before anything is sent (a bad file fails here). */
export async function scanOrderFile(file: string, onProgress?: (bytes: number) => void): Promise<FileScan> {
  const info = inspectFile(file)
  const hash = createHash('sha256')
  let raw = 0
  const finished = new Set<string>()
  const split = new Map<string, number[]>()
  let col: Record<Column, number> | null = null
  let current: string | null = null
  let currentSplit: number[] | null = null
  let lines = 0
  let orders = 0
  let groups = 0
  const onRaw = (chunk: Buffer) => {
    hash.update(chunk)
    raw += chunk.length
    onProgress?.(raw)
  }
  for await (const { line, text } of fileLines(info, onRaw)) {
    if (text.trim() === '') continue
    if (info.format === 'csv' && !col) {
      col = csvHeader(text, `${file} line ${line}`)
      continue
    }
    lines++
    let id: string | null
    if (info.format === 'csv') {
      const cells = parseCsvLine(text)
      if (!cells) throw unclosed(file, line)
      id = cells[col!.order_id]?.trim() || null
    } else id = jsonOrderId(text)
    if (info.format === 'csv' && id !== null && id === current) {
      currentSplit?.push(line)
      continue
    }
    // a new group: the previous one is finished
    if (current !== null) finished.add(current)
    groups++
    current = id
    currentSplit = null
    if (id === null) {
      orders++
      continue
    }
    if (finished.has(id)) {
      currentSplit = split.get(id) ?? []
      currentSplit.push(line)
      split.set(id, currentSplit)
    } else orders++
    if (info.format === 'jsonl') {
      finished.add(id)
      current = null
    }
  }
  if (info.format === 'csv' && !col) throw new FileError(`${file}: the file is empty (no header row)`)
  if (lines === 0) throw new FileError(`${file}: no ${info.format === 'csv' ? 'rows after the header' : 'orders'}`)
  return { info, sha256: hash.digest('hex'), lines, orders, groups, split }
}

// ---------------------------------------------------------------------------------------------
// Pass 2

export interface RowError {
  code: 'INVALID_ORDER' | 'DUPLICATE_IN_FILE'
  message: string
  field?: string
}

/** One group of the file: an order to send, one rejected here, or a later part of an order split over the file (already rejected at its first part). */
export type FileOrder =
  | { kind: 'order'; group: number; lines: number[]; orderId: string; order: ImportOrder }
  | { kind: 'rejected'; group: number; lines: number[]; orderId: string | null; error: RowError }
  | { kind: 'skip'; group: number; lines: number[]; orderId: string }

const CSV_FIELD: Record<string, Column> = {
  orderId: 'order_id',
  createdAt: 'created_at',
  storeId: 'store_id',
  memberNo: 'member_no',
  phone: 'phone',
  externalId: 'external_id',
  amountFen: 'amount_fen',
  sku: 'sku',
  title: 'title',
  category: 'category',
  quantity: 'quantity',
  priceFen: 'price_fen',
}

/** A schema issue's path → the field it names (CSV: the column) and, for a line item, its index. */
function issueField(path: ReadonlyArray<PropertyKey>, csv: boolean): { field: string; item: number | null } {
  const item = path[0] === 'lines' && typeof path[1] === 'number' ? path[1] : null
  if (!csv) return { field: path.map(String).join('.') || '(order)', item }
  const last = [...path].reverse().find(p => typeof p === 'string' && CSV_FIELD[p as string]) as string | undefined
  return { field: last ? CSV_FIELD[last] : path.map(String).join('.') || '(order)', item }
}

const MEMBER_KEYS: Record<string, z.ZodType> = { memberNo: memberNoSchema, phone: phoneNumber, externalId: externalIdSchema }

/** The member's own rule, so a bad member number says so (the union's error would only say "invalid"). */
function memberIssue(member: unknown): { path: PropertyKey[]; message: string } | null {
  const keys = member && typeof member === 'object' && !Array.isArray(member) ? Object.keys(member) : []
  if (keys.length !== 1 || !MEMBER_KEYS[keys[0]]) return { path: ['member'], message: 'member is one of { memberNo }, { phone } or { externalId }' }
  const r = MEMBER_KEYS[keys[0]].safeParse((member as Record<string, unknown>)[keys[0]])
  return r.success ? null : { path: ['member', keys[0]], message: r.error.issues[0].message }
}

/** Validates like the function does; the first problem as a RowError naming the column and line. */
function checkOrder(order: unknown, lines: number[], csv: boolean): { ok: true; order: ImportOrder } | { ok: false; error: RowError } {
  const parsed = ImportOrderSchema.safeParse(order)
  if (parsed.success) return { ok: true, order: parsed.data }
  let issue: { path: ReadonlyArray<PropertyKey>; message: string; code?: string; keys?: string[] } = parsed.error.issues[0]
  if (issue.path[0] === 'member') issue = memberIssue((order as { member?: unknown }).member) ?? issue
  const { field, item } = issueField(issue.path, csv)
  const at = csv && item !== null && lines[item] !== undefined ? `line ${lines[item]}: ` : ''
  const unknown = issue.code === 'unrecognized_keys' ? (issue.keys ?? []) : null
  const message = unknown ? `unknown field${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}` : issue.message
  return { ok: false, error: { code: 'INVALID_ORDER', field: unknown ? unknown[0] : field, message: `${at}${field}: ${message}` } }
}

const bad = (field: string | undefined, message: string): { ok: false; error: RowError } => ({ ok: false, error: { code: 'INVALID_ORDER', ...(field ? { field } : {}), message } })

const WHOLE = /^\d{1,12}$/

/** The rows of one CSV order (same order_id, adjacent) → the order, or why it is rejected. */
export function csvOrder(rows: Array<{ line: number; cells: string[] }>, col: Record<Column, number>, width: number): { ok: true; order: ImportOrder } | { ok: false; error: RowError } {
  for (const r of rows) if (r.cells.length !== width) return bad(undefined, `line ${r.line}: ${r.cells.length} fields, the header has ${width}`)
  const cell = (r: { cells: string[] }, c: Column) => (r.cells[col[c]] ?? '').trim()
  const first = rows[0]
  // order-level cells: from the first row; later rows leave them empty or repeat them
  for (const c of ['created_at', 'member_no', 'phone', 'external_id', 'store_id', 'amount_fen'] as const) {
    const v = cell(first, c)
    const other = rows.find(r => cell(r, c) !== '' && cell(r, c) !== v)
    if (other) return bad(c, `line ${other.line}: ${c} "${cell(other, c)}" differs from line ${first.line} ("${v}"): the rows of an order must agree`)
  }
  const createdRaw = cell(first, 'created_at')
  if (!createdRaw) return bad('created_at', `line ${first.line}: created_at is empty`)
  const createdAt = orderTime(createdRaw)
  if (!createdAt) return bad('created_at', `line ${first.line}: created_at "${createdRaw}" is not a date-time (ISO 8601 with offset, or YYYY-MM-DD HH:mm[:ss] / YYYY/M/D H:mm Shanghai time)`)
  let member: ImportOrder['member']
  const memberNo = cell(first, 'member_no')
  const phone = cell(first, 'phone')
  const externalId = cell(first, 'external_id')
  if (memberNo) member = { memberNo }
  else if (phone) {
    const p = normalizePhone(phone)
    if (!p.ok) return bad('phone', `line ${first.line}: phone: ${p.message}`)
    member = { phone: p.value }
  } else if (externalId) member = { externalId }
  else return bad('member_no', `line ${first.line}: no member: member_no, phone and external_id are all empty`)
  const lines: ImportOrder['lines'] = []
  for (const r of rows) {
    const quantity = cell(r, 'quantity')
    const price = cell(r, 'price_fen')
    if (!WHOLE.test(quantity)) return bad('quantity', `line ${r.line}: quantity "${quantity}" is not a whole number ≥ 1`)
    if (!WHOLE.test(price)) return bad('price_fen', `line ${r.line}: price_fen "${price}" is not a whole number of fen ≥ 0`)
    const title = cell(r, 'title')
    const category = cell(r, 'category')
    lines.push({ sku: cell(r, 'sku'), ...(title ? { title } : {}), ...(category ? { category } : {}), quantity: Number(quantity), priceFen: Number(price) })
  }
  const amount = cell(first, 'amount_fen')
  if (amount && !WHOLE.test(amount)) return bad('amount_fen', `line ${first.line}: amount_fen "${amount}" is not a whole number of fen ≥ 0`)
  const storeId = cell(first, 'store_id')
  const order = {
    orderId: cell(first, 'order_id'),
    createdAt,
    ...(storeId ? { storeId } : {}),
    member,
    amountFen: amount ? Number(amount) : lines.reduce((sum, l) => sum + l.quantity * l.priceFen, 0),
    lines,
  }
  return checkOrder(
    order,
    rows.map(r => r.line),
    true,
  )
}

/** One JSONL line → the order (the createdAt and phone normalized like a CSV's), or why it is rejected. */
export function jsonOrder(text: string, line: number, source: string): { ok: true; order: ImportOrder } | { ok: false; error: RowError } {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err) {
    return bad(undefined, `line ${line}: not JSON (${(err as Error).message})`)
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return bad(undefined, `line ${line}: not a JSON object`)
  const order = { ...(value as Record<string, unknown>) }
  if ('source' in order) {
    if (order.source !== source) return bad('source', `line ${line}: source "${String(order.source)}" differs from --source ${source} (leave it out: the batch's source is used)`)
    delete order.source
  }
  if (typeof order.createdAt === 'string') order.createdAt = orderTime(order.createdAt) ?? order.createdAt
  const member = order.member as Record<string, unknown> | undefined
  if (member && typeof member === 'object' && typeof member.phone === 'string') {
    const p = normalizePhone(member.phone)
    if (p.ok) order.member = { ...member, phone: p.value }
  }
  const checked = checkOrder(order, [line], false)
  if (!checked.ok) checked.error.message = `line ${line}: ${checked.error.message}`
  return checked
}

function duplicate(orderId: string, lines: number[], later: number[]): RowError {
  return {
    code: 'DUPLICATE_IN_FILE',
    field: 'order_id',
    message: `order ${orderId} appears in more than one place (line ${lines[0]} and line${later.length > 1 ? 's' : ''} ${later.join(', ')}): rows of an order must be adjacent and an order id used once`,
  }
}

/**
 * Pass 2: every group of the file in order, numbered from 0 (`group`). Needs pass 1's `split`
 * (ids in more than one place: the whole order is rejected at its first place, its later places
 * are `skip`).
 */
export async function* readOrders(scan: FileScan, source: string): AsyncGenerator<FileOrder> {
  const { info, split } = scan
  let group = -1
  if (info.format === 'jsonl') {
    for await (const { line, text } of fileLines(info)) {
      if (text.trim() === '') continue
      group++
      const id = jsonOrderId(text)
      const later = id !== null ? split.get(id) : undefined
      if (id !== null && later) {
        if (later.includes(line)) yield { kind: 'skip', group, lines: [line], orderId: id }
        else yield { kind: 'rejected', group, lines: [line, ...later], orderId: id, error: duplicate(id, [line], later) }
        continue
      }
      const r = jsonOrder(text, line, source)
      yield r.ok ? { kind: 'order', group, lines: [line], orderId: r.order.orderId, order: r.order } : { kind: 'rejected', group, lines: [line], orderId: id, error: r.error }
    }
    return
  }
  let col: Record<Column, number> | null = null
  let width = 0
  let rows: Array<{ line: number; cells: string[] }> = []
  let rowsId: string | null = null
  const seenSplit = new Set<string>()
  const flush = (): FileOrder | null => {
    if (!rows.length) return null
    group++
    const lines = rows.map(r => r.line)
    const id = rowsId
    const part = rows
    rows = []
    if (id === null) return { kind: 'rejected', group, lines, orderId: null, error: { code: 'INVALID_ORDER', field: 'order_id', message: `line ${lines[0]}: order_id is empty` } }
    const later = split.get(id)
    if (later) {
      if (seenSplit.has(id)) return { kind: 'skip', group, lines, orderId: id }
      seenSplit.add(id)
      return { kind: 'rejected', group, lines: [...lines, ...later], orderId: id, error: duplicate(id, lines, later) }
    }
    const r = csvOrder(part, col!, width)
    return r.ok ? { kind: 'order', group, lines, orderId: id, order: r.order } : { kind: 'rejected', group, lines, orderId: id, error: r.error }
  }
  for await (const { line, text } of fileLines(info)) {
    if (text.trim() === '') continue
    if (!col) {
      col = csvHeader(text, `${info.path} line ${line}`)
      width = parseCsvLine(text)!.length
      continue
    }
    const cells = parseCsvLine(text)
    if (!cells) throw unclosed(info.path, line)
    const id = (cells[col.order_id] ?? '').trim() || null
    if (rows.length && (id === null || id !== rowsId)) {
      const done = flush()
      if (done) yield done
    }
    rows.push({ line, cells })
    rowsId = id
  }
  const done = flush()
  if (done) yield done
}
