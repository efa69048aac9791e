import { z } from 'zod'
import type { ReminderKind } from './reminders'

/**
 * One-to-one care tasks (关怀任务, issue 16 part 3): an occasion in a member's life (birthday, churn
 * risk, a detractor's NPS answer, a tier upgrade) becomes a task for the member's WeCom advisor, or for
 * the staff of the member's store when there is none, with a suggested message; for a member linked on
 * WeCom also a 企业群发 message template (add_msg_template, single chat) the advisor confirms in WeCom.
 * Rules in domain/care-tasks.ts; see docs/wecom.md.
 */
export const CARE_KINDS = ['nps_detractor', 'churn_risk', 'birthday', 'tier_upgrade'] as const
export type CareKind = (typeof CARE_KINDS)[number]

export const CARE_KIND_LABELS: Record<CareKind, string> = {
  nps_detractor: '差评回访',
  churn_risk: '流失预警',
  birthday: '生日关怀',
  tier_upgrade: '升级祝贺',
}

/**
 * The member's reminder switch (订阅消息设置) each kind follows: a member who turned the kind off gets
 * no task for it. A detractor's answer has none: it asked for a reply.
 */
export const CARE_SWITCHES: Record<CareKind, ReminderKind | null> = {
  nps_detractor: null,
  churn_risk: 'win_back',
  birthday: 'birthday',
  tier_upgrade: 'tier_upgraded',
}

/** open → sent (→ replied), or skipped; 'closed' when the member deleted the account. */
export const CARE_STATUSES = ['open', 'sent', 'replied', 'skipped', 'closed'] as const
export type CareStatus = (typeof CARE_STATUSES)[number]

/** none: the member is not linked on WeCom; queued until `templateNotBefore` (quiet hours); sending while one call claims it. */
export const TEMPLATE_STATUSES = ['none', 'queued', 'sending', 'created', 'failed'] as const
export type TemplateStatus = (typeof TEMPLATE_STATUSES)[number]

/** A purchase within this many days of the task (from its 已发送 mark, else its creation) counts as bought. */
export const BUY_WINDOW_DAYS = 7
/** A tier reached at most this many days ago is still congratulated. */
export const TIER_UPGRADE_WITHIN_DAYS = 2

/** `care_tasks/<derivedId('care', kind, memberId, occasion)>`: one task per member, kind and occasion. */
export interface CareTaskDoc {
  _id: string
  kind: CareKind
  memberId: string
  memberNo: string
  nickname: string
  /** what makes the task unique for its kind: the birthday year, the month at risk, the NPS response, the tier and day */
  occasion: string
  /** the member's store (the advisor's, else where they signed up or last bought); null when unknown */
  storeId: string | null
  /** the advisor's staff OPENID; null: the store's pool, any of its staff may take it */
  assigneeId: string | null
  /** why, for the staff: 今天生日 / 流失风险 82% / … */
  reason: string
  /** the suggested message (copied by staff, or the template's text) */
  message: string
  status: CareStatus
  createdAt: Date
  sentAt: Date | null
  repliedAt: Date | null
  skippedAt: Date | null
  /** the staff member who marked it last */
  markedBy: string | null
  note: string | null
  /** the WeCom template (linked members only) */
  templateStatus: TemplateStatus
  templateNotBefore: Date | null
  sender: string | null
  externalUserId: string | null
  templateMsgid: string | null
  templateError: string | null
  templateAt: Date | null
  /** the first purchase within BUY_WINDOW_DAYS (the daily step looks until the window is over) */
  boughtAt: Date | null
  boughtPurchaseId: string | null
  /** true until the outcome is final (bought, or the window over): the daily step reads only these */
  outcomeOpen: boolean
  /** set when the member deleted the account (domain/privacy.ts) */
  closedReason?: string
}

export interface CareTaskView {
  taskId: string
  kind: CareKind
  kindLabel: string
  memberNo: string
  nickname: string
  reason: string
  message: string
  status: CareStatus
  /** mine: assigned to the caller; pool: the store's, not yet taken */
  assigned: 'mine' | 'pool'
  template: TemplateStatus
  createdAt: string
  sentAt: string | null
  repliedAt: string | null
  bought: boolean
}

const taskId = z.string().min(1).max(64)

export const CareStaffActions = {
  /** the caller's tasks and their store's unassigned ones: todo = open and sent, done = replied and skipped */
  myCareTasks: z.object({ action: z.literal('myCareTasks'), status: z.enum(['todo', 'done']).default('todo'), limit: z.number().int().min(1).max(100).default(50) }).strict(),
  /** 已发送 / 已回复 / 跳过; a pool task becomes the marker's */
  markCareTask: z.object({ action: z.literal('markCareTask'), taskId, mark: z.enum(['sent', 'replied', 'skipped']), note: z.string().trim().max(100).optional() }).strict(),
}

export const CareAdminActions = {
  /** tasks created in [from, to] (Shanghai days): counts per kind, store and staff, and the 7-day buy rate */
  careReport: z
    .object({ action: z.literal('careReport'), from: z.iso.date(), to: z.iso.date() })
    .strict()
    .refine(e => e.from <= e.to, '开始日期不能晚于结束日期'),
}

/** The `wecom` function's action: queued templates whose time has come (taskIds: only those). */
export const PushCareTemplatesEvent = z.object({ action: z.literal('pushCareTemplates'), taskIds: z.array(taskId).max(20).optional(), max: z.number().int().min(1).max(200).optional() }).strict()

/** What a line of the report counts. */
export interface CareCounts {
  created: number
  sent: number
  replied: number
  skipped: number
  bought: number
  /** bought / sent (0 when nothing was sent) */
  buyRate: number
}

export interface CareOutputs {
  myCareTasks: { items: CareTaskView[] }
  markCareTask: { task: CareTaskView }
  careReport: {
    from: string
    to: string
    total: CareCounts
    byKind: Array<{ kind: CareKind; label: string } & CareCounts>
    byStore: Array<{ storeId: string | null } & CareCounts>
    byStaff: Array<{ staffId: string | null; name: string | null } & CareCounts>
  }
  pushCareTemplates: { created: number; failed: number; more: boolean }
}

/** The daily step (reminders `care`, also run by the hourly `run`). */
export interface CareStepSummary {
  day: string
  /** waiting: today's scoring job has not finished */
  status: 'waiting' | 'running' | 'done'
  members: number
  created: number
  skipped: Record<string, number>
  outcomes: number
  more: boolean
}
