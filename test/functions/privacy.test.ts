/** Phone binding (WeChat button and local SMS), data export and account deletion on the emulator. */
import { fakePhoneNumber } from '../../emulator/openapi/apis'
import { useEmulator, signUpAgreeing, makeStaff, codeOf, memberDoc, ledgerRows, rid } from './support'

/** The members here bind phones and set avatars: they agreed to the privacy guide at sign-up, as the app asks first. */
const signUp = signUpAgreeing

const env = useEmulator()
const STAFF = 'o_privacy_staff'

beforeAll(async () => {
  await makeStaff(env, STAFF, 'store_priv', '隐私店员')
}, 60_000)

const smsCode = async (openid: string, phone: string) => {
  const res = await env.member({ action: 'requestPhoneCode', phone }, openid)
  if (!res.ok) throw new Error(JSON.stringify(res))
  return res.data.devCode as string
}
const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0')

describe('bindPhone (weapp getPhoneNumber button)', () => {
  test('exchanges the button code server-side and stores the number; the member sees it in full, staff masked', async () => {
    const M = 'o_wx_phone'
    await signUp(env, M)
    const phone = fakePhoneNumber('wx-code-1')
    const res = await env.member({ action: 'bindPhone', wxCode: 'wx-code-1' }, M)
    expect(res).toMatchObject({ ok: true, data: { member: { phone } } })
    expect(await env.member({ action: 'getProfile' }, M)).toMatchObject({ ok: true, data: { member: { phone } } })
    const { code } = await codeOf(env, M)
    const till = await env.staff({ action: 'verifyCode', code }, STAFF)
    expect(till.data.member.maskedPhone).toBe(`${phone.slice(0, 3)}****${phone.slice(-4)}`)
    expect(JSON.stringify(till)).not.toContain(phone)
    // the same button code again (same number) is harmless
    expect(await env.member({ action: 'bindPhone', wxCode: 'wx-code-1' }, M)).toMatchObject({ ok: true, data: { member: { phone } } })
  })

  test('a rejected button code is PHONE_CODE_INVALID; bad input and unauthenticated callers are refused', async () => {
    const M = 'o_wx_phone_bad'
    await signUp(env, M)
    expect(await env.member({ action: 'bindPhone', wxCode: 'invalid-code' }, M)).toMatchObject({ ok: false, code: 'PHONE_CODE_INVALID' })
    expect(await env.member({ action: 'bindPhone', wxCode: '' }, M)).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
    expect(await env.member({ action: 'bindPhone', wxCode: 'x', phone: '13800000000' }, M)).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
    expect(await env.member({ action: 'bindPhone', wxCode: 'wx-code-2' })).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' })
    expect(await env.member({ action: 'bindPhone', wxCode: 'wx-code-2' }, 'o_not_signed_up')).toMatchObject({ ok: false, code: 'NOT_FOUND' })
    expect((await memberDoc(env, M)).phone).toBeNull()
  })

  test('a phone belongs to one member: binding someone else’s number is ALREADY_EXISTS', async () => {
    await signUp(env, 'o_wx_first')
    await signUp(env, 'o_wx_second')
    expect(await env.member({ action: 'bindPhone', wxCode: 'shared-code' }, 'o_wx_first')).toMatchObject({ ok: true })
    expect(await env.member({ action: 'bindPhone', wxCode: 'shared-code' }, 'o_wx_second')).toMatchObject({ ok: false, code: 'ALREADY_EXISTS' })
    const phone = fakePhoneNumber('shared-code')
    const code = await smsCode('o_wx_second', phone)
    expect(await env.member({ action: 'bindPhoneBySms', phone, smsCode: code }, 'o_wx_second')).toMatchObject({ ok: false, code: 'ALREADY_EXISTS' })
    expect((await memberDoc(env, 'o_wx_second')).phone).toBeNull()
  })

  test('racing members binding one number: exactly one wins', async () => {
    const ids = Array.from({ length: 6 }, (_, i) => `o_race_phone_${i}`)
    for (const id of ids) await signUp(env, id)
    const results = await Promise.all(ids.map(id => env.member({ action: 'bindPhone', wxCode: 'race-code' }, id)))
    expect(results.filter(r => r.ok)).toHaveLength(1)
    expect(results.filter(r => !r.ok).map(r => r.code)).toEqual(Array(5).fill('ALREADY_EXISTS'))
    expect(
      (
        await env.db
          .collection('members')
          .where({ phone: fakePhoneNumber('race-code') })
          .count()
      ).total,
    ).toBe(1)
  })
})

