/**
 * The birthday week: the 7 Shanghai calendar days from BIRTHDAY_WEEK_DAYS_BEFORE days before the
 * birthday to BIRTHDAY_WEEK_DAYS_AFTER days after it, both included. The birthday of a year is its
 * month and day that year; 29 February is 28 February in a common year (as the birthday reminder,
 * domain/reminder-candidates.ts). A week belongs to the year of its birthday, also where it spans New
 * Year: a 30 December birthday's week runs 27 Dec – 2 Jan, and 1 January claims the old year's gift.
 */
import type { BirthdayGiftRules, BirthdayGiftView } from '../types/birthday'
import { addDays, shanghaiDay } from './time'

export const BIRTHDAY_WEEK_DAYS_BEFORE = 3
export const BIRTHDAY_WEEK_DAYS_AFTER = 3

export interface BirthdayWeek {
  /** the year of the birthday the week is built around */
  year: number
  /** that birthday (YYYY-MM-DD) */
  day: string
  from: string
  to: string
  /** the Shanghai day of `now` is in [from, to] */
  open: boolean
}

const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
const pad = (n: number, w = 2) => String(n).padStart(w, '0')

/** The member's birthday in `year` (29 Feb → 28 Feb in a common year); null for a birthday that is not MM-DD of a real date. */
export function birthdayIn(birthday: string, year: number): string | null {
  const m = /^\d{4}-(\d{2})-(\d{2})$/.exec(birthday)
  if (!m) return null
  const month = +m[1]
  const date = +m[2]
  if (month === 2 && date === 29) return `${pad(year, 4)}-02-${isLeap(year) ? '29' : '28'}`
  const probe = new Date(Date.UTC(2001, month - 1, date))
  if (probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== date) return null
  return `${pad(year, 4)}-${pad(month)}-${pad(date)}`
}

function weekOf(birthday: string, year: number, today: string): BirthdayWeek | null {
  const day = birthdayIn(birthday, year)
  if (!day) return null
  const from = addDays(day, -BIRTHDAY_WEEK_DAYS_BEFORE)
  const to = addDays(day, BIRTHDAY_WEEK_DAYS_AFTER)
  return { year, day, from, to, open: from <= today && today <= to }
}

/**
 * The birthday week open at `now`, else the next one to open (null without a usable birthday).
 * Weeks of consecutive years never overlap (7 days in a year), so at most one is open.
 */
export function birthdayWeek(birthday: string | null, now: Date): BirthdayWeek | null {
  if (!birthday) return null
  const today = shanghaiDay(now)
  const year = +today.slice(0, 4)
  const weeks = [year - 1, year, year + 1].map(y => weekOf(birthday, y, today)).filter((w): w is BirthdayWeek => w !== null)
  return weeks.find(w => w.open) ?? weeks.find(w => w.from > today) ?? null
}

/** The brand offers something: enabled, with points or a coupon. */
export function giftOffered(rules: BirthdayGiftRules): boolean {
  return rules.enabled && (rules.points > 0 || rules.couponTemplateId !== null)
}

/** The home card: the week (open or next), whether its year's gift is claimed, and what the gift is. */
export function birthdayGiftView(rules: BirthdayGiftRules, birthday: string | null, now: Date, claim: { claimedAt: Date } | null, couponName: string | null): BirthdayGiftView {
  const week = birthdayWeek(birthday, now)
  return {
    enabled: giftOffered(rules),
    hasBirthday: !!birthday,
    week: week ? { year: week.year, day: week.day, from: week.from, to: week.to } : null,
    open: !!week?.open,
    claimedAt: claim ? claim.claimedAt.toISOString() : null,
    gift: { points: rules.points, couponName: rules.couponTemplateId ? couponName : null },
  }
}
