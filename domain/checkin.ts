/**
 * Daily check-in rules: pure functions, time passed in. Every "day" is an Asia/Shanghai calendar day
 * (YYYY-MM-DD), whatever zone the host runs in.
 *
 * Rules (the README quotes this block):
 * - One check-in per Shanghai day; a second one the same day credits nothing.
 * - Streak = consecutive checked days. With `cycleDays` N the streak counts 1..N and then starts
 *   again at 1, so the streak bonuses repeat every cycle; with `cycleDays: null` it grows without end
 *   and each bonus is paid once per streak, on its day.
 * - `monthlyReset`: the streak starts again at 1 on the 1st of each month.
 * - Points of a check-in = floor((basePoints + the bonus of that streak day)
 *   × the largest active promotion multiplier × the member's tier multiplier).
 * - Make-up (补签): fills a missed day of the current month, before today and not before the day
 *   the member signed up. It costs `makeup.costPoints` points or one make-up card, gives no points
 *   itself and pays no bonus retroactively, but reconnects the streak: the streak is recomputed
 *   from the month's checked days (plus the streak carried over from last month when the run
 *   reaches the 1st). At most `makeup.perMonth` make-ups per month.
 */
import { AppError } from '../types/result'
import type { CheckinCalendar, CheckinRules, CheckinState } from '../types/checkin'
import { addDays, shanghaiDay } from './time'

const pad = (n: number) => String(n).padStart(2, '0')

const monthOf = (day: string) => day.slice(0, 7)
const dayNum = (day: string) => Number(day.slice(8, 10))
const dayOf = (month: string, n: number) => `${month}-${pad(n)}`

/** The position in the cycle of a run of `raw` consecutive days (1..N), or `raw` without a cycle. */
function cycled(raw: number, rules: CheckinRules): number {
  if (raw <= 0) return 0
  return rules.cycleDays ? ((raw - 1) % rules.cycleDays) + 1 : raw
}

const emptyState = (month: string): CheckinState => ({ month, days: [], makeupDays: [], streakBeforeMonth: 0, streak: 0, lastDay: null, total: 0 })

/**
 * The state for the Shanghai month of `now`: a state of an earlier month rolls over (no days yet;
 * the streak carries over only when the last day of the previous month was checked and the month
 * does not reset).
 */
export function checkinState(state: CheckinState | null, rules: CheckinRules, now: Date): CheckinState {
  const month = monthOf(shanghaiDay(now))
  if (!state) return emptyState(month)
  if (state.month === month) return state
  const lastOfPrevious = addDays(`${month}-01`, -1)
  const carried = !rules.monthlyReset && state.lastDay === lastOfPrevious ? state.streak : 0
  return { ...state, month, days: [], makeupDays: [], streakBeforeMonth: carried }
}

/** The streak of the run of checked days of the state's month that ends on day `n` (0 when n is not checked). */
export function streakAt(state: CheckinState, rules: CheckinRules, n: number): number {
  const checked = new Set(state.days)
  let run = 0
  while (n - run >= 1 && checked.has(n - run)) run++
  if (run === 0) return 0
  const carried = run === n ? state.streakBeforeMonth : 0
  return cycled(carried + run, rules)
}

/** The largest multiplier of the promotions running at `now` (1 when none). */
export function promotionMultiplier(rules: CheckinRules, now: Date): number {
  return rules.promotions.filter(p => new Date(p.start) <= now && now < new Date(p.end)).reduce((m, p) => Math.max(m, p.multiplier), 1)
}

export function checkinPoints(rules: CheckinRules, streak: number, now: Date, tierMultiplier = 1): { points: number; bonus: number } {
  const bonus = rules.streakBonuses.find(b => b.day === streak)?.points ?? 0
  // the epsilon keeps 20 × 1.15 at 23 (binary floating point gives 22.999…)
  const points = Math.floor((rules.basePoints + bonus) * promotionMultiplier(rules, now) * tierMultiplier + 1e-9)
  return { points, bonus }
}

export type CheckInOutcome = { credited: false; day: string; state: CheckinState } | { credited: true; day: string; state: CheckinState; points: number; bonus: number; streak: number }

/** Today's check-in, or `credited: false` when today is already checked. */
export function applyCheckIn(state: CheckinState | null, rules: CheckinRules, now: Date, tierMultiplier = 1): CheckInOutcome {
  const day = shanghaiDay(now)
  const current = checkinState(state, rules, now)
  const n = dayNum(day)
  if (current.days.includes(n)) return { credited: false, day, state: current }
  const days = [...current.days, n].sort((a, b) => a - b)
  const next: CheckinState = { ...current, days, total: current.total + 1 }
  const streak = streakAt(next, rules, n)
  const lastDay = current.lastDay && current.lastDay > day ? current.lastDay : day
  const { points, bonus } = checkinPoints(rules, streak, now, tierMultiplier)
  return { credited: true, day, state: { ...next, lastDay, streak: lastDay === day ? streak : current.streak }, points, bonus, streak }
}

