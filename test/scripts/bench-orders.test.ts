/**
 * The orders part of `npm run bench` at a tiny size: the history import of a generated Online
 * Retail-like file (10 customers, 30 invoices, cancellations, rows without customer, bad lines, an
 * invoice split over the file) counts what it skips and imports, credits the pending half at binding,
 * runs the job and asks for recommendations; the orders API part sends signed orders, pending orders
 * and refunds with their requests counted. Counts only: no timing thresholds.
 */
import fs from 'fs'
import os from 'os'
import path from 'path'
import zlib from 'zlib'
import { benchHistory, benchOrdersApi, convertOnlineRetail, formatOrdersTables, ordersSummaryRows, type ApiResult, type HistoryOutcome, type HistoryResult } from '../../scripts/bench-orders'
import { formatSummaryTable, parseBenchArgs } from '../../scripts/bench'

const HEADER = 'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country'
const SKUS: Array<[string, string, string]> = [
  ['85123A', 'WHITE HANGING HEART T-LIGHT HOLDER', '2.55'],
  ['71053', 'WHITE METAL LANTERN', '3.39'],
  ['84406B', 'CREAM CUPID HEARTS COAT HANGER', '2.75'],
  ['22423', 'REGENCY CAKESTAND 3 TIER', '12.75'],
  ['22720', '"SET OF 3 CAKE TINS, PANTRY DESIGN "', '4.95'],
  ['POST', 'POSTAGE', '18.00'],
  ['21212', 'PACK OF 72 RETROSPOT CAKE CASES', '0.55'],
]
const customer = (i: number) => String(12001 + (i % 10))

/** 73 rows: 30 invoices × 2 lines, 3 bad lines, 1 over 9,999, 3 cancellations (4 rows), 2 invoices without customer (5 rows). */
function retailFile(dir: string): string {
  const rows: string[] = []
  let moved = ''
  for (let i = 0; i < 30; i++) {
    const date = `2011-11-${String(i + 1).padStart(2, '0')} 10:${String(i).padStart(2, '0')}:00`
    const line = (k: number, qty: number | string = 1 + (i % 4), price?: string) => {
      const [sku, desc, p] = SKUS[k % SKUS.length]
      return `${536400 + i},${sku},${desc},${qty},${date},${price ?? p},${customer(i)}.0,${i % 3 ? 'United Kingdom' : 'EIRE'}`
    }
    rows.push(line(i))
    // invoice 4's second line comes at the end of the file
    if (i === 4) moved = line(i + 1)
    else rows.push(line(i + 1))
    if (i === 1) rows.push(line(2, 3, '0.0'))
    if (i === 2) rows.push(line(3, -2))
    if (i === 5) rows.push(line(4, 0))
    if (i === 3) rows.push(line(5, 12_000))
  }
  rows.push('C536500,85123A,WHITE HANGING HEART T-LIGHT HOLDER,-6,2011-11-02 11:00:00,2.55,12001.0,United Kingdom')
  rows.push('C536500,71053,WHITE METAL LANTERN,-1,2011-11-02 11:00:00,3.39,12001.0,United Kingdom')
  rows.push('C536501,22423,REGENCY CAKESTAND 3 TIER,-1,2011-11-03 11:00:00,12.75,12002.0,United Kingdom')
  rows.push('C536502,D,Discount,-1,2011-11-04 11:00:00,5.00,12003.0,United Kingdom')
  for (let k = 0; k < 3; k++) rows.push(`536600,85123A,WHITE HANGING HEART T-LIGHT HOLDER,${k + 1},2011-11-05 12:00:00,2.55,,United Kingdom`)
  for (let k = 0; k < 2; k++) rows.push(`536601,71053,WHITE METAL LANTERN,${k + 1},2011-11-06 12:00:00,3.39,,United Kingdom`)
  rows.push(moved)
  const file = path.join(dir, 'online_retail_tiny.csv.gz')
  fs.writeFileSync(file, zlib.gzipSync(`${HEADER}\n${rows.join('\n')}\n`))
  return file
}

let dir: string
let file: string
let history: HistoryOutcome
let api: ApiResult
const log: string[] = []

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-orders-test-'))
  file = retailFile(dir)
  history = await benchHistory({ file, progress: null, log: line => log.push(line) })
  api = await benchOrdersApi({ members: 200, reps: 5, pending: 3, refunds: 2, seed: 3, log: line => log.push(line) })
}, 600_000)

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

