import { z } from 'zod'
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
