/**
 * The reports' daily rollups (`report_daily`, domain/report-rollup.ts): the job that keeps them and
 * the reads the reports make of them.
 *
 * The job (`rollupReports`, run by `dailyJobs` every night and by hand to catch up) rolls up, in day
 * order, each Shanghai day up to yesterday not rolled up yet, plus the two days before again (late rows);
 * a refund, a make-up check-in or a coupon write-off on a day it rolls up marks the day of the
 * purchase, of the filled day or of the coupon's issue as dirty, and dirty days are rolled up again.
 * Then it sums the member snapshot over all members, a page at a time, once per day. Every read is a
 * date range paged in index order ((date, _id)), every step ends inside a time budget, and the state
 * (`jobs/report_rollup`: the last day done, the dirty days, the snapshot's cursor and partial sums) lets
 * the next call go on. A lease keeps two callers from working at once.
 *
 * A report reads the rollups of its range (a few pages of docs) and the latest snapshot. Days with no
 * rollup (today, a fresh install) are read from rows on demand while they are few (ON_DEMAND_MAX_ROWS
 * per collection); otherwise the answer lists them in `rollups.missingDays` and leaves them out.
 */
import { daysOf, rangeBounds, type DayRange, type TemplateRow } from '../../domain/report'
import {
  addToSnapshot,
  BRAND_DOC,
  FOLLOW_UP_MAX_DAYS,
  packKeys,
  rollupDay,
  splitByDay,
  storedKey,
  unpackKeys,
  type BrandDay,
  type DayRollup,
  type DayRows,
  type MemberKey,
  type SendEntry,
  type SnapshotRow,
  type StoreDay,
} from '../../domain/report-rollup'
import { addDays, shanghaiDay } from '../../domain/time'
import { claimLease } from '../shared/jobs'
import { _ } from '../shared/cloud'
import type { CollectionHandle } from '../shared/collection'
import { checkins as checkinsColl } from '../shared/collections/checkins'
import { writeOffs as writeOffsColl } from '../shared/collections/coupon_writeoffs'
import { npsResponses } from '../shared/collections/nps_responses'
import { ledger as ledgerColl } from '../shared/collections/points_ledger'
import { refunds as refundsColl } from '../shared/collections/refunds'
import { couponTemplates } from '../shared/collections/coupon_templates'
import { coupons as couponsColl } from '../shared/collections/coupons'
import { jobs, ROLLUP_JOB_ID } from '../shared/collections/jobs'
import { members } from '../shared/collections/members'
import { purchases as purchasesColl } from '../shared/collections/purchases'
import { remindersLog } from '../shared/collections/reminders_log'
import { reportDaily as rollups } from '../shared/collections/report_daily'
import { stores as storesColl } from '../shared/collections/stores'
import { docsByIds, findById, PAGE, readAll } from '../shared/query'
import type { Doc } from '../shared/sdk-types'

const DAY_MS = 86_400_000
/** Days rolled up again every day after the last one (rows written late, refunds the same day). */
const REDO_DAYS = 2
/** A fresh install rolls up from the first member's day, at most this far back (a year's report and its follow-ups). */
const BACKFILL_DAYS = 400
/** Rows per collection a report may read on demand for days without a rollup. */
export const ON_DEMAND_MAX_ROWS = 3000
/** The job's lease (longer than one invocation). */
const LEASE_MS = 60_000
/** The time a day's rollup is assumed to take before one was timed (and what a snapshot page needs left). */
const MIN_DAY_MS = 2000
/** The most days one read covers (their rows together; the pace decides how many fit). */
const MAX_SPAN_DAYS = 14
/** Member ids per `_.in` query when reading the sends behind the day's buyers. */
const IN_CHUNK = 100

class TooManyRows extends Error {}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0)
const str = (v: unknown) => (typeof v === 'string' ? v : '')
const nextDay = (day: string) => addDays(day, 1)

/**
 * Docs with `field` in [lo, hi), in index order (field, _id), a page at a time from the last one seen
 * (no growing skip); more than `cap` docs throws TooManyRows.
 */
