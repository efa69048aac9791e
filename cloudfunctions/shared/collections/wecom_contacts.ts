/** `wecom_contacts`: WeCom customer contacts (企业微信客户) by external user id, linked to a member by UNIONID (docs/wecom.md). */
import type { WecomContactDoc } from '../../../types/wecom'
import { collectionHandle } from '../collection'

export type { WecomContactDoc }
export const wecomContacts = collectionHandle<WecomContactDoc>('wecom_contacts')
