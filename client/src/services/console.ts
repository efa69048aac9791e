import type { ConsoleOutputs } from '../../../types/console'
import type { Result } from '../../../types/result'
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
}
