/** Reminders through the SDK on the emulator: consent, the hourly run into the outbox, no second send, quiet hours, dry run. */
import { DEFAULT_REMINDER_CONFIG } from '../../types/reminders'
import { invoke, setClock } from '../../scripts/emulator-process'
import { useEmulator, signUp, rid } from './support'

const env = useEmulator()
const T_COUPON = 'tplCouponExpiring0001'
const NOON = '2026-11-23T04:00:00.000Z' // 12:00 Shanghai
const LATE = '2026-11-23T14:00:00.000Z' // 22:00 Shanghai: quiet hours
const reminders = (event: unknown, openid?: string) => invoke(env.emu, 'reminders', event, openid)

async function outbox(): Promise<any[]> {
  return (await fetch(`${env.emu.baseUrl}/outbox`)).json()
}

const config = structuredClone(DEFAULT_REMINDER_CONFIG)
config.kinds.coupon_expiring = { ...config.kinds.coupon_expiring, enabled: true, templateId: T_COUPON }

beforeAll(async () => {
  await setClock(env.emu, NOON)
  expect(await env.admin({ action: 'setReminderConfig', config })).toMatchObject({ ok: true })
  // a coupon that ends in two Shanghai days
  const template = {
    templateId: 'tpl-soon',
    name: '满100减20',
    type: 'threshold',
    valueFen: 2000,
    minSpendFen: 10000,
    validity: { kind: 'fixed', start: '2026-11-01T00:00:00+08:00', end: '2026-11-26T00:00:00+08:00' },
    totalStock: null,
    perMemberLimit: 1,
    channels: ['claim_center'],
  }
  expect(await env.admin({ action: 'upsertCouponTemplate', template })).toMatchObject({ ok: true })
  for (const m of ['o_rmd_yes', 'o_rmd_none', 'o_rmd_off']) {
    await signUp(env, m)
    expect(await env.member({ action: 'claimCoupon', templateId: 'tpl-soon', requestId: rid('c') }, m)).toMatchObject({ ok: true })
  }
}, 120_000)

describe('consent', () => {
  test('an accept is one grant; a resent report adds none; unknown templates are ignored', async () => {
    const requestId = rid('sub')
    const report = { action: 'reportSubscribe', requestId, result: { [T_COUPON]: 'accept', someOtherTemplate01: 'accept', errMsg: 'requestSubscribeMessage:ok' } }
    const first = await env.member(report, 'o_rmd_yes')
    expect(first).toMatchObject({ ok: true, data: { replayed: false } })
    expect(first.data.items.find((i: any) => i.kind === 'coupon_expiring')).toMatchObject({ on: true, quota: 1, canSend: true })
    expect((await env.member(report, 'o_rmd_yes')).data).toMatchObject({ replayed: true })
    const stored = (await env.db.collection('subscriptions').doc('o_rmd_yes').get()).data
    expect(stored.quota).toEqual({ [T_COUPON]: 1 })
  })

  test('a member who turns a kind off gets none; preferences are the caller’s own', async () => {
    await env.member({ action: 'reportSubscribe', requestId: rid('sub'), result: { [T_COUPON]: 'accept' } }, 'o_rmd_off')
    const off = await env.member({ action: 'setReminderPreference', kind: 'coupon_expiring', on: false }, 'o_rmd_off')
    expect(off.data.items.find((i: any) => i.kind === 'coupon_expiring')).toMatchObject({ on: false, canSend: false, blocker: '已关闭' })
    const other = await env.member({ action: 'reminderPreferences' }, 'o_rmd_yes')
    expect(other.data.items.find((i: any) => i.kind === 'coupon_expiring')).toMatchObject({ on: true })
    expect(await env.member({ action: 'setReminderPreference', kind: 'coupon_expiring', on: false, memberId: 'o_rmd_yes' }, 'o_rmd_off')).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
  })
})

describe('the run', () => {
  test('consumers cannot run it', async () => {
    expect(await reminders({ action: 'run' }, 'o_rmd_yes')).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' })
  })

  test('in quiet hours nothing is sent: the message is deferred to the morning', async () => {
    await setClock(env.emu, LATE)
    const dry = await env.admin({ action: 'dryRunReminders' })
    expect(dry.data.deferred).toEqual([expect.objectContaining({ memberId: 'o_rmd_yes', kind: 'coupon_expiring', notBefore: '2026-11-24T01:00:00.000Z' })])
    const run = await reminders({ action: 'run' })
    expect(run.data).toMatchObject({ sent: 0, deferred: 1 })
    expect(await outbox()).toEqual([])
    await setClock(env.emu, NOON)
  })

  test('the dry run says who gets what and who is skipped why; it writes nothing', async () => {
    const dry = await env.admin({ action: 'dryRunReminders' })
    expect(dry.data.messages).toEqual([expect.objectContaining({ memberId: 'o_rmd_yes', kind: 'coupon_expiring', templateId: T_COUPON, reason: expect.stringContaining('满100减20') })])
    expect(dry.data.skipped).toEqual([expect.objectContaining({ memberId: 'o_rmd_off', reason: 'preference' })])
    expect((await env.db.collection('reminders_log').get()).data).toEqual([])
  })

  test('a run sends to the outbox and spends the grant; a second run at the same time sends nothing', async () => {
    const run = await reminders({ action: 'run' })
    expect(run.data).toMatchObject({ sent: 1, failed: 0, more: false })
    const sent = await outbox()
    expect(sent).toHaveLength(1)
    expect(JSON.stringify(sent[0])).toContain(T_COUPON)
    expect(JSON.stringify(sent[0])).toContain('o_rmd_yes')
    expect((await env.db.collection('subscriptions').doc('o_rmd_yes').get()).data.quota[T_COUPON]).toBe(0)
    const log = (await env.db.collection('reminders_log').get()).data
    expect(log).toEqual([expect.objectContaining({ memberId: 'o_rmd_yes', status: 'sent', period: '2026-11-25' })])

    const again = await reminders({ action: 'run' })
    expect(again.data.sent).toBe(0)
    expect(await outbox()).toHaveLength(1)
    // the timer event runs the same action
    expect(await reminders({ Type: 'Timer', TriggerName: 'run' })).toMatchObject({ ok: true, data: { sent: 0 } })
    expect(await outbox()).toHaveLength(1)
  })
})
