/**
 * Campaigns that send a subscribe message, through the SDK on the emulator: refused until the
 * `campaign` reminder kind is set up; then the hourly reminders run sends it once to treated members
 * who accepted its template (never to the holdout, never after the window, not in quiet hours), and
 * the campaign report counts the sends.
 */
import { campaignGroup } from '../../domain/campaigns'
import { DEFAULT_REMINDER_CONFIG } from '../../types/reminders'
import { invoke, setClock } from '../../scripts/emulator-process'
import { useEmulator, signUp, rid } from './support'

const env = useEmulator()
const T_CAMPAIGN = 'tplCampaignNotice01'
const NOON = '2026-11-23T04:00:00.000Z' // 12:00 Shanghai
const LATE = '2026-11-23T14:00:00.000Z' // 22:00 Shanghai: quiet hours
const DAY = 86_400_000
const MEMBERS = Array.from({ length: 30 }, (_x, i) => `o_cmsg_${String(i).padStart(2, '0')}`)
const reminders = (event: unknown) => invoke(env.emu, 'reminders', event)
const outbox = async (): Promise<any[]> => (await fetch(`${env.emu.baseUrl}/outbox`)).json()
const toMember = (openid: string) => (m: any) => m.payload.touser === openid
const spec = (campaignId: string, overrides: Record<string, unknown> = {}) => ({
  campaignId,
  name: '冬日上新',
  segmentId: 'cmsg-all',
  holdoutPercent: 30,
  windowDays: 7,
  message: { text: '新品第二杯半价', page: 'pages/mall/index' },
  ...overrides,
})
const start = (campaign: Record<string, unknown>, extra: Record<string, unknown> = {}) => env.admin({ action: 'startCampaign', campaign, ...extra })
const accept = (openid: string) => env.member({ action: 'reportSubscribe', requestId: rid('sub'), result: { [T_CAMPAIGN]: 'accept' } }, openid)

const split = (campaignId: string) => {
  const holdout = MEMBERS.filter(id => campaignGroup(campaignId, id, 30) === 'holdout')
  return { holdout, treated: MEMBERS.filter(id => !holdout.includes(id)) }
}

beforeAll(async () => {
  await setClock(env.emu, NOON)
  for (const id of MEMBERS) await signUp(env, id)
  const template = {
    templateId: 'cmsg-tpl',
    name: '第二杯半价券',
    type: 'cash',
    valueFen: 1000,
    minSpendFen: 0,
    validity: { kind: 'relative', days: 30 },
    totalStock: null,
    perMemberLimit: 5,
    audience: { kind: 'all' },
    channels: ['admin'],
  }
  expect(await env.admin({ action: 'upsertCouponTemplate', template })).toMatchObject({ ok: true })
  expect(await env.admin({ action: 'saveSegment', segmentId: 'cmsg-all', name: '全部会员', rule: { all: [{ field: 'createdAt', op: 'exists', value: true }] } })).toMatchObject({ ok: true })
}, 120_000)

test('a message campaign is refused until the campaign reminder kind is on; neither coupon nor message is invalid', async () => {
  for (const dryRun of [true, false]) expect(await start(spec('cmsg-early'), { dryRun })).toMatchObject({ ok: false, code: 'FAILED_PRECONDITION' })
  const { message: _m, ...neither } = spec('cmsg-none')
  expect(await start(neither)).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
  expect(await start(spec('cmsg-long', { message: { text: '这'.repeat(21) } }))).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
  expect((await env.db.collection('campaigns').get()).data).toEqual([])

  const config = structuredClone(DEFAULT_REMINDER_CONFIG)
  config.kinds.campaign = { ...config.kinds.campaign, enabled: true, templateId: T_CAMPAIGN }
  expect(await env.admin({ action: 'setReminderConfig', config })).toMatchObject({ ok: true })
})

