import fc from 'fast-check'
import { applyCheckIn, applyMakeUp, calendarView, checkinState, streakAt } from '../../domain/checkin'
import { addDays } from '../../domain/time'
import { DEFAULT_CHECKIN_RULES, type CheckinRules, type CheckinState } from '../../types/checkin'
import { AppError } from '../../types/result'

/** Noon in Shanghai of a YYYY-MM-DD day (04:00Z). */
const noon = (day: string) => new Date(`${day}T04:00:00Z`)
const rules = (patch: Partial<CheckinRules> = {}): CheckinRules => ({ ...DEFAULT_CHECKIN_RULES, ...patch })
const JOINED = new Date('2020-01-01T00:00:00Z')

/** Checks in every given day in order; returns the final state and each credited outcome. */
function run(days: string[], r: CheckinRules, from: CheckinState | null = null) {
  let state = from
  const outcomes = []
  for (const day of days) {
    const out = applyCheckIn(state, r, noon(day))
    state = out.state
    outcomes.push(out)
  }
  return { state: state!, outcomes }
}
const consecutive = (start: string, n: number) => Array.from({ length: n }, (_, i) => addDays(start, i))
const errorOf = (fn: () => unknown) => {
  try {
    fn()
  } catch (err) {
    return err instanceof AppError ? { code: err.code, message: err.message } : err
  }
  return null
}

describe('check-in', () => {
  test('first check-in: base points, streak 1', () => {
    const out = applyCheckIn(null, rules(), noon('2026-03-10'))
    expect(out).toMatchObject({ credited: true, day: '2026-03-10', points: 5, bonus: 0, streak: 1 })
    expect(out.state).toEqual({ month: '2026-03', days: [10], makeupDays: [], streakBeforeMonth: 0, streak: 1, lastDay: '2026-03-10', total: 1 })
  })

  test('the same Shanghai day again credits nothing', () => {
    const first = applyCheckIn(null, rules(), new Date('2026-03-10T00:30:00Z'))
    const again = applyCheckIn(first.state, rules(), new Date('2026-03-10T15:59:59Z'))
    expect(again).toEqual({ credited: false, day: '2026-03-10', state: first.state })
  })

  test('23:59:59 and 00:00:01 Shanghai are two days (computed in UTC)', () => {
    const a = applyCheckIn(null, rules(), new Date('2026-03-10T15:59:59Z'))
    const b = applyCheckIn(a.state, rules(), new Date('2026-03-10T16:00:01Z'))
    expect([a.day, b.day]).toEqual(['2026-03-10', '2026-03-11'])
    expect(b).toMatchObject({ credited: true, streak: 2 })
  })

  test('a missed day breaks the streak', () => {
    const { outcomes } = run(['2026-03-01', '2026-03-02', '2026-03-04'], rules())
    expect(outcomes.map(o => (o.credited ? o.streak : -1))).toEqual([1, 2, 1])
  })

  test('bonus on day 7 and the cycle starts again after cycleDays', () => {
    const r = rules({ cycleDays: 7, streakBonuses: [{ day: 7, points: 20 }] })
    const { outcomes } = run(consecutive('2026-03-01', 15), r)
    const credited = outcomes.filter(o => o.credited) as Array<{ streak: number; points: number; bonus: number }>
    expect(credited.map(o => o.streak)).toEqual([1, 2, 3, 4, 5, 6, 7, 1, 2, 3, 4, 5, 6, 7, 1])
    expect(credited.filter(o => o.bonus === 20).length).toBe(2)
    expect(credited[6].points).toBe(25)
  })

  test('without a cycle each bonus is paid once per streak', () => {
    const r = rules({ cycleDays: null, streakBonuses: [{ day: 3, points: 10 }] })
    const { outcomes } = run(consecutive('2026-03-01', 10), r)
    expect(outcomes.filter(o => o.credited && o.bonus > 0).length).toBe(1)
    expect((outcomes[9] as { streak: number }).streak).toBe(10)
  })

  test('the streak carries into a new month, unless monthlyReset', () => {
    const days = consecutive('2026-03-30', 4)
    expect(run(days, rules()).state).toMatchObject({ month: '2026-04', streakBeforeMonth: 2, streak: 4, days: [1, 2] })
    expect(run(days, rules({ monthlyReset: true })).state).toMatchObject({ streakBeforeMonth: 0, streak: 2 })
  })

  test('points: largest active promotion × tier multiplier, rounded down', () => {
    const r = rules({
      basePoints: 20,
      streakBonuses: [],
      promotions: [
        { name: 'a', start: '2026-03-01T00:00:00Z', end: '2026-04-01T00:00:00Z', multiplier: 1.15 },
        { name: 'b', start: '2026-03-05T00:00:00Z', end: '2026-03-06T00:00:00Z', multiplier: 3 },
        { name: 'over', start: '2026-01-01T00:00:00Z', end: '2026-02-01T00:00:00Z', multiplier: 10 },
      ],
    })
    expect(applyCheckIn(null, r, noon('2026-03-10'))).toMatchObject({ points: 23 })
    expect(applyCheckIn(null, r, noon('2026-03-05'))).toMatchObject({ points: 60 })
    expect(applyCheckIn(null, r, noon('2026-03-10'), 1.5)).toMatchObject({ points: 34 })
    expect(applyCheckIn(null, r, noon('2026-05-10'))).toMatchObject({ points: 20 })
  })

  test('checkinState rolls a past month over', () => {
    const s = run(['2026-01-31'], rules()).state
    expect(checkinState(s, rules(), noon('2026-02-01'))).toMatchObject({ month: '2026-02', days: [], streakBeforeMonth: 1, total: 1 })
    expect(checkinState(s, rules(), noon('2026-03-01'))).toMatchObject({ month: '2026-03', streakBeforeMonth: 0 })
    expect(checkinState(null, rules(), noon('2026-03-01'))).toMatchObject({ month: '2026-03', total: 0, lastDay: null })
  })
})

