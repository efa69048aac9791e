import dayjs from 'dayjs'
import utc from 'dayjs/plugin/utc'
import type { MemberProfile } from '../../../types/member'
import type { LedgerKind } from '../../../types/points'

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

/** An ISO instant as Shanghai date and time, e.g. 2024-03-05 00:30. */
export function shanghaiDateTimeText(iso: string): string {
  const d = dayjs(iso)
  return d.isValid() ? d.utcOffset(SHANGHAI_OFFSET_MINUTES).format('YYYY-MM-DD HH:mm') : ''
}

/** An ISO instant as Shanghai time of day, e.g. 14:05. */
export function shanghaiTimeText(iso: string): string {
  const d = dayjs(iso)
  return d.isValid() ? d.utcOffset(SHANGHAI_OFFSET_MINUTES).format('HH:mm') : ''
}

/** 18 digits grouped for reading aloud at the till: 1000 0000 0112 3456 78. */
export function groupDigits(code: string, size = 4): string {
  return code.replace(new RegExp(`(\\d{${size}})(?=\\d)`, 'g'), '$1 ')
}

/** Signed points: +10, -5, 0. */
export function signedPoints(delta: number): string {
  return delta > 0 ? `+${delta}` : String(delta)
}

/** Ledger kinds as the member reads them. */
export const LEDGER_KIND_TEXT: Record<LedgerKind, string> = {
  earn: '获得',
  spend: '使用',
  expire: '过期',
  adjust: '调整',
  reverse: '退款扣回',
}

/** A coupon's `validUntil` is the first instant it is no longer valid: people read the last valid moment. */
export function lastValid(iso: string): string {
  const t = Date.parse(iso)
  return Number.isFinite(t) ? new Date(t - 1).toISOString() : iso
}
