/**
 * Daily rollups behind the reports (issue 15): what one Shanghai day's rows come to (`rollupDay`),
 * and the report's inputs rebuilt from the rollups of a range (`reportInputFromRollups`,
 * `storeReportInputFromRollups`), which domain/report.ts then turns into the same sections as from rows.
 *
 * Counters that add up across days are stored as counters. Figures that count distinct members over
 * the range (buyers and the days they bought on, cohorts, new members who bought in a store, the
 * members a reminder went to) cannot be added up, so a day keeps the short lists behind them: the
 * day's buyers, joiners and visitors per store as member keys (`memberKey`: 53 bits of a hash of the
 * OPENID, a number; stored packed, `packKeys`), its reminder sends, and the counting purchases that may
 * follow a send (those of members who received one in the 30 days before). The member snapshot (stage × tier, LTV, points
 * held) is not per day: the daily job sums it over all members in bounded pages (`addToSnapshot`).
 */
import type {
  BuyerDaysRow,
  BuyerRow,
  CheckinCountRow,
  CohortActiveRow,
  DayRange,
  JoinedDayRow,
  LedgerSumRow,
  PurchaseRow,
  ReminderLogRow,
  ReportInput,
  ScoredRow,
  StageTierRow,
  StoreReportInput,
  TemplateRow,
} from './report'
import { counts, daysOf, netFen, rangeBounds } from './report'
import { shanghaiDay } from './time'

const DAY_MS = 86_400_000
/** The longest follow-up window a report may ask for (types/report.ts: followUpDays ≤ 30). */
export const FOLLOW_UP_MAX_DAYS = 30
/** The store key of purchases, refunds and write-offs without a store (orders API, imports). */
const NO_STORE = '-'
/** The `storeId` of a day's brand-wide rollup doc. */
export const BRAND_DOC = '*'

/** A member's key in the rollups: 53 bits of a hash of the id (no identity), exact as a JS number. */
export type MemberKey = number

/**
 * A member's key in the rollups: cyrb53 of the id. Two of a million members share a key with a
 * probability of about 1 in 10,000 (they would then count as one in distinct counts).
 */
export function memberKey(id: string): MemberKey {
  let h1 = 0xdeadbeef
  let h2 = 0x41c6ce57
  for (let i = 0; i < id.length; i++) {
    const ch = id.charCodeAt(i)
    h1 = Math.imul(h1 ^ ch, 2654435761)
    h2 = Math.imul(h2 ^ ch, 1597334677)
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909)
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909)
  return 4294967296 * (2097151 & h2) + (h1 >>> 0)
}

// A day's key lists are stored as one string of 9 base64url characters per key (54 bits), sorted: at a
// million members a year holds about 2.4 million keys, and one string per list is sent and parsed
// whole where an array of short strings costs a parse and an object per key.
const DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
const DIGIT_VALUE = new Int8Array(128).fill(-1)
for (let i = 0; i < DIGITS.length; i++) DIGIT_VALUE[DIGITS.charCodeAt(i)] = i
const KEY_CHARS = 9

/** Keys → the stored string (sorted, fixed width). */
export function packKeys(keys: Iterable<MemberKey>): string {
  const sorted = [...keys].sort((a, b) => a - b)
  const parts: string[] = new Array(sorted.length)
  for (let j = 0; j < sorted.length; j++) {
    let k = sorted[j]
    let chunk = ''
    for (let i = 0; i < KEY_CHARS; i++) {
      chunk = DIGITS[k % 64] + chunk
      k = Math.floor(k / 64)
    }
    parts[j] = chunk
  }
  return parts.join('')
}

/** A stored key (a number, or a base-36 string in rollups written before packing) → the key. */
export const storedKey = (v: unknown): MemberKey => (typeof v === 'number' ? v : parseInt(String(v), 36))

/**
 * A stored key list → keys: the packed string, or an array as rollups written before packing kept it
 * (base-36 strings). A malformed string gives no keys rather than wrong ones.
 */