describe('bindPhoneBySms (H5, local fake SMS)', () => {
  test('the right code binds; changing the number frees the old one', async () => {
    const M = 'o_sms_1'
    await signUp(env, M)
    const res = await env.member({ action: 'requestPhoneCode', phone: '13700001234' }, M)
    expect(res).toMatchObject({ ok: true, data: { sent: true, expiresInSeconds: 300 } })
    expect(res.data.devCode).toMatch(/^\d{6}$/)
    const stored = (await env.db.collection('phone_codes').doc(M).get()).data
    expect(JSON.stringify(stored)).not.toContain(`"${res.data.devCode}"`) // stored hashed
    expect(await env.member({ action: 'bindPhoneBySms', phone: '13700001234', smsCode: res.data.devCode }, M)).toMatchObject({ ok: true, data: { member: { phone: '13700001234' } } })
    // used up
    expect(await env.member({ action: 'bindPhoneBySms', phone: '13700001234', smsCode: res.data.devCode }, M)).toMatchObject({ ok: false, code: 'PHONE_CODE_INVALID' })

    // change to another number (the resend limit is per minute: clear the timestamp as a minute passing would)
    await env.db
      .collection('phone_codes')
      .doc(M)
      .remove()
      .catch(() => undefined)
    const code2 = await smsCode(M, '13700005678')
    expect(await env.member({ action: 'bindPhoneBySms', phone: '13700005678', smsCode: code2 }, M)).toMatchObject({ ok: true, data: { member: { phone: '13700005678' } } })
    expect(await env.staff({ action: 'findMemberByPhone', phone: '13700001234' }, STAFF)).toMatchObject({ ok: false, code: 'NOT_FOUND' })
    expect(await env.staff({ action: 'findMemberByPhone', phone: '13700005678' }, STAFF)).toMatchObject({ ok: true, data: { member: { maskedPhone: '137****5678' } } })
    // the old number is free for someone else
    await signUp(env, 'o_sms_1b')
    const code3 = await smsCode('o_sms_1b', '13700001234')
    expect(await env.member({ action: 'bindPhoneBySms', phone: '13700001234', smsCode: code3 }, 'o_sms_1b')).toMatchObject({ ok: true })
  })

  test('a wrong code, a code for another number, and an expired code are PHONE_CODE_INVALID', async () => {
    const M = 'o_sms_2'
    await signUp(env, M)
    const code = await smsCode(M, '13500001111')
    expect(await env.member({ action: 'bindPhoneBySms', phone: '13500001111', smsCode: wrong(code) }, M)).toMatchObject({ ok: false, code: 'PHONE_CODE_INVALID' })
    expect(await env.member({ action: 'bindPhoneBySms', phone: '13500002222', smsCode: code }, M)).toMatchObject({ ok: false, code: 'PHONE_CODE_INVALID' })
    await env.db
      .collection('phone_codes')
      .doc(M)
      .update({ data: { expiresAt: new Date(Date.now() - 1000) } })
    expect(await env.member({ action: 'bindPhoneBySms', phone: '13500001111', smsCode: code }, M)).toMatchObject({ ok: false, code: 'PHONE_CODE_INVALID' })
    expect((await memberDoc(env, M)).phone).toBeNull()
  })

  test('at most 5 attempts per code, even with the right code afterwards', async () => {
    const M = 'o_sms_3'
    await signUp(env, M)
    const code = await smsCode(M, '13500003333')
    const tries = await Promise.all(Array.from({ length: 5 }, () => env.member({ action: 'bindPhoneBySms', phone: '13500003333', smsCode: wrong(code) }, M)))
    expect(tries.every(r => r.code === 'PHONE_CODE_INVALID')).toBe(true)
    expect(await env.member({ action: 'bindPhoneBySms', phone: '13500003333', smsCode: code }, M)).toMatchObject({ ok: false, code: 'PHONE_CODE_INVALID' })
    expect((await memberDoc(env, M)).phone).toBeNull()
  })

  test('one code per minute per member', async () => {
    const M = 'o_sms_4'
    await signUp(env, M)
    await smsCode(M, '13500004444')
    const again = await env.member({ action: 'requestPhoneCode', phone: '13500004444' }, M)
    expect(again).toMatchObject({ ok: false, code: 'FAILED_PRECONDITION' })
    expect(again.message).toMatch(/秒后再试/)
  })

  test('bad input', async () => {
    const M = 'o_sms_5'
    await signUp(env, M)
    for (const event of [
      { action: 'requestPhoneCode', phone: '1380000' },
      { action: 'requestPhoneCode', phone: '23800000000' },
      { action: 'bindPhoneBySms', phone: '13800000000', smsCode: '12345' },
      { action: 'bindPhoneBySms', phone: '13800000000', smsCode: 'abcdef' },
      { action: 'bindPhoneBySms', smsCode: '123456' },
    ]) {
      expect(await env.member(event, M)).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
    }
    expect(await env.member({ action: 'requestPhoneCode', phone: '13800000000' })).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' })
  })
})

