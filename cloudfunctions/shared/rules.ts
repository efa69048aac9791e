/** The point rules document (`settings/pointRules`); the defaults apply until an admin sets rules. */
import { DEFAULT_POINT_RULES, PointRulesSchema, type PointRules } from '../../types/points'
import { AppError } from '../../types/result'
import { db } from './cloud'
import { findById } from './query'

export const POINT_RULES_DOC = 'pointRules'

export interface StoredRules {
  rules: PointRules
  isDefault: boolean
  updatedAt: Date | null
  updatedBy: string | null
}

export async function loadPointRules(): Promise<StoredRules> {
  const doc = await findById<{ rules?: unknown; updatedAt?: Date; updatedBy?: string }>(db.collection('settings'), POINT_RULES_DOC)
  if (!doc) return { rules: DEFAULT_POINT_RULES, isDefault: true, updatedAt: null, updatedBy: null }
  const parsed = PointRulesSchema.safeParse(doc.rules)
  if (!parsed.success) {
    // setPointRules validates, so this is a hand edit in the console: refuse rather than award wrong points
    console.error('[rules] settings/pointRules is not valid point rules', parsed.error.issues)
    throw new AppError('INTERNAL', '积分规则配置有误，请联系管理员')
  }
  return { rules: parsed.data, isDefault: false, updatedAt: doc.updatedAt ?? null, updatedBy: doc.updatedBy ?? null }
}