export function unpackKeys(stored: unknown): MemberKey[] {
  if (Array.isArray(stored)) return stored.map(storedKey).filter(Number.isFinite)
  if (typeof stored !== 'string' || stored.length % KEY_CHARS !== 0) return []
  const out: MemberKey[] = new Array(stored.length / KEY_CHARS)
  for (let j = 0, i = 0; j < out.length; j++) {
    let k = 0
    for (const end = i + KEY_CHARS; i < end; i++) {
      const c = stored.charCodeAt(i)
      const v = c < 128 ? DIGIT_VALUE[c] : -1
      if (v < 0) return []
      k = k * 64 + v
    }
    out[j] = k
  }
  return out
}

// ---------------------------------------------------------------------------------------------
// one day

/** One day's rows, as the daily job reads them (only the fields used). */
export interface DayRows {
  day: string
  /** purchases created on the day */
  purchases: Array<{ memberId: string; storeId?: string | null; amountFen: number; refundedFen?: number; status?: string; createdAt: Date }>
  /** refunds made on the day */
  refunds: Array<{ storeId?: string | null; amountFen: number; createdAt: Date }>
  /** the members who joined on the day */
  joined: Array<{ _id: string; createdAt: Date }>
  checkins: Array<{ day: string; kind: string; points: number }>
  /** ledger rows written on the day */
  ledger: Array<{ kind: string; sourceType: string; delta: number; createdAt: Date }>
  /** coupons issued on the day, with their status now */
  coupons: Array<{ templateId: string; status: string; validUntil: Date; issuedAt: Date }>
  /** reminder sends from FOLLOW_UP_MAX_DAYS before the day's start to its end */
  sends: Array<{ _id: string; memberId: string; kind: string; sentAt: Date; status: string }>
  /** earlier sends already in rollups (by member key), instead of reading them again: for the follow-ups only */
  keyedSends?: Array<{ key: MemberKey; at: number; status: string }>
  /** NPS answers given on the day (dismissals are left out) */
  nps: Array<{ storeId: string; score: number; dismissed?: boolean; at: Date }>
  /** coupon write-offs at a till on the day (undone ones are left out) */
  writeOffs: Array<{ storeId?: string | null; name: string; discountFen: number; undone?: unknown; at: Date }>
}

/** One store's day. */
export interface StoreDay {
  storeId: string
  /** purchases that count (not fully refunded) and what they kept (paid − refunded) */
  purchases: number
  salesFen: number
  /** paid for every purchase made that day, and refunded that day in the store */
  paidFen: number
  refundFen: number
  /** members with a counting purchase (keys) */
  buyers: MemberKey[]
  /** members with a purchase that day but none that counts (all refunded; keys): with `buyers`, everyone who bought */
  visitors: MemberKey[]
  /** NPS answers by score 0–10 */
  nps: number[]
  writeOffs: Array<{ name: string; n: number; discountFen: number }>
}

/** A reminder send as a day keeps it (`at`: ms). */
export interface SendEntry {
  id: string
  key: MemberKey
  kind: string
  at: number
  status: string
}

/** The brand-wide part of a day. */
export interface BrandDay {
  day: string
  /** members who joined (keys) */
  joined: MemberKey[]
  checkins: Array<{ kind: string; n: number; points: number }>
  ledger: Array<{ kind: string; sourceType: string; pos: number; neg: number }>
  /** coupons issued that day per template and status as of the rollup; `available` by their validUntil (ms) */
  coupons: Array<{ templateId: string; status: string; n: number }>
  available: Array<{ templateId: string; until: number; n: number }>
  sends: SendEntry[]
  /** counting purchases of members sent a reminder in the FOLLOW_UP_MAX_DAYS before (`net` = kept fen) */
  followUps: Array<{ key: MemberKey; at: number; net: number }>
}

export interface DayRollup {
  brand: BrandDay
  stores: StoreDay[]
}

