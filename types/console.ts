/**
 * The operator console (管理 sub-package `console/`): who may use it and what its screens read.
 * Brand admins (`admins/<openid>`, or the CloudBase console / timers without an OPENID) see every
 * store; a store manager (店长, `managers/<openid>` with a storeId, appointed by an admin) sees only
 * the members who bought in their store, and that store's staff, purchases, follow-ups and reports.
 * Every rule is enforced in the `admin` function (shared/access.ts), never by the client.
 */
import type { CareStatus, TemplateStatus } from './care-tasks'
import type { WecomLinkView } from './wecom'
import { z } from 'zod'
import type { CouponView } from './coupons'
import { isoDate, memberNo, type MyPurchaseView } from './member'
import type { LedgerItem } from './points'
import type { TierProgress } from './tiers'

const openid = z.string().min(1).max(64)
const storeId = z.string().regex(/^[\w-]{1,32}$/, 'storeId 为 1–32 位字母数字')

/** What `member.login` answers about the caller's roles: the home page shows 管理 to operators. */
export interface CallerRoles {
  /** a brand admin (all stores) */
  admin: boolean
  /** a store manager (店长) of this store */
  manager: { storeId: string; storeName: string } | null
  /** active staff of this store (the till) */
  staff: { storeId: string } | null
}

/** `managers/<openid>` */
export interface ManagerDoc {
  _id: string
  storeId: string
  name: string
  active: boolean
  createdAt: Date
  updatedAt: Date
}

/** The operator behind a console call: the brand (all stores) or one store. */
export type OperatorScope = { kind: 'brand' } | { kind: 'store'; storeId: string }

export const CONSOLE_RANGE_MAX_DAYS = 366

/** Console actions a store manager may call too (scoped to their store); every other admin action is brand admins only. */
export const OPERATOR_ACTIONS: ReadonlySet<string> = new Set(['consoleHome', 'searchMembers', 'member360', 'revealPhone', 'auditLog', 'consoleReport', 'listStores', 'listStaff'])

export const ConsoleAdminActions = {
  /** brand admins only */
  appointManager: z.object({ action: z.literal('appointManager'), openid, storeId, name: z.string().min(1).max(20) }).strict(),
  removeManager: z.object({ action: z.literal('removeManager'), openid }).strict(),
  listManagers: z.object({ action: z.literal('listManagers'), storeId: storeId.optional() }).strict(),
  /** 概览: KPIs and trend charts for Shanghai days `from`–`to` (a manager: their store) */
  consoleHome: z
    .object({ action: z.literal('consoleHome'), from: isoDate, to: isoDate })
    .strict()
    .refine(e => e.from <= e.to, { message: 'from 不能晚于 to', path: ['to'] }),
  /** 会员: an 11-digit phone (exact), a 10-digit member number (exact), else the start of a nickname */
  searchMembers: z.object({ action: z.literal('searchMembers'), query: z.string().trim().min(1).max(40) }).strict(),
  /** the member 360 (phone masked) */
  member360: z.object({ action: z.literal('member360'), memberNo }).strict(),
  /** 显示 the full phone: audited with the reason */
  revealPhone: z.object({ action: z.literal('revealPhone'), memberNo, reason: z.string().trim().min(2, '请写明查看原因').max(100) }).strict(),
  /** 审计: newest first, filtered; `before` pages (the previous answer's `next`) */
  auditLog: z
    .object({
      action: z.literal('auditLog'),
      actor: z.string().min(1).max(64).optional(),
      /** an admin action name, e.g. adjustPoints */
      auditAction: z.string().min(1).max(40).optional(),
      target: z.string().min(1).max(128).optional(),
      /** the previous answer's `next` ("<ISO instant>~<row id>"), or an ISO instant */
      before: z
        .string()
        .max(200)
        .regex(/^[^~]+(~[^~]+)?$/)
        .refine(s => z.iso.datetime().safeParse(s.split('~')[0]).success, { message: 'before 须为上一页的 next 或 ISO 时间' })
        .optional(),
      limit: z.number().int().min(1).max(100).default(50),
    })
    .strict(),
}

export type KpiUnit = 'count' | 'fen' | 'rate' | 'points' | 'score'

export interface Kpi {
  id: 'members' | 'newMembers' | 'activeMembers' | 'repurchaseRate' | 'salesFen' | 'pointsLiability' | 'couponRedemption' | 'nps'
  label: string
  /** null when there is nothing to divide by (a rate) or no data (NPS without answers) */
  value: number | null
  unit: KpiUnit
  hint?: string
}

/** A chart drawn by the function (ECharts, server-side SVG): the client shows it as an image. */
export interface ChartView {
  id: string
  title: string
  /** SVG markup */
  svg: string
}

export interface ConsoleHome {
  scope: { kind: 'brand' } | { kind: 'store'; storeId: string; storeName: string }
  from: string
  to: string
  kpis: Kpi[]
  charts: ChartView[]
}

/** One search hit. */
export interface MemberRow {
  memberNo: string
  nickname: string
  maskedPhone: string | null
  tierName: string
  stage: string
  points: number
  lastPurchaseAt: string | null
}

