/** 关怀任务 rules (domain/care-tasks.ts): occasions, switches, the weekly cap, quiet hours, marks, outcomes and the report. */
import fc from 'fast-check'
import { careCandidates, careReport, markPatch, planCareTasks, purchaseWithin, suggestedMessage, switchedOff, windowOver, type CareCandidate, type ExistingTask } from '../../domain/care-tasks'
import { emptySubscription, setPreference } from '../../domain/reminders'
import { CARE_KINDS, type CareKind } from '../../types/care-tasks'
import type { Member } from '../../types/member'
import { memberFixture } from './fixtures'
import { DEFAULT_REMINDER_CONFIG, type ReminderConfig, type Subscription } from '../../types/reminders'
import { AppError } from '../../types/result'
import { DEFAULT_TIER_LADDER } from '../../types/tiers'

/** An instant given as Shanghai wall-clock time. */
const sh = (s: string) => new Date(`${s.replace(' ', 'T')}:00+08:00`)
const T0 = new Date('2025-01-01T00:00:00Z')
const DAY = 86_400_000
const ladder = DEFAULT_TIER_LADDER
const config: ReminderConfig = { ...DEFAULT_REMINDER_CONFIG, weeklyMarketingCap: 2, quietHours: { start: '21:00', end: '09:00' } }

const member = (patch: Partial<Member> = {}): Member => memberFixture(T0, { points: 320, ...patch })
const churn = (risk: number) => ({ risk, pAlive: 1 - risk, expectedPurchases: 0.1, clvFen: 0, reasons: [], scoredAt: T0 })
const NOON = sh('2025-06-15 12:00')

describe('careCandidates', () => {
  test('a birthday today (Shanghai day), once per year', () => {
    const [c] = careCandidates({ member: member({ birthday: '1990-06-15' }), ladder, churnThreshold: 0.7, now: NOON })
    expect(c).toMatchObject({ kind: 'birthday', occasion: '2025', reason: '今天生日' })
    expect(c.message).toContain('小明，生日快乐')
    // 23:30 UTC on the 14th is already the 15th in Shanghai
    expect(careCandidates({ member: member({ birthday: '1990-06-15' }), ladder, churnThreshold: 0.7, now: new Date('2025-06-14T23:30:00Z') })).toHaveLength(1)
    expect(careCandidates({ member: member({ birthday: '1990-06-16' }), ladder, churnThreshold: 0.7, now: NOON })).toEqual([])
  })

  test('29 February is congratulated on the 28th in other years', () => {
    expect(careCandidates({ member: member({ birthday: '2000-02-29' }), ladder, churnThreshold: 1, now: sh('2025-02-28 10:00') }).map(c => c.kind)).toEqual(['birthday'])
  })

  test('churn risk at or above the threshold, once per month', () => {
    expect(careCandidates({ member: member({ churn: churn(0.69) }), ladder, churnThreshold: 0.7, now: NOON })).toEqual([])
    const [c] = careCandidates({ member: member({ churn: churn(0.82) }), ladder, churnThreshold: 0.7, now: NOON })
    expect(c).toMatchObject({ kind: 'churn_risk', occasion: '2025-06', reason: '流失风险 82%' })
    expect(c.message).toContain('320 积分')
  })

  test('a tier reached in the last two days (not the first tier, not a manual one)', () => {
    const tier = (tierId: string, since: Date, manual = null as never) => ({ tierId, since, reviewAt: new Date(since.getTime() + 365 * DAY), downgradeAt: null, manual })
    const [c] = careCandidates({ member: member({ tier: tier('gold', sh('2025-06-14 18:00')) }), ladder, churnThreshold: 1, now: NOON })
    expect(c).toMatchObject({ kind: 'tier_upgrade', occasion: 'gold.2025-06-14', reason: '升级为金卡会员' })
    expect(c.message).toContain('恭喜小明升级为金卡会员')
    expect(c.message).toContain('专属客服')
    expect(careCandidates({ member: member({ tier: tier('base', sh('2025-06-15 08:00')) }), ladder, churnThreshold: 1, now: NOON })).toEqual([])
    expect(careCandidates({ member: member({ tier: tier('gold', sh('2025-06-12 08:00')) }), ladder, churnThreshold: 1, now: NOON })).toEqual([])
    // a tier reached at a scoring run's instant was the review moving the member down
    const run = sh('2025-06-15 04:00')
    expect(careCandidates({ member: member({ tier: tier('silver', run) }), ladder, churnThreshold: 1, now: NOON, reviewRuns: [run] })).toEqual([])
    expect(careCandidates({ member: member({ tier: tier('silver', run) }), ladder, churnThreshold: 1, now: NOON, reviewRuns: [sh('2025-06-14 04:00')] })).toHaveLength(1)
  })

  test('a detractor answer; a deleted member has none', () => {
    const nps = { responseId: 'nps_1', score: 3, comment: '排队太久' }
    const [c] = careCandidates({ member: member(), ladder, churnThreshold: 1, now: NOON, extras: { nps, storeName: '静安店' } })
    expect(c).toMatchObject({ kind: 'nps_detractor', occasion: 'nps_1', reason: 'NPS 3 分：排队太久' })
    expect(c.message).toContain('静安店的专属顾问')
    expect(careCandidates({ member: member({ status: 'deleted', churn: churn(1) }), ladder, churnThreshold: 0, now: NOON, extras: { nps } })).toEqual([])
  })

  test('messages name a coupon when there is one, and fall back to 亲 without a nickname', () => {
    expect(suggestedMessage('churn_risk', member({ nickname: ' ' }), ladder, { couponName: '满100减20' })).toMatch(/^亲，.*「满100减20」/)
  })
})

