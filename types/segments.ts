import { z } from 'zod'
import { STAGES, VALUE_LAYERS } from './analytics'

/**
 * A saved segment: a JSON rule over member fields. Each condition names a field, an operator and a
 * value; `all` must all hold and at least one of `any` (when given). Dates are ISO instants or
 * `{ daysAgo: N }` (N Shanghai days before the evaluation, at the day's start).
 */
export const SEGMENT_FIELDS = {
  tierId: 'string',
  stage: 'string',
  valueLayer: 'string',
  'rfm.r': 'number',
  'rfm.f': 'number',
  'rfm.m': 'number',
  'rfm.score': 'number',
  tags: 'array',
  gender: 'string',
  createdAt: 'date',
  'stats.lastPurchaseAt': 'date',
  'stats.purchases': 'number',
  'stats.spendFen': 'number',
  'churn.risk': 'number',
  'churn.pAlive': 'number',
  'churn.clvFen': 'number',
  points: 'number',
} as const
export type SegmentField = keyof typeof SEGMENT_FIELDS

const relativeDate = z.object({ daysAgo: z.number().int().min(0).max(3650) }).strict()
const scalar = z.union([z.string().max(64), z.number(), z.iso.datetime({ offset: true }), relativeDate])

export const ConditionSchema = z
  .object({
    field: z.enum(Object.keys(SEGMENT_FIELDS) as [SegmentField, ...SegmentField[]]),
    op: z.enum(['eq', 'ne', 'in', 'nin', 'gt', 'gte', 'lt', 'lte', 'hasAny', 'hasAll', 'exists']),
    value: z.union([
      scalar,
      z
        .array(z.union([z.string().max(64), z.number()]))
        .min(1)
        .max(50),
      z.boolean(),
    ]),
  })
  .strict()
  .superRefine((c, ctx) => {
    const kind = SEGMENT_FIELDS[c.field]
    const bad = (message: string) => ctx.addIssue({ code: 'custom', path: ['value'], message })
    const isList = Array.isArray(c.value)
    if (['in', 'nin', 'hasAny', 'hasAll'].includes(c.op) !== isList) bad(`${c.op} 需要${isList ? '单个值' : '数组'}`)
    if ((c.op === 'hasAny' || c.op === 'hasAll') && kind !== 'array') bad(`${c.field} 不是数组字段`)
    if (c.op === 'exists' && typeof c.value !== 'boolean') bad('exists 需要 true 或 false')
    if (['gt', 'gte', 'lt', 'lte'].includes(c.op) && kind !== 'number' && kind !== 'date') bad(`${c.field} 不能比较大小`)
    if (kind === 'date' && c.op !== 'exists' && !(typeof c.value === 'string' || (typeof c.value === 'object' && !isList))) bad('日期字段需要 ISO 时间或 { daysAgo }')
    if (c.field === 'stage' && typeof c.value === 'string' && !(STAGES as readonly string[]).includes(c.value)) bad(`stage 只能是 ${STAGES.join('/')}`)
    if (c.field === 'valueLayer' && typeof c.value === 'string' && !(VALUE_LAYERS as readonly string[]).includes(c.value)) bad(`valueLayer 只能是 ${VALUE_LAYERS.join('/')}`)
  })
export type Condition = z.infer<typeof ConditionSchema>

export const SegmentRuleSchema = z
  .object({ all: z.array(ConditionSchema).max(20).default([]), any: z.array(ConditionSchema).max(20).default([]) })
  .strict()
  .refine(r => r.all.length + r.any.length > 0, '规则至少需要一个条件')
export type SegmentRule = z.infer<typeof SegmentRuleSchema>

export const segmentId = z.string().regex(/^[a-z0-9][\w-]{1,39}$/, 'segmentId 为 2–40 位小写字母、数字、_ 或 -')

/** At most this many members in one CSV export (a bigger segment is refused: narrow it first). */
export const SEGMENT_EXPORT_MAX_ROWS = 50_000
/** How long an export's download link works, in seconds (the file itself sits in a private folder). */
export const SEGMENT_EXPORT_LINK_SECONDS = 600

/**
 * 导出 CSV (brand admins only, like every segment action): the segment's members now, phones masked
 * unless `includePhones` — allowed because only a brand admin may call this action at all; audited.
 */
export const ExportSegmentEvent = z.object({ action: z.literal('exportSegment'), segmentId, includePhones: z.boolean().default(false) }).strict()

/**
 * A rule previewed before it is saved (or a saved one whose members are still being found) is counted
 * over at most this many members, read in `_id` order, and the count scaled to all members: exact for
 * a brand this small, an estimate (约) above it.
 */
export const SEGMENT_PREVIEW_SAMPLE = 10_000

/**
 * Who is in a saved segment is stored on the members (`members.segmentIds`): found for the whole brand
 * when the rule is saved (`computing` meanwhile, in steps on the tiers timer when the brand is large)
 * and kept by the daily tiers job (`ready`: as of the last pass, up to a day old).
 */
export interface SegmentMembershipView {
  state: 'computing' | 'ready'
  /** members the pass has visited (all of them once ready) */
  visited: number
  /** when the last full pass ended (null while the first one runs) */
  asOf: string | null
}

/** One member of a preview's sample. */
export interface SegmentSampleRow {
  openid: string
  memberNo: string
  nickname: string
  tierId: string | null
  stage: string | null
  tags: string[]
}

export interface SegmentView {
  segmentId: string
  name: string
  rule: SegmentRule
  updatedAt: string
  membership: SegmentMembershipView
}

/** What the segment actions answer (the console's 人群 screen reads these). */
export interface SegmentOutputs {
  /** `membership`: ready when this call found every member (a small brand), else computing on the tiers timer */
  saveSegment: { segmentId: string; created: boolean; membership: SegmentMembershipView['state'] }
  /**
   * A ready saved segment: its stored members (`membership`). A rule, or a segment still computing:
   * counted over the first SEGMENT_PREVIEW_SAMPLE members (`sampled`), `estimated` when there are more.
   */
  previewSegment: { count: number; estimated: boolean; sampled: number; sample: SegmentSampleRow[]; membership: SegmentMembershipView | null }
  listSegments: { segments: SegmentView[] }
  deleteSegment: { deleted: true }
  /** `url`: a signed link valid until `expiresAt` (≤ 10 minutes); `rows`: members in the file */
  exportSegment: { fileId: string; url: string; expiresAt: string; rows: number }
}
