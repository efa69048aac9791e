import { z } from 'zod'
import { templateId as couponTemplateId } from './coupons'
import { clientRequestId } from './request-id'

/**
 * Reminders through WeChat one-time subscribe messages (一次性订阅消息). Each `accept` the client
 * reports grants ONE send of that template; the planner (domain/reminders.ts) never plans a send
 * without a grant and the member's preference, and the shell spends one grant per send.
 */
export const REMINDER_KINDS = ['coupon_expiring', 'points_expiring', 'birthday', 'streak_at_risk', 'win_back', 'tier_upgraded', 'tier_review', 'campaign'] as const
export type ReminderKind = (typeof REMINDER_KINDS)[number]

/** Marketing kinds count against `weeklyMarketingCap` and are off until the member accepted their template once; the others are service notices about the member's own assets and status. */
export const MARKETING_KINDS: readonly ReminderKind[] = ['birthday', 'streak_at_risk', 'win_back', 'campaign']
export const isMarketing = (kind: ReminderKind) => MARKETING_KINDS.includes(kind)

export const REMINDER_LABELS: Record<ReminderKind, { label: string; description: string }> = {
  coupon_expiring: { label: '优惠券到期提醒', description: '优惠券快到期时提醒你使用' },
  points_expiring: { label: '积分到期提醒', description: '积分快过期时提醒你兑换' },
  birthday: { label: '生日福利', description: '生日当天送上生日礼券' },
  streak_at_risk: { label: '签到提醒', description: '连续签到快中断时晚上提醒一次' },
  win_back: { label: '专属回归福利', description: '好久不见时送上回归礼遇' },
  tier_upgraded: { label: '会员升级通知', description: '会员等级提升时通知你' },
  tier_review: { label: '等级保级提醒', description: '等级复核或降级前提醒你' },
  campaign: { label: '活动通知', description: '品牌活动和专属福利上线时通知你' },
}

/** What the planner can put into a template field; `=text` in a mapping is a fixed text instead. */
export const REMINDER_VALUE_KEYS = [
  'nickname',
  'date',
  'note',
  'couponName',
  'couponSummary',
  'couponCount',
  'expiryDate',
  'daysLeft',
  'points',
  'pointsBalance',
  'streak',
  'tierName',
  'perks',
  'reviewDate',
  'missingGrowth',
  'campaignName',
  'campaignMessage',
  'endDate',
] as const
export type ReminderValueKey = (typeof REMINDER_VALUE_KEYS)[number]
const COMMON_KEYS: ReminderValueKey[] = ['nickname', 'date', 'note']
/** The value keys each kind fills (the config is checked against this). */
export const KIND_VALUE_KEYS: Record<ReminderKind, ReminderValueKey[]> = {
  coupon_expiring: [...COMMON_KEYS, 'couponName', 'couponSummary', 'couponCount', 'expiryDate', 'daysLeft'],
  points_expiring: [...COMMON_KEYS, 'points', 'pointsBalance', 'expiryDate', 'daysLeft'],
  birthday: [...COMMON_KEYS, 'couponName'],
  streak_at_risk: [...COMMON_KEYS, 'streak'],
  win_back: [...COMMON_KEYS, 'couponName'],
  tier_upgraded: [...COMMON_KEYS, 'tierName', 'perks'],
  tier_review: [...COMMON_KEYS, 'tierName', 'reviewDate', 'missingGrowth', 'daysLeft'],
  campaign: [...COMMON_KEYS, 'campaignName', 'campaignMessage', 'couponName', 'endDate'],
}

/** The Chinese names of the value keys (the 设置 form's hints). */
export const REMINDER_VALUE_LABELS: Record<ReminderValueKey, string> = {
  nickname: '昵称',
  date: '日期',
  note: '备注',
  couponName: '券名',
  couponSummary: '券摘要',
  couponCount: '券张数',
  expiryDate: '到期日',
  daysLeft: '剩余天数',
  points: '积分',
  pointsBalance: '积分余额',
  streak: '连签天数',
  tierName: '等级名',
  perks: '权益',
  reviewDate: '复核日',
  missingGrowth: '还差成长值',
  campaignName: '活动名',
  campaignMessage: '活动文案',
  endDate: '结束日',
}

