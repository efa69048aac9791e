/** `api_keys`: keys of POS systems and shops for the orders API; the secret is stored only as a hash (shared/api-keys.ts). */
import type { ApiKeyView } from '../../../types/orders'
import { collectionHandle } from '../collection'

export interface ApiKeyDoc {
  _id: string
  name: string
  status: 'active' | 'revoked'
  ratePerMinute: number
  /** domain/orders.ts secretHash(secret) */
  secretHash: string
  createdAt: Date
  createdBy: string
  revokedAt: Date | null
}

export const apiKeys = collectionHandle<ApiKeyDoc>('api_keys')

export function apiKeyView(k: ApiKeyDoc): ApiKeyView {
  return {
    keyId: k._id,
    name: k.name,
    status: k.status,
    ratePerMinute: k.ratePerMinute,
    createdAt: new Date(k.createdAt).toISOString(),
    revokedAt: k.revokedAt ? new Date(k.revokedAt).toISOString() : null,
  }
}