describe('make-up', () => {
  const now = noon('2026-03-10')

  test('fills a missed day, reconnects the streak, pays nothing', () => {
    const { state } = run(['2026-03-06', '2026-03-07', '2026-03-09', '2026-03-10'], rules())
    expect(state.streak).toBe(2)
    const after = applyMakeUp(state, rules(), '2026-03-08', now, JOINED)
    expect(after).toMatchObject({ days: [6, 7, 8, 9, 10], makeupDays: [8], streak: 5, lastDay: '2026-03-10', total: 5 })
    // tomorrow continues the reconnected run
    expect(applyCheckIn(after, rules(), noon('2026-03-11'))).toMatchObject({ streak: 6 })
  })

  test('a run reaching the 1st adds the streak carried from last month', () => {
    const { state } = run(['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-03'], rules())
    const after = applyMakeUp(state, rules(), '2026-03-02', noon('2026-03-04'), JOINED)
    expect(after.streak).toBe(5)
    expect(streakAt(after, rules(), 3)).toBe(5)
  })

  test('refusals', () => {
    const { state } = run(['2026-03-05'], rules())
    const code = (day: string, r = rules(), s: CheckinState | null = state, joined = JOINED) => (errorOf(() => applyMakeUp(s, r, day, now, joined)) as { code?: string } | null)?.code
    expect(code('2026-02-27')).toBe('FAILED_PRECONDITION') // last month
    expect(code('2026-03-10')).toBe('FAILED_PRECONDITION') // today
    expect(code('2026-03-12')).toBe('FAILED_PRECONDITION') // future
    expect(code('2026-03-05')).toBe('FAILED_PRECONDITION') // already checked
    expect(code('2026-03-03', rules(), state, noon('2026-03-04'))).toBe('FAILED_PRECONDITION') // before sign-up
    expect(code('2026-03-04', rules(), state, noon('2026-03-04'))).toBeUndefined() // the sign-up day itself
    expect(code('2026-03-03', rules({ makeup: { enabled: false, perMonth: 2, costPoints: 20 } }))).toBe('FAILED_PRECONDITION')
    const twice = applyMakeUp(applyMakeUp(state, rules(), '2026-03-01', now, JOINED), rules(), '2026-03-02', now, JOINED)
    expect(code('2026-03-03', rules(), twice)).toBe('LIMIT_REACHED')
    // a new month gives new make-ups
    expect(applyMakeUp(twice, rules(), '2026-04-01', noon('2026-04-02'), JOINED).makeupDays).toEqual([1])
  })

  test('without any check-in yet', () => {
    expect(applyMakeUp(null, rules(), '2026-03-09', now, JOINED)).toMatchObject({ days: [9], makeupDays: [9], streak: 1, total: 1 })
  })
})

