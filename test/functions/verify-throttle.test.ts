/**
 * Issue 14, defect 5: guessing member codes is throttled per staff member and per member number
 * (types/staff.ts CODE_FAILS_*), atomically under parallel calls; genuine codes don't count.
 */
import { memberCode } from '../../domain/member-code'
import { CODE_FAILS_PER_MEMBER, CODE_FAILS_PER_STAFF } from '../../types/staff'
import { setClock } from '../../scripts/emulator-process'
import { useEmulator, signUp, makeStaff, codeOf, rid } from './support'

const env = useEmulator()
const NOW = Date.parse('2026-11-23T04:01:00.000Z')
const at = (minutes: number) => new Date(NOW + minutes * 60_000)
const verify = (code: string, staff: string) => env.staff({ action: 'verifyCode', code }, staff)
const codes = (answers: any[]) => answers.map(a => (a.ok ? 'ok' : a.code)).sort()

beforeAll(async () => {
  await setClock(env.emu, at(0).toISOString())
  for (const s of ['o_thr_a', 'o_thr_b', 'o_thr_c', 'o_thr_d']) await makeStaff(env, s)
  await signUp(env, 'o_thr_m1')
  await signUp(env, 'o_thr_m2')
}, 60_000)

test('30 parallel made-up codes from one staff member: at most the limit are answered, the rest RATE_LIMITED; others are unaffected', async () => {
  const guesses = Array.from({ length: 30 }, (_, i) => `99999${String(i).padStart(5, '0')}12345678`)
  const answers = await Promise.all(guesses.map(g => verify(g, 'o_thr_a')))
  const counts = codes(answers).reduce((c: Record<string, number>, k: string) => ({ ...c, [k]: (c[k] ?? 0) + 1 }), {})
  expect(counts).toEqual({ MEMBER_CODE_INVALID: CODE_FAILS_PER_STAFF, RATE_LIMITED: 30 - CODE_FAILS_PER_STAFF })
  // the staff member is refused even with a genuine code until the window passes
  const { code } = await codeOf(env, 'o_thr_m1', at(0))
  expect(await verify(code, 'o_thr_a')).toMatchObject({ ok: false, code: 'RATE_LIMITED' })
  // another staff member still works
  expect(await verify(code, 'o_thr_b')).toMatchObject({ ok: true })
})

test('wrong codes for a real member count against that member: the right code is then refused until the window passes', async () => {
  const { code, key, memberNo } = await codeOf(env, 'o_thr_m2', at(0))
  const wrong = Array.from({ length: 15 }, (_, i) => `${memberNo}${String(10_000_000 + i * 7919).slice(-8)}`).filter(c => c !== code)
  const answers = await Promise.all(wrong.map(g => verify(g, 'o_thr_c')))
  expect(codes(answers).filter(c => c === 'MEMBER_CODE_INVALID')).toHaveLength(CODE_FAILS_PER_MEMBER)
  expect(codes(answers).filter(c => c === 'RATE_LIMITED')).toHaveLength(wrong.length - CODE_FAILS_PER_MEMBER)
  // the right code, from any staff member, and also at the till's other code paths
  expect(await verify(code, 'o_thr_d')).toMatchObject({ ok: false, code: 'RATE_LIMITED' })
  expect(await env.staff({ action: 'recordPurchase', requestId: rid('thr'), member: { code }, amountFen: 100 }, 'o_thr_d')).toMatchObject({ ok: false, code: 'RATE_LIMITED' })
  expect(await env.staff({ action: 'memberCoupons', member: { code } }, 'o_thr_d')).toMatchObject({ ok: false, code: 'RATE_LIMITED' })
  // the other member is not affected
  expect(await verify((await codeOf(env, 'o_thr_m1', at(0))).code, 'o_thr_d')).toMatchObject({ ok: true })
  // the window passes
  await setClock(env.emu, at(11).toISOString())
  expect(await verify(memberCode(key, memberNo, at(11)), 'o_thr_d')).toMatchObject({ ok: true })
  expect(await verify(memberCode(key, memberNo, at(11)), 'o_thr_a')).toMatchObject({ ok: true })
})

test('genuine codes do not count: many in a row are all answered', async () => {
  const { key, memberNo } = await codeOf(env, 'o_thr_m1', at(11))
  const answers = await Promise.all(Array.from({ length: CODE_FAILS_PER_STAFF + 5 }, () => verify(memberCode(key, memberNo, at(11)), 'o_thr_b')))
  expect(answers.every(a => a.ok)).toBe(true)
  expect(await verify('1234567890' + '00000000', 'o_thr_b')).toMatchObject({ ok: false, code: 'MEMBER_CODE_INVALID' })
})
