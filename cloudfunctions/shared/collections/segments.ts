/** `segments`: saved audience rules (admin); shared/segments.ts resolves and queries them. */
import type { SegmentRule } from '../../../types/segments'
import { collectionHandle } from '../collection'

export interface SegmentDoc {
  _id: string
  name: string
  rule: SegmentRule
  createdAt: Date
  updatedAt: Date
}

export const segments = collectionHandle<SegmentDoc>('segments')