const cand = (kind: CareKind, occasion = 'x'): CareCandidate => ({ kind, occasion, reason: kind, message: kind })

describe('planCareTasks', () => {
  test('switches: a member who turned the kind off gets no task; a detractor answer has no switch', () => {
    const off = (['win_back', 'birthday', 'tier_upgraded'] as const).reduce((s, k) => setPreference(s, k, false, T0), emptySubscription('o_m1', T0))
    const plan = planCareTasks({ candidates: CARE_KINDS.map(k => cand(k)), subscription: off, existing: [], config: { ...config, weeklyMarketingCap: 9 }, now: NOON })
    expect(plan.tasks.map(t => t.kind)).toEqual(['nps_detractor'])
    expect(plan.skipped.map(s => s.reason)).toEqual(['switch_off', 'switch_off', 'switch_off'])
  })

  test('accepting the template after turning it off turns it on again', () => {
    const cfg: ReminderConfig = { ...config, kinds: { ...config.kinds, birthday: { ...config.kinds.birthday, templateId: 'T_birthday_x' } } }
    const sub: Subscription = { ...setPreference(emptySubscription('o_m1', T0), 'birthday', false, T0), acceptedAt: { T_birthday_x: new Date(T0.getTime() + DAY) } }
    expect(switchedOff(sub, 'birthday', cfg)).toBe(false)
    expect(switchedOff(setPreference(sub, 'birthday', false, new Date(T0.getTime() + 2 * DAY)), 'birthday', cfg)).toBe(true)
  })

  test('the weekly cap counts live tasks of the last 7 days; closed and older ones do not count', () => {
    const recent: ExistingTask[] = [
      { kind: 'birthday', occasion: '2024', status: 'sent', createdAt: new Date(NOON.getTime() - 2 * DAY) },
      { kind: 'churn_risk', occasion: '2025-05', status: 'closed', createdAt: new Date(NOON.getTime() - DAY) },
      { kind: 'churn_risk', occasion: '2025-04', status: 'open', createdAt: new Date(NOON.getTime() - 8 * DAY) },
    ]
    const plan = planCareTasks({ candidates: [cand('churn_risk', '2025-06'), cand('tier_upgrade', 'gold.2025-06-15')], subscription: null, existing: recent, config, now: NOON })
    expect(plan.tasks.map(t => t.kind)).toEqual(['churn_risk'])
    expect(plan.skipped).toEqual([{ kind: 'tier_upgrade', occasion: 'gold.2025-06-15', reason: 'weekly_cap' }])
  })

  test('an occasion that already has a task is skipped (a rerun creates nothing)', () => {
    const existing: ExistingTask[] = [{ kind: 'birthday', occasion: '2025', status: 'open', createdAt: NOON }]
    const plan = planCareTasks({ candidates: [cand('birthday', '2025')], subscription: null, existing, config, now: NOON })
    expect(plan).toEqual({ tasks: [], skipped: [{ kind: 'birthday', occasion: '2025', reason: 'duplicate' }] })
  })

  test('quiet hours: the template waits for 09:00 Shanghai; by day it may go now', () => {
    const night = sh('2025-06-15 22:30')
    expect(planCareTasks({ candidates: [cand('birthday')], subscription: null, existing: [], config, now: night }).tasks[0].notBefore).toEqual(sh('2025-06-16 09:00'))
    expect(planCareTasks({ candidates: [cand('birthday')], subscription: null, existing: [], config, now: NOON }).tasks[0].notBefore).toEqual(NOON)
  })

  const kindArb = fc.constantFrom(...CARE_KINDS)
  const existingArb = fc.array(
    fc.record({
      kind: kindArb,
      occasion: fc.constantFrom('a', 'b', 'c'),
      status: fc.constantFrom('open', 'sent', 'replied', 'skipped', 'closed' as const),
      ageH: fc.integer({ min: 0, max: 24 * 10 }),
    }),
    { maxLength: 6 },
  )
  const candidatesArb = fc.array(fc.record({ kind: kindArb, occasion: fc.constantFrom('a', 'b', 'c') }), { maxLength: 6 })
  const switchesArb = fc.record({ birthday: fc.boolean(), win_back: fc.boolean(), tier_upgraded: fc.boolean() })

  test('property: the cap is never exceeded, switches are honoured, and planning again after inserting is a no-op', () => {
    fc.assert(
      fc.property(existingArb, candidatesArb, switchesArb, fc.integer({ min: 0, max: 4 }), (rows, cands, switches, cap) => {
        const existing: ExistingTask[] = rows.map(r => ({ kind: r.kind, occasion: r.occasion, status: r.status, createdAt: new Date(NOON.getTime() - r.ageH * 3_600_000) }))
        const sub = Object.entries(switches).reduce((s, [k, on]) => setPreference(s, k as 'birthday', on, T0), emptySubscription('o_m1', T0))
        const cfg = { ...config, weeklyMarketingCap: cap }
        const input = { candidates: cands.map(c => cand(c.kind, c.occasion)), subscription: sub, existing, config: cfg, now: NOON }
        const plan = planCareTasks(input)
        const live = existing.filter(e => e.status !== 'closed' && e.createdAt.getTime() > NOON.getTime() - 7 * DAY).length
        expect(plan.tasks.length).toBeLessThanOrEqual(Math.max(0, cap - live))
        for (const t of plan.tasks) {
          if (t.kind === 'birthday') expect(switches.birthday).toBe(true)
          if (t.kind === 'churn_risk') expect(switches.win_back).toBe(true)
          if (t.kind === 'tier_upgrade') expect(switches.tier_upgraded).toBe(true)
          expect(existing.some(e => e.kind === t.kind && e.occasion === t.occasion)).toBe(false)
        }
        expect(new Set(plan.tasks.map(t => `${t.kind}|${t.occasion}`)).size).toBe(plan.tasks.length)
        const again = planCareTasks({ ...input, existing: [...existing, ...plan.tasks.map(t => ({ kind: t.kind, occasion: t.occasion, status: 'open' as const, createdAt: NOON }))] })
        expect(again.tasks).toEqual([])
      }),
    )
  })
})

