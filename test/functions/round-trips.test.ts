/**
 * Database requests per member action on a warm instance (issue 15, part 3), counted by the emulator's
 * `/stats` as the benchmark counts them (`DELETE /stats` before the call, `GET /stats` after), and the
 * rules cache: a change saved by an admin is applied at once on the emulator, and within
 * RULES_CACHE_MS by an instance that did not see the save (the clock is the pinned ctx.now).
 */
import { DEFAULT_CHECKIN_RULES } from '../../types/checkin'
import { RULES_CACHE_MS } from '../../cloudfunctions/shared/rules'
import { requestStats } from '../../scripts/bench-emulator'
import { setClock } from '../../scripts/emulator-process'
import { codeOf, makeStaff, rid, signUp, useEmulator } from './support'

const env = useEmulator()
const STAFF = 'o_rt_staff'

/** `database.*` requests of one call (nothing else may reach the emulator meanwhile). */
async function requestsOf(call: () => Promise<any>): Promise<{ answer: any; requests: number }> {
  await requestStats(env.emu, 'DELETE')
  const answer = await call()
  const { requests } = await requestStats(env.emu)
  const byKind = Object.fromEntries(Object.entries(requests).filter(([kind]) => kind.startsWith('database.')))
  return { answer, requests: Object.values(byKind).reduce((a, b) => a + b, 0) }
}

async function admin(event: Record<string, unknown>) {
  const res = await env.admin(event)
  if (!res.ok) throw new Error(`${String(event.action)}: ${JSON.stringify(res)}`)
  return res.data
}

let seq = 0
/** A member who has bought before (a first purchase also settles an invitation: not measured here). */
async function buyer(label: string): Promise<string> {
  const openid = `o_rt_${label}_${++seq}`
  await signUp(env, openid)
  const { memberNo } = await codeOf(env, openid)
  const first = await env.staff({ action: 'recordPurchase', requestId: rid('first'), member: { memberNo }, amountFen: 1000 }, STAFF)
  if (!first.ok) throw new Error(JSON.stringify(first))
  await admin({ action: 'adjustPoints', openid, delta: 500, reason: '测试积分', requestId: rid('adj') })
  return openid
}

const template = (templateId: string, overrides: Record<string, unknown>) => ({
  templateId,
  name: '满100减20',
  type: 'threshold',
  valueFen: 2000,
  minSpendFen: 10000,
  validity: { kind: 'relative', days: 30 },
  totalStock: 1000,
  perMemberLimit: 1,
  audience: { kind: 'all' },
  channels: ['claim_center'],
  ...overrides,
})

/**
 * What each call needs on a warm instance (the rules come from the instance's cache). Every
 * transaction costs start + commit. checkIn (7): the member in the transaction, the day's check-in
 * doc, one member update (state, wallet, growth), the ledger row, then the count of make-up cards for
 * the calendar it answers. claimCoupon (9): the member, the template (stock) and the member's claim
 * count, read in the transaction (the code pool only for a template with imported codes); the
 * template, the claim count, the coupon and the member's lastClaimAt written (a second claim the same
 * Shanghai day skips that write: 8). exchangeCoupon (10): the same, with the points spent (member
 * update and ledger row) in place of lastClaimAt. recordPurchase by member code (11): the
 * staff row, the member by number and the code's rate-limit windows before the transaction; in it
 * the member, the code use, one member update, the ledger row, the purchase and its audit row.
 */
const FLOOR: Record<string, number> = { checkIn: 7, claimCoupon: 9, exchangeCoupon: 10, recordPurchase: 11 }

/** Each action's call for a fresh member, prepared outside the measured part (a member code is read first). */
const ACTIONS: Record<string, (openid: string) => Promise<() => Promise<any>>> = {
  checkIn: async openid => () => env.member({ action: 'checkIn' }, openid),
  claimCoupon: async openid => () => env.member({ action: 'claimCoupon', templateId: 'rt-claim', requestId: rid('claim') }, openid),
  exchangeCoupon: async openid => () => env.member({ action: 'exchangeCoupon', templateId: 'rt-mall', requestId: rid('mall') }, openid),
  recordPurchase: async openid => {
    const { code } = await codeOf(env, openid)
    return () => env.staff({ action: 'recordPurchase', requestId: rid('pur'), member: { code }, amountFen: 12_345 }, STAFF)
  },
}

beforeAll(async () => {
  await makeStaff(env, STAFF, 'store_rt')
  await admin({ action: 'upsertCouponTemplate', template: template('rt-claim', {}) })
  await admin({ action: 'upsertCouponTemplate', template: template('rt-mall', { type: 'gift', valueFen: undefined, minSpendFen: 0, giftName: '帆布袋', channels: ['points_mall'], pointsPrice: 100 }) })
}, 60_000)

describe('database requests per call on a warm instance', () => {
  test.each(Object.keys(ACTIONS))('%s', async action => {
    const measured: number[] = []
    // the first call warms the instance and its rules cache; the next ones are measured, each by a fresh member
    for (let i = 0; i < 3; i++) {
      const call = await ACTIONS[action](await buyer(action))
      const { answer, requests } = await requestsOf(call)
      expect(answer).toMatchObject({ ok: true })
      if (i > 0) measured.push(requests)
    }
    expect(Math.max(...measured)).toBeLessThanOrEqual(FLOOR[action])
  })
})

describe('the rules cache', () => {
  const T0 = Date.parse('2026-11-23T02:00:00Z')
  const at = (ms: number) => setClock(env.emu, new Date(T0 + ms).toISOString())
  const checkInPoints = async () => {
    const res = await env.member({ action: 'checkIn' }, await buyer('ttl'))
    expect(res).toMatchObject({ ok: true, data: { credited: true } })
    return res.data.points
  }
  afterAll(() => setClock(env.emu, null))

  test('an admin save is applied by the next call; a change the instance did not see, within RULES_CACHE_MS of its read', async () => {
    await at(0)
    await admin({ action: 'setCheckinRules', rules: { ...DEFAULT_CHECKIN_RULES, basePoints: 7 } })
    expect(await checkInPoints()).toBe(7)
    // the save through the admin action: the member instance applies it at once (same pinned time)
    await admin({ action: 'setCheckinRules', rules: { ...DEFAULT_CHECKIN_RULES, basePoints: 8 } })
    expect(await checkInPoints()).toBe(8)

    // what a save on another CloudBase instance looks like here: the stored doc changes, nothing else
    await env.db
      .collection('settings')
      .doc('checkinRules')
      .update({ data: { rules: env._.set({ ...DEFAULT_CHECKIN_RULES, basePoints: 9 }) } })
    expect(await checkInPoints()).toBe(8)
    await at(RULES_CACHE_MS - 1000)
    expect(await checkInPoints()).toBe(8)
    await at(RULES_CACHE_MS)
    expect(await checkInPoints()).toBe(9)
    await admin({ action: 'setCheckinRules', rules: DEFAULT_CHECKIN_RULES })
  })
})