const bump = <K>(map: Map<K, number>, key: K, by = 1) => map.set(key, (map.get(key) ?? 0) + by)

/** A day's rollup from its rows. */
export function rollupDay(rows: DayRows): DayRollup {
  const stores = new Map<string, StoreDay & { buyerSet: Set<MemberKey>; visitorSet: Set<MemberKey>; offs: Map<string, { name: string; n: number; discountFen: number }> }>()
  const store = (id: string | null | undefined) => {
    const storeId = id || NO_STORE
    let s = stores.get(storeId)
    if (!s) {
      s = { storeId, purchases: 0, salesFen: 0, paidFen: 0, refundFen: 0, buyers: [], visitors: [], nps: Array(11).fill(0), writeOffs: [], buyerSet: new Set(), visitorSet: new Set(), offs: new Map() }
      stores.set(storeId, s)
    }
    return s
  }
  for (const p of rows.purchases) {
    const s = store(p.storeId)
    const key = memberKey(p.memberId)
    s.paidFen += p.amountFen
    s.visitorSet.add(key)
    const row = { _id: '', memberId: p.memberId, amountFen: p.amountFen, refundedFen: p.refundedFen, status: p.status, createdAt: p.createdAt }
    if (!counts(row)) continue
    s.purchases++
    s.salesFen += netFen(row)
    s.buyerSet.add(key)
  }
  for (const r of rows.refunds) store(r.storeId).refundFen += r.amountFen
  for (const a of rows.nps) if (a.dismissed !== true && a.score >= 0 && a.score <= 10) store(a.storeId).nps[Math.round(a.score)]++
  for (const w of rows.writeOffs) {
    if (w.undone) continue
    const offs = store(w.storeId).offs
    const acc = offs.get(w.name) ?? { name: w.name, n: 0, discountFen: 0 }
    acc.n++
    acc.discountFen += w.discountFen
    offs.set(w.name, acc)
  }

  const checkins = new Map<string, { kind: string; n: number; points: number }>()
  for (const c of rows.checkins) {
    const acc = checkins.get(c.kind) ?? { kind: c.kind, n: 0, points: 0 }
    acc.n++
    acc.points += c.points ?? 0
    checkins.set(c.kind, acc)
  }
  const ledger = new Map<string, { kind: string; sourceType: string; pos: number; neg: number }>()
  for (const l of rows.ledger) {
    const k = `${l.kind}\n${l.sourceType}`
    const acc = ledger.get(k) ?? { kind: l.kind, sourceType: l.sourceType, pos: 0, neg: 0 }
    if (l.delta > 0) acc.pos += l.delta
    else acc.neg += l.delta
    ledger.set(k, acc)
  }
  const coupons = new Map<string, number>()
  const available = new Map<string, number>()
  for (const c of rows.coupons) {
    bump(coupons, `${c.templateId}\n${c.status}`)
    if (c.status === 'available') bump(available, `${c.templateId}\n${new Date(c.validUntil).getTime()}`)
  }

  const sentBefore = new Map<MemberKey, number[]>() // member key → times of successful sends
  const sent = [...rows.sends.map(s => ({ key: memberKey(s.memberId), at: new Date(s.sentAt).getTime(), status: s.status })), ...(rows.keyedSends ?? [])]
  for (const s of sent) if (s.status === 'sent') sentBefore.set(s.key, [...(sentBefore.get(s.key) ?? []), s.at])
  const followUps: BrandDay['followUps'] = []
  for (const p of rows.purchases) {
    const row = { _id: '', memberId: p.memberId, amountFen: p.amountFen, refundedFen: p.refundedFen, status: p.status, createdAt: p.createdAt }
    if (!counts(row)) continue
    const key = memberKey(p.memberId)
    const at = new Date(p.createdAt).getTime()
    if ((sentBefore.get(key) ?? []).some(t => t < at && at <= t + FOLLOW_UP_MAX_DAYS * DAY_MS)) followUps.push({ key, at, net: netFen(row) })
  }
  const sends = rows.sends
    .filter(s => shanghaiDay(new Date(s.sentAt)) === rows.day)
    .map(s => ({ id: s._id, key: memberKey(s.memberId), kind: s.kind, at: new Date(s.sentAt).getTime(), status: s.status }))

  const split = (k: string) => k.split('\n')
  return {
    brand: {
      day: rows.day,
      joined: [...new Set(rows.joined.map(m => memberKey(m._id)))],
      checkins: [...checkins.values()],
      ledger: [...ledger.values()],
      coupons: [...coupons].map(([k, n]) => ({ templateId: split(k)[0], status: split(k)[1], n })),
      available: [...available].map(([k, n]) => ({ templateId: split(k)[0], until: Number(split(k)[1]), n })),
      sends,
      followUps,
    },
    stores: [...stores.values()].map(({ buyerSet, visitorSet, offs, ...s }) => ({
      ...s,
      buyers: [...buyerSet],
      visitors: [...visitorSet].filter(k => !buyerSet.has(k)),
      writeOffs: [...offs.values()],
    })),
  }
}

