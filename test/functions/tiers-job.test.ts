/** The daily `tiers` job through the SDK on the emulator: stage counts, scores, reviews, idempotence, resuming. */
import { EMPTY_STATS, type MemberStats } from '../../types/analytics'
import { DEFAULT_TIER_LADDER } from '../../types/tiers'
import { newMember } from '../../domain/member'
import { withPurchase } from '../../domain/lifecycle'
import { invoke, setClock } from '../../scripts/emulator-process'
import { useEmulator, signUp } from './support'

const env = useEmulator()
const NOW = '2026-11-23T04:00:00.000Z' // 12:00 Shanghai
const DAY = 86_400_000
const ago = (days: number) => new Date(Date.parse(NOW) - days * DAY)
const tiers = (event: unknown, openid?: string) => invoke(env.emu, 'tiers', event, openid)

function history(daysAgo: number[]): MemberStats {
  return daysAgo.sort((a, b) => b - a).reduce((s, d) => withPurchase(s, { paidFen: 8_800, orderFen: 8_800, at: ago(d), usedCoupon: false }), EMPTY_STATS)
}

/** A member as the purchase flow would have left it, with the stage stored when it last changed. */
async function put(openid: string, joinedDaysAgo: number, purchasesDaysAgo: number[], stage: string, extra: Record<string, unknown> = {}) {
  const m = newMember(openid, String(2_000_000_000 + Math.floor(Math.random() * 7_000_000_000)), ago(joinedDaysAgo))
  const stats = history(purchasesDaysAgo)
  const { _id, ...doc } = { ...m, stats, stage, recencyAt: stats.lastPurchaseAt ?? m.createdAt, firstPurchaseAt: stats.firstPurchaseAt, lastLoginAt: ago(60), ...extra }
  await env.db.collection('members').doc(_id).set({ data: doc })
}

const population = {
  new: 8, // joined 5 days ago, nothing bought
  active: 12, // bought 10 and 40 days ago
  sleeping: 10, // stored active, last bought 100 days ago
  churned: 10, // stored active, last bought 200 days ago
  loyal: 5, // 8 purchases in the last year, tenure 400 days
}

// the whole file runs at NOW (its emulator is its own)
beforeAll(async () => {
  await setClock(env.emu, NOW)
  for (let i = 0; i < population.new; i++) await put(`o_job_new_${i}`, 5, [], 'new')
  for (let i = 0; i < population.active; i++) await put(`o_job_active_${i}`, 200, [40 + i, 10], 'active')
  for (let i = 0; i < population.sleeping; i++) await put(`o_job_sleep_${i}`, 300, [150 + i, 100], 'active')
  for (let i = 0; i < population.churned; i++) await put(`o_job_churn_${i}`, 400, [300 + i, 200], 'active')
  for (let i = 0; i < population.loyal; i++) await put(`o_job_loyal_${i}`, 400, [330, 290, 250, 200, 150, 100, 50, 5 + i], 'active')
  // an engaged member and a quiet one with the same history: bought twice, the last 70 days ago
  await put('o_job_engaged', 300, [120, 70], 'active', {
    lastLoginAt: ago(1),
    checkin: { month: '2026-11', days: [20, 21, 22, 23], makeupDays: [], streakBeforeMonth: 0, streak: 4, lastDay: '2026-11-23', total: 30 },
  })
  await put('o_job_quiet', 300, [120, 70], 'active')
  // a gold member whose review came 40 days ago with too little growth: past the 30-day grace
  await put('o_job_review', 500, [60], 'active', {
    tier: { tierId: 'gold', since: ago(405), reviewAt: ago(40), downgradeAt: null, manual: null },
    tierId: 'gold',
    growth: { '2026-09': 88 },
  })
}, 120_000)

const countBy = async (stage: string, prefix: string) =>
  (
    await env.db
      .collection('members')
      .where({ stage, _id: env.db.RegExp({ regexp: `^${prefix}` }) })
      .count()
  ).total

test('consumers cannot run the job', async () => {
  await signUp(env, 'o_job_consumer')
  expect(await tiers({ action: 'run' }, 'o_job_consumer')).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' })
  expect(await tiers({ action: 'status' }, 'o_job_consumer')).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' })
})

test('one run: set-based transitions, then every member scored; the expected stage counts', async () => {
  const res = await tiers({ action: 'run' })
  expect(res).toMatchObject({ ok: true, data: { status: 'done', day: '2026-11-23', models: { source: 'fitted' } } })
  expect(res.data.transitions).toMatchObject({ 'new|active|loyal|sleeping→churned': population.churned, 'new|active|loyal→sleeping': population.sleeping })
  expect(res.data.scored).toBeGreaterThanOrEqual(48)
  expect(await countBy('new', 'o_job_new_')).toBe(population.new)
  expect(await countBy('active', 'o_job_active_')).toBe(population.active)
  expect(await countBy('sleeping', 'o_job_sleep_')).toBe(population.sleeping)
  expect(await countBy('churned', 'o_job_churn_')).toBe(population.churned)
  expect(await countBy('loyal', 'o_job_loyal_')).toBe(population.loyal)

  const loyal = (await env.db.collection('members').doc('o_job_loyal_0').get()).data
  expect(loyal.rfm).toMatchObject({ layer: 'high' })
  expect(loyal.tags).toEqual(expect.arrayContaining(['高价值会员']))
  expect(loyal.churn.risk).toBeLessThan(0.5)
  const fresh = (await env.db.collection('members').doc('o_job_new_0').get()).data
  expect(fresh).toMatchObject({ churn: null, valueLayer: 'none', tags: ['新客'] })
})

