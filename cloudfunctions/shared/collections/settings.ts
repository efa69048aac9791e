/** `settings`: rule documents by id (`pointRules`, `checkinRules`, `taskRules`, `reminderConfig`, …), read and written by shared/rules.ts. */
import { collectionHandle } from '../collection'

/** `rules` is parsed by the rule's schema (shared/rules.ts) */
export interface RuleDocRow {
  _id: string
  rules?: unknown
  updatedAt?: Date
  updatedBy?: string
}

export const settings = collectionHandle<RuleDocRow>('settings')
