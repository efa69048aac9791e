/**
 * `api_keys` and `api_nonces`: who may send orders over HTTP. A key's secret is derived from the
 * ORDERS_KEY_SECRET environment variable (domain/orders.ts keySecret), shown once at creation and
 * stored only as a hash. `api_nonces/<signature>` remembers each accepted signature for the signature
 * window (a replayed request is refused) and counts a key's requests for its rate limit.
 */
import type { ApiKeyView } from '../../types/orders'
import { AppError } from '../../types/result'
import { db } from './cloud'

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

export interface NonceDoc {
  _id: string
  keyId: string
  at: Date
}

export const apiKeys = db.collection<ApiKeyDoc>('api_keys')
export const nonces = db.collection<NonceDoc>('api_nonces')
export const nonceId = (signature: string) => `sig_${signature.toLowerCase()}`

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

/** The server's master secret for API keys (set on the admin and orders functions). */
export function ordersKeySecret(): string {
  const secret = process.env.ORDERS_KEY_SECRET
  if (!secret) {
    console.error('[orders] ORDERS_KEY_SECRET is not set: add it to the environment variables of the admin and orders functions')
    throw new AppError('INTERNAL', '订单接口未配置，请联系管理员')
  }
  return secret
}