describe('exportMyData', () => {
  test('everything stored about the caller, and nothing about anyone else', async () => {
    const M = 'o_export'
    await signUp(env, M)
    await env.member({ action: 'updateProfile', patch: { nickname: '导出者', birthday: '1990-01-02', gender: 'female' } }, M)
    await env.member({ action: 'bindPhone', wxCode: 'export-code' }, M)
    const memberNo = (await memberDoc(env, M)).memberNo
    const p = await env.staff(
      { action: 'recordPurchase', requestId: rid('exp'), member: { memberNo }, amountFen: 4_200, lines: [{ productId: 'tea', category: 'tea', quantity: 2, priceFen: 2_100 }] },
      STAFF,
    )
    await env.staff({ action: 'refundPurchase', requestId: rid('exp'), purchaseId: p.data.purchase.purchaseId, amountFen: 2_100 }, STAFF)
    await env.admin({ action: 'adjustPoints', openid: M, delta: 10, reason: '生日礼', requestId: rid('exp') })
    // someone else's data must not appear
    await signUp(env, 'o_export_other')
    await env.admin({ action: 'adjustPoints', openid: 'o_export_other', delta: 77, reason: '别人的积分', requestId: rid('exp') })

    const res = await env.member({ action: 'exportMyData' }, M)
    expect(res.ok).toBe(true)
    const d = res.data
    expect(d.member).toMatchObject({ _id: M, memberNo, nickname: '导出者', birthday: '1990-01-02', gender: 'female', phone: fakePhoneNumber('export-code'), points: 42 - 21 + 10 })
    expect(new Date(d.exportedAt).getTime()).toBeGreaterThan(Date.now() - 60_000)
    expect(d.ledger.map((l: any) => [l.kind, l.delta])).toEqual([
      ['adjust', 10],
      ['reverse', -21],
      ['earn', 42],
    ])
    expect(d.purchases).toEqual([
      expect.objectContaining({ _id: p.data.purchase.purchaseId, amountFen: 4_200, refundedFen: 2_100, storeId: 'store_priv', lines: [expect.objectContaining({ productId: 'tea' })] }),
    ])
    expect(d.refunds).toEqual([expect.objectContaining({ amountFen: 2_100, pointsReversed: 21 })])
    expect(d.pointBatches.reduce((s: number, b: any) => s + b.remaining, 0)).toBe(31)
    expect(d.staff).toBeNull()
    const text = JSON.stringify(d)
    expect(text).not.toContain('o_export_other')
    expect(text).not.toContain('别人的积分')
    expect(text).not.toContain(STAFF) // the staff member's identity is theirs, not the customer's
    expect(await env.member({ action: 'exportMyData' })).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' })
  })

  test('a staff member’s export includes the staff role', async () => {
    const res = await env.member({ action: 'exportMyData' }, STAFF)
    expect(res).toMatchObject({ ok: true, data: { staff: { storeId: 'store_priv', name: '隐私店员', active: true } } })
  })
})

