/** Every rule is Shanghai time; the last test re-runs the plans in hosts set to UTC and other zones. */
import { spawnSync } from 'child_process'
import fs from 'fs'
import os from 'os'
import path from 'path'
import fc from 'fast-check'
import { couponRequestId } from '../../domain/reminder-candidates'
import {
  applySubscribeResult,
  emptySubscription,
  inQuietHours,
  planReminders,
  preferenceOn,
  preferencesView,
  setPreference,
  spendQuota,
  summarizePlan,
  type PlanInput,
  type ReminderMemberInput,
} from '../../domain/reminders'
import type { CouponDoc } from '../../types/coupons'
import type { Member } from '../../types/member'
import { memberFixture } from './fixtures'
import {
  DEFAULT_REMINDER_CONFIG,
  isMarketing,
  REMINDER_KINDS,
  ReminderConfigSchema,
  SubscribeResultSchema,
  type CampaignMessage,
  type ReminderConfig,
  type ReminderKind,
  type ReminderLogDoc,
  type Subscription,
} from '../../types/reminders'
import { DEFAULT_TIER_LADDER, type TierLadder } from '../../types/tiers'
import { AppError } from '../../types/result'

/** An instant given as Shanghai wall-clock time. */
const sh = (s: string) => new Date(`${s.replace(' ', 'T')}:00+08:00`)
const tmpl = (kind: ReminderKind) => `T_${kind}_tmpl`
const config = (patch: Partial<ReminderConfig> = {}): ReminderConfig => ({
  ...DEFAULT_REMINDER_CONFIG,
  kinds: Object.fromEntries(REMINDER_KINDS.map(k => [k, { ...DEFAULT_REMINDER_CONFIG.kinds[k], enabled: true, templateId: tmpl(k) }])) as ReminderConfig['kinds'],
  ...patch,
})
const T0 = new Date('2025-01-01T00:00:00Z')
const member = (patch: Partial<Member> = {}): Member => memberFixture(T0, patch)
const coupon = (id: string, validUntil: Date, patch: Partial<CouponDoc> = {}): CouponDoc => ({
  _id: id,
  code: '123456789012',
  templateId: 'mj100',
  memberId: 'o_m1',
  memberNo: '1000000001',
  name: '满100减20',
  type: 'threshold',
  valueFen: 2000,
  percentOff: null,
  capFen: null,
  minSpendFen: 10000,
  giftName: null,
  stackable: false,
  validFrom: T0,
  validUntil,
  channel: 'claim_center',
  status: 'available',
  issuedAt: T0,
  usedAt: null,
  writeOffId: null,
  ...patch,
})
/** Accepted once for each kind given (one grant each). */
const granted = (kinds: readonly ReminderKind[] = REMINDER_KINDS, n = 1): Subscription => {
  let sub = emptySubscription('o_m1', T0)
  for (let i = 0; i < n; i++) sub = applySubscribeResult(sub, Object.fromEntries(kinds.map(k => [tmpl(k), 'accept' as const])), T0)
  return sub
}
const entry = (m: Member, coupons: CouponDoc[] = [], subscription: Subscription | null = granted(), recentLog: ReminderLogDoc[] = []): ReminderMemberInput => ({
  member: m,
  coupons,
  subscription,
  recentLog,
})
const logOf = (plan: ReturnType<typeof planReminders>, at: Date): ReminderLogDoc[] =>
  plan.messages.map(m => ({
    _id: m.dedupeKey,
    memberId: m.memberId,
    kind: m.kind,
    templateId: m.templateId,
    period: m.period,
    sentAt: at,
    status: 'sent',
    reason: m.reason,
    data: m.data,
    basis: m.basis,
  }))
const log = (kind: ReminderKind, sentAt: Date, patch: Partial<ReminderLogDoc> = {}): ReminderLogDoc => ({
  _id: `${kind}:o_m1:x${sentAt.getTime()}`,
  memberId: 'o_m1',
  kind,
  templateId: tmpl(kind),
  period: 'x',
  sentAt,
  status: 'sent',
  reason: '',
  data: {},
  basis: {},
  ...patch,
})
const plan1 = (e: ReminderMemberInput, now: Date, cfg = config(), ladder?: TierLadder) => planReminders({ members: [e], config: cfg, now, ladder })
const expiring = (now: Date) => entry(member(), [coupon('c1', new Date(now.getTime() + 3 * 86_400_000))])

