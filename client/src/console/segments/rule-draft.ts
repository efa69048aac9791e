/**
 * The segment builder's model, as pure functions: the fields of the rule language (types/segments.ts
 * SEGMENT_FIELDS) with Chinese labels, the operators each offers, and the draft being edited (its
 * conversion to and from rules: rule-convert.ts). Only `import type` from types/ (zod stays out of the bundle).
 */
import type { Condition, SegmentField } from '../../../../types/segments'
import { genderText, layerText, stageText } from '../format'

export type Op = Condition['op']
/** enum: one of known codes; tags: a list of words; money: yuan typed, fen sent; date: days ago or a day */
export type FieldKind = 'enum' | 'tags' | 'number' | 'money' | 'date'
export type Option = { value: string; label: string }

export interface FieldDef {
  field: SegmentField
  label: string
  kind: FieldKind
  hint?: string
}

/** In the order the picker offers them: what operators ask for most first. */
export const FIELD_DEFS: readonly FieldDef[] = [
  { field: 'tierId', label: '等级', kind: 'enum' },
  { field: 'stage', label: '生命周期阶段', kind: 'enum' },
  { field: 'tags', label: '标签', kind: 'tags', hint: '多个标签用逗号分隔' },
  { field: 'points', label: '积分', kind: 'number' },
  { field: 'stats.lastPurchaseAt', label: '最近消费', kind: 'date' },
  { field: 'stats.purchases', label: '消费次数', kind: 'number' },
  { field: 'stats.spendFen', label: '累计消费（元）', kind: 'money' },
  { field: 'valueLayer', label: '价值分层', kind: 'enum' },
  { field: 'rfm.score', label: 'RFM 总分', kind: 'number', hint: '3–15' },
  { field: 'rfm.r', label: 'RFM 近度 R', kind: 'number', hint: '1–5' },
  { field: 'rfm.f', label: 'RFM 频度 F', kind: 'number', hint: '1–5' },
  { field: 'rfm.m', label: 'RFM 额度 M', kind: 'number', hint: '1–5' },
  { field: 'churn.risk', label: '流失风险', kind: 'number', hint: '0–1，如 0.7' },
  { field: 'churn.pAlive', label: '活跃概率', kind: 'number', hint: '0–1' },
  { field: 'churn.clvFen', label: '预测价值（元）', kind: 'money' },
  { field: 'gender', label: '性别', kind: 'enum' },
  { field: 'createdAt', label: '注册时间', kind: 'date' },
]

const OPS_BY_KIND: Record<FieldKind, readonly Op[]> = {
  enum: ['eq', 'ne', 'in', 'nin'],
  tags: ['hasAny', 'hasAll', 'nin'],
  number: ['gte', 'lte', 'gt', 'lt', 'eq', 'ne', 'exists'],
  money: ['gte', 'lte', 'gt', 'lt', 'exists'],
  date: ['gte', 'lt', 'lte', 'gt', 'exists'],
}

const OP_TEXT: Record<Op, string> = { eq: '是', ne: '不是', in: '是其中之一', nin: '都不是', gt: '>', gte: '≥', lt: '<', lte: '≤', hasAny: '含任一', hasAll: '全都含', exists: '有记录' }
const DATE_OP_TEXT: Partial<Record<Op, string>> = { gte: '不早于', gt: '晚于', lt: '早于', lte: '不晚于' }
const TAG_OP_TEXT: Partial<Record<Op, string>> = { nin: '都不含' }
const LIST_OPS: readonly Op[] = ['in', 'nin', 'hasAny', 'hasAll']

export const isListOp = (op: Op) => LIST_OPS.includes(op)
export const fieldDef = (field: SegmentField): FieldDef => FIELD_DEFS.find(d => d.field === field) ?? FIELD_DEFS[0]

export function opText(field: SegmentField, op: Op): string {
  const kind = fieldDef(field).kind
  return (kind === 'date' ? DATE_OP_TEXT[op] : kind === 'tags' ? TAG_OP_TEXT[op] : undefined) ?? OP_TEXT[op]
}

/** The operators offered for a field, plus `current` when a loaded rule uses another (nothing is lost). */
export function opsFor(field: SegmentField, current?: Op): Op[] {
  const ops = [...OPS_BY_KIND[fieldDef(field).kind]]
  return current && !ops.includes(current) ? [...ops, current] : ops
}

/** The codes an enum field takes; tiers come from the ladder (none loaded: typed by hand). */
export function enumOptions(field: SegmentField, tiers: readonly Option[]): Option[] {
  const of = (codes: string[], text: (c: string) => string) => codes.map(value => ({ value, label: text(value) }))
  if (field === 'stage') return of(['new', 'active', 'loyal', 'sleeping', 'churned'], stageText)
  if (field === 'valueLayer') return of(['high', 'mid', 'low', 'none'], layerText)
  if (field === 'gender') return of(['male', 'female', 'unknown'], genderText)
  if (field === 'tierId') return [...tiers]
  return []
}

export interface ConditionDraft {
  /** stable React key */
  key: number
  field: SegmentField
  op: Op
  /** what is typed or picked: a list is comma-separated, `exists` is 'true' / 'false' */
  text: string
}

export interface RuleDraft {
  match: 'all' | 'any'
  conditions: ConditionDraft[]
  /** a loaded rule's conditions of the other group (it had both): kept as they are */
  other: Condition[]
}

let lastKey = 0
/** A React key for a new condition row. */
export const newKey = () => ++lastKey

export function blankCondition(field: SegmentField = 'stage'): ConditionDraft {
  return { key: newKey(), field, op: opsFor(field)[0], text: '' }
}

export const emptyDraft = (): RuleDraft => ({ match: 'all', conditions: [blankCondition()], other: [] })

/** Another field: its first operator, nothing typed. */
export const withField = (c: ConditionDraft, field: SegmentField): ConditionDraft => ({ ...c, field, op: opsFor(field)[0], text: '' })

/** Another operator: keeps what was typed while it still fits (one value vs a list vs 有/无). */
export function withOp(c: ConditionDraft, op: Op): ConditionDraft {
  if (op === 'exists') return { ...c, op, text: 'true' }
  if (c.op === 'exists') return { ...c, op, text: '' }
  if (isListOp(op) === isListOp(c.op)) return { ...c, op }
  return { ...c, op, text: isListOp(op) ? c.text : (splitList(c.text)[0] ?? '') }
}

export const splitList = (text: string): string[] =>
  text
    .split(/[,，、;；\s]+/)
    .map(s => s.trim())
    .filter(Boolean)
