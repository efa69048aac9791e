/**
 * Sign-up attribution (first touch): the channel code a new member arrived through (the launch
 * scene member.login passes on) is recorded once, at sign-up, as `signups/<openid>` with the
 * channel's store and staff. An existing member keeps theirs; a scene that names no channel is ignored.
 */
import type { SignupDoc } from '../../types/attribution'
import { parseScene } from '../../domain/attribution'
import { channels } from './collections/channels'
import { signups } from './collections/signups'
import { findById } from './query'
import { isDuplicateKey } from './transaction'

/** Records the new member's channel; null when the scene names none (or the member already has one). */
export async function recordSignup(memberId: string, scene: string | undefined, at: Date): Promise<SignupDoc | null> {
  const channelId = parseScene(scene)
  if (!channelId) return null
  const channel = await findById(channels, channelId)
  if (!channel) {
    console.warn('[signup] the scene names no channel (deleted, or another environment’s code):', channelId)
    return null
  }
  const doc: SignupDoc = {
    _id: memberId,
    memberId,
    channelId,
    kind: channel.kind,
    storeId: channel.storeId,
    staffOpenid: channel.staffOpenid,
    campaignId: channel.campaignId,
    at,
  }
  try {
    await signups.add({ data: doc })
  } catch (err) {
    // first touch: a second record for the member (a retried sign-up) keeps the first
    if (isDuplicateKey(err)) return null
    throw err
  }
  return doc
}
