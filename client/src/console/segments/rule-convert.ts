/**
 * Drafts ↔ the rule language: what the operator typed as conditions the function takes (or why not
 * yet), a saved rule back into the builder, rules in words, and the function's field errors by place.
 */
import type { Condition, SegmentRule } from '../../../../types/segments'
import type { SegmentRuleInput } from '../../services/console-segments'
import { enumOptions, fieldDef, isListOp, newKey, opText, splitList, type ConditionDraft, type FieldKind, type Option, type RuleDraft } from './rule-draft'

export type Converted = { kind: 'ok'; condition: Condition } | { kind: 'incomplete' } | { kind: 'error'; message: string }

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/
const ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/

function numberOf(text: string, kind: FieldKind): number | string {
  const n = Number(text)
  if (!/^-?\d+(\.\d+)?$/.test(text) || !Number.isFinite(n)) return '请输入数字'
  if (kind === 'money') return n < 0 ? '金额不能为负' : Math.round(n * 100)
  return n
}

function dateOf(text: string): Condition['value'] | string {
  if (/^\d+$/.test(text)) return Number(text) <= 3650 ? { daysAgo: Number(text) } : '天数最多 3650'
  if (DAY_RE.test(text) && !Number.isNaN(Date.parse(text))) return `${text}T00:00:00+08:00`
  if (ISO_RE.test(text) && !Number.isNaN(Date.parse(text))) return text
  return '请输入天数（如 30 即 30 天前）或日期（如 2024-03-01）'
}

/** One draft as a condition of the rule language, or why not (yet). */
export function toCondition(c: ConditionDraft): Converted {
  const { field, op } = c
  const kind = fieldDef(field).kind
  const text = c.text.trim()
  const fail = (message: string): Converted => ({ kind: 'error', message })
  const done = (value: Condition['value']): Converted => ({ kind: 'ok', condition: { field, op, value } as Condition })
  if (op === 'exists') return done(text !== 'false')
  if (!text) return { kind: 'incomplete' }
  if (isListOp(op)) {
    const items = splitList(text)
    if (!items.length) return { kind: 'incomplete' }
    if (items.length > 50) return fail('最多 50 个值')
    if (items.some(s => s.length > 64)) return fail('每个值最多 64 个字')
    if (kind !== 'number' && kind !== 'money') return done(items)
    const numbers = items.map(s => numberOf(s, kind))
    const bad = numbers.find(n => typeof n === 'string')
    return typeof bad === 'string' ? fail(bad) : done(numbers as number[])
  }
  if (kind === 'date') {
    const value = dateOf(text)
    return typeof value === 'string' && !ISO_RE.test(value) ? fail(value) : done(value)
  }
  if (kind === 'number' || kind === 'money') {
    const n = numberOf(text, kind)
    return typeof n === 'string' ? fail(n) : done(n)
  }
  return text.length > 64 ? fail('最多 64 个字') : done(text)
}

export interface DraftCheck {
  /** the rule to send, or null while a condition is incomplete or wrong */
  rule: SegmentRuleInput | null
  /** condition index → what is wrong */
  errors: Record<number, string>
  incomplete: boolean
}

export function checkDraft(draft: RuleDraft): DraftCheck {
  const errors: Record<number, string> = {}
  const conditions: Condition[] = []
  let incomplete = draft.conditions.length + draft.other.length === 0
  draft.conditions.forEach((c, i) => {
    const r = toCondition(c)
    if (r.kind === 'ok') conditions.push(r.condition)
    else if (r.kind === 'error') errors[i] = r.message
    else incomplete = true
  })
  if (incomplete || Object.keys(errors).length) return { rule: null, errors, incomplete }
  const rule = draft.match === 'all' ? { all: conditions, any: draft.other } : { all: draft.other, any: conditions }
  return { rule, errors, incomplete: false }
}

/** A Shanghai-midnight instant as YYYY-MM-DD (how the builder writes days), else the instant itself. */
function dayText(iso: string): string {
  const t = Date.parse(iso)
  if (Number.isNaN(t)) return iso
  const shanghai = new Date(t + 8 * 3_600_000).toISOString()
  return shanghai.endsWith('T00:00:00.000Z') ? shanghai.slice(0, 10) : iso
}

function textOf(c: Condition): string {
  const kind = fieldDef(c.field).kind
  const v = c.value
  const one = (x: string | number) => (kind === 'money' && typeof x === 'number' ? String(x / 100) : String(x))
  if (typeof v === 'boolean') return String(v)
  if (Array.isArray(v)) return v.map(one).join(', ')
  if (typeof v === 'object' && v && 'daysAgo' in v) return String(v.daysAgo)
  if (kind === 'date' && typeof v === 'string') return dayText(v)
  return one(v as string | number)
}

/** A saved rule in the builder: the group that has conditions (both: `all`, the `any` ones kept aside). */
export function draftFromRule(rule: SegmentRule): RuleDraft {
  const match = rule.all.length === 0 && rule.any.length > 0 ? 'any' : 'all'
  const shown = match === 'all' ? rule.all : rule.any
  const other = match === 'all' ? rule.any : []
  return { match, other, conditions: shown.map(c => ({ key: newKey(), field: c.field, op: c.op, text: textOf(c) })) }
}

/** One condition in words, e.g. 生命周期阶段 是 沉睡 / 最近消费 不早于 30 天前. */
export function conditionText(c: Condition, tiers: readonly Option[] = []): string {
  const def = fieldDef(c.field)
  const label = (code: string) => enumOptions(c.field, tiers).find(o => o.value === code)?.label ?? code
  let value: string
  if (c.op === 'exists') value = c.value === false ? '否' : '是'
  else if (def.kind === 'enum') value = (Array.isArray(c.value) ? c.value.map(String) : [String(c.value)]).map(label).join('、')
  else if (def.kind === 'date' && typeof c.value === 'object' && c.value && 'daysAgo' in c.value) value = `${c.value.daysAgo} 天前`
  else value = textOf(c).replace(/, /g, '、')
  return `${def.label} ${opText(c.field, c.op)} ${value}`
}

/** A saved rule in one line, for the list. */
export function ruleSummary(rule: SegmentRule, tiers: readonly Option[] = []): string {
  const part = (word: string, list: Condition[]) => (list.length ? `${word}：${list.map(c => conditionText(c, tiers)).join('；')}` : '')
  return [part('全部满足', rule.all), part('任一满足', rule.any)].filter(Boolean).join(' ｜ ')
}

/**
 * The function's field errors (`rule.all.0.value`, `segmentId`, …) for the builder: condition index →
 * message for the group shown, and the rest by their first path segment.
 */
export function issuesByPlace(issues: ReadonlyArray<{ path: string; message: string }>, match: RuleDraft['match']): { conditions: Record<number, string>; fields: Record<string, string> } {
  const conditions: Record<number, string> = {}
  const fields: Record<string, string> = {}
  for (const { path, message } of issues) {
    const m = /^rule\.(all|any)\.(\d+)(\.|$)/.exec(path)
    if (m && m[1] === match) {
      if (!(Number(m[2]) in conditions)) conditions[Number(m[2])] = message
    } else {
      const key = path.split('.')[0] || 'rule'
      if (!(key in fields)) fields[key] = message
    }
  }
  return { conditions, fields }
}