describe('marks', () => {
  const open = { status: 'open' as const, assigneeId: null, sentAt: null }
  test('a pool task becomes the marker’s; sent starts the buy window; replied implies sent', () => {
    expect(markPatch(open, 'sent', 'o_s1', NOON)).toEqual({ assigneeId: 'o_s1', markedBy: 'o_s1', status: 'sent', sentAt: NOON, outcomeOpen: true })
    const replied = markPatch({ status: 'sent', assigneeId: 'o_s2', sentAt: T0 }, 'replied', 'o_s2', NOON, '已回复')
    expect(replied).toEqual({ assigneeId: 'o_s2', markedBy: 'o_s2', note: '已回复', status: 'replied', sentAt: T0, repliedAt: NOON })
    expect(markPatch(open, 'skipped', 'o_s1', NOON)).toMatchObject({ status: 'skipped', skippedAt: NOON })
  })
  test('finished tasks, a second 已发送 and skipping a sent task are refused', () => {
    for (const [task, mark] of [
      [{ ...open, status: 'replied' as const }, 'sent'],
      [{ ...open, status: 'skipped' as const }, 'replied'],
      [{ ...open, status: 'closed' as const }, 'skipped'],
      [{ ...open, status: 'sent' as const }, 'sent'],
      [{ ...open, status: 'sent' as const }, 'skipped'],
    ] as const) {
      expect(() => markPatch(task, mark, 'o_s1', NOON)).toThrow(AppError)
    }
  })
})

