/** Points as the member sees them (balance, expiring, history, code key) and purchase points by the rules. */
import { DEFAULT_POINT_RULES } from '../../types/points'
import { deriveMemberKey, verifyMemberCode, memberCode } from '../../domain/member-code'
import { useEmulator, signUp, makeStaff, codeOf, memberDoc, ledgerRows, writeMemberWithBatches, monthsAgo, rid } from './support'

const env = useEmulator()
const STAFF = 'o_points_staff'
const STAFF_B = 'o_points_staff_b'

beforeAll(async () => {
  await makeStaff(env, STAFF, 'store_pts', '积分店员')
  await makeStaff(env, STAFF_B, 'store_other', '别店店员')
}, 60_000)

const buy = async (openid: string, amountFen: number, lines?: unknown[], staff = STAFF) => {
  const memberNo = (await memberDoc(env, openid)).memberNo
  const res = await env.staff({ action: 'recordPurchase', requestId: rid('p'), member: { memberNo }, amountFen, ...(lines ? { lines } : {}) }, staff)
  if (!res.ok) throw new Error(JSON.stringify(res))
  return res.data
}

describe('member number and code key', () => {
  test('sign-up assigns a unique 10-digit member number', async () => {
    const profiles = await Promise.all(Array.from({ length: 12 }, (_, i) => signUp(env, `o_no_${i}`)))
    for (const p of profiles) expect(p.memberNo).toMatch(/^[1-9]\d{9}$/)
    expect(new Set(profiles.map(p => p.memberNo)).size).toBe(profiles.length)
    // and keeps it
    expect((await signUp(env, 'o_no_0')).memberNo).toBe(profiles[0].memberNo)
  })

  test('getCodeKey: a per-member key, stable for the key version; codes made with it verify at the till', async () => {
    const M = 'o_key_1'
    const profile = await signUp(env, M)
    const a = await env.member({ action: 'getCodeKey' }, M)
    expect(a).toMatchObject({ ok: true, data: { memberNo: profile.memberNo, keyVersion: 1, stepSeconds: 30 } })
    // the server's clock, so a phone with a wrong clock can still show a valid code
    expect(Math.abs(Date.parse(a.data.serverTime) - Date.now())).toBeLessThan(60_000)
    expect(a.data.key).toMatch(/^[0-9a-f]{64}$/)
    expect((await env.member({ action: 'getCodeKey' }, M)).data.key).toBe(a.data.key)
    const other = await env.member({ action: 'getCodeKey' }, (await signUp(env, 'o_key_2')).openid)
    expect(other.data.key).not.toBe(a.data.key)
    // the key is what the secret derives: the client never sees the secret itself
    const fs = require('fs') as typeof import('fs')
    const { MEMBER_CODE_SECRET } = JSON.parse(fs.readFileSync(`${env.emu.dataDir}/functions/secrets.json`, 'utf8'))
    expect(a.data.key).toBe(deriveMemberKey(MEMBER_CODE_SECRET, profile.memberNo, 1))
    expect(JSON.stringify(a)).not.toContain(MEMBER_CODE_SECRET)
    const code = memberCode(a.data.key, profile.memberNo, new Date())
    expect(verifyMemberCode(a.data.key, code, new Date())).toMatchObject({ ok: true })
    expect(await env.staff({ action: 'verifyCode', code }, STAFF)).toMatchObject({ ok: true, data: { member: { memberNo: profile.memberNo } } })
  })

  test('getCodeKey / getPoints / pointsHistory need a signed-up caller', async () => {
    for (const action of ['getCodeKey', 'getPoints', 'pointsHistory']) {
      expect(await env.member({ action })).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' })
      expect(await env.member({ action }, 'o_points_ghost')).toMatchObject({ ok: false, code: 'NOT_FOUND' })
    }
    expect(await env.member({ action: 'pointsHistory', limit: 51 }, STAFF)).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
    expect(await env.member({ action: 'pointsHistory', offset: -1 }, STAFF)).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
    expect(await env.member({ action: 'getPoints', openid: 'o_other' }, STAFF)).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
  })
})