/** A WeChat template id as the 公众平台 shows it (e.g. "vXw3…-Qk"); '' until the admin fills it. */
export const wechatTemplateId = z.string().regex(/^[\w-]{8,64}$/, '模板 ID 为 8–64 位字母数字、_ 或 -')
/** A mini-program page a message opens, e.g. "pages/coupons/index" or "pages/mall/index?from=msg". */
export const pagePath = z.string().regex(/^[\w/-]{1,120}(\?[\w=&%-]{0,80})?$/, '页面路径格式不正确')
/** WeChat subscribe-message field names: thing1, time2, number3, … */
export const templateField = z.string().regex(/^(thing|number|letter|symbol|character_string|time|date|amount|phone_number|car_number|name|phrase)\d{1,2}$/, '字段名应形如 thing1、time2')
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, '时间格式应为 HH:mm')
const fieldValue = z
  .union([
    z.enum(REMINDER_VALUE_KEYS).meta({ title: '数据项', enumLabels: REMINDER_VALUE_LABELS }),
    z
      .string()
      .regex(/^=.{1,20}$/, '固定文字以 = 开头，最多 20 字')
      .describe('以 = 开头的固定文字'),
  ])
  .meta({ title: '取值', description: '数据项（如 couponName），或以 = 开头的固定文字' })

// the `.describe()` / `.meta()` texts label the console's 设置 form (admin settingsForm)
const kindBase = {
  enabled: z.boolean().describe('启用'),
  templateId: z.union([wechatTemplateId, z.literal('')]).meta({ title: '订阅消息模板 ID', description: '公众平台「订阅消息」里的模板 ID；启用前必填' }),
  /** template field → value key (or `=固定文字`) */
  fields: z.record(templateField.describe('模板字段'), fieldValue).meta({ title: '模板字段', description: '模板字段（如 thing1）→ 取值；启用前至少配一个' }),
  /** the mini-program page a tap opens, e.g. "pages/coupons/index" */
  page: pagePath.meta({ title: '打开页面', description: '点消息打开的小程序页面，如 pages/coupons/index' }),
}
const days = (max: number) => z.number().int().min(1).max(max)
const couponRef = couponTemplateId.nullable()
const kindTitle = (kind: ReminderKind) => REMINDER_LABELS[kind].label

export const ReminderKindsConfigSchema = z
  .object({
    /** coupons whose expiry (Shanghai day) is at most `daysBefore` days away; one message per expiry day */
    coupon_expiring: z
      .object({ ...kindBase, daysBefore: days(30).describe('提前天数') })
      .strict()
      .describe(kindTitle('coupon_expiring')),
    points_expiring: z
      .object({ ...kindBase, daysBefore: days(30).describe('提前天数') })
      .strict()
      .describe(kindTitle('points_expiring')),
    /** on the Shanghai birthday (29 Feb → 28 Feb); the coupon: the tier's birthday coupon, else this one */
    birthday: z
      .object({ ...kindBase, couponTemplateId: couponRef.meta({ title: '生日券模板', description: '等级没有生日券时发这张' }) })
      .strict()
      .describe(kindTitle('birthday')),
    /** from `eveningHour`:00 Shanghai, streak ≥ `minStreak` as of yesterday, not checked in today */
    streak_at_risk: z
      .object({
        ...kindBase,
        eveningHour: z.number().int().min(12).max(23).meta({ title: '提醒时刻（点）', description: '当天几点起提醒（12–23），不能落在免打扰时段' }),
        minStreak: z.number().int().min(2).max(365).describe('最少连签天数'),
      })
      .strict()
      .describe(kindTitle('streak_at_risk')),
    /** churn risk ≥ riskThreshold, and no win-back within gapDays or the risk rose by minRise since the last one */
    win_back: z
      .object({
        ...kindBase,
        riskThreshold: z.number().min(0).max(1).meta({ title: '流失风险阈值', description: '流失风险（0–1）达到此值时发送' }),
        minRise: z.number().min(0).max(1).meta({ title: '风险上升幅度', description: '间隔期内风险再上升这么多也可再发' }),
        gapDays: days(60).describe('两次召回最少间隔（天）'),
        /** the coupon: the rule with the highest minRisk ≤ risk, else couponTemplateId (null: none) */
        couponRules: z
          .array(
            z
              .object({ minRisk: z.number().min(0).max(1).describe('最低风险'), couponTemplateId: couponTemplateId.describe('券模板编号') })
              .strict()
              .describe('按风险发券'),
          )
          .max(5)
          .meta({ title: '按风险发券', description: '风险不低于「最低风险」的会员发对应的券（取最高一档）' }),
        couponTemplateId: couponRef.meta({ title: '默认召回券', description: '没有匹配的按风险发券时发这张' }),
      })
      .strict()
      .describe(kindTitle('win_back')),
    /** a tier reached within `withinDays` (not the first tier), once per tier and date */
    tier_upgraded: z
      .object({ ...kindBase, withinDays: days(30).describe('升级后几天内') })
      .strict()
      .describe(kindTitle('tier_upgraded')),
    /** growth short of the tier `daysBefore` days before its review, or a downgrade due within `daysBefore` */
    tier_review: z
      .object({ ...kindBase, daysBefore: days(30).describe('提前天数') })
      .strict()
      .describe(kindTitle('tier_review')),
    /** a running campaign's message (admin startCampaign with `message`) to its treated members, once per campaign */
    campaign: z.object(kindBase).strict().describe(kindTitle('campaign')),
  })
  .strict()

