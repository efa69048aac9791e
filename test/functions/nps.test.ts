/** NPS through the SDK on the emulator: the question, answers and dismissals, the cooldown, follow-ups, the report. */
import { setClock } from '../../scripts/emulator-process'
import { useEmulator, signUp, makeStaff, rid } from './support'

const env = useEmulator()
const STAFF_A = 'o_nps_staff_a'
const STAFF_B = 'o_nps_staff_b'
const DAY = 86_400_000

async function buy(openid: string, staff = STAFF_A, amountFen = 5000) {
  const member = (await env.db.collection('members').where({ _id: openid }).get()).data[0]
  const res = await env.staff({ action: 'recordPurchase', requestId: rid('nps'), member: { memberNo: member.memberNo }, amountFen }, staff)
  if (!res.ok) throw new Error(JSON.stringify(res))
  return res.data.purchase.purchaseId as string
}

const prompt = (openid: string) => env.member({ action: 'npsPrompt' }, openid)
const submit = (openid: string, purchaseId: string, score: number, comment = '') => env.member({ action: 'submitNps', purchaseId, score, comment }, openid)
const later = (days: number) => setClock(env.emu, new Date(Date.now() + days * DAY).toISOString())

beforeAll(async () => {
  await makeStaff(env, STAFF_A, 'store_nps_a', '甲店店员')
  await makeStaff(env, STAFF_B, 'store_nps_b', '乙店店员')
}, 60_000)

afterEach(async () => setClock(env.emu, null))

test('no purchase: no question; after one: asked once; answered → not asked again for 90 days', async () => {
  await signUp(env, 'o_nps_1')
  expect(await prompt('o_nps_1')).toMatchObject({ ok: true, data: { ask: false, reason: 'no_recent_purchase' } })
  const p1 = await buy('o_nps_1')
  expect(await prompt('o_nps_1')).toMatchObject({ ok: true, data: { ask: true, purchaseId: p1, storeId: 'store_nps_a', storeName: '门店 store_nps_a' } })

  expect(await submit('o_nps_1', p1, 11)).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
  expect(await submit('o_nps_1', p1, 10, '很好')).toMatchObject({ ok: true, data: { category: 'promoter', followUp: false, replayed: false } })
  expect(await submit('o_nps_1', p1, 10, '很好')).toMatchObject({ ok: true, data: { replayed: true } })
  expect(await prompt('o_nps_1')).toMatchObject({ data: { ask: false, reason: 'asked_recently' } })

  const p2 = await buy('o_nps_1')
  expect(await prompt('o_nps_1')).toMatchObject({ data: { ask: false, reason: 'asked_recently' } })
  expect(await submit('o_nps_1', p2, 9)).toMatchObject({ ok: false, code: 'FAILED_PRECONDITION' })

  await later(91)
  const p3 = await buy('o_nps_1')
  expect(await prompt('o_nps_1')).toMatchObject({ data: { ask: true, purchaseId: p3 } })
})

test("only about one's own purchase; two answers at once: one lands", async () => {
  await signUp(env, 'o_nps_2')
  await signUp(env, 'o_nps_3')
  const pa = await buy('o_nps_2')
  const pb = await buy('o_nps_2', STAFF_B)
  expect(await submit('o_nps_3', pa, 0)).toMatchObject({ ok: false, code: 'NOT_FOUND' })
  expect(await submit('o_nps_3', 'no-such-purchase', 0)).toMatchObject({ ok: false, code: 'NOT_FOUND' })
  const answers = await Promise.all([submit('o_nps_2', pa, 8), submit('o_nps_2', pb, 2), submit('o_nps_2', pa, 8)])
  const landed = await env.db.collection('nps_responses').where({ memberId: 'o_nps_2' }).get()
  expect(landed.data).toHaveLength(1)
  expect(answers.filter(a => a.ok && !a.data.replayed)).toHaveLength(1)
  expect(answers.every(a => a.ok || a.code === 'FAILED_PRECONDITION')).toBe(true)
})

