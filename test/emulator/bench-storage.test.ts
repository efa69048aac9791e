/** The storage bench (scripts/bench-storage.ts) at a tiny size: it seeds, starts, queries and reports. Counts only, no timing thresholds. */
import { benchStorage, formatStorageTable } from '../../scripts/bench-storage'
import { parseBenchArgs } from '../../scripts/bench'

test('seeds members, their purchases and a ledger row each, then measures indexed queries that all use an index', async () => {
  const r = await benchStorage(300, { reps: 5, pages: 2 })
  expect(r.members).toBe(300)
  expect(r.purchases).toBeGreaterThan(300)
  expect(r.ledger).toBe(r.purchases)
  expect(r.unindexed).toBe(0)
  expect(r.queries.map(q => [q.label, q.count])).toEqual([
    ['member by _id (openid)', 5],
    ['member by memberNo (unique index)', 5],
    ['last 20 purchases of a member (memberId, createdAt desc)', 5],
    ['ledger page of a member (memberId, createdAt desc)', 5],
    ['members page of 1000 by _id', 2],
  ])
  expect(r.rssStartMB).toBeGreaterThan(0)
  const table = formatStorageTable([r])
  expect(table).toContain('| documents (members / purchases / ledger) | 300 / ')
  expect(table).toContain('| unindexed queries seen | 0 |')
  // (--sizes also sizes the actions and report parts, which --only storage leaves out)
  expect(parseBenchArgs(['--only', 'storage', '--sizes', '100000'])).toEqual({ sizes: [100_000], only: 'storage', actionsMembers: 100_000, reportSizes: [100_000] })
}, 120_000)
