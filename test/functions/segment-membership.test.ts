/**
 * Who is in a saved segment, stored on the members (`segmentIds`) through the SDK on the emulator: found
 * when the rule is saved (at once on a small brand, else in steps on the tiers timer), kept by the daily
 * tiers run, refused for reading while still being found, restarted when the rule changes, and waiting
 * while the day's run scores. A rule tried out before saving is counted over a sample of the members.
 */
import { SEGMENT_PREVIEW_SAMPLE } from '../../types/segments'
import { newMember } from '../../domain/member'
import { invoke, setClock } from '../../scripts/emulator-process'
import { useEmulator, memberDoc, rid } from './support'

const env = useEmulator()
const NOW = '2026-11-23T04:00:00.000Z' // 12:00 Shanghai
const RUN_ID = 'tiers-2026-11-23'
const MEMBERS = 30
const tiers = (event: unknown) => invoke(env.emu, 'tiers', event)
const id = (i: number) => `o_sm_${String(i).padStart(2, '0')}`
const ok = (res: any) => {
  if (!res.ok) throw new Error(JSON.stringify(res))
  return res.data
}

/** Members stored in the segment, by id (read by the test itself: not the functions' query). */
async function stored(segmentId: string): Promise<string[]> {
  const { data } = await env.db.collection('members').where({ segmentIds: segmentId }).orderBy('_id', 'asc').limit(1000).get()
  return data.map((d: any) => d._id)
}
const range = (from: number, to: number) => Array.from({ length: to - from }, (_x, k) => id(from + k))

// o_sm_00 … o_sm_29: spent 0, 10, … 290 元; the even ones tagged 咖啡控 (by hand: the daily run keeps manual tags)
beforeAll(async () => {
  await setClock(env.emu, NOW)
  for (let i = 0; i < MEMBERS; i++) {
    const { _id, ...doc } = { ...newMember(id(i), String(3_000_000_000 + i), new Date(NOW)), tags: i % 2 ? [] : ['咖啡控'], manualTags: i % 2 ? [] : ['咖啡控'] }
    doc.stats = { ...doc.stats, spendFen: i * 1000 }
    await env.db.collection('members').doc(_id).set({ data: doc })
  }
  await env.db.collection('admins').add({ data: { _id: 'o_sm_boss', name: 'boss' } })
})

test('a small brand: saving finds the members at once, and reads use the stored members', async () => {
  const saved = ok(await env.admin({ action: 'saveSegment', segmentId: 'rich', name: '消费多', rule: { all: [{ field: 'stats.spendFen', op: 'gte', value: 20000 }] } }))
  expect(saved).toEqual({ segmentId: 'rich', created: true, membership: 'ready' })
  expect(await stored('rich')).toEqual(range(20, 30))
  expect(ok(await env.admin({ action: 'previewSegment', segmentId: 'rich', sample: 2 }))).toMatchObject({
    count: 10,
    estimated: false,
    sample: [{ openid: id(20) }, { openid: id(21) }],
    membership: { state: 'ready', visited: MEMBERS, asOf: NOW },
  })
  expect(ok(await env.admin({ action: 'listSegments' })).segments).toEqual([expect.objectContaining({ segmentId: 'rich', membership: { state: 'ready', visited: MEMBERS, asOf: NOW } })])
  // a rule tried out before saving: counted over every member here (fewer than the sample)
  expect(ok(await env.admin({ action: 'previewSegment', rule: { all: [{ field: 'stats.spendFen', op: 'gte', value: 20000 }] }, sample: 0 }))).toEqual({
    count: 10,
    estimated: false,
    sampled: MEMBERS,
    sample: [],
    membership: null,
  })
  expect(ok(await env.admin({ action: 'exportSegment', segmentId: 'rich' }, 'o_sm_boss')).rows).toBe(10)
  // saved again with the same rule (a new name): the members stay as found
  expect(ok(await env.admin({ action: 'saveSegment', segmentId: 'rich', name: '消费大户', rule: { all: [{ field: 'stats.spendFen', op: 'gte', value: 20000 }] } }))).toEqual({
    segmentId: 'rich',
    created: false,
    membership: 'ready',
  })
})

test('a member who changes moves in or out with the next daily run', async () => {
  // spending changed by something that does not touch segments (the member's own actions do not)
  await env.db
    .collection('members')
    .doc(id(5))
    .update({ data: { 'stats.spendFen': 50000 } })
  await env.db
    .collection('members')
    .doc(id(29))
    .update({ data: { 'stats.spendFen': 0 } })
  expect(await stored('rich')).toEqual(range(20, 30))
  const run = ok(await tiers({ action: 'run' }))
  expect(run).toMatchObject({ status: 'done', scored: MEMBERS })
  expect(await stored('rich')).toEqual([id(5), ...range(20, 29)])
})