/**
 * A config saved before a kind existed gets that kind as the default (off) and at the end of its
 * priority, so adding a kind never makes a stored `reminderConfig` unreadable.
 */
function withNewKinds(raw: unknown): unknown {
  if (!raw || typeof raw !== 'object') return raw
  const config = raw as { kinds?: unknown; priority?: unknown }
  const kinds = config.kinds && typeof config.kinds === 'object' ? (config.kinds as Record<string, unknown>) : null
  const given: unknown[] | null = Array.isArray(config.priority) ? config.priority : null
  if (!kinds || !given) return raw
  const missing = REMINDER_KINDS.filter(k => !(k in kinds))
  if (!missing.length) return raw
  const priority = [...given, ...DEFAULT_REMINDER_CONFIG.priority.filter(k => missing.includes(k) && !given.includes(k))]
  return { ...config, kinds: { ...kinds, ...Object.fromEntries(missing.map(k => [k, DEFAULT_REMINDER_CONFIG.kinds[k]])) }, priority }
}

/** Settings doc `reminderConfig` (admin `setReminderConfig`). */
export const ReminderConfigSchema = z.preprocess(
  withNewKinds,
  z
    .object({
      kinds: ReminderKindsConfigSchema.describe('各类提醒'),
      /** marketing messages per member per rolling 7 days (sent or pending), 0: none */
      weeklyMarketingCap: z.number().int().min(0).max(21).meta({ title: '每周营销消息上限', description: '每位会员滚动 7 天内最多几条营销消息，0：不发' }),
      /** Shanghai wall-clock; start > end crosses midnight; null: no quiet hours */
      quietHours: z
        .object({ start: hhmm.describe('开始（HH:mm）'), end: hhmm.describe('结束（HH:mm）') })
        .strict()
        .refine(q => q.start !== q.end, '开始和结束不能相同')
        .nullable()
        .meta({ title: '免打扰时段', description: '上海时间；开始晚于结束表示跨午夜；不设置：全天可发' }),
      /** most important first: which due message a member gets when several are due */
      priority: z
        .array(z.enum(REMINDER_KINDS).meta({ title: '提醒', enumLabels: Object.fromEntries(REMINDER_KINDS.map(k => [k, REMINDER_LABELS[k].label])) }))
        .length(REMINDER_KINDS.length)
        .refine(p => new Set(p).size === p.length, '优先级不能重复')
        .meta({ title: '优先级', description: '同时有多条到期时先发排在前面的；每类各出现一次' }),
      /** passed to subscribeMessage.send */
      miniprogramState: z.enum(['formal', 'trial', 'developer']).meta({ title: '跳转版本', enumLabels: { formal: '正式版', trial: '体验版', developer: '开发版' } }),
    })
    .strict()
    .superRefine((c, ctx) => {
      for (const kind of REMINDER_KINDS) {
        const k = c.kinds[kind]
        // the path names the field, so the 设置 form shows the message next to it
        const at = (field: string, message: string) => ctx.addIssue({ code: 'custom', path: ['kinds', kind, field], message })
        if (k.enabled && !k.templateId) at('templateId', `${REMINDER_LABELS[kind].label}：启用前请填写模板 ID`)
        if (k.enabled && !Object.keys(k.fields).length) at('fields', `${REMINDER_LABELS[kind].label}：请配置模板字段`)
        const wrong = Object.values(k.fields).filter(v => !v.startsWith('=') && !KIND_VALUE_KEYS[kind].includes(v as ReminderValueKey))
        if (wrong.length) at('fields', `${REMINDER_LABELS[kind].label}：不支持的取值 ${wrong.join('、')}`)
      }
      const q = c.quietHours
      const evening = `${String(c.kinds.streak_at_risk.eveningHour).padStart(2, '0')}:00`
      const quiet = q && (q.start < q.end ? evening >= q.start && evening < q.end : evening >= q.start || evening < q.end)
      if (c.kinds.streak_at_risk.enabled && quiet) ctx.addIssue({ code: 'custom', path: ['kinds', 'streak_at_risk', 'eveningHour'], message: '签到提醒的时间落在免打扰时段内' })
    }),
)
export type ReminderConfig = z.infer<typeof ReminderConfigSchema>

