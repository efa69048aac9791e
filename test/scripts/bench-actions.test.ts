/**
 * The actions part of `npm run bench` at a tiny size: every member and staff action gets a measured
 * row, the emulator counted each call's requests, every function's cold start is recorded, and the
 * temporary data dir is removed. No timing thresholds (speed belongs to the bench itself).
 */
import fs from 'fs'
import path from 'path'
import { MemberEvents } from '../../types/member'
import { StaffEvents } from '../../types/staff'
import { benchActions, formatActionsTable, percentile, type ActionsResult } from '../../scripts/bench-actions'
import { formatSummaryTable } from '../../scripts/bench'

const REPS = 3
let result: ActionsResult
const log: string[] = []

// from the contracts themselves: a new action without a bench row fails here
const actionsOf = (union: { options: ReadonlyArray<unknown> }) => union.options.map(o => String((o as { shape: { action: { value: unknown } } }).shape.action.value))
const expected = [...actionsOf(MemberEvents).map(a => `member.${a}`), ...actionsOf(StaffEvents).map(a => `staff.${a}`)]
const functions = fs.readdirSync(path.resolve(__dirname, '../../cloudfunctions')).filter(d => fs.existsSync(path.resolve(__dirname, '../../cloudfunctions', d, 'config.json')))

beforeAll(async () => {
  result = await benchActions({ members: 300, products: 50, reps: REPS, seed: 11, log: line => log.push(line) })
}, 600_000)

test('every member and staff action has exactly one row, and none is missing', () => {
  expect(expected.length).toBeGreaterThan(35)
  const names = result.rows.map(r => `${r.fn}.${r.action}`)
  expect([...names].sort()).toEqual([...expected].sort())
  expect(new Set(names).size).toBe(names.length)
  expect(result.missing).toEqual([])
})

test('each measured action answered ok on every call, with database requests counted per call', () => {
  const measured = result.rows.filter(r => !r.skipped)
  // only make-ups can be impossible (on the 1st of a month there is no earlier day to make up)
  for (const r of result.rows.filter(r => r.skipped)) {
    expect(r.action).toBe('makeUpCheckin')
    expect(r.skipped).toMatch(/1st/)
  }
  for (const r of measured) {
    expect({ action: r.action, ok: r.ok, calls: r.calls, errors: r.errors }).toEqual({ action: r.action, ok: REPS, calls: REPS, errors: [] })
    // every action reads the caller (member or staff row) at least
    expect(r.dbPerCall).toBeGreaterThan(0)
    expect(r.dbMin).toBeGreaterThan(0)
    expect(r.dbMax).toBeGreaterThanOrEqual(r.dbMin)
    expect(r.p50Ms).toBeGreaterThan(0)
    expect(r.p95Ms).toBeGreaterThanOrEqual(r.p50Ms)
    const db = Object.entries(r.perCall)
      .filter(([k]) => k.startsWith('database.'))
      .reduce((s, [, v]) => s + v, 0)
    expect(db).toBeCloseTo(r.dbPerCall)
  }
})

test('writes are counted as writes: purchases, check-ins and claims run in transactions that commit', () => {
  const row = (name: string) => result.rows.find(r => `${r.fn}.${r.action}` === name)!
  for (const name of ['staff.recordPurchase', 'staff.refundPurchase', 'member.checkIn', 'member.claimCoupon', 'member.exchangeCoupon', 'staff.writeOffCoupon', 'member.deleteMyAccount']) {
    expect({ name, commits: row(name).perCall['database.commitTransaction'] }).toEqual({ name, commits: 1 })
  }
  expect(row('member.getProfile').perCall['database.commitTransaction']).toBeUndefined()
  // bindPhone exchanges the button's code through wx.openApi: counted, but not as a database request
  expect(row('member.bindPhone').perCall['wx.openApi']).toBe(1)
})

test('recommendations run on the seeded catalogue, neighbours computed by the job step from seeded purchases', () => {
  expect(result.products).toBe(50)
  expect(result.purchases).toBeGreaterThan(300)
  // the job reads the last 12 months (as of its own run, moments after the seed)
  expect(result.neighbours.purchases).toBeLessThanOrEqual(result.lastYearPurchases)
  expect(result.neighbours.purchases).toBeGreaterThan(result.lastYearPurchases * 0.95)
  expect(result.neighbours.items).toBeGreaterThan(10)
  const rec = result.rows.find(r => r.action === 'recommendations')!
  // the member, recent purchases, popular doc, neighbour docs, products
  expect(rec.dbMin).toBeGreaterThanOrEqual(4)
})

test('a cold start is recorded for every function: the first call after the start started an instance', () => {
  expect(result.coldStarts.map(c => c.fn).sort()).toEqual([...functions].sort())
  for (const c of result.coldStarts) {
    expect(c.coldStartFlag).toBe(true)
    expect(c.coldMs).toBeGreaterThan(0)
    expect(c.warmCalls).toBeGreaterThanOrEqual(5)
    expect(c.warmP50Ms).toBeGreaterThan(0)
  }
})

test('the table has a row per action and per function, and the data dir is gone', () => {
  const table = formatActionsTable(result)
  for (const name of expected) expect(table).toContain(`| ${name} |`)
  for (const fn of functions) expect(table).toMatch(new RegExp(`^\\| ${fn} \\| \\d`, 'm'))
  expect(fs.existsSync(result.dataDir)).toBe(false)
  expect(log.some(l => l.includes('seeded'))).toBe(true)
})

test('the one summary table: a row per action with its latency and requests, a row per function with its cold start', () => {
  const rows = formatSummaryTable([], result).split('\n').slice(2)
  expect(rows).toHaveLength(expected.length + functions.length)
  for (const name of expected) {
    const row = rows.find(r => r.startsWith(`| ${name} |`))!
    const [, p50, p95, requests] = row.split(' | ')
    expect(Number(p95.replace(/,/g, ''))).toBeGreaterThanOrEqual(Number(p50.replace(/,/g, '')))
    expect(requests).toMatch(/^\d+(\.\d)? \/ call$/)
  }
  for (const fn of functions) expect(rows.some(r => r.startsWith(`| function ${fn}: first call after start |`) && /\| \d[\d,]* \| – \|$/.test(r))).toBe(true)
})

test('percentile is nearest-rank', () => {
  expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3)
  expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95)).toBe(10)
  expect(percentile([7], 95)).toBe(7)
  expect(percentile([], 50)).toBeNaN()
})