test('an engaged member who buys less is not flagged like a quiet one; the reasons are stored', async () => {
  const engaged = (await env.db.collection('members').doc('o_job_engaged').get()).data
  const quiet = (await env.db.collection('members').doc('o_job_quiet').get()).data
  expect(engaged.churn.risk).toBeLessThan(quiet.churn.risk * 0.6)
  expect(engaged.churn.reasons.join(' ')).toContain('签到')
  expect(quiet.churn.reasons[0]).toMatch(/不再购买的概率 \d+%/)
  expect(engaged.tags).not.toContain('流失预警')
})

test('the review moves a member past grace down to the tier the growth qualifies for', async () => {
  const doc = (await env.db.collection('members').doc('o_job_review').get()).data
  expect(doc.tierId).toBe(DEFAULT_TIER_LADDER.tiers[0].tierId)
  expect(doc.tier).toMatchObject({ tierId: 'base', downgradeAt: null })
})

test('running again changes nothing: a finished run answers its summary; a forced rerun writes no member', async () => {
  const before = await tiers({ action: 'status' })
  const again = await tiers({ action: 'run' })
  expect(again.data).toEqual(before.data)
  const forced = await tiers({ action: 'run', force: true })
  expect(forced.data).toMatchObject({ status: 'done', written: 0 })
  expect(forced.data.transitions).toMatchObject({ 'new|active|loyal|sleeping→churned': 0, 'new|active|loyal→sleeping': 0 })
})

test('a run cut short resumes from its cursor and never applies a member twice', async () => {
  // a member changes after the run: only a new run (or a resumed shard) scores it
  await put('o_job_late', 300, [100, 95], 'active')
  const run = await tiers({ action: 'status' })
  const shard = `${run.data.runId}:shard:0`
  // as if the worker had been killed half way: the shard is open again at an earlier cursor
  await env.db
    .collection('jobs')
    .doc(shard)
    .update({ data: { done: false, cursor: 'o_job_l', written: 0 } })
  await env.db
    .collection('jobs')
    .doc(run.data.runId)
    .update({ data: { status: 'scoring' } })
  const resumed = await tiers({ action: 'run' })
  expect(resumed.data).toMatchObject({ status: 'done', written: 1 }) // only the late member changed
  expect((await env.db.collection('members').doc('o_job_late').get()).data.stage).toBe('sleeping')
  expect(await tiers({ action: 'shard', runId: run.data.runId, shard: 0 })).toMatchObject({ ok: true, data: { done: true, written: 1 } })
})

test('a shard scored again after a worker died before recording its pages moves and counts nobody twice', async () => {
  const run = await tiers({ action: 'status' })
  const shard = `${run.data.runId}:shard:0`
  await env.db
    .collection('jobs')
    .doc(shard)
    .update({ data: { done: false, cursor: null, transitions: env.db.command.set({}), scored: 0, written: 0 } })
  await env.db
    .collection('jobs')
    .doc(run.data.runId)
    .update({ data: { status: 'scoring' } })
  const resumed = await tiers({ action: 'run' })
  expect(resumed.data).toMatchObject({ status: 'done', written: 0 })
  expect(resumed.data.transitions).toEqual({ 'new|active|loyal|sleeping→churned': 0, 'new|active|loyal→sleeping': 0, 'new→active': 0 })
  expect(await countBy('churned', 'o_job_churn_')).toBe(population.churned)
  expect(await countBy('sleeping', 'o_job_sleep_')).toBe(population.sleeping)
})

test('a run whose preparation was cut short finds its shard boundaries on the next call, then scores', async () => {
  const run = await tiers({ action: 'status' })
  await env.db
    .collection('jobs')
    .doc(run.data.runId)
    .update({ data: { status: 'preparing', bounds: env.db.command.set([]), shards: 0 } })
  expect((await tiers({ action: 'status' })).data).toMatchObject({ status: 'preparing', shards: 0, scored: 0 })
  const resumed = await tiers({ action: 'run' })
  expect(resumed.data).toMatchObject({ status: 'done', shards: 1, shardsDone: 1, written: 0, now: run.data.now })
  expect(resumed.data.scored).toBe(run.data.scored)
})

test('the item neighbours are their own step, run once the members are scored; timings are reported', async () => {
  const run = (await tiers({ action: 'status' })).data
  expect(run.neighbors).toEqual({ purchases: expect.any(Number), items: expect.any(Number) })
  expect(run.timing).toEqual({ prepareMs: expect.any(Number), longestShardMs: expect.any(Number), workerFailures: 0 })
  expect(run.timing.longestShardMs).toBeGreaterThan(0)
  // computed once: asked again, it answers what it stored
  expect(await tiers({ action: 'neighbors', runId: run.runId })).toEqual({ ok: true, data: { ...run.neighbors, busy: false, more: false } })
  expect(await tiers({ action: 'neighbors', runId: 'tiers-2000-01-01' })).toMatchObject({ ok: false, code: 'NOT_FOUND' })
  expect(await tiers({ action: 'neighbors', runId: run.runId }, 'o_job_consumer')).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' })
})

test('pinned model parameters replace the daily refit until unpinned', async () => {
  const params = { bg: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, gg: { p: 6.25, q: 3.74, gamma: 15.44 } }
  expect(await env.admin({ action: 'pinModelParams', params: { bg: { r: -1, alpha: 1, a: 1, b: 1 }, gg: null } })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
  expect(await env.admin({ action: 'pinModelParams', params })).toMatchObject({ ok: true, data: { pinned: true } })
  expect((await tiers({ action: 'run', force: true })).data.models).toEqual({ source: 'pinned', sample: expect.any(Number) })
  expect(await env.admin({ action: 'pinModelParams', params: null })).toMatchObject({ ok: true, data: { pinned: false } })
  expect((await tiers({ action: 'run', force: true })).data.models.source).toBe('fitted')
})
