/**
 * Issue 14, defect 1: a bad model setting must not lock buyers out. Parameters outside the models'
 * ranges are refused; a derived field (churn, RFM, tags, stage …) that is stored bad is dropped on
 * reading, so the member keeps using the app, and the next tiers run writes it afresh.
 */
import { invoke } from '../../scripts/emulator-process'
import { useEmulator, signUp, makeStaff, memberDoc, codeOf, rid } from './support'

const env = useEmulator()
const STAFF = 'o_derived_staff'
const BUYER = 'o_derived_buyer'
const tiers = (event: unknown) => invoke(env.emu, 'tiers', event)
const CDNOW = { bg: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, gg: { p: 6.25, q: 3.74, gamma: 15.44 } }
let memberNo = ''

beforeAll(async () => {
  await makeStaff(env, STAFF)
  memberNo = (await signUp(env, BUYER)).memberNo
  for (let i = 0; i < 2; i++) {
    expect(await env.staff({ action: 'recordPurchase', requestId: rid('buy'), member: { memberNo }, amountFen: 8_800 }, STAFF)).toMatchObject({ ok: true })
  }
}, 60_000)

test('the reproduction: bg.r = 1000 (or 1e308) is refused with a field error, nothing is pinned', async () => {
  for (const r of [1000, 1e308]) {
    const res = await env.admin({ action: 'pinModelParams', params: { ...CDNOW, bg: { ...CDNOW.bg, r } } })
    expect(res).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
    expect(res.issues).toEqual(expect.arrayContaining([expect.objectContaining({ path: expect.stringContaining('bg.r') })]))
  }
  const models = await env.db.collection('tiers_config').where({ _id: 'models' }).get()
  expect(models.data.filter((d: any) => d.pinned)).toEqual([])
})

test('gg.q = 0.5 (an infinite mean spend) and bg.a = 1 are refused', async () => {
  const q = await env.admin({ action: 'pinModelParams', params: { ...CDNOW, gg: { ...CDNOW.gg, q: 0.5 } } })
  expect(q).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
  expect(q.issues).toEqual(expect.arrayContaining([expect.objectContaining({ path: expect.stringContaining('gg.q') })]))
  expect(await env.admin({ action: 'pinModelParams', params: { ...CDNOW, bg: { ...CDNOW.bg, a: 1 } } })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
  expect(await env.admin({ action: 'pinModelParams', params: CDNOW })).toMatchObject({ ok: true, data: { pinned: true } })
})

test('a member with NaN churn (and other bad derived fields) still signs in, is served at the till, and a forced run repairs them', async () => {
  await env.db
    .collection('members')
    .doc(BUYER)
    .update({
      data: {
        churn: { risk: NaN, pAlive: NaN, expectedPurchases: NaN, clvFen: -5, reasons: [], scoredAt: new Date() },
        rfm: { r: 'x' },
        tags: 'not-a-list',
        segmentIds: 42,
        stage: 'zombie',
      },
    })
  const stored = await memberDoc(env, BUYER)
  expect(stored.stage).toBe('zombie')

  expect(await env.member({ action: 'getProfile' }, BUYER)).toMatchObject({ ok: true, data: { member: { memberNo } } })
  expect(await env.member({ action: 'getPoints' }, BUYER)).toMatchObject({ ok: true })
  const { code } = await codeOf(env, BUYER)
  expect(await env.staff({ action: 'verifyCode', code }, STAFF)).toMatchObject({ ok: true, data: { member: { memberNo } } })
  expect(await env.staff({ action: 'recordPurchase', requestId: rid('buy'), member: { memberNo }, amountFen: 5_000 }, STAFF)).toMatchObject({ ok: true })
  expect(await env.staff({ action: 'recordPurchase', requestId: rid('buy'), member: { code }, amountFen: 5_000 }, STAFF)).toMatchObject({ ok: true })
  expect(await env.admin({ action: 'getMember', openid: BUYER })).toMatchObject({ ok: true })

  // the purchase wrote the member but left the bad derived fields as they were; the run writes them afresh
  expect(await tiers({ action: 'run', force: true })).toMatchObject({ ok: true, data: { status: 'done' } })
  const repaired = await memberDoc(env, BUYER)
  expect(Array.isArray(repaired.tags)).toBe(true)
  expect(repaired.segmentIds).toEqual([])
  expect(['new', 'active', 'loyal', 'sleeping', 'churned']).toContain(repaired.stage)
  expect(repaired.rfm === null || typeof repaired.rfm.r === 'number').toBe(true)
  if (repaired.churn !== null) {
    for (const key of ['risk', 'pAlive']) expect(repaired.churn[key]).toBeGreaterThanOrEqual(0)
    for (const key of ['risk', 'pAlive']) expect(repaired.churn[key]).toBeLessThanOrEqual(1)
    expect(repaired.churn.expectedPurchases).toBeGreaterThanOrEqual(0)
    expect(repaired.churn.clvFen).toBeGreaterThanOrEqual(0)
  }
  expect(await env.member({ action: 'getProfile' }, BUYER)).toMatchObject({ ok: true })
})

test('a bad core field is still refused, not silently dropped', async () => {
  const other = 'o_derived_core'
  await signUp(env, other)
  await env.db
    .collection('members')
    .doc(other)
    .update({ data: { memberNo: 12345 } })
  expect(await env.member({ action: 'getProfile' }, other)).toMatchObject({ ok: false })
  await env.db.collection('members').doc(other).remove()
})
