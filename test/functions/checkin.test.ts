/** Daily check-in, calendar and make-ups through the SDK on the emulator (rules: domain/checkin.ts). */
import { DEFAULT_CHECKIN_RULES } from '../../types/checkin'
import { setClock } from '../../scripts/emulator-process'
import { useEmulator, signUp, memberDoc, ledgerRows, rid } from './support'

const env = useEmulator()

/** Pins the clock to HH:MM:SS Shanghai time of a day (default noon). */
const at = (day: string, time = '12:00:00') => setClock(env.emu, new Date(`${day}T${time}+08:00`).toISOString())
const checkIn = async (openid: string) => {
  const res = await env.member({ action: 'checkIn' }, openid)
  if (!res.ok) throw new Error(JSON.stringify(res))
  return res.data
}
const checkinDocs = async (openid: string) => (await env.db.collection('checkins').where({ memberId: openid }).orderBy('day', 'asc').get()).data
const giveCard = async (openid: string, id: string, validUntil: Date, status = 'available') => {
  const { memberNo } = await memberDoc(env, openid)
  await env.db.collection('coupons').add({
    data: {
      _id: id,
      code: String(Date.now()).slice(-12).padStart(12, '0'),
      templateId: 'makeup-card',
      memberId: openid,
      memberNo,
      name: '补签卡',
      type: 'makeup_card',
      valueFen: null,
      percentOff: null,
      capFen: null,
      minSpendFen: 0,
      giftName: null,
      stackable: false,
      validFrom: new Date('2020-01-01T00:00:00Z'),
      validUntil,
      channel: 'admin',
      status,
      issuedAt: new Date(),
      usedAt: null,
      writeOffId: null,
    },
  })
}

beforeAll(async () => {
  expect(await env.admin({ action: 'setCheckinRules', rules: DEFAULT_CHECKIN_RULES })).toMatchObject({ ok: true })
})
afterEach(() => setClock(env.emu, null))

describe('checkIn', () => {
  test('20 parallel check-ins of one member credit exactly once', async () => {
    const M = 'o_ci_burst'
    await signUp(env, M)
    const results = await Promise.all(Array.from({ length: 20 }, () => env.member({ action: 'checkIn' }, M)))
    expect(results.every(r => r.ok)).toBe(true)
    const credited = results.filter(r => r.data.credited)
    expect(credited).toHaveLength(1)
    expect(credited[0].data).toMatchObject({ points: 5, bonus: 0, streak: 1, balance: 5, calendar: { checkedInToday: true, streak: 1, todayPoints: 5 } })
    for (const r of results.filter(r => !r.data.credited)) expect(r.data).toMatchObject({ credited: false, points: 5, streak: 1, balance: 5, calendar: { checkedInToday: true } })
    expect(await ledgerRows(env, M)).toEqual([expect.objectContaining({ _id: expect.stringMatching(/^earn:checkin:o_ci_burst:/), delta: 5, sourceType: 'checkin' })])
    expect(await checkinDocs(M)).toHaveLength(1)
    expect(await memberDoc(env, M)).toMatchObject({ points: 5, checkin: { total: 1, streak: 1 } })
  })

  test('23:59:59 and 00:00:01 Shanghai are two days: two check-ins, streak 2', async () => {
    const M = 'o_ci_midnight'
    await at('2026-12-01', '00:00:01')
    await signUp(env, M)
    await setClock(env.emu, '2026-12-01T15:59:59Z')
    expect(await checkIn(M)).toMatchObject({ credited: true, day: '2026-12-01', streak: 1 })
    await setClock(env.emu, '2026-12-01T16:00:01Z')
    expect(await checkIn(M)).toMatchObject({ credited: true, day: '2026-12-02', streak: 2, balance: 10 })
    expect((await checkinDocs(M)).map((d: any) => d._id)).toEqual([`${M}:2026-12-01`, `${M}:2026-12-02`])
  })

  test('the streak bonus on day 7 (one day at a time)', async () => {
    const M = 'o_ci_week'
    await at('2026-12-01')
    await signUp(env, M)
    const got = []
    for (let d = 1; d <= 8; d++) {
      await at(`2026-12-${String(d).padStart(2, '0')}`, d % 2 ? '00:10:00' : '23:50:00')
      got.push(await checkIn(M))
    }
    expect(got.map(g => g.streak)).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    expect(got.map(g => g.points)).toEqual([5, 5, 5, 5, 5, 5, 25, 5])
    expect(got[5].calendar.nextBonus).toEqual({ day: 7, points: 20, inDays: 1 })
    expect(got[7]).toMatchObject({ balance: 60, calendar: { checkedDays: expect.arrayContaining(['2026-12-01', '2026-12-08']), nextBonus: { day: 14, inDays: 6 } } })
  })

  test('a consumer sees only their own check-ins; the event carries no identity', async () => {
    await signUp(env, 'o_ci_other')
    const cal = await env.member({ action: 'checkinCalendar' }, 'o_ci_other')
    expect(cal).toMatchObject({ ok: true, data: { checkedInToday: false, checkedDays: [], streak: 0 } })
    expect(await env.member({ action: 'checkIn', openid: 'o_ci_burst' }, 'o_ci_other')).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
    expect(await env.member({ action: 'checkinCalendar' })).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' })
    expect(await env.member({ action: 'checkIn' }, 'o_ci_nobody')).toMatchObject({ ok: false, code: 'NOT_FOUND' })
  })
})