/** The rows of a span of days (each with the instant or day that places it), split into each day's rows. */
export function splitByDay(days: string[], span: Omit<DayRows, 'day'>): DayRows[] {
  const on = <T>(list: T[], when: (x: T) => Date | string, day: string) => list.filter(x => (typeof when(x) === 'string' ? when(x) : shanghaiDay(new Date(when(x)))) === day)
  return days.map(day => {
    const { start, end } = rangeBounds({ from: day, to: day })
    return {
      day,
      purchases: on(span.purchases, p => p.createdAt, day),
      refunds: on(span.refunds, r => r.createdAt, day),
      joined: on(span.joined, m => m.createdAt, day),
      checkins: on(span.checkins, c => c.day, day),
      ledger: on(span.ledger, l => l.createdAt, day),
      coupons: on(span.coupons, c => c.issuedAt, day),
      sends: span.sends.filter(x => new Date(x.sentAt).getTime() >= start.getTime() - FOLLOW_UP_MAX_DAYS * DAY_MS && new Date(x.sentAt) < end),
      keyedSends: (span.keyedSends ?? []).filter(x => x.at >= start.getTime() - FOLLOW_UP_MAX_DAYS * DAY_MS && x.at < end.getTime()),
      nps: on(span.nps, a => a.at, day),
      writeOffs: on(span.writeOffs, w => w.at, day),
    }
  })
}

// ---------------------------------------------------------------------------------------------
// the member snapshot

/** Members (not deleted) per stage × tier: as the report's snapshot and consoleHome's brand figures need them. */
export interface SnapshotRow {
  stage: string | null
  tierId: string | null
  n: number
  spendFen: number
  buyers: number
  buyerSpendFen: number
  scored: number
  scoredSpendFen: number
  clvFen: number
  risk: number
  points: number
}

/** The fields of a member doc the snapshot reads. */
export interface SnapshotMember {
  status?: unknown
  stage?: unknown
  tierId?: unknown
  points?: unknown
  stats?: { purchases?: unknown; spendFen?: unknown } | null
  churn?: { clvFen?: unknown; risk?: unknown } | null
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0)
const strOrNull = (v: unknown) => (typeof v === 'string' && v ? v : null)

