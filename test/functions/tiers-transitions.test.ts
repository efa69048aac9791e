/**
 * The `tiers` job's time transitions in bounded chunks (TRANSITION_CHUNK members per update): a
 * brand's first run moves most of a shard, and no worker may take longer for it. Through the SDK.
 */
import { EMPTY_STATS } from '../../types/analytics'
import { newMember } from '../../domain/member'
import { withPurchase } from '../../domain/lifecycle'
import { TRANSITION_CHUNK } from '../../cloudfunctions/tiers/prepare'
import { invoke, setClock } from '../../scripts/emulator-process'
import { useEmulator } from './support'

const env = useEmulator()
const NOW = '2026-11-23T04:00:00.000Z'
const DAY = 86_400_000
const ago = (days: number) => new Date(Date.parse(NOW) - days * DAY)
const tiers = (event: unknown) => invoke(env.emu, 'tiers', event)
/** more than two chunks, all in one shard */
const N = 2 * TRANSITION_CHUNK + 137
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

test('a transition larger than a chunk moves everyone, chunk by chunk, and counts them once', async () => {
  const run = await tiers({ action: 'run' })
  expect(run.data).toMatchObject({ status: 'done', shards: 1, scored: N })
  expect(run.data.transitions[CHURNED]).toBe(N)
  expect(await churned()).toBe(N)
  const shard = (await env.db.collection('jobs').doc(`${run.data.runId}:shard:0`).get()).data
  expect(shard.transitions[CHURNED]).toBe(N)
  expect(shard.moving).toBeNull()
})

test('a transition cut short goes on from its count: the members it moved before are not counted twice', async () => {
  const { data: run } = await tiers({ action: 'status' })
  const jobs = env.db.collection('jobs')
  // as a worker leaves a shard when its budget ran out half way through the transition
  await jobs
    .doc(`${run.runId}:shard:0`)
    .update({ data: { done: false, cursor: null, transitions: env.db.command.set({}), moving: env.db.command.set({ key: CHURNED, moved: 600, after: null }), scored: 0, written: 0 } })
  await jobs.doc(run.runId).update({ data: { status: 'scoring' } })
  const resumed = await tiers({ action: 'run' })
  expect(resumed.data).toMatchObject({ status: 'done', written: 0 })
  expect(resumed.data.transitions[CHURNED]).toBe(600)
  expect(await churned()).toBe(N)
})
