/** The `staff` function (the till) through the real runtime and the unmodified SDK on the emulator. */
import { memberCode } from '../../domain/member-code'
import { useEmulator, signUp, makeStaff, codeOf, memberDoc, ledgerRows, rid, agreePrivacy } from './support'

const env = useEmulator()
const STAFF = 'o_staff_a'
const STAFF_B = 'o_staff_b'
const RETIRED = 'o_staff_retired'
const CONSUMER = 'o_shopper'

beforeAll(async () => {
  await makeStaff(env, STAFF, 'store_a', '小王')
  await makeStaff(env, STAFF_B, 'store_b', '小李')
  await makeStaff(env, RETIRED, 'store_a', '老张')
  expect(await env.admin({ action: 'removeStaff', openid: RETIRED })).toMatchObject({ ok: true })
  await signUp(env, CONSUMER)
}, 60_000)

const ANY_CODE = '123456789012345678'
const everyAction = [
  { action: 'me' },
  { action: 'verifyCode', code: ANY_CODE },
  { action: 'findMemberByPhone', phone: '13800000000' },
  { action: 'recordPurchase', requestId: 'req-denied-1', member: { memberNo: '1234567890' }, amountFen: 100 },
  { action: 'refundPurchase', requestId: 'req-denied-2', purchaseId: 'pur_x' },
  { action: 'today' },
]

describe('who may call', () => {
  test.each(everyAction)('a plain consumer gets PERMISSION_DENIED: $action', async event => {
    expect(await env.staff(event, CONSUMER)).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' })
  })
  test.each(everyAction)('removed (inactive) staff get PERMISSION_DENIED: $action', async event => {
    expect(await env.staff(event, RETIRED)).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' })
  })
  test.each(everyAction)('no OPENID (console, other function) is UNAUTHENTICATED: $action', async event => {
    expect(await env.staff(event)).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' })
  })
  test('someone who never signed in gets PERMISSION_DENIED', async () => {
    expect(await env.staff({ action: 'me' }, 'o_stranger')).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' })
  })
  test('me: name, store and store name from the staff record', async () => {
    expect(await env.staff({ action: 'me' }, STAFF)).toEqual({ ok: true, data: { name: '小王', storeId: 'store_a', storeName: '门店 store_a' } })
  })
})

describe('bad input', () => {
  test.each([
    ['verifyCode without code', { action: 'verifyCode' }],
    ['verifyCode with letters', { action: 'verifyCode', code: '12345678901234567a' }],
    ['verifyCode too short', { action: 'verifyCode', code: '12345' }],
    ['findMemberByPhone with a bad phone', { action: 'findMemberByPhone', phone: '12345' }],
    ['recordPurchase without requestId', { action: 'recordPurchase', member: { memberNo: '1234567890' }, amountFen: 100 }],
    ['recordPurchase with a short requestId', { action: 'recordPurchase', requestId: 'x', member: { memberNo: '1234567890' }, amountFen: 100 }],
    ['recordPurchase with amount 0', { action: 'recordPurchase', requestId: 'req-bad-0001', member: { memberNo: '1234567890' }, amountFen: 0 }],
    ['recordPurchase with a fractional amount', { action: 'recordPurchase', requestId: 'req-bad-0002', member: { memberNo: '1234567890' }, amountFen: 10.5 }],
    [
      'recordPurchase with a storeId (the store comes from the staff record)',
      { action: 'recordPurchase', requestId: 'req-bad-0003', member: { memberNo: '1234567890' }, amountFen: 100, storeId: 'store_b' },
    ],
    ['recordPurchase with both code and memberNo', { action: 'recordPurchase', requestId: 'req-bad-0004', member: { memberNo: '1234567890', code: ANY_CODE }, amountFen: 100 }],
    [
      'recordPurchase whose lines do not add up',
      { action: 'recordPurchase', requestId: 'req-bad-0005', member: { memberNo: '1234567890' }, amountFen: 100, lines: [{ productId: 'p1', quantity: 1, priceFen: 99 }] },
    ],
    [
      'recordPurchase with a negative line price',
      { action: 'recordPurchase', requestId: 'req-bad-0006', member: { memberNo: '1234567890' }, amountFen: 100, lines: [{ productId: 'p1', quantity: 1, priceFen: -100 }] },
    ],
    ['refundPurchase without purchaseId', { action: 'refundPurchase', requestId: 'req-bad-0007' }],
    ['refundPurchase with a negative amount', { action: 'refundPurchase', requestId: 'req-bad-0008', purchaseId: 'p', amountFen: -1 }],
    ['today with extra fields', { action: 'today', storeId: 'store_b' }],
  ])('%s → INVALID_ARGUMENT', async (_label, event) => {
    expect(await env.staff(event, STAFF)).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
  })
  test('an unknown action → UNKNOWN_ACTION', async () => {
    expect(await env.staff({ action: 'awardPoints' }, STAFF)).toMatchObject({ ok: false, code: 'UNKNOWN_ACTION' })
  })
})

