/** `signups/<openid>`: a member's first touch — the channel, store and staff they signed up through (member.login). */
import type { SignupDoc } from '../../../types/attribution'
import { collectionHandle } from '../collection'

export type { SignupDoc }
export const signups = collectionHandle<SignupDoc>('signups')
