/**
 * Saved segments (`segments`): their rules, and who is in them. A segment's members are stored on the
 * members (`segmentIds`, index segmentIds_id), so reading them is an indexed query at any size; asking
 * the database by rule would be a scan of every member. Saving a rule starts a pass over the members
 * (`segmentPassStep`: inline for a small brand, then in steps on the tiers timer) and the daily tiers
 * job keeps every segment current as it scores each member.
 */
import { AppError } from '../../types/result'
import { SEGMENT_FIELDS, SEGMENT_PREVIEW_SAMPLE, SegmentRuleSchema, type SegmentMembershipView } from '../../types/segments'
import { estimateCount, matches, resolveRule, type ResolvedRule, type SavedRule } from '../../domain/segments'
import { shanghaiDay } from '../../domain/time'
import { _ } from './cloud'
import { jobs } from './collections/jobs'
import { isDeleted, members } from './collections/members'
import { segments, type SegmentDoc, type SegmentMembership } from './collections/segments'
import { claimLease } from './jobs'
import { findById, PAGE, readAll } from './query'
import type { Doc, Transaction } from './sdk-types'
import { getInTransaction } from './transaction'

export { segments, type SegmentDoc } from './collections/segments'

/** A stored segment's rule resolved at `now`. */
export const ruleOf = (doc: Pick<SegmentDoc, 'rule'>, now: Date): ResolvedRule => resolveRule(SegmentRuleSchema.parse(doc.rule), now)

/** The segment's rule resolved at `now`, or null when there is no such segment. */
export async function segmentRule(segmentId: string, now: Date, t?: Transaction): Promise<ResolvedRule | null> {
  const doc = t ? await getInTransaction(t, segments, segmentId) : await findById(segments, segmentId)
  return doc ? ruleOf(doc, now) : null
}

/** Every saved segment's rule resolved at `now` (a handful: operators save them one by one). */
export async function savedRules(now: Date): Promise<SavedRule[]> {
  const docs = await readAll(segments.orderBy('_id', 'asc'))
  return docs.map(d => ({ segmentId: d._id, rule: ruleOf(d, now) }))
}

/** A pass from the first member for a rule saved at `now`. */
export function newMembership(now: Date): SegmentMembership {
  return { state: 'computing', version: now.getTime(), cursor: null, found: 0, visited: 0, readyAt: null, claimedUntil: null }
}

export function membershipView(doc: SegmentDoc): SegmentMembershipView {
  const m = doc.membership
  return { state: m?.state ?? 'computing', visited: m?.visited ?? 0, asOf: m?.readyAt ? new Date(m.readyAt).toISOString() : null }
}

/** The `where` of a saved segment's members (index segmentIds_id), with `extra` conditions. */
export const inSegment = (segmentId: string, extra: object = {}) => ({ segmentIds: segmentId, ...extra })

/** The saved segment whose members may be read now: NOT_FOUND, or FAILED_PRECONDITION while they are computed. */
export async function readySegment(segmentId: string): Promise<SegmentDoc> {
  const doc = await findById(segments, segmentId)
  if (!doc) throw new AppError('NOT_FOUND', `人群不存在：${segmentId}`)
  if (doc.membership?.state !== 'ready') {
    const visited = (doc.membership?.visited ?? 0).toLocaleString('en-US')
    throw new AppError('FAILED_PRECONDITION', `人群「${doc.name}」的成员还在计算中（已核对 ${visited} 位会员），请稍后再试`)
  }
  return doc
}

/**
 * A ready segment's members, `fields` only, read a page at a time in `_id` order after the last `_id`
 * seen (no growing skip). More than `max` is an error the caller words (`onTooMany`), found by reading
 * at most one page past it.
 */
export async function segmentMembersById<T extends { _id: string }>(segmentId: string, fields: Record<string, true>, max: number, onTooMany: () => Error): Promise<T[]> {
  const out: T[] = []
  let last: string | null = null
  for (;;) {
    const where = inSegment(segmentId, last === null ? {} : { _id: _.gt(last) })
    const { data }: { data: Doc[] } = await members
      .where(where)
      .orderBy('_id', 'asc')
      .limit(PAGE)
      .field({ _id: true, ...fields })
      .get()
    out.push(...(data as T[]))
    if (out.length > max) throw onTooMany()
    if (data.length < PAGE) return out
    last = String(data[data.length - 1]._id)
  }
}

/** What a rule can read of a member (SEGMENT_FIELDS' top-level fields), with what a pass and a sample need. */
const RULE_FIELDS: Record<string, true> = Object.fromEntries([...new Set(Object.keys(SEGMENT_FIELDS).map(f => f.split('.')[0])), 'status', 'segmentIds', 'memberNo', 'nickname'].map(f => [f, true]))

/**
 * A rule counted over the first SEGMENT_PREVIEW_SAMPLE members by `_id` (OPENIDs: a random sample),
 * scaled to all members: exact for a brand that small. `sample`: the first matching members read.
 */
