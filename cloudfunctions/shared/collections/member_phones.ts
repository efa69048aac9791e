/** `member_phones/<phone>`: which member a phone is bound to (one member per phone). */
import { collectionHandle } from '../collection'

export interface MemberPhoneDoc {
  _id: string
  memberId: string
  boundAt: Date
}

export const memberPhones = collectionHandle<MemberPhoneDoc>('member_phones')
