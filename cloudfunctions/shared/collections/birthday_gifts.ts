/** `birthday_gifts`: one claim per member and birthday year (member.claimBirthdayGift), inserted once under a derived id. */
import type { BirthdayGiftClaimDoc } from '../../../types/birthday'
import { collectionHandle } from '../collection'
import { derivedId } from '../ids'

export type { BirthdayGiftClaimDoc }
export const birthdayGifts = collectionHandle<BirthdayGiftClaimDoc>('birthday_gifts')

/** The claim of a member's gift for one birthday year: inserted once, so a second claim finds it. */
export const birthdayGiftIdOf = (openid: string, year: number) => derivedId('bday', openid, String(year))
