/**
 * The `tiers` job's time transitions at scale: a brand's first run moves most of a shard (here 1,137
 * members, one shard), written with each member's scores and counted once, also when a shard is
 * scored again after its cursor was lost. Through the SDK.
 */
import { EMPTY_STATS } from '../../types/analytics'
import { newMember } from '../../domain/member'
import { withPurchase } from '../../domain/lifecycle'
import { invoke, setClock } from '../../scripts/emulator-process'
import { useEmulator } from './support'

const env = useEmulator()
const NOW = '2026-11-23T04:00:00.000Z'
const DAY = 86_400_000
const ago = (days: number) => new Date(Date.parse(NOW) - days * DAY)
const tiers = (event: unknown) => invoke(env.emu, 'tiers', event)
/** more than a page of scoring (1,000), all in one shard */
const N = 1_137
const CHURNED = 'new|active|loyal|sleeping→churned'

beforeAll(async () => {
  await setClock(env.emu, NOW)
  // stored active, last bought 200 days ago: every one is churned by the run's first transition
  const stats = [300, 200].reduce((s, d) => withPurchase(s, { paidFen: 8_800, orderFen: 8_800, at: ago(d), usedCoupon: false }), EMPTY_STATS)
  for (let i = 0; i < N; i += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, N - i) }, (_x, k) => {
        const m = newMember(`o_tr_${String(i + k).padStart(5, '0')}`, String(3_000_000_000 + i + k), ago(400))
        const { _id, ...doc } = { ...m, stats, stage: 'active', recencyAt: stats.lastPurchaseAt, firstPurchaseAt: stats.firstPurchaseAt, lastLoginAt: ago(60) }
        return env.db.collection('members').doc(_id).set({ data: doc })
      }),
    )
  }
}, 120_000)

const churned = async () => (await env.db.collection('members').where({ stage: 'churned' }).count()).total

test('the first run moves everyone past the churn cutoff with their scores and counts each once', async () => {
  const run = await tiers({ action: 'run' })
  expect(run.data).toMatchObject({ status: 'done', shards: 1, scored: N })
  expect(run.data.transitions[CHURNED]).toBe(N)
  expect(await churned()).toBe(N)
  const shard = (await env.db.collection('jobs').doc(`${run.data.runId}:shard:0`).get()).data
  expect(shard.transitions[CHURNED]).toBe(N)
})

test('a shard scored again from its start (a lost cursor) finds them moved and counts nobody twice', async () => {
  const { data: run } = await tiers({ action: 'status' })
  const jobs = env.db.collection('jobs')
  await jobs.doc(`${run.runId}:shard:0`).update({ data: { done: false, cursor: null, transitions: env.db.command.set({}), scored: 0, written: 0 } })
  await jobs.doc(run.runId).update({ data: { status: 'scoring' } })
  const resumed = await tiers({ action: 'run' })
  expect(resumed.data).toMatchObject({ status: 'done', scored: N, written: 0 })
  expect(resumed.data.transitions[CHURNED]).toBe(0)
  expect(await churned()).toBe(N)
})
