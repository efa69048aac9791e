import { z } from 'zod'
import { templateId } from './coupons'
import { segmentId } from './segments'

/**
 * A campaign sends a coupon to a saved segment, except for a random holdout group, then measures
 * the treated group's purchases against the holdout's over a window (the lift).
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
    templateId,
    /** share of the audience held out (gets nothing), in percent */
    holdoutPercent: z.number().int().min(1).max(50).default(10),
    /** purchases from the start until this many days later count for the lift */
    windowDays: z.number().int().min(1).max(90).default(14),
  })
  .strict()
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