test('the conversion skips and counts cancellations, rows without customer and bad lines; a split invoice is one order', async () => {
  const h = history as HistoryResult
  expect(h.conversion).toMatchObject({
    rows: 73,
    cancellations: 3,
    cancellationRows: 4,
    noCustomerRows: 5,
    badLines: 3,
    overQuantityLines: 1,
    customers: 10,
    orders: 30,
    lines: 60,
    ordersOver200Lines: 0,
  })
  const conv = await convertOnlineRetail(file)
  const split = conv.invoices.find(i => i.invoice === '536404')!
  expect(split.lines.map(l => l.sku)).toEqual(['22720', 'POST'])
  // the quoted description with a comma, trimmed; the category is its last word
  const lines = conv.invoices.find(i => i.invoice === '536403')!.lines
  expect(lines).toHaveLength(2)
  expect(lines[0]).toMatchObject({ sku: '22423', title: 'REGENCY CAKESTAND 3 TIER', category: 'tier', priceFen: 1275, quantity: 4 })
  expect(lines[1]).toMatchObject({ sku: '22720', title: 'SET OF 3 CAKE TINS, PANTRY DESIGN', category: 'design', priceFen: 495 })
  expect(conv.customers.get('12001')).toEqual({ orders: 3, firstDay: '2011-11-01' })
  // --history-limit: whole customers in id order until that many orders
  const limited = await convertOnlineRetail(file, { limit: 7 })
  expect(limited.counts).toMatchObject({ customers: 3, orders: 9, allCustomers: 10, allOrders: 30 })
})

test('half the customers bound before the import (credited), the other half pending until they bind', () => {
  const h = history as HistoryResult
  expect(h.members).toMatchObject({ rows: 10, created: 10, errors: 0 })
  expect(h.boundBefore.members).toBe(5)
  expect(h.import).toMatchObject({ orders: 30, lines: 60, imported: 15, pending: 15, unchanged: 0, rejected: 0 })
  expect(h.import.dbPerOrder).toBeGreaterThan(0)
  expect(h.bindAfter).toMatchObject({ calls: 5, ok: 5, pendingBefore: 15, credited: 15, leftPending: 0 })
  expect(h.bindAfter.dbPerCall).toBeGreaterThan(0)
  expect(h.catalog).toEqual({ products: 7, onSale: 6, seconds: expect.any(Number) })
  expect(h.tiers).toMatchObject({ scored: 10, failures: [] })
  expect(h.recommendations).toMatchObject({ asked: 10, calls: 10, ok: 10 })
  expect(h.recommendations.nonEmpty).toBeGreaterThan(0)
  expect(h.recommendations.withOwnReason).toBeLessThanOrEqual(h.recommendations.nonEmpty)
  expect(fs.existsSync(h.dataDir)).toBe(false)
})

test('a missing file skips the history part, saying so', async () => {
  const out = await benchHistory({ file: path.join(dir, 'nope.csv.gz'), log: () => undefined })
  expect(out).toEqual({ skipped: expect.stringMatching(/nope\.csv\.gz not found/), file: path.join(dir, 'nope.csv.gz') })
  expect(ordersSummaryRows({ history: out, api: null, measuredAt: '', machine: '' })[0]).toEqual([
    'history import (Online Retail)',
    '–',
    '–',
    '–',
    '–',
    `not measured: ${(out as { skipped: string }).skipped}`,
  ])
})

test('the orders API: signed orders credited, unknown phones pending, refunds, each with its requests', () => {
  expect(api.members).toBe(200)
  expect(api.orders).toMatchObject({ calls: 5, ok: 5, statuses: { 201: 5 }, errors: [] })
  expect(api.pending).toMatchObject({ calls: 3, ok: 3, statuses: { 202: 3 }, errors: [] })
  expect(api.refunds).toMatchObject({ calls: 2, ok: 2, statuses: { 201: 2 }, errors: [] })
  for (const s of [api.orders, api.pending, api.refunds]) {
    expect(s.dbPerCall).toBeGreaterThan(0)
    expect(s.p95Ms).toBeGreaterThanOrEqual(s.p50Ms)
  }
  expect(api.orders.perCall['database.commitTransaction']).toBeGreaterThan(0)
  expect(fs.existsSync(api.dataDir)).toBe(false)
})

test('the tables: the one summary table has the orders rows; --only orders and its flags parse', () => {
  const result = { history, api, measuredAt: new Date().toISOString(), machine: 'test' }
  const rows = formatSummaryTable([], undefined, [], result).split('\n').slice(2)
  expect(rows).toHaveLength(7)
  expect(rows[0]).toMatch(/^\| history import \(Online Retail\), 30 orders, 10 customers \| – \| – \| [\d.]+ \/ order \| – \| [\d,.]+ orders\/s/)
  expect(rows[4]).toMatch(/^\| POST \/api\/orders, 200 members \(memberNo\) \| [\d,.]+ \| [\d,.]+ \| [\d.]+ \/ call \|/)
  expect(formatOrdersTables(result)).toContain('| customers / orders / lines | 10 / 30 / 60 |')
  expect(parseBenchArgs(['--only', 'orders', '--history-file', 'x.csv.gz', '--history-limit=2_000', '--orders-members', '500', '--orders-reps', '9'])).toEqual({
    sizes: expect.any(Array),
    only: 'orders',
    historyFile: 'x.csv.gz',
    historyLimit: 2000,
    ordersMembers: 500,
    ordersReps: 9,
  })
  expect(() => parseBenchArgs(['--orders-reps', '0'])).toThrow()
})