test('dismissing counts as asked; opting out stops the question; a deleted account is not asked', async () => {
  await signUp(env, 'o_nps_4')
  const p = await buy('o_nps_4')
  expect(await env.member({ action: 'dismissNps', purchaseId: p }, 'o_nps_4')).toMatchObject({ ok: true, data: { dismissed: true } })
  expect(await prompt('o_nps_4')).toMatchObject({ data: { ask: false, reason: 'asked_recently' } })
  expect(await submit('o_nps_4', p, 9)).toMatchObject({ ok: false, code: 'FAILED_PRECONDITION' })

  await signUp(env, 'o_nps_5')
  expect(await env.member({ action: 'setNpsOptOut', optOut: true }, 'o_nps_5')).toMatchObject({ ok: true, data: { optOut: true } })
  const q = await buy('o_nps_5')
  expect(await prompt('o_nps_5')).toMatchObject({ data: { ask: false, reason: 'opted_out' } })
  expect(await submit('o_nps_5', q, 9)).toMatchObject({ ok: false, code: 'FAILED_PRECONDITION' })
  await env.member({ action: 'setNpsOptOut', optOut: false }, 'o_nps_5')
  expect(await prompt('o_nps_5')).toMatchObject({ data: { ask: true, purchaseId: q } })
})

test("a detractor opens a follow-up that only that store's staff see and close, once, audited", async () => {
  await signUp(env, 'o_nps_6')
  const p = await buy('o_nps_6', STAFF_B, 8800)
  expect(await submit('o_nps_6', p, 3, '等太久了')).toMatchObject({ ok: true, data: { category: 'detractor', followUp: true } })
  const open = await env.staff({ action: 'followUps' }, STAFF_B)
  const mine = open.data.items.find((f: any) => f.purchaseId === p)
  expect(mine).toMatchObject({ score: 3, comment: '等太久了', amountFen: 8800, status: 'open' })
  expect((await env.staff({ action: 'followUps' }, STAFF_A)).data.items.find((f: any) => f.purchaseId === p)).toBeUndefined()
  expect(await env.staff({ action: 'followUps' }, 'o_nps_6')).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' })

  expect(await env.staff({ action: 'closeFollowUp', followUpId: mine.followUpId, note: '已电话致歉并赠券' }, STAFF_A)).toMatchObject({ ok: false, code: 'NOT_FOUND' })
  expect(await env.staff({ action: 'closeFollowUp', followUpId: mine.followUpId, note: '' }, STAFF_B)).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
  const closes = await Promise.all([1, 2].map(() => env.staff({ action: 'closeFollowUp', followUpId: mine.followUpId, note: '已电话致歉并赠券' }, STAFF_B)))
  expect(closes.filter(c => c.ok)).toHaveLength(1)
  expect(closes.find(c => c.ok).data.followUp).toMatchObject({ status: 'closed', note: '已电话致歉并赠券' })
  expect((await env.staff({ action: 'followUps', status: 'closed' }, STAFF_B)).data.items.map((f: any) => f.followUpId)).toContain(mine.followUpId)
  const audits = (await env.db.collection('audit_log').where({ action: 'closeFollowUp', target: mine.followUpId }).get()).data
  expect(audits).toHaveLength(1)
})

test('npsReport by store and month; a consumer is denied; a reversed range is refused', async () => {
  const today = new Date().toISOString().slice(0, 10)
  const report = await env.admin({ action: 'npsReport', from: '2026-01-01', to: '2027-12-31' })
  expect(report.ok).toBe(true)
  // answers so far: store a: 10 (promoter), 8 (passive, from the parallel test); store b: 3 (detractor)
  const byStore = Object.fromEntries(report.data.rows.map((r: any) => [r.storeId, r]))
  expect(byStore.store_nps_a).toMatchObject({ responses: 2, promoters: 1, passives: 1, detractors: 0, nps: 50 })
  expect(byStore.store_nps_b).toMatchObject({ responses: 1, detractors: 1, nps: -100 })
  expect(report.data.total).toMatchObject({ responses: 3, nps: 0 })
  expect(await env.admin({ action: 'npsReport', from: today, to: '2020-01-01' })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
  expect(await env.admin({ action: 'npsReport', from: '2026-01-01', to: '2026-12-31' }, 'o_nps_1')).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' })
})