export interface AuditRow {
  id: string
  actor: string
  action: string
  target: string
  before: unknown
  after: unknown
  storeId: string | null
  /** the reason the operator gave (adjustPoints, setMemberTier, revealPhone), if any */
  reason: string | null
  at: string
}

export interface Member360 {
  member: MemberRow & {
    avatarFileId: string | null
    hasPhone: boolean
    birthday: string | null
    gender: string
    createdAt: string
    valueLayer: string
  }
  tier: TierProgress
  /** an admin's manual tier (等级保底 floor, or override) still in force, else null */
  tierManual: { tierId: string; tierName: string; mode: 'floor' | 'override'; until: string | null; reason: string } | null
  rfm: { r: number; f: number; m: number; score: number; layer: string } | null
  tags: string[]
  manualTags: string[]
  churn: { risk: number; reasons: string[]; expectedPurchases: number; predictedValueFen: number; scoredAt: string } | null
  stats: { purchases: number; spendFen: number; firstPurchaseAt: string | null; lastPurchaseAt: string | null }
  points: { balance: number; expiring: { amount: number; date: string } | null }
  ledger: LedgerItem[]
  coupons: CouponView[]
  purchases: MyPurchaseView[]
  /** subscribe messages and other reminders sent */
  reminders: Array<{ kind: string; status: string; at: string }>
  nps: Array<{ score: number; comment: string | null; storeId: string | null; at: string }>
  followUps: Array<{ status: string; note: string | null; storeId: string | null; at: string }>
  audit: AuditRow[]
  /** what the caller may do here (a store manager: read only) */
  can: { adjustPoints: boolean; tag: boolean; tierFloor: boolean; issueCoupon: boolean; revealPhone: boolean }
  /** 专属顾问: the WeCom advisor and contacts (docs/wecom.md) */
  wecom: WecomLinkView
  /** 来源: the channel, store and staff the member signed up through (first touch), null when unknown */
  signup: Member360Signup | null
  /** 关怀任务 about the member, newest first (a manager: their store's) */
  careTasks: Member360CareTask[]
}

export interface Member360Signup {
  /** 门店码 / 店员码 / 活动码 / 企业微信 */
  kindLabel: string
  /** the channel code's name; null for a WeCom contact-me code */
  channelName: string | null
  storeId: string | null
  storeName: string | null
  staffName: string | null
  at: string
}

export interface Member360CareTask {
  kindLabel: string
  status: CareStatus
  /** the assignee's name; null: the store's pool */
  assigneeName: string | null
  reason: string
  template: TemplateStatus
  createdAt: string
}

export interface ConsoleOutputs {
  appointManager: { openid: string; storeId: string; name: string }
  removeManager: { openid: string; removed: boolean }
  listManagers: { managers: Array<{ openid: string; storeId: string; name: string; active: boolean }> }
  consoleHome: ConsoleHome
  searchMembers: { members: MemberRow[] }
  member360: Member360
  revealPhone: { phone: string }
  auditLog: { rows: AuditRow[]; next: string | null }
}

/** 设置: the rule documents the console edits, each through a form generated from its zod schema (admin `settingsForm`). */
export const SETTINGS_SECTIONS = ['points', 'checkin', 'tasks', 'tiers', 'reminders', 'birthday'] as const
export type SettingsSection = (typeof SETTINGS_SECTIONS)[number]

/** What `admin.settingsForm` answers: the section's JSON Schema (zod 4 `z.toJSONSchema`, input side) and its current value. */
export interface SettingsForm {
  section: SettingsSection
  title: string
  /** the admin action that saves the value, and the event field it goes in (issue paths start with that field) */
  save: { action: 'setPointRules' | 'setCheckinRules' | 'setTaskRules' | 'setTierLadder' | 'setReminderConfig' | 'setBirthdayGiftRules'; field: 'rules' | 'ladder' | 'config' }
  /** JSON Schema (draft 2020-12); refinements are not in it: the set action checks them and answers issues by path */
  schema: Record<string, unknown>
  value: unknown
  /** no document saved yet: the defaults apply */
  isDefault: boolean
  updatedAt: string | null
}

/** A store as `admin.listStores` answers it. */
export interface StoreView {
  storeId: string
  name: string
  city: string | null
  updatedAt: string | null
}

/** A staff row as `admin.listStaff` / `appointStaff` / `removeStaff` answer it. */
export interface StaffView {
  openid: string
  /** the member number the console shows (null when the member is gone) */
  memberNo: string | null
  storeId: string
  name: string
  active: boolean
  createdAt: string | null
}

/** 门店与店员: a store manager's answers are their store's only (the function derives the store from the caller). */
export interface StoresOutputs {
  listStores: { scope: OperatorScope; stores: StoreView[] }
  listStaff: { storeId: string | null; staff: StaffView[] }
  upsertStore: { store: { storeId: string; name: string; city: string | null }; created: boolean }
  appointStaff: { staff: StaffView }
  removeStaff: { staff: StaffView; changed: boolean }
  settingsForm: SettingsForm
}
