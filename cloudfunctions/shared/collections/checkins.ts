/** `checkins/<openid>:<day>`: one check-in (or make-up) per member and Shanghai day. */
import { collectionHandle } from '../collection'

export interface CheckinDoc {
  _id: string
  memberId: string
  day: string
  kind: 'checkin' | 'makeup'
  points: number
  bonus: number
  streak: number
  createdAt: Date
  /** a make-up: what paid for it */
  paidWith?: string
  couponId?: string | null
}

export const checkins = collectionHandle<CheckinDoc>('checkins')

export const checkinId = (openid: string, day: string) => `${openid}:${day}`
