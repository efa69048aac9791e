/** The check-in calendar's pure parts: the month grid, what each day shows, the texts. */
import type { CheckinCalendar } from '../../../../types/checkin'
import type { Fail } from '../../../../types/result'
import { failText } from '../../services/errors'

export type DayKind = 'blank' | 'checked' | 'makeup' | 'makeable' | 'missed' | 'today' | 'future'

export const WEEKDAYS = ['日', '一', '二', '三', '四', '五', '六']

const pad = (n: number) => String(n).padStart(2, '0')

/** "2024-03-05" → "3月5日". */
export function dayText(day: string): string {
  const [, m, d] = day.split('-').map(Number)
  return `${m}月${d}日`
}

/** This month's grid, weeks starting on Sunday: null for the blanks before the 1st. */
export function monthCells(month: string): Array<string | null> {
  const [y, m] = month.split('-').map(Number)
  const first = new Date(Date.UTC(y, m - 1, 1)).getUTCDay()
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate()
  const cells: Array<string | null> = Array.from({ length: first }, () => null)
  for (let d = 1; d <= days; d++) cells.push(`${month}-${pad(d)}`)
  while (cells.length % 7) cells.push(null)
  return cells
}

export function kindOf(c: CheckinCalendar, day: string | null): DayKind {
  if (!day) return 'blank'
  if (c.makeupDays.includes(day)) return 'makeup'
  if (c.checkedDays.includes(day)) return 'checked'
  if (day === c.today) return 'today'
  if (day > c.today) return 'future'
  return c.makeup.enabled && c.makeup.missedDays.includes(day) ? 'makeable' : 'missed'
}

export const MARK: Partial<Record<DayKind, string>> = { checked: '✓', makeup: '补', today: '今' }

/** "再签 N 天可得 X 积分": N counts today's check-in when it is still to do. */
export function nextBonusText(c: CheckinCalendar): string {
  if (!c.nextBonus) return ''
  const n = c.nextBonus.inDays + (c.checkedInToday ? 0 : 1)
  return `再签 ${n} 天可得 ${c.nextBonus.points} 积分`
}

export function makeupErrorText(f: Fail, payWith: 'points' | 'card', cost: number): string {
  switch (f.code) {
    case 'LIMIT_REACHED':
      return '本月补签次数已用完'
    case 'INSUFFICIENT_POINTS':
      return `积分不足：补签一次需要 ${cost} 积分`
    case 'FAILED_PRECONDITION':
      return `无法补签：${f.message || (payWith === 'card' ? '没有可用的补签卡' : '这一天不能补签')}`
    default:
      return failText(f)
  }
}