export async function previewByRule(rule: ResolvedRule, sample: number): Promise<{ count: number; estimated: boolean; sampled: number; sample: Doc[] }> {
  const [{ total }, read] = await Promise.all([members.count(), readAll(members.orderBy('_id', 'asc').field(RULE_FIELDS), SEGMENT_PREVIEW_SAMPLE)])
  const matched = read.filter(d => !isDeleted(d) && matches(d, rule))
  // deleted accounts count in both the sample and the total, so the ratio scales over the same population
  return { ...estimateCount(matched.length, read.length, Math.max(total, read.length)), sampled: read.length, sample: matched.slice(0, sample) }
}

/** whether today's tiers run is scoring: it writes every member's `segmentIds` whole, so a pass waits */
async function dailyRunScoring(now: Date): Promise<boolean> {
  const run = await findById(jobs, `tiers-${shanghaiDay(now)}`)
  return run?.status === 'scoring'
}

const PASS_LEASE_MS = 30_000
const PASS_PAGE = 500
const PASS_WRITES = 8

export interface PassStep {
  segmentId: string
  state: SegmentMembership['state']
  visited: number
  found: number
}

/**
 * One step of a pass over the members for a segment whose rule is new (`segmentId`, or the first such
 * segment): pages of members in `_id` order from the saved cursor while `budgetMs` lasts (or `limit`
 * members, one page), each member's `segmentIds` gaining or losing the segment when that changed. Null
 * when there is nothing to do, another step holds the segment, or today's tiers run is scoring: it
 * writes members' whole `segmentIds` from the rules it loaded, and after it a pass starts from a rule
 * every later step reads too. A rule saved again meanwhile restarts the pass (its progress is dropped).
 */
export async function segmentPassStep(opts: { now: Date; budgetMs: number; segmentId?: string; limit?: number; dayRunDone?: boolean }): Promise<PassStep | null> {
  const started = Date.now()
  // the tiers coordinator has today's run in hand (`dayRunDone`); other callers look it up
  if (!opts.dayRunDone && (await dailyRunScoring(opts.now))) return null
  const candidates = opts.segmentId ? [await findById(segments, opts.segmentId)] : await readAll(segments.orderBy('_id', 'asc'))
  const doc = candidates.find(d => d && d.membership?.state !== 'ready')
  if (!doc) return null
  let m = doc.membership
  if (!m) {
    // saved before segments were stored on members: its pass starts now
    m = newMembership(new Date(doc.updatedAt))
    await segments.where({ _id: doc._id, membership: _.exists(false) }).update({ data: { membership: _.set(m) } })
  }
  const version = m.version
  if (!(await claimLease(segments, doc._id, 'membership.claimedUntil', PASS_LEASE_MS, { 'membership.version': version }))) return null
  const rule = ruleOf(doc, opts.now)
  let { cursor, found, visited } = m
  let state: SegmentMembership['state'] = 'computing'
  const limit = opts.limit ?? PASS_PAGE
  do {
    const { data } = await members
      .where(cursor === null ? {} : { _id: _.gt(cursor) })
      .orderBy('_id', 'asc')
      .limit(limit)
      .field(RULE_FIELDS)
      .get()
    const changes = data.flatMap(d => {
      const isIn = !isDeleted(d) && matches(d, rule)
      if (isIn) found++
      // a stored list that is not a list (the daily run would rewrite it) is replaced rather than changed
      if (d.segmentIds !== undefined && !Array.isArray(d.segmentIds)) return [{ _id: String(d._id), segmentIds: isIn ? [doc._id] : [] }]
      const was = Array.isArray(d.segmentIds) && d.segmentIds.includes(doc._id)
      return isIn === was ? [] : [{ _id: String(d._id), segmentIds: isIn ? _.addToSet(doc._id) : _.pull(doc._id) }]
    })
    for (let i = 0; i < changes.length; i += PASS_WRITES) {
      await Promise.all(changes.slice(i, i + PASS_WRITES).map(c => members.doc(c._id).update({ data: { segmentIds: c.segmentIds } })))
    }
    visited += data.length
    if (data.length) cursor = String(data[data.length - 1]._id)
    if (data.length < limit) state = 'ready'
    const progress = {
      'membership.cursor': cursor,
      'membership.found': found,
      'membership.visited': visited,
      'membership.state': state,
      ...(state === 'ready' ? { 'membership.readyAt': opts.now } : {}),
    }
    const { stats } = await segments.where({ _id: doc._id, 'membership.version': version }).update({ data: progress })
    // saved again meanwhile: the new rule's pass starts over
    if (!stats.updated) return null
  } while (state === 'computing' && !opts.limit && Date.now() - started < opts.budgetMs)
  await segments.where({ _id: doc._id, 'membership.version': version }).update({ data: { 'membership.claimedUntil': null } })
  return { segmentId: doc._id, state, visited, found }
}
