/** `segments`: saved audience rules (admin); shared/segments.ts resolves them and keeps their members. */
import type { SegmentRule } from '../../../types/segments'
import { collectionHandle } from '../collection'

/**
 * How far the members of a segment's current rule are found (`members.segmentIds`): a pass visits every
 * member in `_id` order from `cursor`; `version` (the rule's save, in ms) restarts it when the rule changes.
 */
export interface SegmentMembership {
  state: 'computing' | 'ready'
  version: number
  cursor: string | null
  found: number
  visited: number
  readyAt: Date | null
  /** one pass step at a time (shared/jobs.ts claimLease) */
  claimedUntil: Date | null
}

export interface SegmentDoc {
  _id: string
  name: string
  rule: SegmentRule
  /** absent on a segment saved before members carried their segments: treated as computing from the start */
  membership?: SegmentMembership
  createdAt: Date
  updatedAt: Date
}

export const segments = collectionHandle<SegmentDoc>('segments')