describe('config', () => {
  test('defaults and a filled config validate; enabling needs a template id; keys must fit the kind', () => {
    expect(ReminderConfigSchema.parse(DEFAULT_REMINDER_CONFIG)).toEqual(DEFAULT_REMINDER_CONFIG)
    expect(ReminderConfigSchema.safeParse(config()).success).toBe(true)
    const bad = (kinds: Partial<ReminderConfig['kinds']>, patch: Partial<ReminderConfig> = {}) => ReminderConfigSchema.safeParse({ ...config(patch), kinds: { ...config().kinds, ...kinds } }).success
    expect(bad({ birthday: { ...config().kinds.birthday, templateId: '' } })).toBe(false)
    expect(bad({ birthday: { ...config().kinds.birthday, fields: { thing1: 'points' } } })).toBe(false)
    expect(bad({ birthday: { ...config().kinds.birthday, fields: { thing1: '=生日快乐' } } })).toBe(true)
    expect(bad({}, { quietHours: { start: '18:00', end: '09:00' } })).toBe(false)
  })
  test('subscribe results drop errMsg', () => {
    expect(SubscribeResultSchema.parse({ errMsg: 'requestSubscribeMessage:ok', T_birthday_tmpl: 'accept' })).toEqual({ T_birthday_tmpl: 'accept' })
  })
})

describe('quiet hours (21:00–09:00 Shanghai)', () => {
  test('20:59 sends, 21:00 defers to 09:00 Shanghai the next morning', () => {
    expect(plan1(expiring(sh('2026-03-10 20:59')), sh('2026-03-10 20:59')).messages).toHaveLength(1)
    const late = plan1(expiring(sh('2026-03-10 21:00')), sh('2026-03-10 21:00'))
    expect(late.messages).toEqual([])
    expect(late.deferred).toEqual([expect.objectContaining({ kind: 'coupon_expiring', notBefore: new Date('2026-03-11T01:00:00Z') })])
  })
  test('after midnight Shanghai (still the previous day in UTC) and 08:59 defer to 09:00 that morning; 09:00 sends', () => {
    for (const at of ['2026-03-11 00:30', '2026-03-11 08:59']) {
      expect(plan1(expiring(sh(at)), sh(at)).deferred.map(d => d.notBefore)).toEqual([sh('2026-03-11 09:00')])
    }
    expect(plan1(expiring(sh('2026-03-11 09:00')), sh('2026-03-11 09:00')).messages).toHaveLength(1)
  })
  test('a window inside one day, and none', () => {
    const q = { start: '12:00', end: '14:00' }
    expect([sh('2026-03-10 11:59'), sh('2026-03-10 12:00'), sh('2026-03-10 13:59'), sh('2026-03-10 14:00')].map(t => inQuietHours(q, t))).toEqual([false, true, true, false])
    expect(plan1(expiring(sh('2026-03-10 23:00')), sh('2026-03-10 23:00'), config({ quietHours: null })).messages).toHaveLength(1)
  })
})

describe('caps, priority, one per run', () => {
  const now = sh('2026-03-11 10:00')
  const due = (recentLog: ReminderLogDoc[] = []) =>
    entry(member({ birthday: '1990-03-11', churn: { risk: 0.9, pAlive: 0.1, expectedPurchases: 0, clvFen: 0, reasons: [], scoredAt: now } }), [], granted(), recentLog)
  test('cap 1: the higher-priority marketing message wins, the other hits the cap', () => {
    const p = plan1(due(), now, config({ weeklyMarketingCap: 1 }))
    expect(p.messages.map(m => m.kind)).toEqual(['birthday'])
    expect(p.skipped).toEqual([expect.objectContaining({ kind: 'win_back', reason: 'weekly_cap' })])
    const swapped = config({ weeklyMarketingCap: 1, priority: ['win_back', ...DEFAULT_REMINDER_CONFIG.priority.filter(k => k !== 'win_back')] })
    expect(plan1(due(), now, swapped).messages.map(m => m.kind)).toEqual(['win_back'])
  })
  test('the rolling week counts sent and pending marketing messages, not failed ones or older than 7 days', () => {
    const cfg = config({ weeklyMarketingCap: 1 })
    const sixDays = new Date(now.getTime() - 6 * 86_400_000)
    expect(plan1(due([log('streak_at_risk', sixDays)]), now, cfg).messages).toEqual([])
    expect(plan1(due([log('streak_at_risk', sixDays, { status: 'pending' })]), now, cfg).messages).toEqual([])
    expect(plan1(due([log('streak_at_risk', sixDays, { status: 'failed' })]), now, cfg).messages).toHaveLength(1)
    expect(plan1(due([log('streak_at_risk', new Date(now.getTime() - 7 * 86_400_000 - 1))]), now, cfg).messages).toHaveLength(1)
    expect(plan1(due([log('coupon_expiring', sixDays)]), now, cfg).messages).toHaveLength(1) // service kinds do not count
  })
  test('without a cap hit the rest wait for the next run (one_per_run)', () => {
    const p = plan1(due(), now, config({ weeklyMarketingCap: 5 }))
    expect(p.messages.map(m => m.kind)).toEqual(['birthday'])
    expect(p.skipped).toEqual([expect.objectContaining({ kind: 'win_back', reason: 'one_per_run' })])
  })
})

