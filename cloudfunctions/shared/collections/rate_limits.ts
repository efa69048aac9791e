/** `rate_limits`: fixed-window counters `<scope>:<subject>:<window>` (shared/rate-limit.ts). */
import { collectionHandle } from '../collection'

export interface RateCounterDoc {
  _id: string
  calls: number
  /** when the counter may be deleted */
  expiresAt: Date
}

export const rateLimits = collectionHandle<RateCounterDoc>('rate_limits')
