import { z } from 'zod'
import type { ChartView } from './console'
import { templateId } from './coupons'
import { pagePath } from './reminders'
import { segmentId } from './segments'

/**
 * A campaign sends a coupon, a subscribe message or both to a saved segment, except for a random
 * holdout group, then measures the treated group's purchases against the holdout's over a window
 * (the lift). The message goes out through the hourly reminders run (kind `campaign`): only to
 * members who accepted its template, within the weekly marketing cap and outside quiet hours.
 */
export const campaignId = z.string().regex(/^[a-z0-9][\w-]{1,39}$/, 'campaignId 为 2–40 位小写字母、数字、_ 或 -')

/** At most this many members per campaign: the audience is snapshotted when the campaign starts. */
export const MAX_CAMPAIGN_AUDIENCE = 50_000

export const CampaignSpecSchema = z
  .object({
    campaignId,
    name: z.string().trim().min(1).max(40),
    segmentId,
    /** the coupon template given to the treated group (its channels must include `admin`) */
    templateId: templateId.optional(),
    /** the subscribe message to the treated group while the campaign runs (reminder kind `campaign`) */
    message: z
      .object({
        /** the campaign's line in the message, e.g. 冬日新品第二杯半价 (value key `campaignMessage`) */
        text: z.string().trim().min(1).max(20),
        /** the page a tap opens; default: the `campaign` kind's page in the reminder settings */
        page: pagePath.optional(),
      })
      .strict()
      .optional(),
    /** share of the audience held out (gets nothing), in percent */
    holdoutPercent: z.number().int().min(1).max(50).default(10),
    /** purchases from the start until this many days later count for the lift */
    windowDays: z.number().int().min(1).max(90).default(14),
  })
  .strict()
  .refine(c => c.templateId !== undefined || c.message !== undefined, { message: '请至少指定 templateId（发券）或 message（发消息）', path: ['templateId'] })
export type CampaignSpec = z.infer<typeof CampaignSpecSchema>

export const CampaignAdminActions = {
  /**
   * Snapshots the segment, splits it into treated and holdout, and issues the coupon to the treated.
   * Call again with the same spec to continue an unfinished start (idempotent); dryRun counts only.
   */
  startCampaign: z.object({ action: z.literal('startCampaign'), campaign: CampaignSpecSchema, dryRun: z.boolean().default(false) }).strict(),
  /** treated vs holdout: members, buyers, purchases, spend over the window, lift with a 95 % interval */
  campaignReport: z.object({ action: z.literal('campaignReport'), campaignId }).strict(),
  listCampaigns: z.object({ action: z.literal('listCampaigns') }).strict(),
}

export type CampaignStatus = 'starting' | 'running' | 'finished'

/** What one group did during the window. */
export interface GroupOutcome {
  members: number
  /** members with at least one purchase in the window */
  buyers: number
  purchases: number
  /** paid, net of refunds */
  spendFen: number
}

export interface GroupFigures extends GroupOutcome {
  /** buyers / members */
  conversion: number
  /** 95 % interval of the conversion (Wilson score); null for an empty group */
  conversion95: [number, number] | null
  spendPerMemberFen: number
}

/** Treated against holdout over the window (domain/campaigns.ts liftReport). */
export interface LiftReport {
  treated: GroupFigures
  holdout: GroupFigures
  /** treated conversion − holdout conversion, in percentage points of conversion (0.05 = 5 points) */
  conversionDiff: number
  /** 95 % interval of that difference (normal approximation); null when a group is empty */
  conversionDiff95: [number, number] | null
  /** treated conversion / holdout conversion − 1; null when the holdout bought nothing */
  relativeLift: number | null
  /** two-sided p-value of "the conversions are equal" (pooled two-proportion z-test) */
  pValue: number | null
  /** purchases the treatment caused: the conversion difference times the treated group */
  incrementalBuyers: number
  /** spend the treatment caused: the spend-per-member difference times the treated group */
  incrementalSpendFen: number
}

/** A campaign as `listCampaigns`, `startCampaign` and `campaignReport` answer it. */
export interface CampaignView {
  campaignId: string
  name: string
  segmentId: string
  /** null: no coupon (a message-only campaign) */
  templateId: string | null
  message: { text: string; page?: string } | null
  holdoutPercent: number
  windowDays: number
  status: CampaignStatus
  audience: number
  treated: number
  holdout: number
  startedAt: string
  endsAt: string
}

/**
 * The coupon part of a dry run. A new campaign: how many treated members the start would give the
 * coupon, and why the others would get none (已领完, 已达领取上限, 仅限指定会员, …), counting the stock
 * down as the start would. A campaign already started: `alreadyIssued`, the rows still pending
 * (`wouldIssue`, what continuing tries) and the reasons rows were skipped.
 */
export interface CampaignCouponForecast {
  wouldIssue: number
  alreadyIssued: number
  /** reason → treated members */
  skipped: Record<string, number>
}

/** `startCampaign { dryRun: true }`: nothing is written. */
export interface CampaignDryRun {
  dryRun: true
  campaignId: string
  /** the campaign exists already (a start with this spec continues it) */
  continuing: boolean
  audience: number
  treated: number
  holdout: number
  /** null: no coupon in the spec */
  coupons: CampaignCouponForecast | null
  /** with a message: treated members holding a grant of its template now (the most it can reach) */
  messageWithGrant?: number
  /** a campaign already started: its rows by outcome (kept for older callers; `coupons` says the same) */
  issued?: number
  skipped?: number
  pending?: number
}

/** `startCampaign`: `campaign.status` is `starting` while rows are pending; the same call again continues. */
export interface CampaignStartAnswer {
  campaign: CampaignView
  issued: number
  skipped: number
  pending: number
}

/** `campaignReport`. */
export interface CampaignReport {
  campaign: CampaignView
  /** before the window ends the figures are interim */
  final: boolean
  coupons: { issued: number; used: number; skipped: number } | null
  /** subscribe messages to the treated group; the others had no grant, turned the kind off or hit a cap */
  messages: { sent: number; failed: number; pending: number; treated: number } | null
  lift: LiftReport
  /** buyer rate of both groups and their difference, each with its 95 % interval (SVG drawn by the function) */
  chart: ChartView
}