async function readOrdered(
  collection: CollectionHandle<any>,
  where: Record<string, unknown>,
  field: string,
  lo: unknown,
  hi: unknown,
  fields: Record<string, true> | null,
  cap = Infinity,
): Promise<Doc[]> {
  const out: Doc[] = []
  let last: Doc | null = null
  for (;;) {
    const cond: Record<string, unknown> = !last
      ? { ...where, [field]: _.gte(lo).and(_.lt(hi)) }
      : _.or([
          { ...where, [field]: _.gt(last[field]).and(_.lt(hi)) },
          { ...where, [field]: last[field], _id: _.gt(String(last._id)) },
        ])
    const query = (collection as CollectionHandle<Doc>).where(cond).orderBy(field, 'asc').orderBy('_id', 'asc').limit(PAGE)
    const { data } = await (fields ? query.field({ _id: true, [field]: true, ...fields }) : query).get()
    out.push(...data)
    if (out.length > cap) throw new TooManyRows(collection.name)
    if (data.length < PAGE) return out
    last = data[data.length - 1]
  }
}

/** The sends to `memberIds` in [from, to) (index memberId_id), for the purchases that may follow them. */
async function sendsTo(memberIds: string[], from: Date, to: Date): Promise<Doc[]> {
  const ids = [...new Set(memberIds)]
  const chunks = Array.from({ length: Math.ceil(ids.length / IN_CHUNK) }, (_x, k) => ids.slice(k * IN_CHUNK, (k + 1) * IN_CHUNK))
  const pages = await Promise.all(
    chunks.map(chunk =>
      readAll(
        remindersLog
          .where({ memberId: _.in(chunk), sentAt: _.gte(from).and(_.lt(to)) })
          .orderBy('_id', 'asc')
          .field({ _id: true, memberId: true, kind: true, sentAt: true, status: true }),
      ),
    ),
  )
  return pages.flat()
}

const date = (v: unknown) => new Date(v as string)

interface SpanOptions {
  /** rows per collection at most (TooManyRows beyond) */
  cap?: number
  /** the job: also what marks earlier days dirty (make-ups done, refunded purchases, coupons written off) */
  job?: boolean
  /** the successful sends of the FOLLOW_UP_MAX_DAYS before the span, from stored rollups (no log read) */
  keyedSends?: Array<{ key: MemberKey; at: number; status: string }>
}

/** The rows of days `from`–`to` (Shanghai), read in index order. */
async function readSpan(from: string, to: string, opts: SpanOptions): Promise<Omit<DayRows, 'day'> & { refundOf: string[]; makeupDays: string[]; couponIds: string[] }> {
  const { start, end } = rangeBounds({ from, to })
  const cap = opts.cap ?? Infinity
  const none = async (): Promise<Doc[]> => []
  const [purchases, refunds, joined, checkins, makeups, ledger, coupons, ownSends, nps, writeOffs] = await Promise.all([
    readOrdered(purchasesColl, {}, 'createdAt', start, end, { memberId: true, storeId: true, amountFen: true, refundedFen: true, status: true }, cap),
    readOrdered(refundsColl, {}, 'createdAt', start, end, { storeId: true, amountFen: true, purchaseId: true }, cap),
    readOrdered(members, {}, 'createdAt', start, end, {}, cap),
    readOrdered(checkinsColl, {}, 'day', from, nextDay(to), { kind: true, points: true }, cap),
    // make-ups done in the span fill earlier days of their month: those days are rolled up again
    opts.job ? readOrdered(checkinsColl, { kind: 'makeup' }, 'createdAt', start, end, { day: true }, cap) : none(),
    readOrdered(ledgerColl, {}, 'createdAt', start, end, { kind: true, sourceType: true, delta: true }, cap),
    readOrdered(couponsColl, {}, 'issuedAt', start, end, { templateId: true, status: true, validUntil: true }, cap),
    readOrdered(remindersLog, {}, 'sentAt', start, end, { memberId: true, kind: true, status: true }, cap),
    readOrdered(npsResponses, {}, 'at', start, end, { storeId: true, score: true, dismissed: true }, cap),
    readOrdered(writeOffsColl, {}, 'at', start, end, { storeId: true, name: true, discountFen: true, undone: true, couponId: true }, cap),
  ])
  const buyers = purchases.filter(p => p.status !== 'refunded').map(p => String(p.memberId))
  // the sends before the span come from the rollups when the caller has them, else from the log
  const earlier = opts.keyedSends ? [] : await sendsTo(buyers, new Date(start.getTime() - FOLLOW_UP_MAX_DAYS * DAY_MS), end)
  const sends = new Map([...earlier, ...ownSends].map(s => [String(s._id), s]))
  return {
    purchases: purchases.map(p => ({
      memberId: str(p.memberId),
      storeId: str(p.storeId) || null,
      amountFen: num(p.amountFen),
      refundedFen: num(p.refundedFen),
      status: str(p.status),
      createdAt: date(p.createdAt),
    })),
    refunds: refunds.map(r => ({ storeId: str(r.storeId) || null, amountFen: num(r.amountFen), createdAt: date(r.createdAt) })),
    joined: joined.map(m => ({ _id: String(m._id), createdAt: date(m.createdAt) })),
    checkins: checkins.map(c => ({ day: str(c.day), kind: str(c.kind), points: num(c.points) })),
    ledger: ledger.map(l => ({ kind: str(l.kind), sourceType: str(l.sourceType), delta: num(l.delta), createdAt: date(l.createdAt) })),
    coupons: coupons.map(c => ({ templateId: str(c.templateId), status: str(c.status), validUntil: date(c.validUntil), issuedAt: date(c.issuedAt) })),
    ...(opts.keyedSends ? { keyedSends: opts.keyedSends } : {}),
    sends: [...sends.values()].map(s => ({ _id: String(s._id), memberId: str(s.memberId), kind: str(s.kind), sentAt: date(s.sentAt), status: str(s.status) })),
    nps: nps.map(a => ({ storeId: str(a.storeId), score: num(a.score), dismissed: a.dismissed === true, at: date(a.at) })),
    writeOffs: writeOffs.map(w => ({ storeId: str(w.storeId) || null, name: str(w.name), discountFen: num(w.discountFen), undone: w.undone ?? null, at: date(w.at) })),
    refundOf: refunds.map(r => str(r.purchaseId)).filter(Boolean),
    makeupDays: makeups.map(m => str(m.day)).filter(Boolean),
    couponIds: writeOffs.map(w => str(w.couponId)).filter(Boolean),
  }
}

