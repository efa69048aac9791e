/** Timer triggers: CloudBase's 7-field cron (with year), evaluated in Beijing time as SCF does. */
import { CronExpressionParser } from 'cron-parser'

const ZONE = 'Asia/Shanghai'

export interface ParsedCron {
  next(after: Date): Date
}

export function parseCloudbaseCron(expr: string): ParsedCron {
  const fields = expr.trim().split(/\s+/)
  if (fields.length !== 7) throw new Error(`CloudBase cron needs 7 fields (second minute hour day month weekday year): "${expr}"`)
  const year = fields[6]
  const years = year === '*' ? null : expandYears(year)
  const sixFields = fields.slice(0, 6).join(' ')
  CronExpressionParser.parse(sixFields, { tz: ZONE }) // validate now, not at first fire
  return {
    next(after: Date): Date {
      const it = CronExpressionParser.parse(sixFields, { currentDate: after, tz: ZONE })
      for (let i = 0; i < 10_000; i++) {
        const d = it.next().toDate()
        if (!years || years.has(Number(new Intl.DateTimeFormat('en', { timeZone: ZONE, year: 'numeric' }).format(d)))) return d
      }
      throw new Error(`cron "${expr}" never fires`)
    },
  }
}

function expandYears(field: string): Set<number> {
  const years = new Set<number>()
  for (const part of field.split(',')) {
    const m = /^(\d{4})(?:-(\d{4}))?$/.exec(part)
    if (!m) throw new Error(`unsupported year field "${field}"`)
    for (let y = Number(m[1]); y <= Number(m[2] ?? m[1]); y++) years.add(y)
  }
  return years
}

/** Runs `fire` at each occurrence until stopped. */
export function schedule(cron: ParsedCron, fire: (at: Date) => void, now: () => Date = () => new Date()): () => void {
  let timer: NodeJS.Timeout | undefined
  let stopped = false
  const arm = () => {
    if (stopped) return
    const at = cron.next(now())
    // setTimeout caps at ~24.8 days: re-arm in steps
    const wait = Math.min(at.getTime() - now().getTime(), 2 ** 31 - 1)
    timer = setTimeout(
      () => {
        if (now().getTime() >= at.getTime()) fire(at)
        arm()
      },
      Math.max(wait, 0),
    )
  }
  arm()
  return () => {
    stopped = true
    if (timer) clearTimeout(timer)
  }
}