describe('verifyCode', () => {
  const M = 'o_scan_me'
  beforeAll(async () => {
    await signUp(env, M)
  })

  test('a current code shows the member: masked phone, tier, points, no OPENID', async () => {
    // binding a phone needs the member's consent to the privacy guide (the app asks first)
    await agreePrivacy(env, M)
    const sms = await env.member({ action: 'requestPhoneCode', phone: '13912345678' }, M)
    expect(await env.member({ action: 'bindPhoneBySms', phone: '13912345678', smsCode: sms.data.devCode }, M)).toMatchObject({ ok: true })
    const { code, memberNo } = await codeOf(env, M)
    const res = await env.staff({ action: 'verifyCode', code }, STAFF)
    expect(res).toEqual({ ok: true, data: { member: { memberNo, nickname: '微信用户', maskedPhone: '139****5678', tierName: '普通会员', points: 0, availableCoupons: 0 } } })
    expect(JSON.stringify(res)).not.toContain(M)
    expect(JSON.stringify(res)).not.toContain('13912345678')
  })

  test('a code from 90 s ago (previous steps) is still accepted; one from 5 minutes ago is MEMBER_CODE_EXPIRED', async () => {
    const { key, memberNo } = await codeOf(env, M)
    expect(await env.staff({ action: 'verifyCode', code: memberCode(key, memberNo, new Date(Date.now() - 60_000)) }, STAFF)).toMatchObject({ ok: true })
    expect(await env.staff({ action: 'verifyCode', code: memberCode(key, memberNo, new Date(Date.now() - 5 * 60_000)) }, STAFF)).toMatchObject({ ok: false, code: 'MEMBER_CODE_EXPIRED' })
    expect(await env.staff({ action: 'verifyCode', code: memberCode(key, memberNo, new Date(Date.now() - 60 * 60_000)) }, STAFF)).toMatchObject({ ok: false, code: 'MEMBER_CODE_EXPIRED' })
  })

  test('forged or altered codes are MEMBER_CODE_INVALID', async () => {
    const { code, memberNo, key } = await codeOf(env, M)
    const flip = (s: string, i: number) => s.slice(0, i) + String((Number(s[i]) + 1) % 10) + s.slice(i + 1)
    const other = await signUp(env, 'o_scan_other')
    const cases = [
      flip(code, 17), // one digit of the password changed
      flip(code, 12),
      `${memberNo}00000000`, // a made-up password
      memberCode('00'.repeat(32), memberNo, new Date()), // signed with a guessed key
      memberCode(key, other.memberNo, new Date()), // M's key on another member's number
      `${'9'.repeat(10)}${code.slice(10)}`, // a member number nobody has
    ]
    for (const forged of cases) {
      expect([forged, await env.staff({ action: 'verifyCode', code: forged }, STAFF)]).toMatchObject([forged, { ok: false, code: 'MEMBER_CODE_INVALID' }])
    }
  })
})