describe('balance and history', () => {
  test('getPoints and pointsHistory (newest first, paged) after purchases at the till', async () => {
    const M = 'o_history'
    await signUp(env, M)
    expect(await env.member({ action: 'getPoints' }, M)).toEqual({ ok: true, data: { balance: 0, expiring: null } })
    const amounts = [1_000, 2_000, 3_000, 4_000, 5_000]
    for (const a of amounts) await buy(M, a)
    expect(await env.member({ action: 'getPoints' }, M)).toEqual({ ok: true, data: { balance: 150, expiring: null } })
    const page1 = await env.member({ action: 'pointsHistory', limit: 2 }, M)
    expect(page1).toMatchObject({ ok: true, data: { hasMore: true } })
    expect(page1.data.items.map((i: any) => i.delta)).toEqual([50, 40])
    expect(page1.data.items[0]).toMatchObject({ kind: 'earn', sourceType: 'purchase', balanceAfter: 150 })
    expect(new Date(page1.data.items[0].createdAt).toISOString()).toBe(page1.data.items[0].createdAt)
    const page2 = await env.member({ action: 'pointsHistory', limit: 2, offset: 2 }, M)
    expect(page2.data.items.map((i: any) => i.delta)).toEqual([30, 20])
    const page3 = await env.member({ action: 'pointsHistory', limit: 2, offset: 4 }, M)
    expect(page3.data).toMatchObject({ hasMore: false, items: [{ delta: 10, balanceAfter: 10 }] })
    // no internals: no member id, no operator
    expect(JSON.stringify(page1)).not.toContain(STAFF)
  })

  test('points expiring within 30 days are announced with the earliest date; expired ones are booked when the member looks', async () => {
    const M = 'o_soon'
    // earned 12 months ago → expires at the start of next month (within 30 days or so); 13 months ago → already expired
    const soonEarned = monthsAgo(12)
    await writeMemberWithBatches(env, M, '1000000888', [
      { id: 'imp_gone', earnedAt: monthsAgo(13, new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), 10))), amount: 25 },
      { id: 'imp_soon', earnedAt: soonEarned, amount: 60 },
      { id: 'imp_later', earnedAt: monthsAgo(1), amount: 15 },
    ])
    const res = await env.member({ action: 'getPoints' }, M)
    expect(res.ok).toBe(true)
    expect(res.data.balance).toBe(75)
    const soonBatch = (await memberDoc(env, M)).pointBatches.find((b: any) => b.batchId === 'imp_soon')
    const daysLeft = (soonBatch.expiresAt.getTime() - Date.now()) / 86_400_000
    if (daysLeft <= 30) expect(res.data.expiring).toEqual({ amount: 60, date: soonBatch.expiresAt.toISOString() })
    else expect(res.data.expiring).toBeNull()
    const rows = await ledgerRows(env, M)
    expect(rows.filter(r => r.kind === 'expire')).toEqual([expect.objectContaining({ _id: 'expire:imp_gone', delta: -25, operator: 'system' })])
    // the daily job finds nothing left to do for this member
    expect(await env.admin({ action: 'expirePoints', dryRun: true })).toMatchObject({ ok: true, data: { members: 0 } })
  })
})

