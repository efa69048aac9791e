/**
 * `npm run import -- members --file members.csv [--batch-id <id>] [--dry-run] [--port <p>]`
 * `npm run import -- codes --template <templateId> --file codes.txt [--dry-run] [--port <p>]`
 * `npm run import -- orders --file <csv|csv.gz|jsonl> [--source <name>] [--award-points] [--dry-run] [--port <p>]`
 *   — order history: see scripts/import-orders.ts (its own exit codes: 0 ok, 1 bad file, 2 rejected orders, 3 failed).
 *
 * Reads a CSV (header row; English or Chinese column names, see domain/import.ts) or JSON file
 * (an array of rows / codes, or `{ "rows": [...] }` / `{ "codes": [...] }`), sends it to the `admin`
 * function of a running emulator as a console caller (like `npm run admin`) in batches of at most
 * 500 rows (1000 codes), and prints a summary with the failed rows by file line. Each batch's id is
 * `<batch-id>-<n>` (default batch id: from the file's content), so running the same file again is
 * harmless: rows already imported answer `unchanged`. A batch cut short by the function's time budget
 * (`unfinished`) or with rows that met contention is sent again, up to 5 times.
 */
import fs from 'fs'
import path from 'path'
import { sha256 } from 'js-sha256'
import { headerField } from '../domain/import'
import { CODE_BATCH_MAX, IMPORT_BATCH_MAX, type ImportCouponCodesReport, type ImportMembersReport } from '../types/import'
import { splitCsv } from './csv'
import { runCli } from './cli'
import { ORDERS_USAGE, runOrdersCli } from './import-orders'

const ATTEMPTS = 5

export interface ImportArgs {
  kind: 'members' | 'codes'
  file: string
  templateId?: string
  batchId?: string
  dryRun: boolean
  port: number
}

export function parseImportArgs(argv: string[]): ImportArgs {
  const args = [...argv]
  const take = (flag: string): string | undefined => {
    const at = args.indexOf(flag)
    if (at < 0) return undefined
    const value = args[at + 1]
    if (value === undefined || value.startsWith('--')) throw new Error(`${flag} needs a value`)
    args.splice(at, 2)
    return value
  }
  const usage = `usage: npm run import -- members --file <csv|json> [--batch-id <id>] [--dry-run] [--port <p>]\n       npm run import -- codes --template <templateId> --file <txt|csv|json> [--dry-run] [--port <p>]\n       ${ORDERS_USAGE.replace(/^usage: /, '')}`
  const port = Number(take('--port') ?? process.env.EMULATOR_PORT ?? 9000)
  const file = take('--file')
  const templateId = take('--template')
  const batchId = take('--batch-id')
  const dryAt = args.indexOf('--dry-run')
  if (dryAt >= 0) args.splice(dryAt, 1)
  const [kind, ...rest] = args
  if (kind !== 'members' && kind !== 'codes') throw new Error(usage)
  if (rest.length) throw new Error(`unexpected arguments: ${rest.join(' ')}\n${usage}`)
  if (!file) throw new Error(`--file is required\n${usage}`)
  if (kind === 'codes' && !templateId) throw new Error(`--template is required for codes\n${usage}`)
  if (batchId !== undefined && !/^[\w.-]{1,56}$/.test(batchId)) throw new Error('--batch-id: 1–56 letters, digits, _ . or -')
  if (!Number.isInteger(port) || port <= 0) throw new Error('--port must be a port number')
  return { kind, file, templateId, batchId, dryRun: dryAt >= 0, port }
}

/** CSV text → one object per data line, keyed by the fields the headers name (an unknown header is an error). */
export function csvRows(text: string): Array<{ line: number; row: Record<string, string> }> {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/)
  const headerAt = lines.findIndex(l => l.trim() !== '')
  if (headerAt < 0) return []
  const headers = splitCsv(lines[headerAt]).map(h => h.trim())
  const fields = headers.map(headerField)
  const unknown = headers.filter((_h, i) => !fields[i])
  if (unknown.length)
    throw new Error(
      `unknown column(s): ${unknown.join(', ')} (known: externalId, phone, name, birthday, joinDate, openingPoints, gender, tierId, tags, or 会员编号, 手机号, 姓名, 生日, 入会日期, 期初积分, 性别, 等级, 标签)`,
    )
  const out: Array<{ line: number; row: Record<string, string> }> = []
  for (let i = headerAt + 1; i < lines.length; i++) {
    if (lines[i].trim() === '') continue
    const cells = splitCsv(lines[i])
    const row: Record<string, string> = {}
    fields.forEach((field, c) => {
      const v = (cells[c] ?? '').trim()
      if (v !== '') row[field!] = v
    })
    out.push({ line: i + 1, row })
  }
  return out
}

