/** `npm run bench` end to end for a small N: it runs, counts, checks and cleans up. No timing assertions. */
import fs from 'fs'
import { functionSeconds } from '../../scripts/bench-emulator'
import { formatSegmentTable } from '../../scripts/bench-segments'
import { benchSize, DEFAULT_SIZES, formatResults, formatSummaryTable, parseBenchArgs, perThousand, UsageError, type BenchResult } from '../../scripts/bench'

/** two shards (5,000 members each): the coordinator scores one in its own lane, a worker the other */
const N = 6_000
let result: BenchResult
const log: string[] = []

beforeAll(async () => {
  result = await benchSize(N, { seed: 7, log: line => log.push(line) })
}, 600_000)

test('the first run scores every seeded member and the emulator counted its database requests', () => {
  const { first, seed } = result
  expect(seed).toMatchObject({ members: N })
  expect(seed.buyers).toBeGreaterThan(N / 2)
  expect(seed.buyers).toBeLessThan(N)
  expect(seed.reviewsDue).toBeGreaterThan(0)
  expect(first.summary).toMatchObject({ status: 'done', scored: N, models: { source: 'fitted' } })
  // the time transitions did real work, and every member was written (all start unscored)
  expect(Object.values(first.summary.transitions).reduce((s, v) => s + v, 0)).toBeGreaterThan(0)
  expect(first.summary.written).toBe(N)
  // read back from the members themselves: every buyer carries this run's churn score, everyone a tier
  expect(first.check).toEqual({ scoredAtRun: seed.buyers, withTierId: N })
  expect(first.stats.total).toBeGreaterThan(N)
  expect(first.stats.requests['database.modifyDocument']).toBeGreaterThanOrEqual(N)
  expect(first.stats.requests['database.getDocument']).toBeGreaterThan(0)
  expect(first.stats.requests['functions.invokeFunction']).toBeGreaterThan(0)
  // the invocations by function and action: the scoring workers apart (the neighbours of a brand this
  // small are prepared, counted and merged in the coordinator's own steps: no neighbours worker)
  const invocations = first.stats.invocations ?? {}
  expect(first.summary.shards).toBe(2)
  expect(invocations['tiers.shard']).toBeGreaterThan(0)
  // the seed holds the members' purchase rows: the job's neighbour steps counted them
  expect(first.summary.neighbors?.purchases).toBeGreaterThan(N)
  expect(first.summary.neighbors?.items).toBeGreaterThan(100)
  expect(Object.values(invocations).reduce((s, v) => s + v, 0)).toBe(first.stats.requests['functions.invokeFunction'])
  expect(Object.values(first.stats.requests).reduce((s, v) => s + v, 0)).toBe(first.stats.total)
  // function time: every \`run\` call the bench made and every worker it started, with their durations
  const functions = first.stats.functions ?? {}
  expect(functions['tiers.run'].calls).toBe(first.calls)
  expect(functions['tiers.shard'].calls).toBe(invocations['tiers.shard'])
  // the longest shard visit ran in the coordinator's lane or in a worker
  expect(Math.max(functions['tiers.run'].ms, functions['tiers.shard'].ms)).toBeGreaterThanOrEqual(first.summary.timing.longestShardMs)
  expect(functionSeconds(first.stats)).toBeCloseTo(Object.values(functions).reduce((s, f) => s + f.ms, 0) / 1000)
  expect(perThousand(first.stats, N).total).toBeCloseTo((first.stats.total * 1000) / N)
})

test("the forced rerun the same day scores at the run's instant again: no transition, no member written", () => {
  const { second, seed } = result
  expect(second.summary).toMatchObject({ status: 'done', scored: N })
  expect(Object.values(second.summary.transitions)).toEqual([0, 0, 0])
  expect(second.summary.written).toBe(0)
  expect(second.check).toEqual({ scoredAtRun: seed.buyers, withTierId: N })
  expect(second.stats.total).toBeGreaterThan(0)
})