describe('dedupe and grants', () => {
  const now = sh('2026-03-10 10:00')
  const m = member({ points: 300, pointBatches: [{ batchId: 'b1', earnedAt: T0, expiresAt: sh('2026-03-12 23:59'), remaining: 300, sourceType: 'purchase', sourceId: 'p1' }] })
  const e = (recentLog: ReminderLogDoc[] = [], sub: Subscription | null = granted()) => entry(m, [coupon('c1', sh('2026-03-13 12:00'))], sub, recentLog)
  test('a re-run with the first run’s log sends nothing twice; the waiting message goes next; then nothing', () => {
    const first = plan1(e(), now)
    expect(first.messages.map(x => [x.kind, x.dedupeKey])).toEqual([['coupon_expiring', 'coupon_expiring:o_m1:2026-03-13']])
    expect(plan1(e(), now)).toEqual(first) // the same time, no log yet: the same keys
    const second = plan1(e(logOf(first, now)), now)
    expect(second.skipped).toContainEqual(expect.objectContaining({ dedupeKey: 'coupon_expiring:o_m1:2026-03-13', reason: 'duplicate' }))
    expect(second.messages.map(x => x.dedupeKey)).toEqual(['points_expiring:o_m1:2026-03-12'])
    expect(plan1(e([...logOf(first, now), ...logOf(second, now)]), now).messages).toEqual([])
  })
  test('no grant, no send', () => {
    const p = plan1(e([], granted(['points_expiring'])), now)
    expect(p.skipped).toContainEqual(expect.objectContaining({ kind: 'coupon_expiring', reason: 'no_quota' }))
    expect(p.messages.map(x => x.kind)).toEqual(['points_expiring'])
    expect(plan1(e([], null), now).messages).toEqual([])
  })
  test('two kinds on one template and one grant: planned once, the other has no grant left', () => {
    const cfg = config()
    cfg.kinds.points_expiring = { ...cfg.kinds.points_expiring, templateId: tmpl('coupon_expiring') }
    const p = plan1(e([], granted(['coupon_expiring'])), now, cfg)
    expect(p.messages).toHaveLength(1)
    expect(p.skipped).toContainEqual(expect.objectContaining({ kind: 'points_expiring', reason: 'no_quota' }))
  })
  test('the reason and the template data', () => {
    const [msg] = plan1(e(), now).messages
    expect(msg.reason).toBe('券「满100减20」3 天后到期')
    expect(msg.data).toEqual({ date2: { value: '2026年3月13日' }, thing1: { value: '满100减20' }, thing3: { value: '优惠券3 天后到期，记得使用' } })
    expect(msg).toMatchObject({ touser: 'o_m1', templateId: tmpl('coupon_expiring'), page: 'pages/coupons/index', issueCoupon: null })
  })
})