const precondition = (message: string) => new AppError('FAILED_PRECONDITION', message)

/** A make-up of `day` (YYYY-MM-DD); see the rules above. The caller charges the cost. */
export function applyMakeUp(state: CheckinState | null, rules: CheckinRules, day: string, now: Date, joinedAt: Date): CheckinState {
  if (!rules.makeup.enabled) throw precondition('补签功能未开启')
  const today = shanghaiDay(now)
  const current = checkinState(state, rules, now)
  if (monthOf(day) !== current.month) throw precondition('只能补签本月的日期')
  if (day >= today) throw precondition('只能补签今天之前的日期')
  if (day < shanghaiDay(joinedAt)) throw precondition('不能补签注册之前的日期')
  const n = dayNum(day)
  if (current.days.includes(n)) throw precondition('该日已签到')
  if (current.makeupDays.length >= rules.makeup.perMonth) throw new AppError('LIMIT_REACHED', `每月最多补签 ${rules.makeup.perMonth} 次，本月已用完`)
  const next: CheckinState = {
    ...current,
    days: [...current.days, n].sort((a, b) => a - b),
    makeupDays: [...current.makeupDays, n].sort((a, b) => a - b),
    total: current.total + 1,
  }
  const lastDay = current.lastDay && current.lastDay > day ? current.lastDay : day
  // the streak ending on the last checked day, recomputed: the filled day may reconnect two runs
  const streak = monthOf(lastDay) === current.month ? streakAt(next, rules, dayNum(lastDay)) : current.streak
  return { ...next, lastDay, streak }
}

/** The first streak bonus daily check-ins from now on would reach, and in how many days (0 = today). */
function nextBonus(rules: CheckinRules, today: string, streakSoFar: number, checkedToday: boolean): CheckinCalendar['nextBonus'] {
  if (!rules.streakBonuses.length) return null
  let streak = streakSoFar
  for (let i = checkedToday ? 1 : 0; i <= 400; i++) {
    const day = addDays(today, i)
    streak = rules.monthlyReset && dayNum(day) === 1 ? 1 : cycled(streak + 1, rules)
    const bonus = rules.streakBonuses.find(b => b.day === streak)
    if (bonus) return { day: bonus.day, points: bonus.points, inDays: i }
  }
  return null
}

/**
 * The calendar page. `todayPoints` overrides what a check-in today gave (from its checkins doc: a
 * later make-up may change the streak at today but never what was paid); `joinedAt` limits the
 * days that can be made up.
 */
export function calendarView(state: CheckinState | null, rules: CheckinRules, now: Date, opts: { cards: number; joinedAt?: Date; todayPoints?: number; tierMultiplier?: number }): CheckinCalendar {
  const today = shanghaiDay(now)
  const s = checkinState(state, rules, now)
  const n = dayNum(today)
  const checkedToday = s.days.includes(n)
  const yesterday = addDays(today, -1)
  const streak = checkedToday ? streakAt(s, rules, n) : s.lastDay === yesterday ? s.streak : 0
  const wouldGive = applyCheckIn(s, rules, now, opts.tierMultiplier ?? 1)
  const todayPoints = checkedToday ? (opts.todayPoints ?? checkinPoints(rules, streak, now, opts.tierMultiplier).points) : wouldGive.credited ? wouldGive.points : 0
  const remaining = Math.max(0, rules.makeup.perMonth - s.makeupDays.length)
  const joinDay = opts.joinedAt ? shanghaiDay(opts.joinedAt) : ''
  const missedDays: string[] = []
  if (rules.makeup.enabled && remaining > 0) {
    for (let d = 1; d < n; d++) if (!s.days.includes(d) && dayOf(s.month, d) >= joinDay) missedDays.push(dayOf(s.month, d))
  }
  return {
    today,
    month: s.month,
    checkedInToday: checkedToday,
    checkedDays: s.days.map(d => dayOf(s.month, d)),
    makeupDays: s.makeupDays.map(d => dayOf(s.month, d)),
    streak,
    todayPoints,
    nextBonus: nextBonus(rules, today, streak, checkedToday),
    makeup: { enabled: rules.makeup.enabled, remainingThisMonth: remaining, costPoints: rules.makeup.costPoints, cards: opts.cards, missedDays },
  }
}
