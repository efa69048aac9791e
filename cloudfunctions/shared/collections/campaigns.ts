/** `campaigns`: a segment's coupon and/or message for a time, with a holdout group (admin/campaigns.ts). */
import type { CampaignSpec, CampaignStatus } from '../../../types/campaigns'
import { collectionHandle } from '../collection'

export interface CampaignDoc extends Omit<CampaignSpec, 'campaignId' | 'templateId' | 'message'> {
  _id: string
  /** null: no coupon (campaigns before messages existed always have one) */
  templateId: string | null
  /** absent on campaigns from before messages existed */
  message?: NonNullable<CampaignSpec['message']> | null
  status: Exclude<CampaignStatus, 'finished'>
  /** every audience row is written (a start killed half way leaves this false; the next call completes it) */
  snapshotDone: boolean
  audience: number
  treated: number
  holdout: number
  startedAt: Date
  endsAt: Date
  createdBy: string
  updatedAt: Date
}

export const campaigns = collectionHandle<CampaignDoc>('campaigns')