describe('preferences and consent', () => {
  const now = sh('2026-03-11 10:00')
  const bday = member({ birthday: '2000-03-11' })
  test('an explicit off is honoured; a later accept is consent again', () => {
    const off = setPreference(granted(), 'birthday', false, sh('2026-01-01 10:00'))
    expect(plan1(entry(bday, [], off), now).skipped).toEqual([expect.objectContaining({ kind: 'birthday', reason: 'preference' })])
    const again = applySubscribeResult(off, { [tmpl('birthday')]: 'accept' }, sh('2026-02-01 10:00'))
    expect(plan1(entry(bday, [], again), now).messages.map(m => m.kind)).toEqual(['birthday'])
  })
  test('defaults: service kinds on, marketing kinds only after an accept', () => {
    const none = emptySubscription('o_m1', T0)
    expect(REMINDER_KINDS.filter(k => preferenceOn(none, k, config()))).toEqual(REMINDER_KINDS.filter(k => !isMarketing(k)))
    expect(preferenceOn(granted(['birthday']), 'birthday', config())).toBe(true)
  })
  test('accept adds one grant, reject/ban/filter none; spending takes one and refuses at zero', () => {
    const sub = applySubscribeResult(granted(['birthday']), { [tmpl('birthday')]: 'accept', [tmpl('win_back')]: 'reject', [tmpl('tier_review')]: 'ban' }, T0)
    expect(sub.quota).toEqual({ [tmpl('birthday')]: 2 })
    expect(sub.lastAnswer[tmpl('tier_review')].answer).toBe('ban')
    const spent = spendQuota(spendQuota(sub, tmpl('birthday')), tmpl('birthday'))
    expect(spent.quota[tmpl('birthday')]).toBe(0)
    expect(() => spendQuota(spent, tmpl('birthday'))).toThrow(AppError)
  })
  test('the settings view', () => {
    const view = preferencesView(
      setPreference(granted(['coupon_expiring']), 'win_back', false, T0),
      config({ kinds: { ...config().kinds, tier_upgraded: { ...config().kinds.tier_upgraded, enabled: false } } }),
    )
    const by = Object.fromEntries(view.items.map(i => [i.kind, i]))
    expect(by.coupon_expiring).toMatchObject({ label: '优惠券到期提醒', on: true, quota: 1, canSend: true, blocker: null })
    expect(by.win_back).toMatchObject({ on: false, canSend: false, blocker: '已关闭' })
    expect(by.birthday).toMatchObject({ on: false, blocker: '需要先订阅一次' })
    expect(by.tier_upgraded.blocker).toBe('暂未开放')
    expect(view.askTemplateIds).toEqual([tmpl('points_expiring'), tmpl('tier_review'), tmpl('birthday')])
  })
})

