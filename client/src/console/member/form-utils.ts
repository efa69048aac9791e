/** What the 360's action forms share: the reason rule (as the function's schemas) and error text. */
import dayjs from 'dayjs'
import utc from 'dayjs/plugin/utc'

dayjs.extend(utc)

export const REASON_MIN = 2
export const REASON_MAX = 100
/** a manual tag, as `admin.tagMembers` takes it */
export const TAG_MAX = 32
/** one adjustment, as `admin.adjustPoints` takes it */
export const DELTA_MAX = 1_000_000

/** A thrown (network, SDK) error as Chinese text. */
export const errorOf = (err: unknown) => (err instanceof Error && err.message ? err.message : '网络异常，请重试')

/** null when the reason is fine, else what to fix. */
export function reasonError(reason: string, what = '原因'): string | null {
  return reason.trim().length < REASON_MIN ? `请写明${what}（至少 ${REASON_MIN} 个字）` : null
}

/** Today in Shanghai (YYYY-MM-DD). */
export function shanghaiToday(now: Date = new Date()): string {
  return dayjs(now)
    .utcOffset(8 * 60)
    .format('YYYY-MM-DD')
}

/** The end of a Shanghai day (YYYY-MM-DD) as the ISO instant `setMemberTier.until` takes. */
export const endOfShanghaiDay = (day: string) => `${day}T23:59:59+08:00`