test('coupon + message: the run messages each treated member with a grant once, on the campaign page; never the holdout', async () => {
  const { treated, holdout } = split('cmsg-winter')
  expect(holdout.length).toBeGreaterThan(1)
  const [withGrant, turnedOff, noGrant] = [treated.slice(0, 5), treated[5], treated[6]]
  for (const id of [...withGrant, turnedOff, holdout[0]]) expect(await accept(id)).toMatchObject({ ok: true })
  expect(await env.member({ action: 'setReminderPreference', kind: 'campaign', on: false }, turnedOff)).toMatchObject({ ok: true })

  // the dry run says how many treated members hold a grant: the turned-off one counts (it is an upper bound), the holdout one not
  const dry0 = await start(spec('cmsg-winter', { templateId: 'cmsg-tpl' }), { dryRun: true })
  expect(dry0).toMatchObject({ ok: true, data: { dryRun: true, treated: treated.length, holdout: holdout.length, messageWithGrant: withGrant.length + 1 } })
  const started = await start(spec('cmsg-winter', { templateId: 'cmsg-tpl' }))
  expect(started).toMatchObject({ ok: true, data: { campaign: { status: 'running', message: { text: '新品第二杯半价' } }, issued: treated.length, pending: 0 } })
  // a changed message is another campaign
  expect(await start(spec('cmsg-winter', { templateId: 'cmsg-tpl', message: { text: '别的文案' } }))).toMatchObject({ ok: false, code: 'ALREADY_EXISTS' })

  const dry = await env.admin({ action: 'dryRunReminders' })
  expect(dry.data.messages.map((m: any) => m.memberId).sort()).toEqual([...withGrant].sort())
  expect(dry.data.skipped).toEqual(expect.arrayContaining([expect.objectContaining({ memberId: turnedOff, kind: 'campaign', reason: 'preference' })]))

  const run = await reminders({ action: 'run' })
  expect(run).toMatchObject({ ok: true, data: { sent: withGrant.length, failed: 0 } })
  const sent = await outbox()
  expect(sent).toHaveLength(withGrant.length)
  for (const id of withGrant) {
    const message = sent.find(toMember(id))
    expect(message).toMatchObject({ api: 'subscribeMessage.send', payload: { templateId: T_CAMPAIGN, page: 'pages/mall/index' } })
    expect(JSON.stringify(message)).toContain('冬日上新')
    expect(JSON.stringify(message)).toContain('新品第二杯半价')
  }
  for (const id of [turnedOff, noGrant, holdout[0]]) expect(sent.filter(toMember(id))).toEqual([])

  // an hour later nothing goes twice, even to a member who has accepted again
  await accept(withGrant[0])
  await setClock(env.emu, new Date(Date.parse(NOON) + 3600_000).toISOString())
  expect((await reminders({ action: 'run' })).data.sent).toBe(0)
  expect(await outbox()).toHaveLength(withGrant.length)

  const report = await env.admin({ action: 'campaignReport', campaignId: 'cmsg-winter' })
  expect(report).toMatchObject({ ok: true, data: { coupons: { issued: treated.length }, messages: { sent: withGrant.length, failed: 0, pending: 0, treated: treated.length } } })
  await setClock(env.emu, NOON)
})

test('message only: no coupons; in quiet hours it waits for the morning; after the window nothing is sent', async () => {
  const { treated } = split('cmsg-late')
  expect(await accept(treated[treated.length - 1])).toMatchObject({ ok: true })
  await setClock(env.emu, LATE)
  const started = await start(spec('cmsg-late', { message: { text: '今晚八折' } }))
  expect(started).toMatchObject({ ok: true, data: { campaign: { status: 'running', templateId: null }, issued: 0, pending: 0 } })
  const rows = (await env.db.collection('campaign_members').where({ campaignId: 'cmsg-late' }).limit(1000).get()).data
  expect(rows).toHaveLength(MEMBERS.length)
  expect(
    rows
      .filter((r: any) => r.outcome === 'no_coupon')
      .map((r: any) => r.memberId)
      .sort(),
  ).toEqual([...treated].sort())
  expect(rows.every((r: any) => r.couponId === null)).toBe(true)
  const before = (await outbox()).length
  const quiet = await reminders({ action: 'run' })
  expect(quiet.data).toMatchObject({ sent: 0 })
  expect(quiet.data.deferred).toBeGreaterThanOrEqual(1)
  expect(await outbox()).toHaveLength(before)

  // the window (7 days) is over: nothing is due any more
  await setClock(env.emu, new Date(Date.parse(LATE) + 8 * DAY).toISOString())
  const dry = await env.admin({ action: 'dryRunReminders' })
  expect(dry.data.messages.filter((m: any) => m.kind === 'campaign')).toEqual([])
  expect((await reminders({ action: 'run' })).data.sent).toBe(0)
  expect(await outbox()).toHaveLength(before)
  const report = await env.admin({ action: 'campaignReport', campaignId: 'cmsg-late' })
  expect(report).toMatchObject({ ok: true, data: { final: true, coupons: null, messages: { sent: 0 } } })
})

test('a reminder config saved before the campaign kind existed still loads, with the kind off', async () => {
  const { campaign: _c, ...oldKinds } = DEFAULT_REMINDER_CONFIG.kinds
  const old = { ...DEFAULT_REMINDER_CONFIG, kinds: oldKinds, priority: DEFAULT_REMINDER_CONFIG.priority.filter(k => k !== 'campaign') }
  await env.db
    .collection('settings')
    .doc('reminderConfig')
    .set({ data: { rules: old, updatedAt: new Date() } })
  const read = await env.admin({ action: 'getReminderConfig' })
  expect(read).toMatchObject({ ok: true, data: { rules: { kinds: { campaign: { enabled: false } } } } })
  expect(read.data.rules.priority.at(-1)).toBe('campaign')
  expect(await reminders({ action: 'run' })).toMatchObject({ ok: true })
})
