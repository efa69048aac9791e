import { z } from 'zod'

const isoInstant = z.iso.datetime({ offset: true })

/**
 * Check-in rules (settings doc `checkinRules`). Points = (base + streak bonus of the day) × the
 * largest active promotion multiplier × the member's tier multiplier, rounded down.
 */
export const CheckinRulesSchema = z
  .object({
    basePoints: z.number().int().min(0).max(1000),
    /** extra points on the Nth consecutive day (day of the cycle when `cycleDays` is set) */
    streakBonuses: z
      .array(z.object({ day: z.number().int().min(2).max(366), points: z.number().int().min(1).max(10_000) }).strict())
      .max(20)
      .refine(list => new Set(list.map(b => b.day)).size === list.length, '连续签到奖励的天数不能重复'),
    /** null: the streak grows without end and each bonus is paid once per streak; N: after day N the streak starts again at 1 */
    cycleDays: z.number().int().min(2).max(366).nullable(),
    /** the streak starts again on the 1st of each month (Shanghai) */
    monthlyReset: z.boolean(),
    promotions: z
      .array(
        z
          .object({ name: z.string().min(1).max(40), start: isoInstant, end: isoInstant, multiplier: z.number().min(1).max(10) })
          .strict()
          .refine(p => p.start < p.end, '活动结束时间必须晚于开始时间'),
      )
      .max(20),
    makeup: z
      .object({
        enabled: z.boolean(),
        /** make-ups allowed per calendar month */
        perMonth: z.number().int().min(0).max(31),
        /** points a make-up costs when paid with points (a make-up card costs one card) */
        costPoints: z.number().int().min(1).max(100_000),
      })
      .strict(),
  })
  .strict()
export type CheckinRules = z.infer<typeof CheckinRulesSchema>

export const DEFAULT_CHECKIN_RULES: CheckinRules = {
  basePoints: 5,
  streakBonuses: [
    { day: 7, points: 20 },
    { day: 14, points: 50 },
    { day: 30, points: 100 },
  ],
  cycleDays: 30,
  monthlyReset: false,
  promotions: [],
  makeup: { enabled: true, perMonth: 2, costPoints: 20 },
}

/** What the member document keeps about check-ins (field `checkin`): enough to decide without a query. */
export const CheckinStateSchema = z.object({
  /** YYYY-MM (Shanghai) the `days` belong to */
  month: z.string(),
  /** days of `month` checked in (1–31), ascending, make-ups included */
  days: z.array(z.number().int()),
  /** days of `month` that were make-ups */
  makeupDays: z.array(z.number().int()),
  /** the streak as of the last checked day of the previous month (0 when that day was missed or the month resets) */
  streakBeforeMonth: z.number().int().min(0),
  /** consecutive checked days ending on `lastDay` */
  streak: z.number().int().min(0),
  lastDay: z.string().nullable(),
  total: z.number().int().min(0),
})
export type CheckinState = z.infer<typeof CheckinStateSchema>

/** The calendar page's data. */
export interface CheckinCalendar {
  today: string
  month: string
  checkedInToday: boolean
  /** YYYY-MM-DD of this month's check-ins, make-ups included */
  checkedDays: string[]
  makeupDays: string[]
  /** the streak as of today (0 when neither today nor yesterday is checked) */
  streak: number
  /** points a check-in today gives (or gave) */
  todayPoints: number
  nextBonus: { day: number; points: number; inDays: number } | null
  makeup: {
    enabled: boolean
    remainingThisMonth: number
    costPoints: number
    cards: number
    /** days of this month before today that can still be made up */
    missedDays: string[]
  }
}

export interface CheckinResult {
  /** false when today was already checked in: nothing was credited again */
  credited: boolean
  day: string
  points: number
  bonus: number
  streak: number
  balance: number
  calendar: CheckinCalendar
}
