/** One clock for the whole product: Shanghai calendar days, whatever zone the host runs in. */
import dayjs from 'dayjs'
import utc from 'dayjs/plugin/utc'
import timezone from 'dayjs/plugin/timezone'

dayjs.extend(utc)
dayjs.extend(timezone)

export const BRAND_ZONE = 'Asia/Shanghai'

/** YYYY-MM-DD of the Shanghai day that contains `at`. */
export function shanghaiDay(at: Date): string {
  return dayjs(at).tz(BRAND_ZONE).format('YYYY-MM-DD')
}
