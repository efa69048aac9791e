/** `tiers_config`: the tier ladder and lifecycle rule documents (shared/rules.ts) and the pinned model parameters (`models`). */
import { collectionHandle } from '../collection'
import type { RuleDocRow } from './settings'

export const tiersConfig = collectionHandle<RuleDocRow & Record<string, unknown>>('tiers_config')
