import fc from 'fast-check'
import { clockOffsetMs, CODE_STEP_SECONDS, deriveMemberKey, memberCode, oneTimePassword, parseMemberCode, secondsUntilNextCode, verifyMemberCode } from '../../domain/member-code'

const secret = 'test-secret'
const memberNo = '1234567890'
const key = deriveMemberKey(secret, memberNo, 1)
const t0 = new Date('2026-11-23T08:00:00Z')
const later = (seconds: number) => new Date(t0.getTime() + seconds * 1000)

test('a code is 18 digits: member number + 8-digit one-time password', () => {
  const code = memberCode(key, memberNo, t0)
  expect(code).toMatch(/^\d{18}$/)
  expect(parseMemberCode(code)).toEqual({ memberNo, otp: code.slice(10) })
})

test('the code changes every step and is accepted for at most 2 minutes', () => {
  const code = memberCode(key, memberNo, t0)
  expect(memberCode(key, memberNo, later(CODE_STEP_SECONDS))).not.toBe(code)
  expect(verifyMemberCode(key, code, t0)).toMatchObject({ ok: true, memberNo })
  expect(verifyMemberCode(key, code, later(119))).toMatchObject({ ok: true })
  expect(verifyMemberCode(key, code, later(120))).toEqual({ ok: false, reason: 'expired' })
  expect(verifyMemberCode(key, code, later(3600))).toEqual({ ok: false, reason: 'expired' })
})

test('a phone clock one step ahead is tolerated', () => {
  expect(verifyMemberCode(key, memberCode(key, memberNo, later(CODE_STEP_SECONDS)), t0)).toMatchObject({ ok: true })
  expect(verifyMemberCode(key, memberCode(key, memberNo, later(3 * CODE_STEP_SECONDS)), t0)).toEqual({ ok: false, reason: 'invalid' })
})

test('another key version, secret or member cannot produce a valid code', () => {
  const code = memberCode(key, memberNo, t0)
  expect(verifyMemberCode(deriveMemberKey(secret, memberNo, 2), code, t0)).toEqual({ ok: false, reason: 'invalid' })
  expect(verifyMemberCode(deriveMemberKey('other', memberNo, 1), code, t0)).toEqual({ ok: false, reason: 'invalid' })
  expect(deriveMemberKey(secret, '1234567891', 1)).not.toBe(key)
})

test('property: altering any digit of the password is rejected', () => {
  const code = memberCode(key, memberNo, t0)
  fc.assert(
    fc.property(fc.integer({ min: 10, max: 17 }), fc.integer({ min: 1, max: 9 }), (pos, bump) => {
      const altered = code.slice(0, pos) + String((Number(code[pos]) + bump) % 10) + code.slice(pos + 1)
      expect(verifyMemberCode(key, altered, t0).ok).toBe(false)
    }),
  )
})

test('malformed codes are invalid, not errors', () => {
  for (const bad of ['', '123', 'abcdefghijklmnopqr', `${memberNo}1234567`, `${memberNo}123456789`]) {
    expect(verifyMemberCode(key, bad, t0)).toEqual({ ok: false, reason: 'invalid' })
  }
})

test('one-time passwords are 8 digits and the countdown is within a step', () => {
  expect(oneTimePassword(key, 1)).toMatch(/^\d{8}$/)
  expect(secondsUntilNextCode(later(5))).toBe(25)
  expect(secondsUntilNextCode(t0)).toBe(30)
})

test('the clock correction: the server time against the middle of the round trip; round-trip noise is no correction', () => {
  const server = new Date('2026-11-23T04:00:00.000Z')
  const at = server.getTime()
  // the phone is 7 min slow; the answer took 400 ms
  expect(clockOffsetMs(server, at - 420_000 - 200, at - 420_000 + 200)).toBe(420_000)
  // 3 min fast
  expect(clockOffsetMs(server, at + 180_000 - 50, at + 180_000 + 50)).toBe(-180_000)
  // a right clock and a slow network: under 2 s is noise
  expect(clockOffsetMs(server, at - 1500, at + 300)).toBe(0)
  expect(clockOffsetMs(new Date('invalid'), at, at)).toBe(0)
  // a code made on the corrected clock is the server's code
  const phone = new Date(at - 420_000)
  expect(memberCode(key, '1000000001', new Date(phone.getTime() + clockOffsetMs(server, phone.getTime(), phone.getTime())))).toBe(memberCode(key, '1000000001', server))
})