describe('recordPurchase', () => {
  const M = 'o_buyer'
  beforeAll(async () => {
    await signUp(env, M)
  })

  test('with a scanned code: points by the default rules (1 per yuan, floor), purchase row, ledger row, audit row', async () => {
    const { code, memberNo } = await codeOf(env, M)
    const requestId = rid('buy')
    const res = await env.staff({ action: 'recordPurchase', requestId, member: { code }, amountFen: 12_999 }, STAFF)
    expect(res).toMatchObject({
      ok: true,
      data: {
        pointsEarned: 129,
        balance: 129,
        replayed: false,
        purchase: { memberNo, storeId: 'store_a', amountFen: 12_999, refundedFen: 0, pointsEarned: 129, pointsReversed: 0, status: 'completed' },
      },
    })
    const id = res.data.purchase.purchaseId
    const stored = (await env.db.collection('purchases').doc(id).get()).data
    expect(stored).toMatchObject({
      storeId: 'store_a',
      staffOpenid: STAFF,
      memberId: M,
      memberNo,
      amountFen: 12_999,
      pointsEarned: 129,
      refundedFen: 0,
      pointsReversed: 0,
      status: 'completed',
      batchId: id,
    })
    expect(stored.createdAt).toBeInstanceOf(Date)
    expect(await ledgerRows(env, M)).toEqual([expect.objectContaining({ delta: 129, kind: 'earn', sourceType: 'purchase', sourceId: id, batchId: id, balanceAfter: 129, operator: STAFF })])
    const member = await memberDoc(env, M)
    expect(member.points).toBe(129)
    expect(member.pointBatches).toEqual([expect.objectContaining({ batchId: id, remaining: 129, sourceType: 'purchase' })])
    const { data: audit } = await env.db.collection('audit_log').where({ action: 'recordPurchase', target: id }).get()
    expect(audit).toEqual([expect.objectContaining({ actor: STAFF, storeId: 'store_a' })])
  })

  test('the same code cannot be used for a second purchase (MEMBER_CODE_USED), nor verified again', async () => {
    const M = 'o_buyer_twice'
    await signUp(env, M)
    const { code } = await codeOf(env, M)
    expect(await env.staff({ action: 'recordPurchase', requestId: rid('code1'), member: { code }, amountFen: 500 }, STAFF)).toMatchObject({ ok: true })
    const before = (await memberDoc(env, M)).points
    expect(await env.staff({ action: 'recordPurchase', requestId: rid('code2'), member: { code }, amountFen: 500 }, STAFF)).toMatchObject({ ok: false, code: 'MEMBER_CODE_USED' })
    expect(await env.staff({ action: 'recordPurchase', requestId: rid('code3'), member: { code }, amountFen: 500 }, STAFF_B)).toMatchObject({ ok: false, code: 'MEMBER_CODE_USED' })
    expect(await env.staff({ action: 'verifyCode', code }, STAFF)).toMatchObject({ ok: false, code: 'MEMBER_CODE_USED' })
    expect((await memberDoc(env, M)).points).toBe(before)
  })

  test('an expired or forged code records nothing', async () => {
    const { key, memberNo, code } = await codeOf(env, M)
    const count = async () => (await env.db.collection('purchases').where({ memberId: M }).count()).total
    const before = await count()
    const expired = memberCode(key, memberNo, new Date(Date.now() - 10 * 60_000))
    expect(await env.staff({ action: 'recordPurchase', requestId: rid('exp'), member: { code: expired }, amountFen: 800 }, STAFF)).toMatchObject({ ok: false, code: 'MEMBER_CODE_EXPIRED' })
    const forged = code.slice(0, 10) + String((Number(code.slice(10)) + 1) % 100_000_000).padStart(8, '0')
    expect(await env.staff({ action: 'recordPurchase', requestId: rid('forge'), member: { code: forged }, amountFen: 800 }, STAFF)).toMatchObject({ ok: false, code: 'MEMBER_CODE_INVALID' })
    expect(await count()).toBe(before)
  })

  test('the same requestId again answers the original (replayed) and awards nothing; reused for another purchase is refused', async () => {
    const memberNo = (await memberDoc(env, M)).memberNo
    const requestId = rid('again')
    const first = await env.staff({ action: 'recordPurchase', requestId, member: { memberNo }, amountFen: 1000 }, STAFF)
    expect(first).toMatchObject({ ok: true, data: { replayed: false, pointsEarned: 10 } })
    const points = (await memberDoc(env, M)).points
    const again = await env.staff({ action: 'recordPurchase', requestId, member: { memberNo }, amountFen: 1000 }, STAFF)
    expect(again).toEqual({ ok: true, data: { ...first.data, replayed: true } })
    expect((await memberDoc(env, M)).points).toBe(points)
    expect(await env.staff({ action: 'recordPurchase', requestId, member: { memberNo }, amountFen: 2000 }, STAFF)).toMatchObject({ ok: false, code: 'FAILED_PRECONDITION' })
    // the same amount with another basket is another purchase too
    const basket = [{ productId: 'tea', quantity: 1, priceFen: 1000 }]
    expect(await env.staff({ action: 'recordPurchase', requestId, member: { memberNo }, amountFen: 1000, lines: basket }, STAFF)).toMatchObject({ ok: false, code: 'FAILED_PRECONDITION' })
    // requestIds are per staff member: another till's identical id is another purchase
    expect(await env.staff({ action: 'recordPurchase', requestId, member: { memberNo }, amountFen: 1000 }, STAFF_B)).toMatchObject({ ok: true, data: { replayed: false } })
  })

  test('50 parallel purchases with one requestId (and one code) award once', async () => {
    const M50 = 'o_buyer_50'
    await signUp(env, M50)
    const { code } = await codeOf(env, M50)
    const requestId = rid('fifty')
    const results = await Promise.all(Array.from({ length: 50 }, () => env.staff({ action: 'recordPurchase', requestId, member: { code }, amountFen: 8_800 }, STAFF)))
    expect(results.filter(r => !r.ok)).toEqual([])
    const originals = results.filter(r => !r.data.replayed)
    expect(originals).toHaveLength(1)
    const original = originals[0].data
    expect(original).toMatchObject({ pointsEarned: 88, balance: 88 })
    for (const r of results) expect(r.data).toEqual({ ...original, replayed: r.data.replayed })
    expect((await env.db.collection('purchases').where({ memberId: M50 }).count()).total).toBe(1)
    const rows = await ledgerRows(env, M50)
    expect(rows.filter(r => r.kind === 'earn')).toHaveLength(1)
    expect((await memberDoc(env, M50)).points).toBe(88)
    expect((await env.db.collection('code_uses').where({ purchaseId: original.purchase.purchaseId }).count()).total).toBe(1)
    expect((await env.db.collection('audit_log').where({ action: 'recordPurchase', target: original.purchase.purchaseId }).count()).total).toBe(1)
  }, 60_000)

  test('by member number (found by phone); an unknown number is NOT_FOUND; staff cannot record for themselves', async () => {
    expect(await env.staff({ action: 'recordPurchase', requestId: rid('nobody'), member: { memberNo: '1999999999' }, amountFen: 100 }, STAFF)).toMatchObject({ ok: false, code: 'NOT_FOUND' })
    const self = await memberDoc(env, STAFF)
    expect(await env.staff({ action: 'recordPurchase', requestId: rid('self'), member: { memberNo: self.memberNo }, amountFen: 100 }, STAFF)).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' })
    const { code } = await codeOf(env, STAFF)
    expect(await env.staff({ action: 'recordPurchase', requestId: rid('self'), member: { code }, amountFen: 100 }, STAFF)).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' })
  })
})