describe('purchase points follow the rules', () => {
  afterAll(async () => {
    await env.admin({ action: 'setPointRules', rules: DEFAULT_POINT_RULES })
  })

  test('rate, rounding, store multiplier, category multiplier, promotion window (only the largest active one)', async () => {
    const M = 'o_rules'
    await signUp(env, M)
    const hour = 3_600_000
    const iso = (ms: number) => new Date(Date.now() + ms).toISOString()
    const rules = {
      ...DEFAULT_POINT_RULES,
      pointsPerYuan: 2,
      rounding: 'round',
      storeMultipliers: { store_pts: 1.5 },
      categoryMultipliers: { coffee: 2, gift: 0 },
      promotions: [
        { name: '今日双倍', start: iso(-hour), end: iso(hour), multiplier: 2, categories: ['bakery'] },
        { name: '今日三倍', start: iso(-hour), end: iso(hour), multiplier: 3, categories: ['bakery'], storeIds: ['store_pts'] },
        { name: '已结束', start: iso(-3 * hour), end: iso(-2 * hour), multiplier: 10 },
        { name: '未开始', start: iso(2 * hour), end: iso(3 * hour), multiplier: 10 },
      ],
    }
    expect(await env.admin({ action: 'setPointRules', rules })).toMatchObject({ ok: true })

    // no lines: 12.34 yuan × 2 × 1.5 (store) = 37.02 → 37
    expect((await buy(M, 1_234)).pointsEarned).toBe(37)
    // another store: no store multiplier; 12.34 × 2 = 24.68 → 25 (round)
    expect((await buy(M, 1_234, undefined, STAFF_B)).pointsEarned).toBe(25)
    // lines: coffee 2 × 15 yuan × 2 (category) = 60; gift 50 yuan × 0 = 0; bakery 10 yuan × 3 (largest promotion) = 30;
    // other 5 yuan = 5 → 95 weighted yuan × 2 points × 1.5 store = 285
    const lines = [
      { productId: 'latte', category: 'coffee', quantity: 2, priceFen: 1_500 },
      { productId: 'mug', category: 'gift', quantity: 1, priceFen: 5_000 },
      { productId: 'croissant', category: 'bakery', quantity: 1, priceFen: 1_000 },
      { productId: 'water', quantity: 1, priceFen: 500 },
    ]
    expect((await buy(M, 9_500, lines)).pointsEarned).toBe(285)
    // at store_other the 3× promotion does not apply, the 2× one does: (60 + 0 + 20 + 5) × 2 = 170
    expect((await buy(M, 9_500, lines, STAFF_B)).pointsEarned).toBe(170)
    expect((await memberDoc(env, M)).points).toBe(37 + 25 + 285 + 170)
  })

  test('floor rounding and a rate of zero', async () => {
    const M = 'o_rules_2'
    await signUp(env, M)
    await env.admin({ action: 'setPointRules', rules: { ...DEFAULT_POINT_RULES, pointsPerYuan: 1.5, rounding: 'floor' } })
    expect((await buy(M, 999)).pointsEarned).toBe(14) // 9.99 × 1.5 = 14.985
    await env.admin({ action: 'setPointRules', rules: { ...DEFAULT_POINT_RULES, pointsPerYuan: 0 } })
    const zero = await buy(M, 5_000)
    expect(zero).toMatchObject({ pointsEarned: 0, balance: 14 })
    // a purchase that earns nothing still records the purchase, with no ledger row and no batch
    expect(await env.db.collection('purchases').doc(zero.purchase.purchaseId).get()).toMatchObject({ data: { pointsEarned: 0, batchId: null } })
    expect((await ledgerRows(env, M)).filter(r => r.kind === 'earn')).toHaveLength(1)
  })

  test('a category named like an Object.prototype member gets no multiplier (and no crash)', async () => {
    const M = 'o_rules_proto'
    await signUp(env, M)
    await env.admin({ action: 'setPointRules', rules: DEFAULT_POINT_RULES })
    const lines = [
      { productId: 'x', category: 'constructor', quantity: 1, priceFen: 1_000 },
      { productId: 'y', category: '__proto__', quantity: 1, priceFen: 1_000 },
    ]
    expect((await buy(M, 2_000, lines)).pointsEarned).toBe(20)
  })

  test('the earned batch expires at the end of the 12th month after the purchase month (Shanghai)', async () => {
    const M = 'o_batch'
    await signUp(env, M)
    await env.admin({ action: 'setPointRules', rules: DEFAULT_POINT_RULES })
    const p = await buy(M, 2_000)
    const batch = (await memberDoc(env, M)).pointBatches[0]
    expect(batch).toMatchObject({ batchId: p.purchase.purchaseId, remaining: 20, sourceType: 'purchase' })
    const parts = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hour12: false }).formatToParts(batch.expiresAt)
    const get = (t: string) => parts.find(x => x.type === t)!.value
    expect(`${get('day')} ${get('hour')}`).toMatch(/^01 (00|24)$/)
    const months = (batch.expiresAt.getTime() - batch.earnedAt.getTime()) / (30.44 * 86_400_000)
    expect(months).toBeGreaterThan(12)
    expect(months).toBeLessThanOrEqual(13.1)
  })

  test('an expired code from getCodeKey is refused at the till whatever the rules', async () => {
    const M = 'o_rules_code'
    await signUp(env, M)
    const { key, memberNo } = await codeOf(env, M)
    const old = memberCode(key, memberNo, new Date(Date.now() - 3 * 60_000))
    expect(await env.staff({ action: 'recordPurchase', requestId: rid('old'), member: { code: old }, amountFen: 100 }, STAFF)).toMatchObject({ ok: false, code: 'MEMBER_CODE_EXPIRED' })
  })
})