describe('deleteMyAccount', () => {
  const M = 'o_delete_me'
  let memberNo: string
  let key: string
  beforeAll(async () => {
    await signUp(env, M)
    await env.member({ action: 'updateProfile', patch: { nickname: '要注销', birthday: '1991-03-04', gender: 'male', avatarFileId: `cloud://local.bucket/avatars/${M}/a.png` } }, M)
    await env.member({ action: 'bindPhone', wxCode: 'delete-code' }, M)
    memberNo = (await memberDoc(env, M)).memberNo
    await env.staff({ action: 'recordPurchase', requestId: rid('del'), member: { memberNo }, amountFen: 9_900 }, STAFF)
    key = (await codeOf(env, M)).key
  })

  test('needs confirm: true and a signed-in caller', async () => {
    expect(await env.member({ action: 'deleteMyAccount' }, M)).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
    expect(await env.member({ action: 'deleteMyAccount', confirm: false }, M)).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
    expect(await env.member({ action: 'deleteMyAccount', confirm: true })).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' })
    expect(await env.member({ action: 'deleteMyAccount', confirm: true }, 'o_never_here')).toMatchObject({ ok: false, code: 'NOT_FOUND' })
  })

  test('erases personal data, keeps the ledger and purchases so totals stay true', async () => {
    const before = await memberDoc(env, M)
    const ledgerBefore = await ledgerRows(env, M)
    expect(await env.member({ action: 'deleteMyAccount', confirm: true }, M)).toEqual({ ok: true, data: { deleted: true } })
    const after = await memberDoc(env, M)
    expect(after).toMatchObject({ nickname: '已注销用户', avatarFileId: null, birthday: null, gender: 'unknown', phone: null, status: 'deleted', points: before.points })
    expect(after.deletedAt).toBeInstanceOf(Date)
    const ledgerAfter = await ledgerRows(env, M)
    expect(ledgerAfter).toEqual(ledgerBefore)
    expect(ledgerAfter.reduce((s, r) => s + r.delta, 0)).toBe(after.points)
    expect((await env.db.collection('purchases').where({ memberId: M }).count()).total).toBe(1)
    expect((await env.db.collection('member_phones').where({ memberId: M }).count()).total).toBe(0)
    expect(await env.db.collection('audit_log').where({ action: 'deleteMyAccount', target: M }).count()).toMatchObject({ total: 1 })
  })

  test('afterwards: sign-in and every member action are refused; the till cannot find or scan the member', async () => {
    const login = await env.member({ action: 'login' }, M)
    expect(login).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' })
    expect(login.message).toMatch(/注销/)
    for (const action of ['getProfile', 'getPoints', 'getCodeKey', 'exportMyData']) {
      expect(await env.member({ action }, M)).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' })
    }
    expect(await env.member({ action: 'deleteMyAccount', confirm: true }, M)).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' })
    const { memberCode } = await import('../../domain/member-code')
    expect(await env.staff({ action: 'verifyCode', code: memberCode(key, memberNo, new Date()) }, STAFF)).toMatchObject({ ok: false, code: 'MEMBER_CODE_INVALID' })
    expect(await env.staff({ action: 'findMemberByPhone', phone: fakePhoneNumber('delete-code') }, STAFF)).toMatchObject({ ok: false, code: 'NOT_FOUND' })
    expect(await env.staff({ action: 'recordPurchase', requestId: rid('del'), member: { memberNo }, amountFen: 100 }, STAFF)).toMatchObject({ ok: false, code: 'NOT_FOUND' })
    // the freed phone can be bound by someone else
    await signUp(env, 'o_after_delete')
    expect(await env.member({ action: 'bindPhone', wxCode: 'delete-code' }, 'o_after_delete')).toMatchObject({ ok: true })
  })

  test('a refund of a deleted member’s purchase still reverses the points (the ledger stays consistent)', async () => {
    const { data } = await env.db.collection('purchases').where({ memberId: M }).get()
    const res = await env.staff({ action: 'refundPurchase', requestId: rid('del'), purchaseId: data[0]._id }, STAFF)
    expect(res).toMatchObject({ ok: true, data: { pointsReversed: 99, balance: 0 } })
  })

  test('a deleted staff member loses the till', async () => {
    const S = 'o_staff_leaving'
    await makeStaff(env, S, 'store_priv', '离职店员')
    expect(await env.staff({ action: 'me' }, S)).toMatchObject({ ok: true })
    expect(await env.member({ action: 'deleteMyAccount', confirm: true }, S)).toMatchObject({ ok: true })
    expect(await env.staff({ action: 'me' }, S)).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' })
    expect((await env.db.collection('staff').doc(S).get()).data).toMatchObject({ active: false, name: '已注销用户' })
  })
})