describe('findMemberByPhone', () => {
  test('finds the member who bound the phone, masked; an unbound phone is NOT_FOUND; the look-up is audited', async () => {
    const M = 'o_phone_find'
    const profile = await signUp(env, M)
    // binding a phone needs the member's consent to the privacy guide (the app asks first)
    await agreePrivacy(env, M)
    const sms = await env.member({ action: 'requestPhoneCode', phone: '13600001111' }, M)
    await env.member({ action: 'bindPhoneBySms', phone: '13600001111', smsCode: sms.data.devCode }, M)
    const res = await env.staff({ action: 'findMemberByPhone', phone: '13600001111' }, STAFF)
    expect(res).toMatchObject({ ok: true, data: { member: { memberNo: profile.memberNo, maskedPhone: '136****1111' } } })
    expect(JSON.stringify(res)).not.toContain('13600001111')
    expect(await env.staff({ action: 'findMemberByPhone', phone: '13600002222' }, STAFF)).toMatchObject({ ok: false, code: 'NOT_FOUND' })
    const { data } = await env.db.collection('audit_log').where({ action: 'findMemberByPhone', actor: STAFF }).get()
    expect(data.length).toBeGreaterThanOrEqual(1)
  })
})

describe('refundPurchase', () => {
  const buy = async (openid: string, amountFen: number, staff = STAFF) => {
    const memberNo = (await memberDoc(env, openid)).memberNo
    const res = await env.staff({ action: 'recordPurchase', requestId: rid('rbuy'), member: { memberNo }, amountFen }, staff)
    expect(res.ok).toBe(true)
    return res.data
  }

  test('a partial then a full refund reverse exactly the points earned', async () => {
    const M = 'o_refund_1'
    await signUp(env, M)
    const p = await buy(M, 10_000) // 100 points
    expect(p.pointsEarned).toBe(100)
    const id = p.purchase.purchaseId
    const part = await env.staff({ action: 'refundPurchase', requestId: rid('rf'), purchaseId: id, amountFen: 3_333, reason: '退一件' }, STAFF)
    expect(part).toMatchObject({
      ok: true,
      data: { pointsReversed: 33, shortfall: 0, balance: 67, replayed: false, purchase: { refundedFen: 3_333, pointsReversed: 33, status: 'partially_refunded' } },
    })
    const rest = await env.staff({ action: 'refundPurchase', requestId: rid('rf'), purchaseId: id }, STAFF)
    expect(rest).toMatchObject({ ok: true, data: { pointsReversed: 67, shortfall: 0, balance: 0, purchase: { refundedFen: 10_000, pointsReversed: 100, status: 'refunded' } } })
    const rows = await ledgerRows(env, M)
    expect(rows.filter(r => r.kind === 'reverse').reduce((s, r) => s + r.delta, 0)).toBe(-100)
    expect((await memberDoc(env, M)).points).toBe(0)
    expect(await env.staff({ action: 'refundPurchase', requestId: rid('rf'), purchaseId: id, amountFen: 1 }, STAFF)).toMatchObject({ ok: false, code: 'FAILED_PRECONDITION' })
    const { data } = await env.db.collection('audit_log').where({ action: 'refundPurchase', target: id }).get()
    // an unsorted get has no defined order (the emulator answers in _id order): order the two by what they did
    const audit = [...data].sort((a, b) => a.after.refundedFen - b.after.refundedFen)
    expect(audit).toHaveLength(2)
    expect(audit[0]).toMatchObject({ actor: STAFF, before: { refundedFen: 0 }, after: { refundedFen: 3_333 } })
  })

  test('refunding more than is left is FAILED_PRECONDITION and changes nothing', async () => {
    const M = 'o_refund_2'
    await signUp(env, M)
    const p = await buy(M, 5_000)
    const id = p.purchase.purchaseId
    expect(await env.staff({ action: 'refundPurchase', requestId: rid('rf'), purchaseId: id, amountFen: 4_000 }, STAFF)).toMatchObject({ ok: true })
    expect(await env.staff({ action: 'refundPurchase', requestId: rid('rf'), purchaseId: id, amountFen: 1_001 }, STAFF)).toMatchObject({ ok: false, code: 'FAILED_PRECONDITION' })
    expect((await env.db.collection('purchases').doc(id).get()).data).toMatchObject({ refundedFen: 4_000, pointsReversed: 40 })
  })

  test('idempotent per requestId: the repeat answers the original and reverses nothing more', async () => {
    const M = 'o_refund_3'
    await signUp(env, M)
    const p = await buy(M, 6_000)
    const requestId = rid('rf-once')
    const event = { action: 'refundPurchase', requestId, purchaseId: p.purchase.purchaseId, amountFen: 1_000 }
    const results = await Promise.all(Array.from({ length: 10 }, () => env.staff(event, STAFF)))
    expect(results.filter(r => !r.ok)).toEqual([])
    expect(results.filter(r => !r.data.replayed)).toHaveLength(1)
    const original = results.find(r => !r.data.replayed).data
    for (const r of results) expect(r.data).toEqual({ ...original, replayed: r.data.replayed })
    expect((await env.db.collection('purchases').doc(p.purchase.purchaseId).get()).data).toMatchObject({ refundedFen: 1_000, pointsReversed: 10 })
    expect(await env.staff({ ...event, amountFen: 2_000 }, STAFF)).toMatchObject({ ok: false, code: 'FAILED_PRECONDITION' })
  })

  test('only the purchase’s own store may refund it; an unknown purchase is NOT_FOUND', async () => {
    const M = 'o_refund_4'
    await signUp(env, M)
    const p = await buy(M, 2_000)
    expect(await env.staff({ action: 'refundPurchase', requestId: rid('rf'), purchaseId: p.purchase.purchaseId }, STAFF_B)).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' })
    expect(await env.staff({ action: 'refundPurchase', requestId: rid('rf'), purchaseId: 'pur_nonexistent' }, STAFF)).toMatchObject({ ok: false, code: 'NOT_FOUND' })
  })

  test('after the points were spent the balance stops at zero and the shortfall is recorded', async () => {
    const M = 'o_refund_5'
    await signUp(env, M)
    const p = await buy(M, 20_000) // 200 points
    expect(await env.admin({ action: 'adjustPoints', openid: M, delta: -150, reason: '兑换礼品', requestId: rid('spend') })).toMatchObject({ ok: true, data: { balance: 50 } })
    const res = await env.staff({ action: 'refundPurchase', requestId: rid('rf'), purchaseId: p.purchase.purchaseId }, STAFF)
    expect(res).toMatchObject({ ok: true, data: { pointsReversed: 50, shortfall: 150, balance: 0, purchase: { status: 'refunded', pointsReversed: 200 } } })
    const rows = await ledgerRows(env, M)
    expect(rows.find(r => r.kind === 'reverse')).toMatchObject({ delta: -50, shortfall: 150, balanceAfter: 0 })
    expect((await memberDoc(env, M)).points).toBe(0)
    expect((await env.db.collection('refunds').where({ purchaseId: p.purchase.purchaseId }).get()).data[0]).toMatchObject({ pointsReversed: 50, shortfall: 150 })
  })
})