const off = { enabled: false, templateId: '' as const }
export const DEFAULT_REMINDER_CONFIG: ReminderConfig = {
  kinds: {
    coupon_expiring: { ...off, fields: { thing1: 'couponName', date2: 'expiryDate', thing3: 'note' }, page: 'pages/coupons/index', daysBefore: 3 },
    points_expiring: { ...off, fields: { number1: 'points', date2: 'expiryDate', thing3: 'note' }, page: 'pages/points/index', daysBefore: 7 },
    birthday: { ...off, fields: { thing1: 'couponName', thing2: 'note' }, page: 'pages/coupons/index', couponTemplateId: null },
    streak_at_risk: { ...off, fields: { number1: 'streak', thing2: 'note' }, page: 'pages/checkin/index', eveningHour: 19, minStreak: 3 },
    win_back: { ...off, fields: { thing1: 'couponName', thing2: 'note' }, page: 'pages/coupons/index', riskThreshold: 0.6, minRise: 0.1, gapDays: 30, couponRules: [], couponTemplateId: null },
    tier_upgraded: { ...off, fields: { thing1: 'tierName', thing2: 'perks' }, page: 'pages/index/index', withinDays: 7 },
    tier_review: { ...off, fields: { thing1: 'tierName', date2: 'reviewDate', thing3: 'note' }, page: 'pages/index/index', daysBefore: 14 },
    campaign: { ...off, fields: { thing1: 'campaignName', thing2: 'campaignMessage', date3: 'endDate' }, page: 'pages/coupons/index' },
  },
  weeklyMarketingCap: 2,
  quietHours: { start: '21:00', end: '09:00' },
  priority: ['coupon_expiring', 'points_expiring', 'tier_review', 'birthday', 'tier_upgraded', 'campaign', 'win_back', 'streak_at_risk'],
  miniprogramState: 'formal',
}

/** Taro.requestSubscribeMessage's answers (errMsg and other non-template keys are dropped). */
export const SUBSCRIBE_ANSWERS = ['accept', 'reject', 'ban', 'filter'] as const
export const SubscribeResultSchema = z.preprocess(
  v => (v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'errMsg' && k !== 'errCode')) : v),
  z.record(wechatTemplateId, z.enum(SUBSCRIBE_ANSWERS)).refine(r => Object.keys(r).length >= 1 && Object.keys(r).length <= 5, '一次最多 5 个模板'),
)
export type SubscribeResult = z.infer<typeof SubscribeResultSchema>

/** One doc per member in `subscriptions` (`_id` = memberId = OPENID). */
export const SubscriptionSchema = z.object({
  _id: z.string(),
  memberId: z.string(),
  /** WeChat template id → accepted one-time grants not yet spent */
  quota: z.record(z.string(), z.number().int().min(0)),
  /** template id → the last accept (an accept turns that template's kinds on, see preferenceOn) */
  acceptedAt: z.record(z.string(), z.date()),
  /** template id → WeChat's last answer of any kind (ban/filter are template problems for the admin, not member choices) */
  lastAnswer: z.record(z.string(), z.object({ answer: z.enum(SUBSCRIBE_ANSWERS), at: z.date() })),
  /** explicit choices in the reminder settings page; absent: the default */
  preferences: z.partialRecord(z.enum(REMINDER_KINDS), z.object({ on: z.boolean(), at: z.date() })),
  updatedAt: z.date(),
})
export type Subscription = z.infer<typeof SubscriptionSchema>

/** A running campaign's message due to one of its treated members (loaded by the shell, planned as kind `campaign`). */
export interface CampaignMessage {
  campaignId: string
  name: string
  text: string
  /** null: the `campaign` kind's page */
  page: string | null
  /** the message is due until the campaign's window ends */
  endsAt: Date
  /** the campaign's coupon, when the member got one */
  couponName: string | null
}

/** WeChat's `data` shape for subscribeMessage.send. */
export type TemplateData = Record<string, { value: string }>

