import type { ConsoleOutputs } from '../../../types/console'
import type { Result } from '../../../types/result'
import type { TierLadder } from '../../../types/tiers'
import { callFunction } from './cloud'

type Out<K extends keyof ConsoleOutputs> = Promise<Result<ConsoleOutputs[K]>>

/** A coupon template as `admin.listCouponTemplates` answers it (the fields the console shows). */
export interface ConsoleCouponTemplate {
  templateId: string
  name: string
  summary: string
  status: 'active' | 'paused'
  channels: string[]
  stock: number | null
}

/** What `admin.issueCoupons` answers. */
export interface IssueCouponsAnswer {
  dryRun: boolean
  requested: number
  issued: number
  wouldIssue: number
  alreadyIssued: number
  /** reason → members skipped for it */
  skipped: Record<string, number>
  unfinished: number
}

/** What `admin.adjustPoints` answers: the balance after the adjustment (`replayed`: a retry of one already booked). */
export interface AdjustPointsAnswer {
  openid: string
  delta: number
  balance: number
  replayed: boolean
}

/** What `admin.tagMembers` answers; `missing` lists member numbers not found (or deleted). */
export interface TagMembersAnswer {
  dryRun: boolean
  updated: number
  unchanged: number
  missing: string[]
}

/** The audit log's filters (all optional; `before` pages: the previous answer's `next`). */
export interface AuditFilter {
  actor?: string
  auditAction?: string
  target?: string
  before?: string
}

/**
 * The `admin` function's console actions (contracts in types/console.ts), called from the 管理
 * sub-package as the signed-in operator: the function checks the caller's OPENID against `admins`
 * (all stores) or `managers` (one store); anyone else gets PERMISSION_DENIED.
 */
export const consoleApi = {
  /** 概览: KPIs and charts (server-side SVG) for Shanghai days `from`–`to` (YYYY-MM-DD). */
  home(from: string, to: string): Out<'consoleHome'> {
    return callFunction('admin', { action: 'consoleHome', from, to })
  },
  /** An 11-digit phone or a 10-digit member number (exact), else the start of a nickname. */
  searchMembers(query: string): Out<'searchMembers'> {
    return callFunction('admin', { action: 'searchMembers', query })
  },
  member360(memberNo: string): Out<'member360'> {
    return callFunction('admin', { action: 'member360', memberNo })
  },
  /** 显示 the full phone; audited with `reason` (2–100 characters). */
  revealPhone(memberNo: string, reason: string): Out<'revealPhone'> {
    return callFunction('admin', { action: 'revealPhone', memberNo, reason })
  },
  /** The active coupon templates (发券 offers those with the `admin` channel). */
  listCouponTemplates(): Promise<Result<{ templates: ConsoleCouponTemplate[] }>> {
    return callFunction('admin', { action: 'listCouponTemplates', status: 'active' })
  },
  /** 发券 to one member. `requestId`: one per submission, reused on retry (never issued twice). */
  issueCoupon(input: { templateId: string; memberNo: string; requestId: string }): Promise<Result<IssueCouponsAnswer>> {
    return callFunction('admin', { action: 'issueCoupons', templateId: input.templateId, memberNos: [input.memberNo], requestId: input.requestId })
  },
  /** 调整积分 (brand admins): `delta` ± (not 0), `reason` 2–100 characters; `requestId` reused on retry (booked once). */
  adjustPoints(input: { memberNo: string; delta: number; reason: string; requestId: string }): Promise<Result<AdjustPointsAnswer>> {
    return callFunction('admin', { action: 'adjustPoints', memberNo: input.memberNo, delta: input.delta, reason: input.reason, requestId: input.requestId })
  },
  /** 打标签 / 去标签: the member's manual tags (brand admins). */
  tagMember(input: { memberNo: string; add?: string[]; remove?: string[] }): Promise<Result<TagMembersAnswer>> {
    return callFunction('admin', { action: 'tagMembers', memberNos: [input.memberNo], add: input.add ?? [], remove: input.remove ?? [] })
  },
  /** The tier ladder (等级保底 picks one of its tiers). */
  getTierLadder(): Promise<Result<{ rules: TierLadder }>> {
    return callFunction('admin', { action: 'getTierLadder' })
  },
  /** 等级保底: never below `tierId` until `until` (an ISO instant; null: no end). */
  setTierFloor(input: { memberNo: string; tierId: string; until: string | null; reason: string }): Promise<Result<{ tierId: string; tierName: string }>> {
    return callFunction('admin', { action: 'setMemberTier', memberNo: input.memberNo, mode: 'floor', tierId: input.tierId, until: input.until, reason: input.reason })
  },
  /** 取消 the manual tier (the earned tier applies again). */
  clearMemberTier(input: { memberNo: string; reason: string }): Promise<Result<{ tierId: string; tierName: string }>> {
    return callFunction('admin', { action: 'setMemberTier', memberNo: input.memberNo, mode: 'clear', reason: input.reason })
  },
  /** 审计: newest first, `limit` rows a page. */
  auditLog(filter: AuditFilter, limit = 20): Out<'auditLog'> {
    const event: Record<string, unknown> = { action: 'auditLog', limit }
    for (const key of ['actor', 'auditAction', 'target', 'before'] as const) if (filter[key]) event[key] = filter[key]
    return callFunction('admin', event)
  },
}
