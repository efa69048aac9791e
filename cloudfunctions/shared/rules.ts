/**
 * Rule documents in `settings` (point, check-in and task rules) and `tiers_config` (tier ladder, lifecycle): the defaults apply until
 * an admin sets them. One loader and one writer for all of them.
 */
import type { ZodType } from 'zod'
import { DEFAULT_LIFECYCLE, LifecycleConfigSchema, type LifecycleConfig } from '../../types/analytics'
import { DEFAULT_CHECKIN_RULES, CheckinRulesSchema, type CheckinRules } from '../../types/checkin'
import { DEFAULT_POINT_RULES, PointRulesSchema, type PointRules } from '../../types/points'
import { AppError } from '../../types/result'
import { DEFAULT_REMINDER_CONFIG, ReminderConfigSchema, type ReminderConfig } from '../../types/reminders'
import { DEFAULT_TASK_RULES, TaskRulesSchema, type TaskRules } from '../../types/tasks'
import { DEFAULT_TIER_LADDER, TierLadderSchema, type TierLadder } from '../../types/tiers'
import { actorOf, audit } from './audit'
import { db } from './cloud'
import type { CallContext } from './handler'
import { findById } from './query'

interface RuleDoc<T> {
  collection: 'settings' | 'tiers_config'
  id: string
  /** the admin action that sets it (the audit row's action) */
  setAction: string
  label: string
  schema: ZodType<T>
  defaults: T
}

export const POINT_RULES: RuleDoc<PointRules> = { collection: 'settings', id: 'pointRules', setAction: 'setPointRules', label: '积分规则', schema: PointRulesSchema, defaults: DEFAULT_POINT_RULES }
export const CHECKIN_RULES: RuleDoc<CheckinRules> = {
  collection: 'settings',
  id: 'checkinRules',
  setAction: 'setCheckinRules',
  label: '签到规则',
  schema: CheckinRulesSchema,
  defaults: DEFAULT_CHECKIN_RULES,
}
export const TASK_RULES: RuleDoc<TaskRules> = { collection: 'settings', id: 'taskRules', setAction: 'setTaskRules', label: '任务规则', schema: TaskRulesSchema, defaults: DEFAULT_TASK_RULES }
export const TIER_LADDER: RuleDoc<TierLadder> = { collection: 'tiers_config', id: 'ladder', setAction: 'setTierLadder', label: '会员等级', schema: TierLadderSchema, defaults: DEFAULT_TIER_LADDER }
export const REMINDER_CONFIG: RuleDoc<ReminderConfig> = {
  collection: 'settings',
  id: 'reminderConfig',
  setAction: 'setReminderConfig',
  label: '提醒设置',
  schema: ReminderConfigSchema,
  defaults: DEFAULT_REMINDER_CONFIG,
}
export const LIFECYCLE: RuleDoc<LifecycleConfig> = {
  collection: 'tiers_config',
  id: 'lifecycle',
  setAction: 'setLifecycleConfig',
  label: '生命周期',
  schema: LifecycleConfigSchema,
  defaults: DEFAULT_LIFECYCLE,
}

export interface StoredRules<T> {
  rules: T
  isDefault: boolean
  updatedAt: string | null
}

export async function loadRules<T>(doc: RuleDoc<T>): Promise<StoredRules<T>> {
  const stored = await findById<{ rules?: unknown; updatedAt?: Date }>(db.collection(doc.collection), doc.id)
  if (!stored) return { rules: doc.defaults, isDefault: true, updatedAt: null }
  const parsed = doc.schema.safeParse(stored.rules)
  if (!parsed.success) {
    // the set actions validate, so this is a hand edit in the console: refuse rather than award wrong points
    console.error(`[rules] ${doc.collection}/${doc.id} is not valid`, parsed.error.issues)
    throw new AppError('INTERNAL', `${doc.label}配置有误，请联系管理员`)
  }
  return { rules: parsed.data, isDefault: false, updatedAt: stored.updatedAt ? new Date(stored.updatedAt).toISOString() : null }
}

/** Replaces the whole rule doc (set, not update: a map entry left out is gone) and audits before/after. */
export async function saveRules<T>(doc: RuleDoc<T>, rules: T, ctx: CallContext): Promise<{ rules: T }> {
  const before = await loadRules(doc)
  await db
    .collection(doc.collection)
    .doc(doc.id)
    .set({ data: { rules, updatedAt: ctx.now, updatedBy: actorOf(ctx) } })
  await audit({ actor: actorOf(ctx), action: doc.setAction, target: doc.id, before: before.isDefault ? null : before.rules, after: rules, at: ctx.now })
  return { rules }
}