test('a changed rule is found in steps; meanwhile reads are refused; a pass waits while the day’s run scores', async () => {
  // the day's run scoring: it writes whole segment lists from the rules it loaded, so no pass runs beside it
  await env.db
    .collection('jobs')
    .doc(RUN_ID)
    .update({ data: { status: 'scoring' } })
  const saved = ok(await env.admin({ action: 'saveSegment', segmentId: 'rich', name: '消费大户', rule: { all: [{ field: 'stats.spendFen', op: 'gte', value: 25000 }] } }))
  expect(saved.membership).toBe('computing')
  expect(ok(await tiers({ action: 'segments' }))).toEqual({ step: null })

  const refused = { ok: false, code: 'FAILED_PRECONDITION', message: '人群「消费大户」的成员还在计算中（已核对 0 位会员），请稍后再试' }
  expect(await env.admin({ action: 'exportSegment', segmentId: 'rich' }, 'o_sm_boss')).toMatchObject(refused)
  ok(
    await env.admin({
      action: 'upsertCouponTemplate',
      template: { templateId: 'tpl-sm', name: '大户券', type: 'cash', valueFen: 500, validity: { kind: 'relative', days: 7 }, totalStock: 100, audience: { kind: 'all' }, channels: ['admin'] },
    }),
  )
  expect(await env.admin({ action: 'issueCoupons', templateId: 'tpl-sm', segmentId: 'rich', requestId: rid('sm') })).toMatchObject(refused)
  // the preview counts by the new rule meanwhile (every member here) and says the members are not found yet
  expect(ok(await env.admin({ action: 'previewSegment', segmentId: 'rich', sample: 0 }))).toMatchObject({ count: 5, estimated: false, membership: { state: 'computing', visited: 0 } })

  await env.db
    .collection('jobs')
    .doc(RUN_ID)
    .update({ data: { status: 'done' } })
  expect(ok(await tiers({ action: 'segments', limit: 12 })).step).toEqual({ segmentId: 'rich', state: 'computing', visited: 12, found: 1 })
  expect(ok(await env.admin({ action: 'listSegments' })).segments[0].membership).toEqual({ state: 'computing', visited: 12, asOf: null })
  expect(ok(await tiers({ action: 'segments', limit: 12 })).step).toMatchObject({ state: 'computing', visited: 24 })
  // the last page is short: the pass is done
  expect(ok(await tiers({ action: 'segments', limit: 12 })).step).toEqual({ segmentId: 'rich', state: 'ready', visited: MEMBERS, found: 5 })
  expect(ok(await tiers({ action: 'segments' }))).toEqual({ step: null })
  expect(await stored('rich')).toEqual([id(5), ...range(25, 29)])
  const issued = ok(await env.admin({ action: 'issueCoupons', templateId: 'tpl-sm', segmentId: 'rich', requestId: rid('sm') }))
  expect(issued).toMatchObject({ issued: 5 })
})

test('a stored list that is not a list is replaced by the pass', async () => {
  await env.db
    .collection('members')
    .doc(id(28))
    .update({ data: { segmentIds: 'rich' } })
  await env.db
    .collection('members')
    .doc(id(1))
    .update({ data: { segmentIds: 7 } })
  ok(await env.admin({ action: 'saveSegment', segmentId: 'rich', name: '消费大户', rule: { all: [{ field: 'stats.spendFen', op: 'gte', value: 28000 }] } }))
  expect((await memberDoc(env, id(28))).segmentIds).toEqual(['rich'])
  expect((await memberDoc(env, id(1))).segmentIds).toEqual([])
})

test('a rule saved again mid-pass starts over; a deleted segment saved again drops the old members', async () => {
  await env.db
    .collection('jobs')
    .doc(RUN_ID)
    .update({ data: { status: 'scoring' } })
  ok(await env.admin({ action: 'saveSegment', segmentId: 'coffee', name: '咖啡控', rule: { all: [{ field: 'tags', op: 'hasAny', value: ['咖啡控'] }] } }))
  await env.db
    .collection('jobs')
    .doc(RUN_ID)
    .update({ data: { status: 'done' } })
  expect(ok(await tiers({ action: 'segments', segmentId: 'coffee', limit: 10 })).step).toMatchObject({ state: 'computing', visited: 10, found: 5 })
  // changed before the pass ends: the next step starts from the first member with the new rule
  ok(await env.admin({ action: 'saveSegment', segmentId: 'coffee', name: '不爱咖啡', rule: { all: [{ field: 'tags', op: 'nin', value: ['咖啡控'] }] } }))
  expect(await stored('coffee')).toEqual(range(1, 30).filter((_x, k) => k % 2 === 0))

  ok(await env.admin({ action: 'deleteSegment', segmentId: 'coffee' }))
  const again = ok(await env.admin({ action: 'saveSegment', segmentId: 'coffee', name: '咖啡控', rule: { all: [{ field: 'tags', op: 'hasAny', value: ['咖啡控'] }] } }))
  expect(again).toMatchObject({ created: true, membership: 'ready' })
  expect(await stored('coffee')).toEqual(range(0, 30).filter((_x, k) => k % 2 === 0))
})

test(`a rule tried out on more than ${SEGMENT_PREVIEW_SAMPLE.toLocaleString('en-US')} members is estimated from the first of them`, async () => {
  const members = env.db.collection('members')
  const EXTRA = 12_000
  const BULK = '抽样估算'
  // after o_sm_* by _id; every other one tagged
  const doc = (i: number) => ({ _id: `o_zz_${String(i).padStart(5, '0')}`, memberNo: `7${String(i).padStart(9, '0')}`, nickname: '', points: 0, pointBatches: [], tags: i % 2 ? [] : [BULK] })
  try {
    for (let start = 0; start < EXTRA; start += 4000) await members.add({ data: Array.from({ length: 4000 }, (_x, k) => doc(start + k)) })
    const preview = ok(await env.admin({ action: 'previewSegment', rule: { all: [{ field: 'tags', op: 'hasAny', value: [BULK] }] }, sample: 1 }))
    // the sample: the 30 o_sm_* and the first 9,970 o_zz_*, of which 4,985 are tagged; 12,030 members in all
    const expected = Math.round((4985 / SEGMENT_PREVIEW_SAMPLE) * (MEMBERS + EXTRA))
    expect(preview).toEqual({ count: expected, estimated: true, sampled: SEGMENT_PREVIEW_SAMPLE, sample: [expect.objectContaining({ openid: 'o_zz_00000' })], membership: null })
  } finally {
    await members.where({ _id: env.db.command.gte('o_zz_') }).remove()
  }
}, 120_000)
