/**
 * The 报表's date range: a chip (近7天 / 近30天 / 本月, Shanghai days ending today: format.ts) or
 * 自定义 from–to. The function checks the range (from ≤ to, at most 366 days) and says which field is wrong.
 */
import { RANGES, rangeDays, type RangeId } from '../format'

export type ReportRange = { id: RangeId } | { id: 'custom'; from: string; to: string }

export const REPORT_RANGES: ReadonlyArray<{ id: RangeId | 'custom'; label: string }> = [...RANGES, { id: 'custom', label: '自定义' }]

/** The Shanghai days (YYYY-MM-DD, both included) a range means. */
export function reportDays(range: ReportRange, now: Date = new Date()): { from: string; to: string } {
  return range.id === 'custom' ? { from: range.from, to: range.to } : rangeDays(range.id, now)
}
