import type { CampaignDryRun, CampaignReport, CampaignSpec, CampaignStartAnswer, CampaignView } from '../../../types/campaigns'
import type { CouponTemplateRow } from '../../../types/coupons'
import type { Result } from '../../../types/result'
import { callFunction } from './cloud'

/** A saved segment as `admin.listSegments` answers it (the fields 活动 shows). */
export interface SegmentChoice {
  segmentId: string
  name: string
  updatedAt: string
}

/**
 * The 活动 screen's calls to the `admin` function (brand admins only). A campaign snapshots a saved
 * segment, holds a random share out, gives the others a coupon and/or a message, and measures the
 * difference (types/campaigns.ts).
 */
export const campaignsApi = {
  /** Newest first. */
  list(): Promise<Result<{ campaigns: CampaignView[] }>> {
    return callFunction('admin', { action: 'listCampaigns' })
  },
  segments(): Promise<Result<{ segments: SegmentChoice[] }>> {
    return callFunction('admin', { action: 'listSegments' })
  },
  /** Active templates (a campaign needs one with the `admin` channel). */
  templates(): Promise<Result<{ templates: CouponTemplateRow[] }>> {
    return callFunction('admin', { action: 'listCouponTemplates', status: 'active' })
  },
  /** 试算: the groups and what the coupon would do; writes nothing. */
  dryRun(campaign: CampaignSpec): Promise<Result<CampaignDryRun>> {
    return callFunction('admin', { action: 'startCampaign', campaign, dryRun: true })
  },
  /** 开始, or 继续 an unfinished start: the same spec again never issues twice. */
  start(campaign: CampaignSpec): Promise<Result<CampaignStartAnswer>> {
    return callFunction('admin', { action: 'startCampaign', campaign, dryRun: false })
  },
  report(campaignId: string): Promise<Result<CampaignReport>> {
    return callFunction('admin', { action: 'campaignReport', campaignId })
  },
}