/** The snapshot `rows` plus a page of members (deleted ones left out); pages can be added in any order. */
export function addToSnapshot(rows: SnapshotRow[], members: SnapshotMember[]): SnapshotRow[] {
  const out = new Map(rows.map(r => [`${r.stage}\n${r.tierId}`, { ...r }]))
  for (const m of members) {
    if (m.status === 'deleted') continue
    const stage = strOrNull(m.stage)
    const tierId = strOrNull(m.tierId)
    const k = `${stage}\n${tierId}`
    const acc = out.get(k) ?? { stage, tierId, n: 0, spendFen: 0, buyers: 0, buyerSpendFen: 0, scored: 0, scoredSpendFen: 0, clvFen: 0, risk: 0, points: 0 }
    const spend = num(m.stats?.spendFen)
    acc.n++
    acc.spendFen += spend
    acc.points += num(m.points)
    if (typeof m.stats?.purchases === 'number' && m.stats.purchases >= 1) {
      acc.buyers++
      acc.buyerSpendFen += spend
    }
    if (m.churn?.clvFen !== undefined && m.churn?.clvFen !== null) {
      acc.scored++
      acc.scoredSpendFen += spend
      acc.clvFen += num(m.churn.clvFen)
      acc.risk += num(m.churn.risk)
    }
    out.set(k, acc)
  }
  return [...out.values()]
}

/** The snapshot as the report's StageTierRow, BuyerRow and ScoredRow. */
function snapshotInputs(rows: SnapshotRow[]): { stageTier: StageTierRow[]; buyers: BuyerRow[]; scored: ScoredRow[] } {
  return {
    stageTier: rows.map(r => ({ stage: r.stage, tierId: r.tierId, n: r.n, spendFen: r.spendFen })),
    buyers: rows.map(r => ({ tierId: r.tierId, n: r.buyers, spendFen: r.buyerSpendFen })),
    scored: rows.map(r => ({ tierId: r.tierId, n: r.scored, spendFen: r.scoredSpendFen, clvFen: r.clvFen, risk: r.risk })),
  }
}

// ---------------------------------------------------------------------------------------------
// a range from its days

// Distinct counts over a range run on sorted typed arrays of keys: at a million members a year holds
// millions of (member, day) entries, too many for Sets and Maps of keys within the report's time.

/** The keys of several lists, each once, sorted. */
function sortedUnique(lists: ReadonlyArray<ArrayLike<MemberKey>>): Float64Array {
  const all = new Float64Array(lists.reduce((n, l) => n + l.length, 0))
  let n = 0
  for (const list of lists) for (let i = 0; i < list.length; i++) all[n++] = list[i]
  all.sort()
  let kept = 0
  for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[i - 1]) all[kept++] = all[i]
  return all.subarray(0, kept)
}

/** Where `key` is in `sorted`, or -1. */
function indexOfKey(sorted: Float64Array, key: MemberKey): number {
  let lo = 0
  let hi = sorted.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1
    if (sorted[mid] < key) lo = mid + 1
    else if (sorted[mid] > key) hi = mid - 1
    else return mid
  }
  return -1
}

/**
 * Buyers by the number of days they bought on (5 = five or more); the purchases and sales totals ride
 * on a `days: 0` row. `perDay` holds each member once per day (a day's merged lists, a store day's set).
 */
function buyerDays(perDay: ReadonlyArray<ArrayLike<MemberKey>>, purchases: number, salesFen: number): BuyerDaysRow[] {
  // one entry per member and day, sorted: a member's days are adjacent
  const entries = new Float64Array(perDay.reduce((n, keys) => n + keys.length, 0))
  let n = 0
  for (const keys of perDay) for (let i = 0; i < keys.length; i++) entries[n++] = keys[i]
  entries.sort()
  const buckets = new Map<number, number>()
  for (let i = 0; i < n;) {
    let j = i + 1
    while (j < n && entries[j] === entries[i]) j++
    bump(buckets, Math.min(j - i, 5))
    i = j
  }
  return [{ days: 0, buyers: 0, purchases, salesFen }, ...[...buckets].map(([d, buyers]) => ({ days: d, buyers, purchases: 0, salesFen: 0 }))]
}

/** Members who joined in the range: their keys sorted, each with the day they joined (the last, should a key repeat). */
interface Joined {
  keys: Float64Array
  days: string[]
}

function joinedIn(brand: BrandDay[], days: Set<string>): Joined {
  const pairs = brand.filter(b => days.has(b.day)).flatMap(b => b.joined.map(k => ({ k, day: b.day })))
  pairs.sort((x, y) => x.k - y.k || x.day.localeCompare(y.day))
  const last = pairs.filter((p, i) => i === pairs.length - 1 || pairs[i + 1].k !== p.k)
  return { keys: Float64Array.from(last, p => p.k), days: last.map(p => p.day) }
}