/** The rollups of days `from`–`to` computed from rows (nothing written). */
export async function rollupsFromRows(from: string, to: string, opts: SpanOptions = {}): Promise<{ days: DayRollup[]; dirty: string[] }> {
  const span = await readSpan(from, to, opts)
  const [purchases, coupons] = opts.job
    ? await Promise.all([docsByIds(purchasesColl, span.refundOf, { createdAt: true }), docsByIds(couponsColl, span.couponIds, { issuedAt: true })])
    : [new Map<string, Doc>(), new Map<string, Doc>()]
  const dirty = new Set([...[...purchases.values()].map(p => shanghaiDay(date(p.createdAt))), ...[...coupons.values()].map(c => shanghaiDay(date(c.issuedAt))), ...span.makeupDays])
  const days = daysOf({ from, to })
  return { days: splitByDay(days, span).map(rollupDay), dirty: [...dirty].filter(d => d < from).sort() }
}

// ---------------------------------------------------------------------------------------------
// the stored rollups

const docId = (day: string, storeId: string) => `${day}|${storeId}`

/** Writes a day's rollup: its brand doc and one doc per store (key lists packed), and removes store docs it no longer has. */
async function saveDay(r: DayRollup, now: Date): Promise<void> {
  const day = r.brand.day
  await Promise.all([
    rollups.doc(docId(day, BRAND_DOC)).set({ data: { kind: 'day', storeId: BRAND_DOC, ...r.brand, joined: packKeys(r.brand.joined), computedAt: now } }),
    ...r.stores.map(s => rollups.doc(docId(day, s.storeId)).set({ data: { kind: 'day', day, ...s, buyers: packKeys(s.buyers), visitors: packKeys(s.visitors), computedAt: now } })),
  ])
  await rollups.where({ kind: 'day', day, storeId: _.nin([BRAND_DOC, ...r.stores.map(s => s.storeId)]) }).remove()
}

/** Stored entries with their member keys as numbers, whatever form they were stored in. */
const withStoredKeys = <T extends { key: unknown }>(entries: T[] | undefined): T[] => (entries ?? []).map(x => ({ ...x, key: storedKey(x.key) }))

/** A stored brand doc's reminder sends. */
const storedSends = (d: Doc): SendEntry[] => withStoredKeys<SendEntry>(d.sends)

