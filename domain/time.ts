/**
 * One clock for the whole product: Shanghai calendar days, whatever zone the host runs in.
 *
 * Asia/Shanghai has been UTC+08:00 all year since 1991 (China's last daylight saving time ended in
 * September 1991), so for instants from 1992 on a Shanghai day is plain arithmetic on a fixed offset:
 * no time-zone database lookup. Earlier instants (and invalid dates) go through dayjs's timezone
 * plugin. The daily job runs these for every member: dayjs's `.tz()` builds a new ICU formatter per
 * call (`Date#toLocaleString` with a `timeZone`), about 0.3 ms each, so hot paths use these helpers.
 */
import dayjs from 'dayjs'
import utc from 'dayjs/plugin/utc'
import timezone from 'dayjs/plugin/timezone'

dayjs.extend(utc)
dayjs.extend(timezone)

export const BRAND_ZONE = 'Asia/Shanghai'

const OFFSET_MINUTES = 480
const OFFSET_MS = OFFSET_MINUTES * 60_000
const DAY_MS = 86_400_000
/** 1992-01-01 00:00 in Shanghai: from here on the zone's offset is always +08:00 */
const FIXED_FROM = Date.UTC(1992, 0, 1) - OFFSET_MS
/** year 10000 and later do not print as YYYY */
const FIXED_UNTIL = Date.UTC(9999, 11, 31) - OFFSET_MS

const fixed = (t: number) => t >= FIXED_FROM && t < FIXED_UNTIL

/** YYYY-MM-DD of the Shanghai day that contains `at`. */
export function shanghaiDay(at: Date): string {
  const t = at.getTime()
  return fixed(t) ? new Date(t + OFFSET_MS).toISOString().slice(0, 10) : dayjs(at).tz(BRAND_ZONE).format('YYYY-MM-DD')
}

/** YYYY-MM of the Shanghai month that contains `at`. */
export function shanghaiMonth(at: Date): string {
  const t = at.getTime()
  return fixed(t) ? new Date(t + OFFSET_MS).toISOString().slice(0, 7) : dayjs(at).tz(BRAND_ZONE).format('YYYY-MM')
}

/** The instant a Shanghai month (YYYY-MM) starts (00:00 Shanghai on its first day). */
export function shanghaiMonthStart(month: string): Date {
  const t = Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)) - 1, 1) - OFFSET_MS
  return fixed(t) ? new Date(t) : dayjs.tz(`${month}-01 00:00`, BRAND_ZONE).toDate()
}

/** The instant the Shanghai day containing `at` starts (00:00 Shanghai). */
export function shanghaiDayStart(at: Date): Date {
  const t = at.getTime()
  if (!fixed(t)) return dayjs(at).tz(BRAND_ZONE).startOf('day').toDate()
  return new Date(Math.floor((t + OFFSET_MS) / DAY_MS) * DAY_MS - OFFSET_MS)
}

/** Whole Shanghai calendar days from the day of `from` to the day of `to` (negative if `to` is earlier). */
export function shanghaiDaysBetween(from: Date, to: Date): number {
  if (!fixed(from.getTime()) || !fixed(to.getTime())) {
    return dayjs(to).tz(BRAND_ZONE).startOf('day').diff(dayjs(from).tz(BRAND_ZONE).startOf('day'), 'day')
  }
  return Math.round((shanghaiDayStart(to).getTime() - shanghaiDayStart(from).getTime()) / DAY_MS)
}

/** `YYYY-MM` plus `months` (negative: earlier). */
export function addMonths(month: string, months: number): string {
  const k = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + months
  const y = Math.floor(k / 12)
  return `${String(y).padStart(4, '0')}-${String(k - y * 12 + 1).padStart(2, '0')}`
}

/** The day `n` days after `day` (calendar arithmetic on the date itself, no zone involved). */
export function addDays(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number)
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10)
}
