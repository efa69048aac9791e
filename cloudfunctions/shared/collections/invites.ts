/**
 * `invites/<inviteeOpenid>`: who invited the member (one inviter per invitee);
 * `invites/counter:<inviterId>:<YYYY-MM>`: an inviter's rewarded invitations that month (shared/referrals.ts).
 */
import { collectionHandle, type CollectionHandle } from '../collection'

export { inviteCounterId } from '../../../domain/tasks'

export type InviteStatus = 'joined' | 'rewarded' | 'over_cap'

export interface InviteDoc {
  _id: string
  inviterId: string
  inviteeId: string
  inviteeNickname: string
  joinedAt: Date
  status: InviteStatus
  rewardedAt?: Date | null
  purchaseId?: string | null
}

/** it has no `inviterId`, so listing an inviter's invitees never returns it */
export interface InviteCounterDoc {
  _id: string
  ownerId: string
  month: string
  rewarded: number
  updatedAt: Date
}

export const invites = collectionHandle<InviteDoc>('invites')
/** the same collection, read at a counter's id */
export const inviteCounters = invites as unknown as CollectionHandle<InviteCounterDoc>
