/**
 * Segment rules (types/segments.ts) resolved against a clock, matched in memory, and expressed as a
 * MongoDB query. The function shell turns the same resolved conditions into a CloudBase `where`, so
 * "who is in the segment" is answered by the database for a million members and by `matches` for one.
 * Semantics are MongoDB's: `ne`/`nin` also match a missing field; comparisons never do.
 *
 * A saved segment's members are not asked of the database by rule (an unindexed scan at a brand's
 * size): the daily job and a saved segment's first pass store on each member the ids of the segments
 * it matches (`members.segmentIds`, indexed), computed here by `segmentIdsOf`.
 */
import { SEGMENT_FIELDS, type Condition, type SegmentRule } from '../types/segments'
import { shanghaiDayStart } from './time'

export type Value = string | number | boolean | Date | Array<string | number>
export interface Resolved {
  field: string
  op: Condition['op']
  value: Value
}
export interface ResolvedRule {
  all: Resolved[]
  any: Resolved[]
}

function resolveValue(c: Condition, now: Date): Value {
  const v = c.value
  if (SEGMENT_FIELDS[c.field] !== 'date' || c.op === 'exists') return v as Value
  if (typeof v === 'object' && v !== null && !Array.isArray(v) && 'daysAgo' in v) {
    return new Date(shanghaiDayStart(now).getTime() - v.daysAgo * 86_400_000)
  }
  return new Date(v as string)
}

export function resolveRule(rule: SegmentRule, now: Date): ResolvedRule {
  const resolve = (c: Condition): Resolved => ({ field: c.field, op: c.op, value: resolveValue(c, now) })
  return { all: rule.all.map(resolve), any: rule.any.map(resolve) }
}

const comparable = (x: unknown) => (x instanceof Date ? x.getTime() : x)

function get(doc: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), doc)
}

function holds(doc: Record<string, unknown>, c: Resolved): boolean {
  const actual = get(doc, c.field)
  const a = comparable(actual)
  const v = comparable(c.value)
  const list = Array.isArray(c.value) ? (c.value as Array<string | number>) : []
  const values = Array.isArray(actual) ? actual : [actual]
  switch (c.op) {
    case 'eq':
      return values.some(x => comparable(x) === v)
    case 'ne':
      return !values.some(x => comparable(x) === v)
    case 'in':
    case 'hasAny':
      return values.some(x => list.includes(x as string | number))
    case 'nin':
      return !values.some(x => list.includes(x as string | number))
    case 'hasAll':
      return Array.isArray(actual) && list.every(x => actual.includes(x))
    case 'exists':
      return (actual !== undefined) === c.value
    default: {
      if (a === undefined || a === null || typeof a !== typeof v) return false
      const [x, y] = [a as number | string, v as number | string]
      return c.op === 'gt' ? x > y : c.op === 'gte' ? x >= y : c.op === 'lt' ? x < y : x <= y
    }
  }
}

export function matches(doc: Record<string, unknown>, rule: ResolvedRule): boolean {
  return rule.all.every(c => holds(doc, c)) && (rule.any.length === 0 || rule.any.some(c => holds(doc, c)))
}

const MONGO_OP: Record<Condition['op'], string> = { eq: '$eq', ne: '$ne', in: '$in', nin: '$nin', gt: '$gt', gte: '$gte', lt: '$lt', lte: '$lte', hasAny: '$in', hasAll: '$all', exists: '$exists' }

/** The rule as a MongoDB query (for tools and for checking `matches` against a MongoDB engine). */
export function toMongoQuery(rule: ResolvedRule): Record<string, unknown> {
  const one = (c: Resolved) => ({ [c.field]: { [MONGO_OP[c.op]]: c.value } })
  const parts: Record<string, unknown>[] = rule.all.map(one)
  if (rule.any.length) parts.push({ $or: rule.any.map(one) })
  return { $and: parts }
}

/** A saved segment's rule, resolved for one evaluation. */
export interface SavedRule {
  segmentId: string
  rule: ResolvedRule
}

/** The saved segments `doc` matches, sorted: what `members.segmentIds` holds. */
export function segmentIdsOf(doc: Record<string, unknown>, saved: readonly SavedRule[]): string[] {
  return saved
    .filter(s => matches(doc, s.rule))
    .map(s => s.segmentId)
    .sort()
}

/** Whether two id lists hold the same ids (a stored list may be unsorted or missing). */
export function sameIds(a: readonly string[] | undefined, b: readonly string[]): boolean {
  const x = [...new Set(a ?? [])].sort()
  const y = [...b].sort()
  return x.length === y.length && x.every((id, i) => id === y[i])
}

/**
 * The count a rule would have over `total` members, from `matched` of the `sampled` members read: exact
 * when the sample was everyone, else scaled up (a sample in `_id` order is random: ids are OPENIDs).
 */
export function estimateCount(matched: number, sampled: number, total: number): { count: number; estimated: boolean } {
  if (sampled >= total || sampled === 0) return { count: matched, estimated: false }
  return { count: Math.round((matched / sampled) * total), estimated: true }
}
