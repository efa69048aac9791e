/** `events`: what the member looks at, one doc per batch the client sends (member.track). */
import { collectionHandle } from '../collection'
import { derivedId } from '../ids'

export interface EventBatchDoc {
  _id: string
  memberId: string
  events: Array<{ type: string; productId: string; [field: string]: unknown }>
  /** when the server received it (the client's clock is not trusted) */
  at: Date
}

export const events = collectionHandle<EventBatchDoc>('events')

export const eventBatchId = (openid: string, requestId: string) => derivedId('evt', openid, requestId)
