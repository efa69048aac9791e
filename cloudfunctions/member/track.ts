/**
 * What the member looks at: views and clicks the client batches (`events`, one doc per batch, id
 * derived from the requestId so a resend is harmless), rate-limited per member per minute through a
 * counter doc (`rate_limits/track:<openid>:<minute>`, shared/rate-limit.ts) updated in the same transaction.
 */
import type { MemberActions } from './actions'
import { TRACK_CALLS_PER_MINUTE } from '../../types/member'
import { AppError } from '../../types/result'
import { requireUser } from '../shared/handler'
import { eventBatchId, events } from '../shared/collections/events'
import { memberIn } from '../shared/members'
import { takeSlotIn } from '../shared/rate-limit'
import { getInTransaction, transact } from '../shared/transaction'

export const trackActions: Pick<MemberActions, 'track'> = {
  async track(event, ctx) {
    const openid = requireUser(ctx)
    const batchId = eventBatchId(openid, event.requestId)
    return transact(async t => {
      if (await getInTransaction(t, events, batchId)) return { accepted: event.events.length, replayed: true }
      await memberIn(t, openid)
      if (!(await takeSlotIn(t, { scope: 'track', subject: openid, limit: TRACK_CALLS_PER_MINUTE, windowMs: 60_000 }, ctx.now))) throw new AppError('LIMIT_REACHED', '上报太频繁，请稍后再试')
      const batch = event.events.map(e => ({ type: e.type, productId: e.productId, source: e.source ?? null, clientAt: e.at ? new Date(e.at) : null }))
      await events.in(t).add({ data: { _id: batchId, memberId: openid, events: batch, at: ctx.now } })
      return { accepted: batch.length, replayed: false }
    })
  },
}