/** Joined members who bought in the range, by join month × purchase month (`perDay`: the buyers of each day). */
function cohorts(joined: Joined, perDay: Array<{ day: string; keys: ArrayLike<MemberKey> }>): CohortActiveRow[] {
  const months = [...new Set(perDay.map(d => d.day.slice(0, 7)))].sort()
  const monthIndex = new Map(months.map((m, i) => [m, i]))
  const boughtIn = new Uint32Array(joined.keys.length) // per joined member: a bit per month of the range (≤ 13)
  const cells = new Map<string, number>()
  for (const { day, keys } of perDay) {
    const month = day.slice(0, 7)
    const bit = 1 << monthIndex.get(month)!
    for (let i = 0; i < keys.length; i++) {
      const j = indexOfKey(joined.keys, keys[i])
      if (j < 0 || boughtIn[j] & bit) continue
      boughtIn[j] |= bit
      bump(cells, `${joined.days[j].slice(0, 7)}\n${month}`)
    }
  }
  return [...cells].map(([cell, members]) => ({ cohort: cell.split('\n')[0], month: cell.split('\n')[1], members }))
}

/** NPS answers rebuilt from per-day score counts (at noon of the day: only the month matters). */
function npsAnswers(days: Array<{ day: string; storeId: string; nps: number[] }>): ReportInput['nps'] {
  const out: ReportInput['nps'] = []
  for (const d of days) {
    const at = new Date(rangeBounds({ from: d.day, to: d.day }).start.getTime() + DAY_MS / 2)
    d.nps.forEach((n, score) => {
      for (let i = 0; i < n; i++) out.push({ storeId: d.storeId, score, at })
    })
  }
  return out
}

export interface RollupReportArgs {
  range: DayRange
  now: Date
  followUpDays: number
  tiers: ReportInput['tiers']
  snapshot: SnapshotRow[]
  /** the rollups of the range's days and of the followUpDays after it (missing days are simply absent) */
  days: DayRollup[]
  templates: TemplateRow[]
  stores: ReportInput['stores']
}

/** The brand report's input from rollups: the same figures as from rows (domain/report.ts buildReport). */
export function reportInputFromRollups(a: RollupReportArgs): ReportInput {
  const inRange = new Set(daysOf(a.range))
  const days = a.days.filter(d => inRange.has(d.brand.day)).sort((x, y) => x.brand.day.localeCompare(y.brand.day))
  const brand = days.map(d => d.brand)
  const storeDays = days.flatMap(d => d.stores.map(s => ({ ...s, day: d.brand.day })))
  const buyersPerDay = days.map(d => ({ day: d.brand.day, keys: sortedUnique(d.stores.map(s => s.buyers)) }))
  const joined = joinedIn(brand, inRange)
  const sum = <T>(list: T[], f: (x: T) => number) => list.reduce((s, x) => s + f(x), 0)

  const coupons = new Map<string, { templateId: string; status: string; n: number }>()
  const lapsed = new Map<string, number>()
  for (const b of brand) {
    for (const c of b.coupons) {
      const acc = coupons.get(`${c.templateId}\n${c.status}`) ?? { templateId: c.templateId, status: c.status, n: 0 }
      acc.n += c.n
      coupons.set(`${c.templateId}\n${c.status}`, acc)
    }
    for (const v of b.available) if (v.until <= a.now.getTime()) bump(lapsed, v.templateId, v.n)
  }

  const checkins: CheckinCountRow[] = brand.flatMap(b => b.checkins.map(c => ({ day: b.day, kind: c.kind, n: c.n, points: c.points })))
  const ledger: LedgerSumRow[] = brand.flatMap(b => b.ledger.map(l => ({ month: b.day.slice(0, 7), ...l })))
  const reminders: ReminderLogRow[] = brand.flatMap(b => b.sends.map(s => ({ _id: s.id, memberId: String(s.key), kind: s.kind, sentAt: new Date(s.at), status: s.status })))
  // purchases that may follow a send in the range: from its start to followUpDays after its end
  const { start, end } = rangeBounds(a.range)
  const lastFollowUp = end.getTime() + a.followUpDays * DAY_MS
  const followUps: PurchaseRow[] = a.days
    .flatMap(d => d.brand.followUps)
    .filter(p => p.at >= start.getTime() && p.at <= lastFollowUp)
    .map((p, i) => ({ _id: `f${i}`, memberId: String(p.key), amountFen: p.net, refundedFen: 0, status: 'completed', createdAt: new Date(p.at) }))

  return {
    range: a.range,
    now: a.now,
    followUpDays: a.followUpDays,
    tiers: a.tiers,
    ...snapshotInputs(a.snapshot),
    joinedByDay: brand.map((b): JoinedDayRow => ({ day: b.day, n: b.joined.length })),
    buyerDays: buyerDays(
      buyersPerDay.map(d => d.keys),
      sum(storeDays, s => s.purchases),
      sum(storeDays, s => s.salesFen),
    ),
    cohorts: cohorts(joined, buyersPerDay),
    followUps,
    templates: a.templates,
    coupons: [...coupons.values()],
    lapsed: [...lapsed].map(([templateId, n]) => ({ templateId, n })),
    checkins,
    ledger,
    reminders,
    nps: npsAnswers(storeDays),
    stores: a.stores,
  }
}

