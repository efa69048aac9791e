/**
 * Rule documents in `settings` (point, check-in and task rules) and `tiers_config` (tier ladder, lifecycle): the defaults apply until
 * an admin sets them. One loader and one writer for all of them.
 *
 * `loadRules` reads the stored doc (the console, the jobs, saveRules); `loadRulesCached` serves the
 * member and till actions from a per-instance cache that is at most RULES_CACHE_MS old, so a warm
 * instance applies a rule change within that time (see cacheIsFresh for how a save is seen sooner).
 */
import { createHash } from 'crypto'
import fs from 'fs'
import os from 'os'
import path from 'path'
import type { ZodType } from 'zod'
import { DEFAULT_LIFECYCLE, LifecycleConfigSchema, type LifecycleConfig } from '../../types/analytics'
import { DEFAULT_BIRTHDAY_GIFT, BirthdayGiftRulesSchema, type BirthdayGiftRules } from '../../types/birthday'
import { DEFAULT_CHECKIN_RULES, CheckinRulesSchema, type CheckinRules } from '../../types/checkin'
import { PRIVACY_POLICY_SETTING, type PrivacyPolicy } from '../../types/consent'
import { DEFAULT_POINT_RULES, PointRulesSchema, type PointRules } from '../../types/points'
import { AppError } from '../../types/result'
import { DEFAULT_REMINDER_CONFIG, ReminderConfigSchema, type ReminderConfig } from '../../types/reminders'
import { DEFAULT_TASK_RULES, TaskRulesSchema, type TaskRules } from '../../types/tasks'
import { DEFAULT_TIER_LADDER, TierLadderSchema, type TierLadder } from '../../types/tiers'
import { WECOM_TAG_SEGMENTS, WecomTagSegmentsSchema, type WecomTagSegments } from '../../types/wecom'
import { actorOf, audit } from './audit'
import type { CollectionHandle } from './collection'
import { settings, type RuleDocRow } from './collections/settings'
import { tiersConfig } from './collections/tiers_config'
import { currentTime, type CallContext } from './handler'
import { findById } from './query'

interface RuleDoc<T> {
  collection: CollectionHandle<RuleDocRow>
  id: string
  /** the admin action that sets it (the audit row's action) */
  setAction: string
  label: string
  schema: ZodType<T>
  defaults: T
}

