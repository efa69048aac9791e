/**
 * The report part of `npm run bench` at a tiny size: it seeds, calls `admin.report` for the last 366
 * days, counts each call's requests, answers what was seeded, and cleans up. No timing thresholds.
 */
import fs from 'fs'
import { benchReport, formatReportTable, reportSummaryRows, type ReportBenchResult } from '../../scripts/bench-report'
import { formatSummaryTable } from '../../scripts/bench'

let result: ReportBenchResult
const log: string[] = []

beforeAll(async () => {
  result = await benchReport({ members: 300, reps: 2, seed: 5, log: line => log.push(line) })
}, 300_000)

test('every call answered ok, with its database requests counted', () => {
  expect(result).toMatchObject({ members: 300, calls: 2, ok: 2, errors: [] })
  expect(result.firstMs).toBeGreaterThan(0)
  expect(result.p95Ms).toBeGreaterThanOrEqual(result.p50Ms)
  // served from the daily rollups: plain reads, no pipeline over the range's rows
  expect(result.perCall['database.getDocument']).toBeGreaterThan(0)
  expect(result.perCall['database.aggregateDocuments']).toBeUndefined()
  expect(result.rollup.calls).toBeGreaterThan(0)
  expect(result.dbPerCall).toBeCloseTo(Object.entries(result.perCall).reduce((s, [k, v]) => s + (k.startsWith('database.') ? v : 0), 0))
  // the range holds part of the seeded purchases (two years of histories), and part of the members joined in it
  expect(result.purchasesInRange).toBeGreaterThan(0)
  expect(result.purchasesInRange).toBeLessThan(result.purchases)
  expect(result.answer!.newMembers).toBeGreaterThan(0)
  expect(result.answer!.newMembers).toBeLessThan(300)
})

test('the data dir is removed; the tables have a row for the run', () => {
  expect(fs.existsSync(result.dataDir)).toBe(false)
  expect(formatReportTable([result]).split('\n')[2]).toMatch(/^\| 300 \| [\d,]+ \| \d{4}-\d\d-\d\d … \d{4}-\d\d-\d\d \| \d+, [\d.]+, [\d.]+ \| [\d,]+ \| 2\/2 \|/)
  expect(reportSummaryRows([result])[0][0]).toMatch(/^admin\.report, 300 members, [\d,]+ purchases in 366 days$/)
  const rows = formatSummaryTable([], undefined, [result]).split('\n')
  expect(rows).toHaveLength(3)
  expect(rows[2]).toMatch(/^\| admin\.report, 300 members, [\d,]+ purchases in 366 days \| [\d,.]+ \| [\d,.]+ \| [\d.]+ \/ call \| [\d,]+ \| – \|$/)
  expect(log.some(l => l.includes('seeded'))).toBe(true)
})
