/** Saved segments (`segments`): loading a rule and asking the database who is in it. */
import { SegmentRuleSchema } from '../../types/segments'
import { resolveRule, type Resolved, type ResolvedRule } from '../../domain/segments'
import { _ } from './cloud'
import { members } from './collections/members'
import { segments } from './collections/segments'
import { findById, PAGE } from './query'
import type { Doc, Transaction } from './sdk-types'
import { getInTransaction } from './transaction'

export { segments, type SegmentDoc } from './collections/segments'

/** The segment's rule resolved at `now`, or null when there is no such segment. */
export async function segmentRule(segmentId: string, now: Date, t?: Transaction): Promise<ResolvedRule | null> {
  const doc = t ? await getInTransaction(t, segments, segmentId) : await findById(segments, segmentId)
  return doc ? resolveRule(SegmentRuleSchema.parse(doc.rule), now) : null
}

function command(c: Resolved): unknown {
  const v = c.value
  switch (c.op) {
    case 'eq':
      return _.eq(v)
    case 'ne':
      return _.neq(v)
    case 'in':
    case 'hasAny':
      return _.in(v)
    case 'nin':
      return _.nin(v)
    case 'hasAll':
      return _.all(v)
    case 'exists':
      return _.exists(v)
    default:
      return _[c.op](v)
  }
}

/**
 * The same rule as a CloudBase `where` condition (members only: deleted accounts are never in a
 * segment); `extra` conditions are added to it (e.g. the `_id` cursor of a paged read).
 */
export function segmentWhere(rule: ResolvedRule, ...extra: object[]): object {
  const one = (c: Resolved) => ({ [c.field]: command(c) })
  const parts: object[] = [{ status: _.neq('deleted') }, ...rule.all.map(one), ...extra]
  if (rule.any.length) parts.push(_.or(rule.any.map(one)))
  return _.and(parts)
}

/**
 * The segment's members, `fields` only, read a page at a time in `_id` order after the last `_id`
 * seen (no growing skip). More than `max` is an error the caller words (`onTooMany`), found by reading
 * at most one page past it.
 */
export async function segmentMembersById<T extends { _id: string }>(rule: ResolvedRule, fields: Record<string, true>, max: number, onTooMany: () => Error): Promise<T[]> {
  const out: T[] = []
  let last: string | null = null
  for (;;) {
    const where: object = last === null ? segmentWhere(rule) : segmentWhere(rule, { _id: _.gt(last) })
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