export interface StoreRollupArgs {
  range: DayRange
  now: Date
  tiers: ReportInput['tiers']
  /** the store's customers now (from their purchases there): StoreReportInput's stageTier and buyers */
  stageTier: StageTierRow[]
  buyers: BuyerRow[]
  /** the range's rollups: the brand part (who joined) and this store's part */
  days: DayRollup[]
  store: { storeId: string; name: string }
}

/** One store's report input from rollups: only this store's rows go in. */
export function storeReportInputFromRollups(a: StoreRollupArgs): StoreReportInput {
  const inRange = new Set(daysOf(a.range))
  const days = a.days.filter(d => inRange.has(d.brand.day)).sort((x, y) => x.brand.day.localeCompare(y.brand.day))
  const mine = days.flatMap(d => d.stores.filter(s => s.storeId === a.store.storeId).map(s => ({ ...s, day: d.brand.day })))
  const joined = joinedIn(
    days.map(d => d.brand),
    inRange,
  )
  const visitors = sortedUnique(mine.flatMap(s => [s.buyers, s.visitors]))
  const joinedHere = new Map<string, number>() // join day → members who joined then and came to the store
  joined.keys.forEach((k, j) => {
    if (indexOfKey(visitors, k) >= 0) bump(joinedHere, joined.days[j])
  })
  const offs = new Map<string, { name: string; n: number; discountFen: number }>()
  for (const s of mine) {
    for (const w of s.writeOffs) {
      const acc = offs.get(w.name) ?? { name: w.name, n: 0, discountFen: 0 }
      acc.n += w.n
      acc.discountFen += w.discountFen
      offs.set(w.name, acc)
    }
  }
  return {
    range: a.range,
    now: a.now,
    tiers: a.tiers,
    stageTier: a.stageTier,
    buyers: a.buyers,
    joinedByDay: [...joinedHere].map(([day, n]) => ({ day, n })),
    buyerDays: buyerDays(
      mine.map(s => s.buyers),
      mine.reduce((t, s) => t + s.purchases, 0),
      mine.reduce((t, s) => t + s.salesFen, 0),
    ),
    cohorts: cohorts(
      joined,
      mine.map(s => ({ day: s.day, keys: s.buyers })),
    ),
    writeOffs: [...offs.values()],
    nps: npsAnswers(mine),
    store: a.store,
  }
}