describe('calendar', () => {
  test('today, streak, missed days, next bonus', () => {
    const { state } = run(['2026-03-04', '2026-03-05', '2026-03-06'], rules())
    const cal = calendarView(state, rules(), noon('2026-03-07'), { cards: 1, joinedAt: noon('2026-03-02') })
    expect(cal).toMatchObject({ today: '2026-03-07', month: '2026-03', checkedInToday: false, streak: 3, todayPoints: 5, nextBonus: { day: 7, points: 20, inDays: 3 } })
    expect(cal.checkedDays).toEqual(['2026-03-04', '2026-03-05', '2026-03-06'])
    expect(cal.makeup).toEqual({ enabled: true, remainingThisMonth: 2, costPoints: 20, cards: 1, missedDays: ['2026-03-02', '2026-03-03'] })
    // two days without a check-in: the streak is gone
    expect(calendarView(state, rules(), noon('2026-03-08'), { cards: 0 }).streak).toBe(0)
  })

  test('the day the bonus is due and after checking in', () => {
    const { state } = run(consecutive('2026-03-01', 6), rules())
    expect(calendarView(state, rules(), noon('2026-03-07'), { cards: 0 })).toMatchObject({ todayPoints: 25, nextBonus: { day: 7, inDays: 0 } })
    const done = applyCheckIn(state, rules(), noon('2026-03-07')).state
    expect(calendarView(done, rules(), noon('2026-03-07'), { cards: 0, todayPoints: 25 })).toMatchObject({ checkedInToday: true, streak: 7, todayPoints: 25, nextBonus: { day: 14, inDays: 7 } })
  })
})

describe('properties', () => {
  const dayArb = fc.integer({ min: 0, max: 3 * 365 }).map(i => addDays('2025-01-01', i))
  const rulesArb = fc
    .record({
      cycleDays: fc.option(fc.integer({ min: 2, max: 40 }), { nil: null }),
      monthlyReset: fc.boolean(),
    })
    .map(p => rules(p))
  // a sorted list of distinct days, with occasional gaps
  const daysArb = fc.tuple(dayArb, fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 80 })).map(([start, gaps]) => {
    const out = [start]
    for (const g of gaps) out.push(addDays(out[out.length - 1], g))
    return out
  })

  test('the streak never exceeds the number of checked days', () => {
    fc.assert(
      fc.property(daysArb, rulesArb, (days, r) => {
        let state: CheckinState | null = null
        for (const day of days) {
          const out = applyCheckIn(state, r, noon(day))
          state = out.state
          if (out.credited) expect(out.streak).toBeLessThanOrEqual(out.state.total)
          expect(state.streak).toBeLessThanOrEqual(state.total)
          expect(state.streak).toBeGreaterThanOrEqual(1)
        }
        expect(state!.total).toBe(days.length)
      }),
    )
  })

  test('checking in twice on one day credits once', () => {
    fc.assert(
      fc.property(daysArb, fc.integer({ min: 0, max: 86_399 }), fc.integer({ min: 0, max: 86_399 }), (days, s1, s2) => {
        let state: CheckinState | null = null
        for (const day of days) {
          const midnight = new Date(`${day}T00:00:00+08:00`).getTime()
          const a = applyCheckIn(state, rules(), new Date(midnight + s1 * 1000))
          const b = applyCheckIn(a.state, rules(), new Date(midnight + s2 * 1000))
          expect(a.credited).toBe(true)
          expect(b).toEqual({ credited: false, day, state: a.state })
          state = b.state
        }
        expect(state!.total).toBe(days.length)
      }),
    )
  })

  test('23:59:59 and 00:00:01 Shanghai are two days: both credited, streak grows by one', () => {
    fc.assert(
      fc.property(daysArb, rulesArb, (days, r) => {
        const { state } = run(days, r)
        const last = days[days.length - 1]
        const late = new Date(`${addDays(last, 1)}T23:59:59+08:00`)
        const early = new Date(late.getTime() + 2000)
        const a = applyCheckIn(state, r, late)
        const b = applyCheckIn(a.state, r, early)
        expect(a.credited && b.credited).toBe(true)
        expect(b.day).toBe(addDays(a.day, 1))
        const expected = r.monthlyReset && b.day.endsWith('-01') ? 1 : r.cycleDays && (a as { streak: number }).streak === r.cycleDays ? 1 : (a as { streak: number }).streak + 1
        expect((b as { streak: number }).streak).toBe(expected)
      }),
    )
  })

  test('a make-up never exceeds perMonth and keeps streak ≤ total', () => {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 28 }), fc.array(fc.integer({ min: 1, max: 27 }), { maxLength: 10 }), fc.subarray([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]), (today, fills, checked) => {
        const now = noon(`2026-03-${String(today).padStart(2, '0')}`)
        let state: CheckinState | null = run(
          checked.filter(d => d < today).map(d => `2026-03-${String(d).padStart(2, '0')}`),
          rules(),
        ).state
        let made = 0
        for (const d of fills) {
          const day = `2026-03-${String(d).padStart(2, '0')}`
          const err = errorOf(() => (state = applyMakeUp(state, rules(), day, now, JOINED)))
          if (!err) made++
          if (state) expect(state.streak).toBeLessThanOrEqual(state.total)
        }
        expect(made).toBeLessThanOrEqual(rules().makeup.perMonth)
      }),
    )
  })
})
