import type { Result } from '../../../types/result'
import type { Condition, SegmentOutputs } from '../../../types/segments'
import { callFunction } from './cloud'

type Out<K extends keyof SegmentOutputs> = Promise<Result<SegmentOutputs[K]>>

/** A rule as the builder sends it: `all` must all hold, and at least one of `any` when it has any. */
export interface SegmentRuleInput {
  all: Condition[]
  any: Condition[]
}

/** Members in a preview's sample. */
export const PREVIEW_SAMPLE = 10

/**
 * The `admin` function's segment actions (contracts in types/segments.ts), for the 人群 screen.
 * Brand admins only: the function answers PERMISSION_DENIED to anyone else, a store manager too.
 */
export const segmentsApi = {
  list(): Out<'listSegments'> {
    return callFunction('admin', { action: 'listSegments' })
  },
  /** How many members the rule matches now, and the first `sample` of them. */
  preview(rule: SegmentRuleInput, sample = PREVIEW_SAMPLE): Out<'previewSegment'> {
    return callFunction('admin', { action: 'previewSegment', rule, sample })
  },
  /** Creates or replaces the segment `segmentId`. */
  save(input: { segmentId: string; name: string; rule: SegmentRuleInput }): Out<'saveSegment'> {
    return callFunction('admin', { action: 'saveSegment', segmentId: input.segmentId, name: input.name, rule: input.rule })
  },
  /** FAILED_PRECONDITION while an active coupon template targets the segment. */
  remove(segmentId: string): Out<'deleteSegment'> {
    return callFunction('admin', { action: 'deleteSegment', segmentId })
  },
  /** 导出 CSV of the saved segment: a signed link valid ≤ 10 minutes; audited. */
  exportCsv(segmentId: string, includePhones: boolean): Out<'exportSegment'> {
    return callFunction('admin', { action: 'exportSegment', segmentId, includePhones })
  },
}