export const LOG_STATUSES = ['pending', 'sent', 'failed'] as const
/** `reminders_log`: `_id` = dedupe key; written `pending` BEFORE the send (the insert is the lock), then `sent`/`failed`. */
export interface ReminderLogDoc {
  _id: string
  memberId: string
  kind: ReminderKind
  templateId: string
  period: string
  sentAt: Date
  status: (typeof LOG_STATUSES)[number]
  /** the operator's reason (Chinese) */
  reason: string
  data: TemplateData
  /** what the decision was based on, e.g. { risk: 0.72 } for win_back, { tierId } for tier kinds */
  basis: Record<string, string | number>
  error?: { errcode: number; errmsg: string } | null
}
/** How far back `recentLog` must reach: longer than every kind's window (a campaign's is ≤ 90 days), the cap week and the win-back gap. */
export const LOG_LOOKBACK_DAYS = 92

export const SKIP_REASONS = ['preference', 'no_quota', 'duplicate', 'weekly_cap', 'one_per_run'] as const
export type SkipReason = (typeof SKIP_REASONS)[number]
export const SKIP_REASON_LABELS: Record<SkipReason, string> = {
  preference: '会员已关闭该提醒',
  no_quota: '没有可用的订阅授权',
  duplicate: '本周期已发送过',
  weekly_cap: '已达每周营销消息上限',
  one_per_run: '本轮已有更重要的消息，下轮再发',
}

export interface PlannedReminder {
  memberId: string
  memberNo: string
  /** subscribeMessage.send's touser */
  touser: string
  kind: ReminderKind
  marketing: boolean
  templateId: string
  page: string
  data: TemplateData
  dedupeKey: string
  period: string
  reason: string
  basis: Record<string, string | number>
  /** a coupon the shell issues (idempotently, with `requestId`) BEFORE sending; null: none or already held */
  issueCoupon: { templateId: string; channel: 'birthday' | 'admin'; requestId: string } | null
}
export interface SkippedReminder {
  memberId: string
  memberNo: string
  kind: ReminderKind
  reason: SkipReason
  dedupeKey: string
  detail: string
}
export interface DeferredReminder {
  memberId: string
  memberNo: string
  kind: ReminderKind
  dedupeKey: string
  notBefore: Date
  detail: string
}
export interface ReminderPlan {
  messages: PlannedReminder[]
  skipped: SkippedReminder[]
  deferred: DeferredReminder[]
}

/** Admin dry-run (`dryRunReminders`): the plan of a run at `now`, nothing written. */
export interface ReminderDryRun {
  now: string
  quietNow: boolean
  counts: { messages: number; deferred: number; skipped: Record<SkipReason, number>; byKind: Record<ReminderKind, number> }
  messages: PlannedReminder[]
  skipped: SkippedReminder[]
  deferred: Array<Omit<DeferredReminder, 'notBefore'> & { notBefore: string }>
}

/** The member's reminder settings page. */
export interface ReminderPreferenceView {
  kind: ReminderKind
  label: string
  description: string
  marketing: boolean
  on: boolean
  /** unspent grants of the kind's template */
  quota: number
  /** a reminder could be sent now if one is due */
  canSend: boolean
  /** why not, e.g. "已关闭", "需要先订阅一次" */
  blocker: string | null
}
export interface ReminderPreferencesView {
  items: ReminderPreferenceView[]
  /** templates the client may offer in Taro.requestSubscribeMessage at the next natural moment (≤ 3, no grant left first) */
  askTemplateIds: string[]
}

/** Member actions for the shell author to add to MemberEvents (types/member.ts). */
export const ReminderMemberActions = {
  reportSubscribe: z.object({ action: z.literal('reportSubscribe'), requestId: clientRequestId, result: SubscribeResultSchema }).strict(),
  reminderPreferences: z.object({ action: z.literal('reminderPreferences') }).strict(),
  setReminderPreference: z.object({ action: z.literal('setReminderPreference'), kind: z.enum(REMINDER_KINDS), on: z.boolean() }).strict(),
}
/** Admin actions: `dryRunReminders.at` plans as of that instant (default now). */
export const ReminderAdminActions = {
  getReminderConfig: z.object({ action: z.literal('getReminderConfig') }).strict(),
  setReminderConfig: z.object({ action: z.literal('setReminderConfig'), config: ReminderConfigSchema }).strict(),
  dryRunReminders: z.object({ action: z.literal('dryRunReminders'), at: z.iso.datetime({ offset: true }).optional(), limit: z.number().int().min(1).max(2000).default(200) }).strict(),
}