describe('kinds', () => {
  const noQuiet = config({ quietHours: null })
  const streaker = (lastDay: string, streak: number) => member({ checkin: { month: '2026-03', days: [], makeupDays: [], streakBeforeMonth: 0, streak, lastDay, total: streak } })
  test('streak at risk: from 19:00 Shanghai, streak ≥ 3 ending yesterday, not checked in today', () => {
    const kinds = (m: Member, at: string) => plan1(entry(m), sh(at), noQuiet).messages.map(x => x.kind)
    expect(kinds(streaker('2026-03-09', 5), '2026-03-10 18:59')).toEqual([])
    expect(kinds(streaker('2026-03-09', 5), '2026-03-10 19:00')).toEqual(['streak_at_risk'])
    expect(kinds(streaker('2026-03-09', 5), '2026-03-10 23:59')).toEqual(['streak_at_risk'])
    expect(kinds(streaker('2026-03-09', 2), '2026-03-10 20:00')).toEqual([])
    expect(kinds(streaker('2026-03-10', 5), '2026-03-10 20:00')).toEqual([])
    expect(kinds(streaker('2026-03-08', 5), '2026-03-10 20:00')).toEqual([])
    expect(kinds(streaker('2026-03-09', 5), '2026-03-11 00:01')).toEqual([]) // next Shanghai day, 16:01 UTC the day before
  })
  test('birthday on the Shanghai day boundary, 29 Feb, none without a birthday', () => {
    const kinds = (m: Member, at: string) => plan1(entry(m), sh(at), noQuiet).messages.map(x => `${x.kind}:${x.period}`)
    expect(kinds(member({ birthday: '1990-03-11' }), '2026-03-10 23:59')).toEqual([])
    expect(kinds(member({ birthday: '1990-03-11' }), '2026-03-11 00:00')).toEqual(['birthday:2026'])
    expect(kinds(member({ birthday: '2000-02-29' }), '2027-02-28 10:00')).toEqual(['birthday:2027'])
    expect(kinds(member({ birthday: '2000-02-29' }), '2028-02-28 10:00')).toEqual([])
    expect(kinds(member(), '2026-03-11 10:00')).toEqual([])
  })
  test('birthday coupon: the tier’s coupon is issued once per key, a held one is named', () => {
    const ladder: TierLadder = { ...DEFAULT_TIER_LADDER, tiers: DEFAULT_TIER_LADDER.tiers.map((t, i) => (i === 0 ? { ...t, benefits: { ...t.benefits, birthdayCouponTemplateId: 'bday' } } : t)) }
    const now = sh('2026-03-11 10:00')
    const [msg] = plan1(entry(member({ birthday: '1990-03-11' })), now, config(), ladder).messages
    expect(msg.issueCoupon).toEqual({ templateId: 'bday', channel: 'birthday', requestId: expect.stringMatching(/^rmd-[0-9a-f]{32}$/) })
    const held = coupon('c9', sh('2026-04-11 00:00'), { name: '生日蛋糕券', channel: 'birthday', issuedAt: sh('2026-03-11 00:05') })
    const [withHeld] = plan1(entry(member({ birthday: '1990-03-11' }), [held]), now, config(), ladder).messages
    expect(withHeld).toMatchObject({ issueCoupon: null, reason: '今天生日，附生日券「生日蛋糕券」' })
  })
  test('win back: over the threshold; again only after the gap or a rise', () => {
    const now = sh('2026-03-11 10:00')
    const m = (risk: number) => member({ churn: { risk, pAlive: 0.2, expectedPurchases: 0, clvFen: 0, reasons: [], scoredAt: now } })
    const go = (risk: number, recentLog: ReminderLogDoc[] = []) => plan1(entry(m(risk), [], granted(), recentLog), now).messages.length
    expect([go(0.5), go(0.6)]).toEqual([0, 1])
    const tenDays = log('win_back', new Date(now.getTime() - 10 * 86_400_000), { basis: { risk: 0.7 } })
    expect([go(0.75, [tenDays]), go(0.8, [tenDays])]).toEqual([0, 1])
    expect(go(0.7, [{ ...tenDays, sentAt: new Date(now.getTime() - 31 * 86_400_000) }])).toBe(1)
  })
  test('tier upgraded within a week; review reminder only when growth is short', () => {
    const now = sh('2026-03-11 10:00')
    const tier = (patch: object) => member({ tier: { tierId: 'gold', since: sh('2026-03-08 12:00'), reviewAt: sh('2027-03-08 12:00'), downgradeAt: null, manual: null, ...patch } })
    expect(plan1(entry(tier({})), now).messages.map(x => [x.kind, x.period])).toEqual([['tier_upgraded', 'gold.2026-03-08']])
    expect(plan1(entry(tier({}), [], granted(), [log('tier_review', T0, { basis: { tierId: 'black' } })]), now).messages).toEqual([])
    const review = tier({ since: sh('2025-03-20 12:00'), reviewAt: sh('2026-03-20 12:00') })
    expect(plan1(entry(review), now).messages.map(x => x.reason)).toEqual(['金卡会员9 天后复核，还差 3000 成长值'])
    expect(plan1(entry({ ...review, growth: { '2026-03': 3000 } }), now).messages).toEqual([])
  })
  test('campaign: one message per campaign, on its page, until its window ends; marketing, so capped and consent-only', () => {
    const now = sh('2026-03-11 10:00')
    const winter: CampaignMessage = { campaignId: 'winter', name: '冬日上新', text: '新品第二杯半价', page: 'pages/mall/index?from=msg', endsAt: sh('2026-03-25 00:00'), couponName: '第二杯半价券' }
    const withCampaigns = (campaigns: CampaignMessage[], sub = granted(), recentLog: ReminderLogDoc[] = []) => ({ ...entry(member(), [], sub, recentLog), campaigns })
    const [message] = plan1(withCampaigns([winter]), now).messages
    expect(message).toMatchObject({
      kind: 'campaign',
      period: 'winter',
      dedupeKey: 'campaign:o_m1:winter',
      page: 'pages/mall/index?from=msg',
      marketing: true,
      reason: '活动「冬日上新」：新品第二杯半价',
    })
    expect(message.data).toEqual({ thing1: { value: '冬日上新' }, thing2: { value: '新品第二杯半价' }, date3: { value: '2026年3月24日' } })
    // without a page of its own: the kind's page
    expect(plan1(withCampaigns([{ ...winter, page: null }]), now).messages[0].page).toBe(DEFAULT_REMINDER_CONFIG.kinds.campaign.page)
    // sent once: never again for that campaign
    expect(plan1(withCampaigns([winter], granted(), logOf(plan1(withCampaigns([winter]), now), now)), now).messages).toEqual([])
    // window over, no consent yet, the member turned it off, the weekly cap reached
    expect(plan1(withCampaigns([{ ...winter, endsAt: now }]), now).messages).toEqual([])
    expect(plan1(withCampaigns([winter], emptySubscription('o_m1', T0)), now).skipped.map(s => s.reason)).toEqual(['preference'])
    expect(plan1(withCampaigns([winter], setPreference(granted(), 'campaign', false, sh('2026-03-10 10:00'))), now).skipped.map(s => s.reason)).toEqual(['preference'])
    const twoThisWeek = [log('win_back', sh('2026-03-09 10:00')), log('birthday', sh('2026-03-10 10:00'))]
    expect(plan1(withCampaigns([winter], granted(), twoThisWeek), now).skipped.map(s => s.reason)).toEqual(['weekly_cap'])
    // two campaigns at once: the one ending first now, the other next run
    const spring = { ...winter, campaignId: 'spring', name: '春季焕新', endsAt: sh('2026-03-20 00:00') }
    const both = plan1(withCampaigns([winter, spring], granted(REMINDER_KINDS, 2)), now)
    expect([both.messages.map(m => m.period), both.skipped.map(s => [s.dedupeKey, s.reason])]).toEqual([['spring'], [['campaign:o_m1:winter', 'one_per_run']]])
  })
})

