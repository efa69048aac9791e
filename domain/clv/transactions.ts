/**
 * From raw purchases to the per-customer summaries the models need: (x, t_x, T, zbar) over a
 * calibration period, plus the repeat purchases counted in a holdout period after it.
 */

export interface TransactionRow {
  customerId: string
  /** Epoch milliseconds or a Date. */
  timestamp: number | Date
  amount: number
}

/** Maps an instant to its calendar day as `YYYY-MM-DD`; callers pick the zone (e.g. Shanghai days). */
export type DayKey = (at: Date) => string

export interface SummaryOptions {
  /** Last day of calibration (inclusive), `YYYY-MM-DD` in the day-key's calendar. */
  calibrationEnd: string
  /** Last day of the holdout (inclusive); the holdout starts the day after calibrationEnd. */
  holdoutEnd?: string
  /** Model time unit in days: 7 gives weeks, as in the CDNOW papers. */
  periodDays?: number
  dayKey?: DayKey
}

export interface CustomerSummary {
  customerId: string
  /** Repeat transactions (customer-days after the first) in calibration. */
  x: number
  /** Periods from the first to the last calibration transaction. */
  tx: number
  /** Periods from the first transaction to calibrationEnd. */
  T: number
  /** Mean amount of the repeat transactions; 0 when x = 0. */
  zbar: number
  firstDay: string
  lastDay: string
  /** Transactions (customer-days) in (calibrationEnd, holdoutEnd]; 0 without a holdout. */
  holdout: number
  holdoutAmount: number
}

/** Default day boundaries: the UTC date. */
export const utcDayKey: DayKey = at => at.toISOString().slice(0, 10)

const DAY_MS = 86_400_000

/** Whole days since 1970-01-01 of a `YYYY-MM-DD` key; throws on anything else so a bad day-key function shows up. */
export function dayNumber(key: string): number {
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(key) ? Date.parse(`${key}T00:00:00Z`) : NaN
  if (Number.isNaN(ms)) throw new Error(`not a YYYY-MM-DD day: ${key}`)
  return ms / DAY_MS
}

/**
 * Per customer, the amount spent on each day (sorted by day). Several purchases on one day are one
 * transaction, as in the BTYD literature: a basket split over two orders is not two visits.
 */
export function customerDays(rows: TransactionRow[], dayKey: DayKey = utcDayKey): Map<string, Array<{ day: string; amount: number }>> {
  const byCustomer = new Map<string, Map<string, number>>()
  for (const row of rows) {
    const day = dayKey(row.timestamp instanceof Date ? row.timestamp : new Date(row.timestamp))
    let days = byCustomer.get(row.customerId)
    if (!days) byCustomer.set(row.customerId, (days = new Map()))
    days.set(day, (days.get(day) ?? 0) + row.amount)
  }
  const out = new Map<string, Array<{ day: string; amount: number }>>()
  for (const [id, days] of byCustomer) {
    out.set(
      id,
      [...days].map(([day, amount]) => ({ day, amount })).sort((p, q) => (p.day < q.day ? -1 : p.day > q.day ? 1 : 0)),
    )
  }
  return out
}

/**
 * Summaries of the customers whose first purchase falls on or before calibrationEnd (later ones
 * are unknown at calibration time), in order of first appearance in `rows`.
 */
export function summarizeCustomers(rows: TransactionRow[], options: SummaryOptions): CustomerSummary[] {
  const { calibrationEnd, holdoutEnd, periodDays = 7, dayKey = utcDayKey } = options
  const calEnd = dayNumber(calibrationEnd)
  const holdEnd = holdoutEnd === undefined ? calEnd : dayNumber(holdoutEnd)
  if (holdEnd < calEnd) throw new Error('holdoutEnd is before calibrationEnd')
  if (!(periodDays > 0)) throw new Error('periodDays must be positive')
  const out: CustomerSummary[] = []
  for (const [customerId, days] of customerDays(rows, dayKey)) {
    const first = dayNumber(days[0].day)
    if (first > calEnd) continue
    let x = 0
    let repeatAmount = 0
    let last = first
    let lastDay = days[0].day
    let holdout = 0
    let holdoutAmount = 0
    for (let i = 1; i < days.length; i++) {
      const d = dayNumber(days[i].day)
      if (d <= calEnd) {
        x++
        repeatAmount += days[i].amount
        last = d
        lastDay = days[i].day
      } else if (d <= holdEnd) {
        holdout++
        holdoutAmount += days[i].amount
      }
    }
    const periods = (n: number) => n / periodDays
    out.push({ customerId, x, tx: periods(last - first), T: periods(calEnd - first), zbar: x > 0 ? repeatAmount / x : 0, firstDay: days[0].day, lastDay, holdout, holdoutAmount })
  }
  return out
}

/** Length of the holdout in model periods. */
export function holdoutPeriods(calibrationEnd: string, holdoutEnd: string, periodDays = 7): number {
  return (dayNumber(holdoutEnd) - dayNumber(calibrationEnd)) / periodDays
}
