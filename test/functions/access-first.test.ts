/**
 * Authorization comes before validation for every action of every function: a caller without the
 * right gets PERMISSION_DENIED / UNAUTHENTICATED whatever the event, never the schema's field names.
 */
import { AdminEvents } from '../../types/admin'
import { MemberEvents } from '../../types/member'
import { StaffEvents } from '../../types/staff'
import { RemindersEvents, TiersEvents } from '../../types/jobs'
import { OPERATOR_ACTIONS } from '../../types/console'
import { invoke } from '../../scripts/emulator-process'
import { makeStaff, signUp, useEmulator } from './support'

const env = useEmulator()
/** The action names of a function's event union. */
const actionsOf = (schema: { options: ReadonlyArray<unknown> }) => schema.options.map(o => (o as { shape: { action: { value: string } } }).shape.action.value)

beforeAll(async () => {
  await signUp(env, 'o_af_consumer')
  await makeStaff(env, 'o_af_staff', 'store_af')
})

const leaks = (res: any) => res.ok === false && (res.code === 'INVALID_ARGUMENT' || Array.isArray(res.issues) || /action|[a-z]+[A-Z][a-z]+:/.test(res.message ?? ''))

test.each([
  ['admin', actionsOf(AdminEvents as any).filter(a => !OPERATOR_ACTIONS.has(a)), 'o_af_staff', 'PERMISSION_DENIED'],
  ['admin', [...OPERATOR_ACTIONS], 'o_af_consumer', 'PERMISSION_DENIED'],
  ['tiers', actionsOf(TiersEvents as any), 'o_af_consumer', 'PERMISSION_DENIED'],
  ['reminders', actionsOf(RemindersEvents as any), 'o_af_staff', 'PERMISSION_DENIED'],
  ['staff', actionsOf(StaffEvents as any), 'o_af_consumer', 'PERMISSION_DENIED'],
])('%s refuses an unauthorized caller before looking at the event', async (fn, actions, openid, code) => {
  expect(actions.length).toBeGreaterThan(0)
  const call = (event: unknown) => invoke(env.emu, fn, event, openid)
  for (const action of actions) {
    for (const event of [{ action }, { action, junk: 1, tiers: [] }]) {
      const res = await call(event)
      expect({ action, res }).toMatchObject({ action, res: { ok: false, code } })
      expect(leaks(res)).toBe(false)
    }
  }
  // an unknown action and a missing one: refused the same, the action list not shown
  for (const event of [{ action: 'nope' }, {}]) expect(await call(event)).toMatchObject({ ok: false, code })
})

test('member actions need a mini-program identity before anything else', async () => {
  for (const action of actionsOf(MemberEvents as any)) {
    const res = await env.member({ action, junk: true })
    expect({ action, res }).toMatchObject({ action, res: { ok: false, code: 'UNAUTHENTICATED' } })
  }
})

test('setTierLadder with no tiers is a field error for an admin, not INTERNAL; staff are refused', async () => {
  expect(await env.admin({ action: 'setTierLadder', ladder: { tiers: [] } })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
  expect(await env.admin({ action: 'setTierLadder', ladder: { tiers: [] } }, 'o_af_staff')).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' })
})