describe('makeUpCheckin', () => {
  test('with points and with a card; reconnects the streak; per-month limit', async () => {
    const M = 'o_ci_makeup'
    await at('2026-12-01')
    await signUp(env, M)
    await checkIn(M)
    await at('2026-12-02')
    await checkIn(M)
    await at('2026-12-04')
    expect(await checkIn(M)).toMatchObject({ streak: 1, balance: 15 })
    // 15 points are not enough for a 20-point make-up
    expect(await env.member({ action: 'makeUpCheckin', day: '2026-12-03', payWith: 'points' }, M)).toMatchObject({ ok: false, code: 'INSUFFICIENT_POINTS' })
    expect(await env.admin({ action: 'adjustPoints', openid: M, delta: 30, reason: '测试补签', requestId: rid('adj') })).toMatchObject({ ok: true })

    const byPoints = await env.member({ action: 'makeUpCheckin', day: '2026-12-03', payWith: 'points' }, M)
    expect(byPoints).toMatchObject({ ok: true, data: { day: '2026-12-03', paidWith: 'points', cost: 20, balance: 25, calendar: { streak: 4, makeupDays: ['2026-12-03'] } } })
    expect(byPoints.data.calendar.makeup).toMatchObject({ remainingThisMonth: 1, missedDays: [] })
    expect(await ledgerRows(env, M)).toContainEqual(expect.objectContaining({ _id: `spend:checkin:makeup:${M}:2026-12-03`, delta: -20, kind: 'spend' }))
    // the reconnected run continues: day 5 is streak 5
    await at('2026-12-05')
    expect(await checkIn(M)).toMatchObject({ streak: 5, points: 5 })

    // no card yet
    await at('2026-12-08')
    expect(await env.member({ action: 'makeUpCheckin', day: '2026-12-06', payWith: 'card' }, M)).toMatchObject({ ok: false, code: 'FAILED_PRECONDITION', message: '没有可用的补签卡' })
    await giveCard(M, 'card_expired', new Date('2026-12-07T00:00:00Z'))
    await giveCard(M, 'card_used', new Date('2027-01-31T00:00:00Z'), 'used')
    await giveCard(M, 'card_late', new Date('2027-02-28T00:00:00Z'))
    await giveCard(M, 'card_soon', new Date('2027-01-15T00:00:00Z'))
    expect((await env.member({ action: 'checkinCalendar' }, M)).data.makeup).toMatchObject({ cards: 2, missedDays: ['2026-12-06', '2026-12-07'] })
    const byCard = await env.member({ action: 'makeUpCheckin', day: '2026-12-07', payWith: 'card' }, M)
    expect(byCard).toMatchObject({ ok: true, data: { paidWith: 'card', cost: 1, balance: 30, calendar: { makeup: { cards: 1, remainingThisMonth: 0, missedDays: [] } } } })
    const cards = (await env.db.collection('coupons').where({ memberId: M }).get()).data
    expect(Object.fromEntries(cards.map((c: any) => [c._id, c.status]))).toEqual({ card_expired: 'available', card_used: 'used', card_late: 'available', card_soon: 'used' })
    expect((await checkinDocs(M)).filter((d: any) => d.kind === 'makeup').map((d: any) => [d.day, d.paidWith, d.points])).toEqual([
      ['2026-12-03', 'points', 0],
      ['2026-12-07', 'card', 0],
    ])
    // two make-ups this month: the third is refused, whatever pays for it
    expect(await env.member({ action: 'makeUpCheckin', day: '2026-12-06', payWith: 'card' }, M)).toMatchObject({ ok: false, code: 'LIMIT_REACHED' })
    expect(await env.member({ action: 'makeUpCheckin', day: '2026-12-06', payWith: 'points' }, M)).toMatchObject({ ok: false, code: 'LIMIT_REACHED' })
    // today, the future, an already checked day, last month: refused
    for (const day of ['2026-12-08', '2026-12-09', '2026-12-05', '2026-11-30']) {
      expect(await env.member({ action: 'makeUpCheckin', day, payWith: 'points' }, M)).toMatchObject({ ok: false, code: 'FAILED_PRECONDITION' })
    }
    expect(await env.member({ action: 'makeUpCheckin', day: '2026-12-32', payWith: 'points' }, M)).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
    expect(await memberDoc(env, M)).toMatchObject({ points: 30, checkin: { month: '2026-12', days: [1, 2, 3, 4, 5, 7], makeupDays: [3, 7], total: 6 } })
  })

  test('not before the sign-up day', async () => {
    const M = 'o_ci_new'
    await at('2026-12-10')
    await signUp(env, M)
    await env.admin({ action: 'adjustPoints', openid: M, delta: 100, reason: '测试补签', requestId: rid('adj') })
    await at('2026-12-12')
    expect(await env.member({ action: 'makeUpCheckin', day: '2026-12-09', payWith: 'points' }, M)).toMatchObject({ ok: false, code: 'FAILED_PRECONDITION' })
    expect(await env.member({ action: 'makeUpCheckin', day: '2026-12-10', payWith: 'points' }, M)).toMatchObject({ ok: true, data: { balance: 80, calendar: { streak: 0 } } })
  })

  test('parallel make-ups with cards: a card pays for one make-up only', async () => {
    const M = 'o_ci_cards'
    await at('2026-12-01')
    await signUp(env, M)
    await giveCard(M, 'card_p1', new Date('2027-01-31T00:00:00Z'))
    await giveCard(M, 'card_p2', new Date('2027-01-31T00:00:00Z'))
    await at('2026-12-05')
    const days = ['2026-12-01', '2026-12-02', '2026-12-03']
    const results = await Promise.all(days.map(day => env.member({ action: 'makeUpCheckin', day, payWith: 'card' }, M)))
    // two cards, perMonth 2: two make-ups; the third finds no card or the month's limit
    expect(results.filter(r => r.ok)).toHaveLength(2)
    expect(['FAILED_PRECONDITION', 'LIMIT_REACHED']).toContain(results.find(r => !r.ok).code)
    const used = (await env.db.collection('coupons').where({ memberId: M, status: 'used' }).get()).data
    expect(used.map((c: any) => c._id).sort()).toEqual(['card_p1', 'card_p2'])
    expect((await memberDoc(env, M)).checkin.makeupDays).toHaveLength(2)
    expect((await checkinDocs(M)).map((d: any) => d.couponId).sort()).toEqual(['card_p1', 'card_p2'])
  })
})

