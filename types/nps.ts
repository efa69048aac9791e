import { z } from 'zod'

/**
 * NPS (净推荐值): after a purchase the member may be asked "how likely are you to recommend us"
 * (0–10) with a comment. Answering or dismissing counts as asked; nobody is asked again within
 * NPS_COOLDOWN_DAYS, nor when they opted out. A detractor's answer opens a follow-up for the store.
 */
export const NPS_COOLDOWN_DAYS = 90
/** the question is offered for this long after the purchase */
export const NPS_ASK_WITHIN_DAYS = 7
export const NPS_COMMENT_MAX = 200

const purchaseId = z.string().min(1).max(128)

export const NpsMemberActions = {
  /** whether to show the question now, and for which purchase */
  npsPrompt: z.object({ action: z.literal('npsPrompt') }).strict(),
  submitNps: z.object({ action: z.literal('submitNps'), purchaseId, score: z.number().int().min(0).max(10), comment: z.string().trim().max(NPS_COMMENT_MAX).default('') }).strict(),
  /** "not now": counts as asked (no question for NPS_COOLDOWN_DAYS) */
  dismissNps: z.object({ action: z.literal('dismissNps'), purchaseId }).strict(),
  /** "never ask me": until turned back on */
  setNpsOptOut: z.object({ action: z.literal('setNpsOptOut'), optOut: z.boolean() }).strict(),
}

export const NpsStaffActions = {
  /** the staff member's own store's follow-ups */
  followUps: z.object({ action: z.literal('followUps'), status: z.enum(['open', 'closed']).default('open'), limit: z.number().int().min(1).max(100).default(50) }).strict(),
  closeFollowUp: z.object({ action: z.literal('closeFollowUp'), followUpId: z.string().min(1).max(64), note: z.string().trim().min(2, '请写下回访结果').max(200) }).strict(),
}

export const NpsAdminActions = {
  /** NPS by store and Shanghai month for responses in [from, to] (Shanghai days) */
  npsReport: z
    .object({ action: z.literal('npsReport'), from: z.iso.date(), to: z.iso.date() })
    .strict()
    .refine(e => e.from <= e.to, '开始日期不能晚于结束日期'),
}

/** `nps_state/<openid>`: when the member was last asked (answered or dismissed), and the opt-out */
export interface NpsState {
  _id: string
  askedAt: Date | null
  optOut: boolean
  updatedAt: Date
}

export type NpsCategory = 'promoter' | 'passive' | 'detractor'

export type NpsPrompt =
  { ask: true; purchaseId: string; storeId: string; storeName: string | null; purchasedAt: string } | { ask: false; reason: 'opted_out' | 'no_recent_purchase' | 'asked_recently' }

export interface FollowUpView {
  followUpId: string
  memberNo: string
  nickname: string
  score: number
  comment: string
  purchaseId: string
  amountFen: number
  status: 'open' | 'closed'
  createdAt: string
  closedAt: string | null
  note: string | null
}

export interface NpsRow {
  storeId: string
  /** YYYY-MM, Shanghai */
  month: string
  responses: number
  promoters: number
  passives: number
  detractors: number
  /** % promoters − % detractors, −100…100, one decimal */
  nps: number
}

export interface NpsOutputs {
  npsPrompt: NpsPrompt
  submitNps: { category: NpsCategory; followUp: boolean; replayed: boolean }
  dismissNps: { dismissed: true }
  setNpsOptOut: { optOut: boolean }
  followUps: { items: FollowUpView[] }
  closeFollowUp: { followUp: FollowUpView }
  npsReport: { rows: NpsRow[]; total: Omit<NpsRow, 'storeId' | 'month'> }
}
