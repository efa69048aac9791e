import { z } from 'zod'

const isoInstant = z.iso.datetime({ offset: true })

/**
 * Check-in rules (settings doc `checkinRules`). Points = (base + streak bonus of the day) × the
 * largest active promotion multiplier × the member's tier multiplier, rounded down.
 * The `.describe()` / `.meta()` texts label the console's 设置 form (admin settingsForm).
 */
export const CheckinRulesSchema = z
  .object({
    basePoints: z.number().int().min(0).max(1000).meta({ title: '每日签到积分', description: '每次签到的基础积分（0–1000）' }),
    /** extra points on the Nth consecutive day (day of the cycle when `cycleDays` is set) */
    streakBonuses: z
      .array(
        z
          .object({ day: z.number().int().min(2).max(366).describe('连续第几天'), points: z.number().int().min(1).max(10_000).describe('奖励积分') })
          .strict()
          .describe('奖励'),
      )
      .max(20)
      .refine(list => new Set(list.map(b => b.day)).size === list.length, '连续签到奖励的天数不能重复')
      .meta({ title: '连续签到奖励', description: '连续签到到第 N 天（设了周期时为周期内第 N 天）额外奖励；天数不能重复' }),
    /** null: the streak grows without end and each bonus is paid once per streak; N: after day N the streak starts again at 1 */
    cycleDays: z.number().int().min(2).max(366).nullable().meta({ title: '签到周期（天）', description: '满 N 天后连签从 1 重新计；不设置：连签一直累计，每个奖励每轮连签只发一次' }),
    /** the streak starts again on the 1st of each month (Shanghai) */
    monthlyReset: z.boolean().meta({ title: '每月重置连签', description: '每月 1 日起连签重新计算' }),
    promotions: z
      .array(
        z
          .object({
            name: z.string().min(1).max(40).describe('活动名称'),
            start: isoInstant.describe('开始时间'),
            end: isoInstant.describe('结束时间'),
            multiplier: z.number().min(1).max(10).describe('倍数'),
          })
          .strict()
          .refine(p => p.start < p.end, '活动结束时间必须晚于开始时间')
          .describe('活动'),
      )
      .max(20)
      .meta({ title: '限时签到倍数', description: '活动期间签到积分乘以倍数（同时进行的取最大）；结束时间须晚于开始时间' }),
    makeup: z
      .object({
        enabled: z.boolean().describe('允许补签'),
        /** make-ups allowed per calendar month */
        perMonth: z.number().int().min(0).max(31).describe('每月可补签次数'),
        /** points a make-up costs when paid with points (a make-up card costs one card) */
        costPoints: z.number().int().min(1).max(100_000).meta({ title: '补签所需积分', description: '用积分补签一次的价格（补签卡则消耗一张）' }),
      })
      .strict()
      .describe('补签'),
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