/** Stored docs → one DayRollup per day that has a brand doc. */
function assemble(docs: Doc[]): Map<string, DayRollup> {
  const out = new Map<string, DayRollup>()
  for (const d of docs.filter(x => x.storeId === BRAND_DOC)) {
    const brand: BrandDay = {
      day: str(d.day),
      joined: unpackKeys(d.joined),
      checkins: d.checkins ?? [],
      ledger: d.ledger ?? [],
      coupons: d.coupons ?? [],
      available: d.available ?? [],
      sends: storedSends(d),
      followUps: withStoredKeys<BrandDay['followUps'][number]>(d.followUps),
    }
    out.set(brand.day, { brand, stores: [] })
  }
  for (const d of docs.filter(x => x.storeId !== BRAND_DOC)) {
    const day = out.get(str(d.day))
    if (!day) continue
    const s: StoreDay = {
      storeId: str(d.storeId),
      purchases: num(d.purchases),
      salesFen: num(d.salesFen),
      paidFen: num(d.paidFen),
      refundFen: num(d.refundFen),
      buyers: unpackKeys(d.buyers),
      visitors: unpackKeys(d.visitors),
      nps: d.nps ?? [],
      writeOffs: d.writeOffs ?? [],
    }
    day.stores.push(s)
  }
  return out
}

export interface RollupsOfRange {
  days: DayRollup[]
  /** days of the range with neither a rollup nor few enough rows to read on demand */
  missingDays: string[]
  /** days read from rows for this answer */
  computedDays: string[]
}

/**
 * The rollups of `range` and of the `extraDays` after it (up to today): stored ones (one store's, or
 * all stores'), and the ones missing computed from rows when they are few.
 */
export async function rollupsOf(range: DayRange, extraDays: number, now: Date, storeId: string | null = null): Promise<RollupsOfRange> {
  const today = shanghaiDay(now)
  const through = addDays(range.to, extraDays)
  const where = (s: string | null) => (s === null ? { kind: 'day' } : { kind: 'day', storeId: s })
  const docs = storeId
    ? (await Promise.all([readOrdered(rollups, where(BRAND_DOC), 'day', range.from, nextDay(through), null), readOrdered(rollups, where(storeId), 'day', range.from, nextDay(through), null)])).flat()
    : await readOrdered(rollups, where(null), 'day', range.from, nextDay(through), null)
  const stored = assemble(docs)
  const wanted = daysOf({ from: range.from, to: through }).filter(d => d <= today)
  const absent = wanted.filter(d => !stored.has(d))
  let computedDays: string[] = []
  let missingDays: string[] = []
  if (absent.length) {
    try {
      // the sends before the first absent day are in the stored rollups when all 30 days before it are
      const before = daysOf({ from: addDays(absent[0], -FOLLOW_UP_MAX_DAYS - 1), to: addDays(absent[0], -1) })
      const keyedSends = before.every(d => stored.has(d)) ? before.flatMap(d => stored.get(d)!.brand.sends) : undefined
      const { days } = await rollupsFromRows(absent[0], absent[absent.length - 1], { cap: ON_DEMAND_MAX_ROWS, keyedSends })
      const need = new Set(absent)
      for (const d of days) {
        if (!need.has(d.brand.day)) continue
        stored.set(d.brand.day, storeId ? { brand: d.brand, stores: d.stores.filter(s => s.storeId === storeId) } : d)
      }
      computedDays = absent
    } catch (err) {
      if (!(err instanceof TooManyRows)) throw err
      missingDays = absent.filter(d => d <= range.to)
    }
  }
  return { days: [...stored.values()], missingDays, computedDays }
}

/** The latest member snapshot: the job's, or read now from the members while they are few; null if neither. */
export async function latestSnapshot(now: Date): Promise<{ rows: SnapshotRow[]; at: Date } | null> {
  const { data } = await rollups.where({ kind: 'snapshot' }).orderBy('snapshotDay', 'desc').limit(1).get()
  if (data.length) return { rows: data[0].rows ?? [], at: date(data[0].at) }
  let rows: SnapshotRow[] = []
  let last: string | null = null
  for (let read = 0; ;) {
    const page = await membersPage(last, PAGE)
    rows = addToSnapshot(rows, page)
    read += page.length
    if (page.length < PAGE) return { rows, at: now }
    if (read >= ON_DEMAND_MAX_ROWS) return null
    last = String(page[page.length - 1]._id)
  }
}

const SNAPSHOT_FIELDS = { _id: true, status: true, stage: true, tierId: true, points: true, 'stats.purchases': true, 'stats.spendFen': true, 'churn.clvFen': true, 'churn.risk': true }