/** The file's member rows with where each came from (a CSV line, or a JSON array position). */
export function readMemberRows(file: string): Array<{ where: string; row: unknown }> {
  const text = fs.readFileSync(file, 'utf8')
  if (/\.json$/i.test(file)) {
    const data = JSON.parse(text) as unknown
    const rows = Array.isArray(data) ? data : (data as { rows?: unknown })?.rows
    if (!Array.isArray(rows)) throw new Error('a JSON file holds an array of rows or { "rows": [...] }')
    return rows.map((row, i) => ({ where: `item ${i + 1}`, row }))
  }
  return csvRows(text).map(r => ({ where: `line ${r.line}`, row: r.row }))
}

/** Codes: JSON array (or { codes }), a CSV with a `code` column, or one code per line. */
export function readCodes(file: string): Array<{ where: string; code: unknown }> {
  const text = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '')
  if (/\.json$/i.test(file)) {
    const data = JSON.parse(text) as unknown
    const codes = Array.isArray(data) ? data : (data as { codes?: unknown })?.codes
    if (!Array.isArray(codes)) throw new Error('a JSON file holds an array of codes or { "codes": [...] }')
    return codes.map((code, i) => ({ where: `item ${i + 1}`, code }))
  }
  const lines = text.split(/\r?\n/)
  const first = lines.findIndex(l => l.trim() !== '')
  const header = first >= 0 ? splitCsv(lines[first]).map(h => h.trim().toLowerCase()) : []
  const column = header.findIndex(h => h === 'code' || h === '兑换码' || h === '券码')
  const out: Array<{ where: string; code: unknown }> = []
  lines.forEach((l, i) => {
    if (l.trim() === '' || (column >= 0 && i === first)) return
    out.push({ where: `line ${i + 1}`, code: (column >= 0 ? (splitCsv(l)[column] ?? '') : l).trim() })
  })
  return out
}

async function callAdmin(port: number, event: Record<string, unknown>): Promise<any> {
  const url = `http://127.0.0.1:${port}/functions/admin`
  let res: Response
  try {
    res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(event) })
  } catch {
    throw new Error(`cannot reach the emulator at ${url}: start it with npm start (or npm run emulator)`)
  }
  const body = (await res.json().catch(() => null)) as { ok?: boolean; data?: unknown; code?: string; message?: string } | null
  if (!body || body.ok !== true) throw new Error(`admin.${String(event.action)} failed: ${body ? `${body.code}: ${body.message}` : `HTTP ${res.status}`}`)
  return body.data
}

export interface MembersSummary {
  dryRun: boolean
  batches: number
  rows: number
  created: number
  attached: number
  updated: number
  unchanged: number
  errors: Array<{ where: string; externalId: string | null; code: string; message: string }>
  unfinished: number
}