describe('today', () => {
  test('counts the staff’s store only, for the Shanghai day', async () => {
    const before = await env.staff({ action: 'today' }, STAFF_B)
    expect(before).toMatchObject({ ok: true, data: { storeId: 'store_b' } })
    expect(before.data.date).toMatch(/^\d{4}-\d{2}-\d{2}$/)
    const M = 'o_today'
    const m = await signUp(env, M)
    const a = await env.staff({ action: 'recordPurchase', requestId: rid('t'), member: { memberNo: m.memberNo }, amountFen: 1_500 }, STAFF_B)
    await env.staff({ action: 'recordPurchase', requestId: rid('t'), member: { memberNo: m.memberNo }, amountFen: 2_500 }, STAFF_B)
    await env.staff({ action: 'refundPurchase', requestId: rid('t'), purchaseId: a.data.purchase.purchaseId, amountFen: 500 }, STAFF_B)
    const after = await env.staff({ action: 'today' }, STAFF_B)
    expect(after.data).toMatchObject({
      purchases: before.data.purchases + 2,
      salesFen: before.data.salesFen + 4_000,
      pointsAwarded: before.data.pointsAwarded + 40,
      refunds: before.data.refunds + 1,
      refundedFen: before.data.refundedFen + 500,
    })
    expect(after.data.recent[0]).toMatchObject({ amountFen: 2_500, storeId: 'store_b' })
    expect(after.data.recent.every((p: any) => p.storeId === 'store_b')).toBe(true)
    const a2 = await env.staff({ action: 'today' }, STAFF)
    expect(a2.data.recent.every((p: any) => p.storeId === 'store_a')).toBe(true)
    expect(a2.data.recent.length).toBeLessThanOrEqual(20)
  })
})