test('the temporary data dir is removed and the table has a row per run', () => {
  expect(fs.existsSync(result.dataDir)).toBe(false)
  const rows = formatResults([result]).split('\n')
  expect(rows).toHaveLength(4)
  expect(rows[2]).toMatch(/^\| 6,000 \| first \| \d+ \| [\d.]+ \| \d+ ticks? ≈ [\d.]+ h \|/)
  expect(rows[3]).toMatch(/^\| 6,000 \| forced rerun \|/)
  // the longest coordinator call and worker invocation are measured
  expect(result.first.longestCallSeconds).toBeGreaterThan(0)
  expect(result.first.longestCallSeconds).toBeLessThanOrEqual(result.first.wallSeconds)
  expect(result.first.summary.timing.longestShardMs).toBeGreaterThan(0)
  expect(log.some(l => l.includes('seeded'))).toBe(true)
  // the functions' clock is pinned at the start: the run is at that instant, whatever the real clock does meanwhile
  expect(log.some(l => l.endsWith(`the functions' clock pinned to ${result.first.summary.now}`))).toBe(true)
})

test("a saved segment's members are found in steps and stored: the indexed count equals the unsaved rule's exact count", () => {
  const { segment } = result
  // about 7% of the seeded members have a silver or gold tier; fewer than the preview's sample, so the rule is counted exactly
  expect(segment.members).toBeGreaterThan(0)
  expect(segment.members).toBeLessThan(N)
  expect(segment.rulePreview).toMatchObject({ count: segment.members, estimated: false, sampled: N })
  expect(segment.savedPreview.count).toBe(segment.members)
  expect(segment.requests).toBeGreaterThan(N / 1000)
  expect(segment.functionSeconds).toBeGreaterThan(0)
  expect(formatSegmentTable([result]).split('\n')[2]).toMatch(/^\| 6,000 \| [\d,]+ \| [\d.]+ \| \d+ \|/)
})

test("the summary table has the job's throughput per run", () => {
  const rows = formatSummaryTable([result], undefined).split('\n')
  expect(rows).toHaveLength(5)
  expect(rows[2]).toMatch(/^\| tiers job, 6,000 members, first run \| – \| – \| [\d,.]+ \/ 1,000 members \| – \| [\d,]+ members\/s \([\d,.]+ s; function time [\d,.]+ s\) \|$/)
  expect(rows[3]).toMatch(/^\| tiers job, 6,000 members, forced rerun \|/)
  expect(rows[4]).toMatch(/^\| saved segment's members found, 6,000 members \| – \| – \| [\d,.]+ \/ 1,000 members \| – \| [\d,]+ found in [\d,.]+ s/)
})

test('--sizes, --seed, --only and the --actions-* and --report-* flags are parsed; anything else is a usage error', () => {
  expect(parseBenchArgs([])).toEqual({ sizes: DEFAULT_SIZES, seed: undefined })
  // --sizes alone sizes every part: the actions at the largest size, the report at each; their own flags win
  expect(parseBenchArgs(['--sizes', '2000,10_000', '--seed=3'])).toEqual({ sizes: [2000, 10_000], seed: 3, actionsMembers: 10_000, reportSizes: [2000, 10_000] })
  expect(parseBenchArgs(['--sizes', '1000000', '--actions-members', '5000', '--report-sizes', '20000'])).toEqual({ sizes: [1_000_000], actionsMembers: 5000, reportSizes: [20_000] })
  expect(parseBenchArgs(['--only', 'actions', '--actions-members', '2_000', '--actions-products=50', '--actions-reps', '5'])).toEqual({
    sizes: DEFAULT_SIZES,
    seed: undefined,
    only: 'actions',
    actionsMembers: 2000,
    actionsProducts: 50,
    actionsReps: 5,
  })
  expect(parseBenchArgs(['--only=tiers', '--sizes', '500'])).toEqual({ sizes: [500], only: 'tiers', actionsMembers: 500, reportSizes: [500] })
  expect(parseBenchArgs(['--seed-cache', '/tmp/bench-cache', '--only', 'tiers'])).toEqual({ sizes: DEFAULT_SIZES, seedCache: '/tmp/bench-cache', only: 'tiers' })
  expect(parseBenchArgs(['--only', 'report', '--report-sizes', '20_000,100000', '--report-reps=3'])).toEqual({ sizes: DEFAULT_SIZES, only: 'report', reportSizes: [20_000, 100_000], reportReps: 3 })
  for (const bad of [
    ['--sizes'],
    ['--sizes', '0'],
    ['--sizes', 'abc'],
    ['--n', '5'],
    ['--seed', '1.5'],
    ['--only', 'both'],
    ['--only'],
    ['--seed-cache', ' '],
    ['--actions-members', '0'],
    ['--actions-reps', 'x'],
    ['--report-sizes', '1,x'],
    ['--report-reps', '0'],
  ]) {
    expect(() => parseBenchArgs(bad)).toThrow(UsageError)
  }
})