/** Members after `_id` `after`, in `_id` order, with the fields the snapshot sums. */
async function membersPage(after: string | null, limit: number): Promise<Doc[]> {
  const { data } = await members
    .where(after === null ? {} : { _id: _.gt(after) })
    .orderBy('_id', 'asc')
    .limit(limit)
    .field(SNAPSHOT_FIELDS)
    .get()
  return data
}

// ---------------------------------------------------------------------------------------------
// the job

/**
 * The successful sends of the FOLLOW_UP_MAX_DAYS before `day` from their stored brand docs, when every
 * one of those days is rolled up (else undefined: the span reads the log for its buyers, about one
 * query per 100 buyers of the span).
 */
async function storedSendsBefore(day: string): Promise<SendEntry[] | undefined> {
  const docs = await readOrdered(rollups, { kind: 'day', storeId: BRAND_DOC }, 'day', addDays(day, -FOLLOW_UP_MAX_DAYS), day, { sends: true })
  if (docs.length < FOLLOW_UP_MAX_DAYS) return undefined
  return docs.flatMap(storedSends)
}

interface JobDoc {
  _id: string
  /** the last day rolled up in day order */
  throughDay: string | null
  /** the Shanghai day whose redo of the days before was done */
  redoneOn: string | null
  dirty: string[]
  /** days marked by writers since (markRollupDaysStale), taken into `dirty` by the next step */
  stale?: string[]
  snapshot: { day: string; cursor: string | null; rows: SnapshotRow[]; read: number } | null
  snapshotDay: string | null
  claimedUntil: Date | null
}

export interface RollupStep {
  /** days rolled up by this call */
  days: string[]
  /** days still to roll up (in order, then dirty) */
  pending: number
  snapshot: { day: string | null; status: 'done' | 'running'; members: number }
  /** true when another call has work left */
  more: boolean
  busy?: boolean
}

async function jobDoc(): Promise<JobDoc> {
  const found = await findById<JobDoc>(jobs as never, ROLLUP_JOB_ID)
  if (found) return found
  const { _id, ...fresh } = { _id: ROLLUP_JOB_ID, throughDay: null, redoneOn: null, dirty: [], snapshot: null, snapshotDay: null, claimedUntil: null } satisfies JobDoc
  await jobs.doc(_id).set({ data: fresh })
  return { _id, ...fresh }
}

/** The first day to roll up on a fresh install: the first member's day, at most BACKFILL_DAYS back. */
async function firstDay(yesterday: string): Promise<string> {
  const { data } = await members
    .where({ createdAt: _.gt(new Date(0)) })
    .orderBy('createdAt', 'asc')
    .orderBy('_id', 'asc')
    .limit(1)
    .field({ _id: true, createdAt: true })
    .get()
  const floor = addDays(yesterday, -BACKFILL_DAYS)
  const first = data.length ? shanghaiDay(date(data[0].createdAt)) : yesterday
  return first > floor ? first : floor
}

/**
 * One bounded step of the job, inside `budgetMs`: days in order up to yesterday (with the REDO_DAYS
 * before the first new one again), then the dirty days, then the member snapshot. `rebuild` marks the
 * days of a range dirty first (after a history import, say).
 */