export const POINT_RULES: RuleDoc<PointRules> = { collection: settings, id: 'pointRules', setAction: 'setPointRules', label: '积分规则', schema: PointRulesSchema, defaults: DEFAULT_POINT_RULES }
export const CHECKIN_RULES: RuleDoc<CheckinRules> = {
  collection: settings,
  id: 'checkinRules',
  setAction: 'setCheckinRules',
  label: '签到规则',
  schema: CheckinRulesSchema,
  defaults: DEFAULT_CHECKIN_RULES,
}
export const TASK_RULES: RuleDoc<TaskRules> = { collection: settings, id: 'taskRules', setAction: 'setTaskRules', label: '任务规则', schema: TaskRulesSchema, defaults: DEFAULT_TASK_RULES }
export const TIER_LADDER: RuleDoc<TierLadder> = { collection: tiersConfig, id: 'ladder', setAction: 'setTierLadder', label: '会员等级', schema: TierLadderSchema, defaults: DEFAULT_TIER_LADDER }
export const REMINDER_CONFIG: RuleDoc<ReminderConfig> = {
  collection: settings,
  id: 'reminderConfig',
  setAction: 'setReminderConfig',
  label: '提醒设置',
  schema: ReminderConfigSchema,
  defaults: DEFAULT_REMINDER_CONFIG,
}
export const BIRTHDAY_GIFT: RuleDoc<BirthdayGiftRules> = {
  collection: settings,
  id: 'birthdayGift',
  setAction: 'setBirthdayGiftRules',
  label: '生日礼',
  schema: BirthdayGiftRulesSchema,
  defaults: DEFAULT_BIRTHDAY_GIFT,
}
/** settings/wecomTagSegments: the segments mirrored as WeCom corporate tags (admin.setWecomTagSegments) */
export const WECOM_TAG_SEGMENT_RULES: RuleDoc<WecomTagSegments> = {
  collection: settings,
  id: WECOM_TAG_SEGMENTS,
  setAction: 'setWecomTagSegments',
  label: '企业微信标签人群',
  schema: WecomTagSegmentsSchema,
  defaults: { segmentIds: [] },
}
/** settings/privacyPolicy: the 用户隐私保护指引 (schema, default and labels in types/consent.ts) */
export const PRIVACY_POLICY: RuleDoc<PrivacyPolicy> = { ...PRIVACY_POLICY_SETTING, collection: settings }
export const LIFECYCLE: RuleDoc<LifecycleConfig> = {
  collection: tiersConfig,
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

/** The rule doc as stored now (one read). */
export async function loadRules<T>(doc: RuleDoc<T>): Promise<StoredRules<T>> {
  const stored = await findById(doc.collection, doc.id)
  if (!stored) return { rules: doc.defaults, isDefault: true, updatedAt: null }
  const parsed = doc.schema.safeParse(stored.rules)
  if (!parsed.success) {
    // the set actions validate, so this is a hand edit in the console: refuse rather than award wrong points
    console.error(`[rules] ${doc.collection.name}/${doc.id} is not valid`, parsed.error.issues)
    throw new AppError('INTERNAL', `${doc.label}配置有误，请联系管理员`)
  }
  return { rules: parsed.data, isDefault: false, updatedAt: stored.updatedAt ? new Date(stored.updatedAt).toISOString() : null }
}

/** How long a warm instance applies a rule doc it read before reading it again. */
export const RULES_CACHE_MS = 30_000

interface CacheEntry {
  value: Promise<StoredRules<unknown>>
  /** the clock (ctx.now's) when it was read */
  readAt: number
  /** the emulator's save stamp when it was read (null on CloudBase) */
  stamp: string | null
}

const cache = new Map<string, CacheEntry>()
const keyOf = (doc: RuleDoc<unknown>) => `${doc.collection.name}/${doc.id}`

/**
 * The rule doc as read by this instance within the last RULES_CACHE_MS (by the clock the rules see:
 * ctx.now, pinned on the emulator). Parallel callers share one read; a failed read is not kept.
 */
export function loadRulesCached<T>(doc: RuleDoc<T>): Promise<StoredRules<T>> {
  const key = keyOf(doc as RuleDoc<unknown>)
  const now = currentTime().getTime()
  const stamp = localSaveStamp()
  const hit = cache.get(key)
  if (hit && cacheIsFresh(hit, now, stamp)) return hit.value as Promise<StoredRules<T>>
  const value = loadRules(doc)
  const entry: CacheEntry = { value, readAt: now, stamp }
  cache.set(key, entry)
  value.catch(() => {
    if (cache.get(key) === entry) cache.delete(key)
  })
  return value
}

/**
 * Fresh while younger than RULES_CACHE_MS (a clock moved back, as a test may pin it, is not fresh).
 * On the emulator a save through saveRules also changes a stamp every instance reads (they share a
 * host), so a test sees an admin's change at once; on CloudBase other instances see it within the TTL.
 */
function cacheIsFresh(entry: CacheEntry, now: number, stamp: string | null): boolean {
  const age = now - entry.readAt
  return age >= 0 && age < RULES_CACHE_MS && entry.stamp === stamp
}

/**
 * Replaces the whole rule doc (set, not update: a map entry left out is gone) and audits before/after.
 * The stored doc is read as it is, unvalidated: a doc broken by a hand edit is repaired by saving.
 */
export async function saveRules<T>(doc: RuleDoc<T>, rules: T, ctx: CallContext): Promise<{ rules: T }> {
  const stored = await findById(doc.collection, doc.id)
  await doc.collection.doc(doc.id).set({ data: { rules, updatedAt: ctx.now, updatedBy: actorOf(ctx) } })
  // this instance reads the new rules at its next use
  cache.delete(keyOf(doc as RuleDoc<unknown>))
  bumpLocalSaveStamp()
  await audit({ actor: actorOf(ctx), action: doc.setAction, target: doc.id, before: stored?.rules ?? null, after: rules, at: ctx.now })
  return { rules }
}

/** Emulator only: a file per local CloudBase (by its endpoint) whose content changes with every save. */
function localStampFile(): string | null {
  if (process.env.CLOUDBASE_EMULATOR !== '1') return null
  const endpoint = createHash('sha256')
    .update(process.env.TCB_CONTEXT_CNFG ?? '')
    .digest('hex')
    .slice(0, 16)
  return path.join(os.tmpdir(), `cloudbase-emulator-rules-${endpoint}`)
}

function localSaveStamp(): string | null {
  const file = localStampFile()
  if (!file) return null
  try {
    return fs.readFileSync(file, 'utf8')
  } catch {
    return '' // no save yet
  }
}

function bumpLocalSaveStamp(): void {
  const file = localStampFile()
  if (file) fs.writeFileSync(file, `${Date.now()}-${Math.random().toString(36).slice(2)}`)
}
