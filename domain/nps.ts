/** NPS rules: who is asked, how a score counts, and the table by store and month. */
import { NPS_ASK_WITHIN_DAYS, NPS_COOLDOWN_DAYS, type NpsCategory, type NpsRow } from '../types/nps'
import { shanghaiDay } from './time'

const DAY_MS = 86_400_000

export function npsCategory(score: number): NpsCategory {
  return score >= 9 ? 'promoter' : score >= 7 ? 'passive' : 'detractor'
}

export interface NpsAskInput {
  optOut: boolean
  /** last answer or dismissal */
  askedAt: Date | null
  lastPurchase: { purchaseId: string; storeId: string; createdAt: Date; status: string } | null
  now: Date
}

export type NpsAsk = { ask: true; purchaseId: string; storeId: string } | { ask: false; reason: 'opted_out' | 'no_recent_purchase' | 'asked_recently' }

/** Ask about the latest purchase if it is recent and kept, the member did not opt out, and was not asked lately. */
export function npsAsk({ optOut, askedAt, lastPurchase, now }: NpsAskInput): NpsAsk {
  if (optOut) return { ask: false, reason: 'opted_out' }
  if (askedAt && now.getTime() - askedAt.getTime() < NPS_COOLDOWN_DAYS * DAY_MS) return { ask: false, reason: 'asked_recently' }
  const p = lastPurchase
  const age = p ? now.getTime() - p.createdAt.getTime() : Infinity
  if (!p || p.status === 'refunded' || age < 0 || age > NPS_ASK_WITHIN_DAYS * DAY_MS) return { ask: false, reason: 'no_recent_purchase' }
  return { ask: true, purchaseId: p.purchaseId, storeId: p.storeId }
}

/** % promoters − % detractors, one decimal. */
export function npsScore(promoters: number, detractors: number, responses: number): number {
  return responses ? Math.round(((promoters - detractors) * 1000) / responses) / 10 : 0
}

type Counts = Omit<NpsRow, 'storeId' | 'month'>

function add(c: Counts, category: NpsCategory): void {
  c.responses++
  if (category === 'promoter') c.promoters++
  else if (category === 'passive') c.passives++
  else c.detractors++
}

const empty = (): Counts => ({ responses: 0, promoters: 0, passives: 0, detractors: 0, nps: 0 })

/** Rows by store and Shanghai month (sorted), and the total, from answered responses. */
export function npsTable(responses: Array<{ storeId: string; score: number; at: Date }>): { rows: NpsRow[]; total: Counts } {
  const rows = new Map<string, NpsRow>()
  const total = empty()
  for (const r of responses) {
    const month = shanghaiDay(r.at).slice(0, 7)
    const key = `${r.storeId}\n${month}`
    if (!rows.has(key)) rows.set(key, { storeId: r.storeId, month, ...empty() })
    add(rows.get(key)!, npsCategory(r.score))
    add(total, npsCategory(r.score))
  }
  const out = [...rows.values()].sort((a, b) => a.storeId.localeCompare(b.storeId) || a.month.localeCompare(b.month))
  for (const row of [...out, total]) row.nps = npsScore(row.promoters, row.detractors, row.responses)
  return { rows: out, total }
}