describe('check-in rules (admin)', () => {
  test('bad rules are refused; set rules apply to the next check-in', async () => {
    const bad = [
      { ...DEFAULT_CHECKIN_RULES, basePoints: -1 },
      {
        ...DEFAULT_CHECKIN_RULES,
        streakBonuses: [
          { day: 7, points: 1 },
          { day: 7, points: 2 },
        ],
      },
      { ...DEFAULT_CHECKIN_RULES, cycleDays: 1 },
      { ...DEFAULT_CHECKIN_RULES, makeup: { enabled: true, perMonth: 2 } },
      { ...DEFAULT_CHECKIN_RULES, promotions: [{ name: 'x', start: '2026-12-02T00:00:00Z', end: '2026-12-01T00:00:00Z', multiplier: 2 }] },
      { ...DEFAULT_CHECKIN_RULES, extra: true },
    ]
    for (const rules of bad) expect(await env.admin({ action: 'setCheckinRules', rules })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
    expect(await env.admin({ action: 'setCheckinRules', rules: DEFAULT_CHECKIN_RULES }, 'o_ci_burst')).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' })

    const rules = { ...DEFAULT_CHECKIN_RULES, basePoints: 10, promotions: [{ name: '双倍', start: '2026-12-20T00:00:00+08:00', end: '2026-12-21T00:00:00+08:00', multiplier: 2.5 }] }
    expect(await env.admin({ action: 'setCheckinRules', rules })).toMatchObject({ ok: true })
    expect(await env.admin({ action: 'getCheckinRules' })).toMatchObject({ ok: true, data: { rules, isDefault: false } })
    const M = 'o_ci_promo'
    await at('2026-12-19')
    await signUp(env, M)
    expect(await checkIn(M)).toMatchObject({ points: 10 })
    await at('2026-12-20')
    expect(await checkIn(M)).toMatchObject({ points: 25 })
    await env.admin({ action: 'setCheckinRules', rules: DEFAULT_CHECKIN_RULES })
  })
})
