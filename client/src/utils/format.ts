import dayjs from 'dayjs'
import utc from 'dayjs/plugin/utc'
import type { MemberProfile } from '../../../types/member'

dayjs.extend(utc)

/** Asia/Shanghai has had no DST since 1991: a fixed +08:00 offset is exact and needs no tz database. */
const SHANGHAI_OFFSET_MINUTES = 8 * 60

/** An ISO instant as a Shanghai calendar date, e.g. 2024年3月5日. */
export function shanghaiDateText(iso: string): string {
  const d = dayjs(iso)
  return d.isValid() ? d.utcOffset(SHANGHAI_OFFSET_MINUTES).format('YYYY年M月D日') : ''
}

/** Today in Shanghai as YYYY-MM-DD (the latest birthday the picker offers). */
export function shanghaiToday(now: Date = new Date()): string {
  return dayjs(now).utcOffset(SHANGHAI_OFFSET_MINUTES).format('YYYY-MM-DD')
}

export type Gender = MemberProfile['gender']

export const GENDER_OPTIONS: ReadonlyArray<{ value: Gender; label: string }> = [
  { value: 'male', label: '男' },
  { value: 'female', label: '女' },
  { value: 'unknown', label: '保密' },
]

/** Extension for a cloud path from a temp file path or a MIME type (defaults to jpg). */
export function imageExt(path: string, mimeType?: string): string {
  const fromPath = /\.([a-zA-Z0-9]{1,5})(?:[?#].*)?$/.exec(path)?.[1]
  if (fromPath && !/^blob:/.test(path)) return fromPath.toLowerCase()
  const fromMime = mimeType ? /^image\/([a-z0-9.+-]+)$/i.exec(mimeType)?.[1] : undefined
  if (fromMime) return fromMime.toLowerCase() === 'jpeg' ? 'jpg' : fromMime.toLowerCase().replace('svg+xml', 'svg')
  return 'jpg'
}

/** Where an avatar goes in cloud storage: avatars/<openid>/<timestamp>.<ext>. */
export function avatarCloudPath(openid: string, ext: string, now: number = Date.now()): string {
  return `avatars/${openid}/${now}.${ext}`
}
