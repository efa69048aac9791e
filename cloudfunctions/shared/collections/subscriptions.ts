/** `subscriptions/<openid>`: subscribe-message grants and preferences; read through SubscriptionSchema (types/reminders.ts). */
import { collectionHandle } from '../collection'

/** as stored: parse with SubscriptionSchema; `reportIds` are the reports already counted */
export type StoredSubscription = { _id: string; reportIds?: string[] } & Record<string, unknown>

export const subscriptions = collectionHandle<StoredSubscription>('subscriptions')