describe('outcomes and the report', () => {
  const task = { createdAt: sh('2025-06-01 10:00'), sentAt: sh('2025-06-02 10:00') }
  test('the first purchase within 7 days of 已发送 counts (not before it, not refunded, not after the window)', () => {
    const p = (id: string, at: string, status = 'completed') => ({ _id: id, createdAt: sh(at), status })
    expect(
      purchaseWithin(task, [
        p('before', '2025-06-01 12:00'),
        p('refunded', '2025-06-03 10:00', 'refunded'),
        p('late', '2025-06-09 10:00'),
        p('hit2', '2025-06-08 10:00'),
        p('hit', '2025-06-05 10:00'),
      ]),
    ).toMatchObject({
      _id: 'hit',
      createdAt: sh('2025-06-05 10:00'),
    })
    expect(purchaseWithin(task, [p('late', '2025-06-09 10:00')])).toBeNull()
    expect(windowOver(task, sh('2025-06-09 09:59'))).toBe(false)
    expect(windowOver(task, sh('2025-06-09 10:00'))).toBe(true)
  })

  test('counts per kind, store and staff; the buy rate is bought / sent', () => {
    const row = (kind: CareKind, storeId: string | null, assigneeId: string | null, status: 'open' | 'sent' | 'replied' | 'skipped', bought = false) => ({
      kind,
      storeId,
      assigneeId,
      status,
      sentAt: status === 'sent' || status === 'replied' ? T0 : null,
      boughtAt: bought ? T0 : null,
    })
    const report = careReport(
      [row('birthday', 's1', 'o_a', 'sent', true), row('birthday', 's1', 'o_a', 'replied'), row('churn_risk', 's2', null, 'skipped'), row('nps_detractor', 's1', 'o_b', 'open')],
      { from: '2025-06-01', to: '2025-06-30' },
      { o_a: '小王' },
    )
    expect(report.total).toEqual({ created: 4, sent: 2, replied: 1, skipped: 1, bought: 1, buyRate: 0.5 })
    expect(report.byKind.find(k => k.kind === 'birthday')).toMatchObject({ label: '生日关怀', created: 2, sent: 2, bought: 1, buyRate: 0.5 })
    expect(report.byKind.find(k => k.kind === 'tier_upgrade')).toMatchObject({ created: 0, buyRate: 0 })
    expect(report.byStore).toEqual([
      { storeId: 's1', created: 3, sent: 2, replied: 1, skipped: 0, bought: 1, buyRate: 0.5 },
      { storeId: 's2', created: 1, sent: 0, replied: 0, skipped: 1, bought: 0, buyRate: 0 },
    ])
    expect(report.byStaff.map(s => [s.staffId, s.name, s.created])).toEqual([
      [null, null, 1],
      ['o_a', '小王', 2],
      ['o_b', null, 1],
    ])
  })
})