describe('config saved before a kind existed', () => {
  test('reads with the new kind off and last in its place in the priority; a complete config is unchanged', () => {
    const { campaign: _campaign, ...oldKinds } = DEFAULT_REMINDER_CONFIG.kinds
    const old = {
      ...DEFAULT_REMINDER_CONFIG,
      kinds: { ...oldKinds, birthday: { ...oldKinds.birthday, enabled: true, templateId: 'T_birthday_tmpl' } },
      priority: DEFAULT_REMINDER_CONFIG.priority.filter(k => k !== 'campaign'),
    }
    const read = ReminderConfigSchema.parse(old)
    expect(read.kinds.campaign).toEqual(DEFAULT_REMINDER_CONFIG.kinds.campaign)
    expect(read.kinds.birthday.enabled).toBe(true)
    expect(read.priority).toEqual([...old.priority, 'campaign'])
    expect(ReminderConfigSchema.parse(config())).toEqual(config())
    // a priority that lists a kind twice is still refused
    expect(ReminderConfigSchema.safeParse({ ...old, priority: [...old.priority.slice(1), old.priority[1]] }).success).toBe(false)
  })
})

describe('properties', () => {
  const kindArb = fc.constantFrom(...REMINDER_KINDS)
  const nowArb = fc.integer({ min: Date.parse('2026-01-01T00:00:00Z'), max: Date.parse('2026-12-31T00:00:00Z') }).map(t => new Date(t))
  const day = 86_400_000
  const inputArb = fc.record({
    now: nowArb,
    cap: fc.integer({ min: 0, max: 3 }),
    quiet: fc.boolean(),
    members: fc.array(
      fc.record({
        bdayOffset: fc.option(fc.integer({ min: -1, max: 1 })),
        streak: fc.integer({ min: 0, max: 6 }),
        lastOffset: fc.integer({ min: -2, max: 0 }),
        risk: fc.option(fc.double({ min: 0, max: 1, noNaN: true })),
        couponDays: fc.array(fc.integer({ min: 0, max: 6 }), { maxLength: 3 }),
        tier: fc.option(fc.record({ sinceAgo: fc.integer({ min: 0, max: 10 }), reviewIn: fc.integer({ min: 1, max: 20 }) })),
        pointsIn: fc.option(fc.integer({ min: 0, max: 9 })),
        quota: fc.dictionary(kindArb, fc.integer({ min: 0, max: 2 }), { minKeys: 3 }),
        accepted: fc.subarray([...REMINDER_KINDS], { minLength: 3 }),
        off: fc.subarray([...REMINDER_KINDS], { maxLength: 2 }),
        log: fc.array(fc.record({ kind: kindArb, ago: fc.integer({ min: 0, max: 10 * day }), status: fc.constantFrom('pending', 'sent', 'failed') as fc.Arbitrary<ReminderLogDoc['status']> }), {
          maxLength: 4,
        }),
        campaignEnds: fc.array(fc.integer({ min: -2, max: 20 }), { maxLength: 2 }),
      }),
      { maxLength: 5 },
    ),
  })
  const build = (x: typeof inputArb extends fc.Arbitrary<infer T> ? T : never) => {
    const cfg = config({ weeklyMarketingCap: x.cap, quietHours: x.quiet ? { start: '21:00', end: '09:00' } : null })
    const members = x.members.map((g, i) => {
      const id = `o_m${i}`
      const dayOf = (offset: number) => new Date(x.now.getTime() + offset * day + 8 * 3600_000).toISOString().slice(0, 10)
      const m = member({
        _id: id,
        openid: id,
        birthday: g.bdayOffset === null ? null : `1990-${dayOf(g.bdayOffset).slice(5)}`,
        checkin: { month: dayOf(0).slice(0, 7), days: [], makeupDays: [], streakBeforeMonth: 0, streak: g.streak, lastDay: dayOf(g.lastOffset), total: g.streak },
        churn: g.risk === null ? null : { risk: g.risk, pAlive: 0, expectedPurchases: 0, clvFen: 0, reasons: [], scoredAt: x.now },
        tier: g.tier && { tierId: 'gold', since: new Date(x.now.getTime() - g.tier.sinceAgo * day), reviewAt: new Date(x.now.getTime() + g.tier.reviewIn * day), downgradeAt: null, manual: null },
        points: 100,
        pointBatches: g.pointsIn === null ? [] : [{ batchId: 'b', earnedAt: T0, expiresAt: new Date(x.now.getTime() + g.pointsIn * day + 1), remaining: 100, sourceType: 'purchase', sourceId: 'p' }],
      })
      let sub: Subscription = { ...emptySubscription(id, T0), quota: Object.fromEntries(Object.entries(g.quota).map(([k, n]) => [tmpl(k as ReminderKind), n])) }
      sub = { ...sub, acceptedAt: Object.fromEntries(g.accepted.map(k => [tmpl(k), T0])) }
      for (const k of g.off) sub = setPreference(sub, k, false, new Date(T0.getTime() + 1))
      const coupons = g.couponDays.map((d, j) => coupon(`c${j}`, new Date(x.now.getTime() + d * day + 1), { memberId: id }))
      const recentLog = g.log.map((l, j) => ({ ...log(l.kind, new Date(x.now.getTime() - l.ago), { status: l.status, memberId: id }), _id: `old${j}` }))
      const campaigns = g.campaignEnds.map((d, j): CampaignMessage => ({
        campaignId: `cmp${j}`,
        name: '活动',
        text: '上新',
        page: null,
        endsAt: new Date(x.now.getTime() + d * day),
        couponName: null,
      }))
      return { ...entry(m, coupons, sub, recentLog), campaigns }
    })
    return { cfg, members }
  }
  test('only members with a grant and the preference, never in quiet hours, never over the cap, one each, deterministic', () => {
    fc.assert(
      fc.property(inputArb, x => {
        const { cfg, members } = build(x)
        const plan = planReminders({ members, config: cfg, now: x.now })
        expect(planReminders({ members, config: cfg, now: x.now })).toEqual(plan)
        if (cfg.quietHours && inQuietHours(cfg.quietHours, x.now)) expect(plan.messages).toEqual([])
        const ids = plan.messages.map(m => m.memberId)
        expect(new Set(ids).size).toBe(ids.length)
        for (const msg of plan.messages) {
          const e = members.find(m => m.member._id === msg.memberId)!
          expect(e.subscription!.quota[msg.templateId]).toBeGreaterThanOrEqual(1)
          expect(preferenceOn(e.subscription, msg.kind, cfg)).toBe(true)
          const week = e.recentLog.filter(l => isMarketing(l.kind) && l.status !== 'failed' && l.sentAt.getTime() > x.now.getTime() - 7 * day).length
          if (msg.marketing) expect(week + 1).toBeLessThanOrEqual(cfg.weeklyMarketingCap)
        }
        // the shell logs what it sent: a re-run at the same time sends none of it again
        const again = planReminders({
          members: members.map(e => ({ ...e, recentLog: [...e.recentLog, ...logOf({ ...plan, messages: plan.messages.filter(m => m.memberId === e.member._id) }, x.now)] })),
          config: cfg,
          now: x.now,
        })
        const sent = new Set(plan.messages.map(m => m.dedupeKey))
        expect(again.messages.filter(m => sent.has(m.dedupeKey))).toEqual([])
        expect(summarizePlan(plan, cfg, x.now).counts.messages).toBe(plan.messages.length)
      }),
      { numRuns: 300 },
    )
  })
  /**
   * Jest gives each test file its own copy of process.env, so TZ cannot be switched in-process: the
   * plans of sampled and boundary inputs are computed again in child processes whose host zone is
   * UTC, Shanghai and Los Angeles, and must be identical.
   */
  test('the same plans in hosts running in UTC, Asia/Shanghai and America/Los_Angeles', () => {
    const boundary = ['2026-03-10 20:59', '2026-03-10 21:00', '2026-03-11 00:30', '2026-03-11 08:59', '2026-03-11 09:00'].map(t => ({ members: [expiring(sh(t))], config: config(), now: sh(t) }))
    const streaks = ['2026-03-10 18:59', '2026-03-10 19:00', '2026-03-11 00:01'].map(t => ({
      members: [entry(member({ birthday: '1990-03-11', checkin: { month: '2026-03', days: [], makeupDays: [], streakBeforeMonth: 0, streak: 5, lastDay: '2026-03-09', total: 5 } }))],
      config: config({ quietHours: null }),
      now: sh(t),
    }))
    const cases: PlanInput[] = [
      ...boundary,
      ...streaks,
      ...fc
        .sample(inputArb, { numRuns: 40, seed: 7 })
        .map(x => ({ ...build(x), now: x.now }))
        .map(b => ({ members: b.members, config: b.cfg, now: b.now })),
    ]
    const expected = JSON.stringify(cases.map(c => planReminders(c)))
    const script = path.join(os.tmpdir(), `reminders-tz-${process.pid}.ts`)
    const root = path.resolve(__dirname, '../..')
    fs.writeFileSync(
      script,
      [
        `import { readFileSync } from 'fs'`,
        `import { planReminders } from ${JSON.stringify(path.join(root, 'domain/reminders'))}`,
        `const iso = /^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z$/`,
        `const cases = JSON.parse(readFileSync(0, 'utf8'), (_k, v) => (typeof v === 'string' && iso.test(v) ? new Date(v) : v))`,
        `process.stdout.write(JSON.stringify(cases.map((c: Parameters<typeof planReminders>[0]) => planReminders(c))))`,
      ].join('\n'),
    )
    try {
      for (const TZ of ['UTC', 'Asia/Shanghai', 'America/Los_Angeles']) {
        const run = spawnSync(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), script], {
          input: JSON.stringify(cases),
          encoding: 'utf8',
          timeout: 60_000,
          env: { ...process.env, TZ },
        })
        expect(run.stderr).toBe('')
        expect(run.stdout).toBe(expected)
      }
    } finally {
      fs.rmSync(script, { force: true })
    }
  }, 120_000)
})

// domain/ is pure (no Node `crypto`): the coupon request ids come from js-sha1, and must equal the
// ids Node's sha1 gave before, or a re-run of the reminders job would issue a reminder's coupon twice.
test('couponRequestId (js-sha1) equals the Node crypto sha1 ids issued before', () => {
  const { createHash } = jest.requireActual<typeof import('crypto')>('crypto')
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme', maxLength: 80 }), key => {
      expect(couponRequestId(key)).toBe(`rmd-${createHash('sha1').update(key).digest('hex').slice(0, 32)}`)
    }),
  )
  expect(couponRequestId('coupon_expiring:o_member:c1')).toBe(`rmd-${createHash('sha1').update('coupon_expiring:o_member:c1').digest('hex').slice(0, 32)}`)
})
