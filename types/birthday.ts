import { z } from 'zod'
import { templateId, type CouponView } from './coupons'

/**
 * 生日礼 (settings doc `birthdayGift`): points and/or a coupon the member claims in the app during
 * their birthday week (domain/birthday.ts), once per birthday year, whether or not a subscribe
 * message reached them. The coupon template must list the `birthday` channel.
 */
export const BirthdayGiftRulesSchema = z
  .object({
    enabled: z.boolean().meta({ title: '开启生日礼', description: '开启后，会员在生日周（生日前后各 3 天，共 7 天）可在首页领取一次' }),
    points: z.number().int().min(0).max(100_000).meta({ title: '生日积分', description: '领取时赠送的积分（0：不送积分）' }),
    couponTemplateId: templateId
      .nullable()
      .meta({ title: '生日券模板', description: '领取时发放的券：模板的发放渠道须包含「生日」（birthday），每人限领按历年累计（每年一张，请设得足够大）；不填：不发券' }),
  })
  .strict()
  .refine(r => !r.enabled || r.points > 0 || r.couponTemplateId !== null, { message: '开启生日礼时请设置生日积分或生日券', path: ['points'] })
export type BirthdayGiftRules = z.infer<typeof BirthdayGiftRulesSchema>

export const DEFAULT_BIRTHDAY_GIFT: BirthdayGiftRules = { enabled: false, points: 0, couponTemplateId: null }

/** One claim per member and birthday year (`birthday_gifts`, id from domain/birthday.ts giftClaimId). */
export interface BirthdayGiftClaimDoc {
  _id: string
  memberId: string
  /** the year of the birthday the week belongs to (a 30 Dec birthday claimed on 1 Jan counts for the old year) */
  year: number
  /** the birthday's Shanghai day that year (29 Feb → 28 Feb in a common year) */
  day: string
  points: number
  couponId: string | null
  claimedAt: Date
}

/** The home page's 生日礼 card. */
export interface BirthdayGiftView {
  /** the brand offers a gift (enabled with points or a coupon) */
  enabled: boolean
  /** the member has a birthday in their profile */
  hasBirthday: boolean
  /** the birthday week this card is about: the open one, else the next one (null without a birthday) */
  week: { year: number; day: string; from: string; to: string } | null
  /** today (Shanghai) is in `week` */
  open: boolean
  /** the gift of `week`'s year is claimed (ISO time), else null */
  claimedAt: string | null
  /** what the gift is, as configured now */
  gift: { points: number; couponName: string | null }
}

export const BirthdayMemberActions = {
  birthdayGift: z.object({ action: z.literal('birthdayGift') }).strict(),
  /** once per birthday year, during the birthday week (else NOT_BIRTHDAY_WEEK); a repeat is ALREADY_EXISTS */
  claimBirthdayGift: z.object({ action: z.literal('claimBirthdayGift') }).strict(),
}

export const BirthdayAdminActions = {
  getBirthdayGiftRules: z.object({ action: z.literal('getBirthdayGiftRules') }).strict(),
  setBirthdayGiftRules: z.object({ action: z.literal('setBirthdayGiftRules'), rules: BirthdayGiftRulesSchema }).strict(),
}

export interface BirthdayOutputs {
  birthdayGift: BirthdayGiftView
  claimBirthdayGift: { gift: BirthdayGiftView; pointsAwarded: number; coupon: CouponView | null; balance: number }
}
