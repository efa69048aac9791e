/**
 * A segment's members as a CSV file operators open in Excel: UTF-8 with a BOM (without it Excel reads
 * the Chinese as GBK garble), CRLF lines, RFC 4180 quoting, and no cell that Excel would run as a
 * formula (a nickname is whatever the member typed). Pure: the function shell reads and uploads.
 */
import { STAGE_NAMES, type Stage } from '../types/analytics'
import { maskPhone } from './member'

export const SEGMENT_CSV_COLUMNS = ['会员号', '昵称', '手机号', '等级', '阶段', '积分', '标签', '最近消费'] as const

export interface SegmentCsvMember {
  memberNo: string
  nickname: string
  phone: string | null
  tierName: string
  stage: string | null
  points: number
  tags: string[]
  lastPurchaseAt: Date | null
}

const BOM = '\uFEFF'
const SHANGHAI_OFFSET_MS = 8 * 3_600_000

/** `=1+2`, `+…`, `-…`, `@…` and a leading tab or CR make Excel evaluate the cell: keep them text with a leading '. */
function defused(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text
}

/** One cell: quoted when it holds a comma, quote or line break (quotes doubled). */
export function csvCell(value: string | number): string {
  const text = typeof value === 'number' ? String(value) : defused(value)
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/** YYYY-MM-DD HH:mm in Shanghai (UTC+8 all year since 1991, so plain arithmetic: this runs per row). */
export function shanghaiMinute(at: Date): string {
  return new Date(at.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ')
}

/** One member's cells, in SEGMENT_CSV_COLUMNS order; the phone masked (138****5678) unless `fullPhones`. */
export function segmentCsvRow(m: SegmentCsvMember, fullPhones: boolean): Array<string | number> {
  return [
    m.memberNo,
    m.nickname,
    (fullPhones ? m.phone : maskPhone(m.phone)) ?? '',
    m.tierName,
    m.stage ? (STAGE_NAMES[m.stage as Stage] ?? m.stage) : '',
    m.points,
    m.tags.join('、'),
    m.lastPurchaseAt ? shanghaiMinute(m.lastPurchaseAt) : '',
  ]
}

/** The whole file: BOM, the header, one line per member, CRLF after every line. */
export function segmentCsv(members: readonly SegmentCsvMember[], fullPhones: boolean): string {
  const lines = [SEGMENT_CSV_COLUMNS.map(csvCell).join(','), ...members.map(m => segmentCsvRow(m, fullPhones).map(csvCell).join(','))]
  return `${BOM}${lines.join('\r\n')}\r\n`
}
