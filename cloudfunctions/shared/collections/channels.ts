/** `channels`: 渠道码 of stores, staff and campaigns (admin.createChannelCode; types/attribution.ts). */
import type { ChannelDoc } from '../../../types/attribution'
import { collectionHandle } from '../collection'

export type { ChannelDoc }
export const channels = collectionHandle<ChannelDoc>('channels')