export async function importMembersFile(args: ImportArgs, log: (line: string) => void = console.log): Promise<MembersSummary> {
  const rows = readMemberRows(args.file)
  const base = args.batchId ?? `import-${sha256(fs.readFileSync(args.file)).slice(0, 12)}`
  const sum: MembersSummary = { dryRun: args.dryRun, batches: 0, rows: rows.length, created: 0, attached: 0, updated: 0, unchanged: 0, errors: [], unfinished: 0 }
  for (let offset = 0; offset < rows.length; offset += IMPORT_BATCH_MAX) {
    const part = rows.slice(offset, offset + IMPORT_BATCH_MAX)
    const batchId = `${base}-${offset / IMPORT_BATCH_MAX + 1}`
    let doneBefore = 0
    let report!: ImportMembersReport
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      report = await callAdmin(args.port, { action: 'importMembers', batchId, rows: part.map(p => p.row), dryRun: args.dryRun })
      sum.created += report.created
      sum.attached += report.attached
      sum.updated += report.updated
      // rows written by an earlier attempt of this batch come back unchanged
      const retried = report.unfinished > 0 || report.rowErrors.some(e => e.code === 'CONFLICT')
      if (!retried || args.dryRun || attempt === ATTEMPTS) break
      doneBefore += report.created + report.attached + report.updated
      log(`${batchId}: ${report.unfinished} rows unfinished, ${report.rowErrors.filter(e => e.code === 'CONFLICT').length} in contention: sending the batch again`)
    }
    sum.unchanged += report.unchanged - doneBefore
    sum.unfinished += report.unfinished
    sum.errors.push(...report.rowErrors.map(e => ({ where: part[e.index].where, externalId: e.externalId, code: e.code, message: e.message })))
    sum.batches++
    log(
      `${batchId}: ${part.length} rows — created ${report.created}, attached ${report.attached}, updated ${report.updated}, unchanged ${report.unchanged}, errors ${report.errors}${report.unfinished ? `, unfinished ${report.unfinished}` : ''}`,
    )
  }
  return sum
}

export async function importCodesFile(
  args: ImportArgs,
  log: (line: string) => void = console.log,
): Promise<{ dryRun: boolean; received: number; imported: number; errors: Array<{ where: string; code: string; error: string; message: string }>; pool: ImportCouponCodesReport['pool'] | null }> {
  const codes = readCodes(args.file)
  const base = args.batchId ?? `codes-${sha256(fs.readFileSync(args.file)).slice(0, 12)}`
  const out = {
    dryRun: args.dryRun,
    received: codes.length,
    imported: 0,
    errors: [] as Array<{ where: string; code: string; error: string; message: string }>,
    pool: null as ImportCouponCodesReport['pool'] | null,
  }
  for (let offset = 0; offset < codes.length; offset += CODE_BATCH_MAX) {
    const part = codes.slice(offset, offset + CODE_BATCH_MAX)
    const report: ImportCouponCodesReport = await callAdmin(args.port, {
      action: 'importCouponCodes',
      templateId: args.templateId,
      codes: part.map(p => p.code),
      batchId: `${base}-${offset / CODE_BATCH_MAX + 1}`,
      dryRun: args.dryRun,
    })
    out.imported += report.imported
    out.errors.push(...report.codeErrors.map(e => ({ where: part[e.index].where, code: e.code, error: e.error, message: e.message })))
    out.pool = report.pool
    log(`codes ${offset + 1}–${offset + part.length}: imported ${report.imported}, errors ${report.errors}`)
  }
  return out
}

async function runImport(args: ImportArgs): Promise<void> {
  const file = path.resolve(args.file)
  if (args.kind === 'members') {
    const s = await importMembersFile({ ...args, file })
    console.log(
      `\n${s.dryRun ? '[dry run] ' : ''}${s.rows} rows in ${s.batches} batches: created ${s.created}, attached to existing members ${s.attached}, updated ${s.updated}, unchanged ${s.unchanged}, errors ${s.errors.length}${s.unfinished ? `, unfinished ${s.unfinished} (run again)` : ''}`,
    )
    for (const e of s.errors.slice(0, 100)) console.log(`  ${e.where}${e.externalId ? ` (${e.externalId})` : ''}: ${e.code} ${e.message}`)
    if (s.errors.length > 100) console.log(`  … and ${s.errors.length - 100} more`)
    if (s.errors.length || s.unfinished) process.exit(1)
  } else {
    const s = await importCodesFile({ ...args, file })
    console.log(
      `\n${s.dryRun ? '[dry run] ' : ''}${s.received} codes: imported ${s.imported}, errors ${s.errors.length}; pool ${s.pool ? `${s.pool.imported} imported, ${s.pool.assigned} assigned, ${s.pool.available} available` : '-'}`,
    )
    for (const e of s.errors.slice(0, 100)) console.log(`  ${e.where} ${e.code}: ${e.error} ${e.message}`)
    if (s.errors.length) process.exit(1)
  }
}

if (require.main === module) {
  if (process.argv[2] === 'orders') void runOrdersCli(process.argv.slice(3)).then(code => process.exit(code))
  else void runCli(parseImportArgs, runImport, { failureCode: 3 })
}
