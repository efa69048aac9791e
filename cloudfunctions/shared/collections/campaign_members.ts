/** `campaign_members`: a campaign's audience snapshot, one row per member with its group (fixed at the start) and outcome. */
import type { CampaignGroup } from '../../../domain/campaigns'
import { collectionHandle } from '../collection'
import { derivedId } from '../ids'

export interface CampaignMemberDoc {
  _id: string
  campaignId: string
  memberId: string
  group: CampaignGroup
  /** treated rows: pending until the coupon is issued or the member is skipped; no_coupon: a message-only campaign */
  outcome: 'pending' | 'issued' | 'skipped' | 'holdout' | 'no_coupon'
  couponId: string | null
  reason: string | null
}

export const campaignMembers = collectionHandle<CampaignMemberDoc>('campaign_members')

export const campaignMemberId = (campaignId: string, memberId: string) => derivedId('cmm', campaignId, memberId)