export async function rollupStep(now: Date, budgetMs: number, rebuild: DayRange | null = null): Promise<RollupStep> {
  const started = Date.now()
  const left = () => budgetMs - (Date.now() - started)
  const job = await jobDoc()
  if (!(await claimLease(jobs as never, ROLLUP_JOB_ID, 'claimedUntil', LEASE_MS))) {
    return { days: [], pending: 0, snapshot: { day: job.snapshotDay, status: job.snapshot ? 'running' : 'done', members: job.snapshot?.read ?? 0 }, more: true, busy: true }
  }
  try {
    const today = shanghaiDay(now)
    const yesterday = addDays(today, -1)
    const dirty = new Set(job.dirty)
    if (rebuild) for (const d of daysOf(rebuild)) if (d <= yesterday) dirty.add(d)
    let through = job.throughDay ?? addDays(await firstDay(yesterday), -1)
    const save = (patch: Partial<JobDoc>) => jobs.doc(ROLLUP_JOB_ID).update({ data: patch })
    const stale = job.stale ?? []
    if (stale.length) {
      // taken over as dirty; pullAll keeps a day marked meanwhile
      for (const d of stale) if (d <= yesterday) dirty.add(d)
      await jobs.doc(ROLLUP_JOB_ID).update({ data: { dirty: [...dirty].sort(), stale: _.pullAll(stale) } })
    }
    if (job.redoneOn !== today) {
      // a new day: the REDO_DAYS before yesterday again (rows written late, refunds and undos the same day)
      through = [through, addDays(yesterday, -REDO_DAYS - 1)].sort()[0]
      await save({ throughDay: through, redoneOn: today })
    }
    const done: string[] = []
    // the pace: ms per day rolled up, the slowest seen (before any, a day is given MIN_DAY_MS)
    let perDay = 0
    const fits = (days: number) => left() >= 2 * Math.max(MIN_DAY_MS, perDay * days)
    const rollSpan = async (from: string, to: string) => {
      const t = Date.now()
      const { days, dirty: found } = await rollupsFromRows(from, to, { job: true, keyedSends: await storedSendsBefore(from) })
      for (const d of days) await saveDay(d, now)
      for (const d of found) dirty.add(d)
      for (const d of days) dirty.delete(d.brand.day)
      done.push(...days.map(d => d.brand.day))
      perDay = Math.max(perDay, (Date.now() - t) / days.length)
    }
    // days in order, several per read once the pace is known (their rows read together)
    while (through < yesterday) {
      const left_ = daysOf({ from: addDays(through, 1), to: yesterday }).length
      const span = perDay ? Math.max(1, Math.min(MAX_SPAN_DAYS, left_, Math.floor(left() / (2 * perDay)))) : 1
      if (!fits(span)) break
      const to = addDays(through, span)
      await rollSpan(addDays(through, 1), to)
      through = to
      await save({ throughDay: through, dirty: [...dirty].sort() })
    }
    const caughtUp = through >= yesterday
    for (const day of [...dirty].sort()) {
      if (!dirty.has(day)) continue // rolled up in a span above
      if (!fits(1)) break
      if (day > through) {
        dirty.delete(day)
        continue
      }
      await rollSpan(day, day)
      await save({ dirty: [...dirty].sort() })
    }
    // the member snapshot, once a day, after the days
    let snap = job.snapshot
    let snapshotDay = job.snapshotDay
    if (caughtUp && !dirty.size && snapshotDay !== today) {
      snap ??= { day: today, cursor: null, rows: [], read: 0 }
      while (left() >= MIN_DAY_MS) {
        const page = await membersPage(snap.cursor, PAGE)
        snap = { day: snap.day, rows: addToSnapshot(snap.rows, page), read: snap.read + page.length, cursor: page.length ? String(page[page.length - 1]._id) : snap.cursor }
        if (page.length < PAGE) {
          await rollups.doc(`snapshot|${snap.day}`).set({ data: { kind: 'snapshot', snapshotDay: snap.day, at: now, members: snap.read, rows: snap.rows } })
          snapshotDay = snap.day
          snap = null
          break
        }
        await save({ snapshot: snap })
      }
      await save({ snapshot: snap, snapshotDay })
    }
    const pending = (caughtUp ? 0 : daysOf({ from: addDays(through, 1), to: yesterday }).length) + dirty.size
    return {
      days: done,
      pending,
      snapshot: { day: snapshotDay, status: snap ? 'running' : 'done', members: snap?.read ?? 0 },
      more: pending > 0 || snapshotDay !== today,
    }
  } finally {
    await jobs
      .doc(ROLLUP_JOB_ID)
      .update({ data: { claimedUntil: null } })
      .catch(() => undefined)
  }
}

/** The coupon templates and stores the report names (small collections). */
export async function namesOf(): Promise<{ templates: TemplateRow[]; stores: Array<{ storeId: string; name: string }> }> {
  const [templates, stores] = await Promise.all([
    readAll(couponTemplates.orderBy('_id', 'asc').field({ _id: true, name: true, type: true, totalStock: true })),
    readAll(storesColl.orderBy('_id', 'asc').field({ _id: true, name: true })),
  ])
  return {
    templates: templates.map(t => ({ _id: String(t._id), name: String(t.name ?? t._id), type: String(t.type ?? ''), totalStock: typeof t.totalStock === 'number' ? t.totalStock : null })),
    stores: stores.map(s => ({ storeId: String(s._id), name: String(s.name ?? s._id) })),
  }
}
