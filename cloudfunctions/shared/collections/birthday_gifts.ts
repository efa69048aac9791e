/** `birthday_gifts`: one claim per member and birthday year (member.claimBirthdayGift), inserted once under a derived id. */
import type { BirthdayGiftClaimDoc } from '../../../types/birthday'
import { collectionHandle } from '../collection'

export type { BirthdayGiftClaimDoc }
export const birthdayGifts = collectionHandle<BirthdayGiftClaimDoc>('birthday_gifts')
