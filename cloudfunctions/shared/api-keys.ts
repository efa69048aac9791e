/**
 * `api_keys` and `api_nonces`: who may send orders over HTTP. A key's secret is derived from the
 * ORDERS_KEY_SECRET environment variable (domain/orders.ts keySecret), shown once at creation and
 * stored only as a hash. `api_nonces/<signature>` remembers each accepted signature for the signature
 * window (a replayed request is refused) and counts a key's requests for its rate limit.
 */
import { AppError } from '../../types/result'

export { apiKeys, apiKeyView, type ApiKeyDoc } from './collections/api_keys'
export { nonces, nonceId, type NonceDoc } from './collections/api_nonces'

/** The server's master secret for API keys (set on the admin and orders functions). */
export function ordersKeySecret(): string {
  const secret = process.env.ORDERS_KEY_SECRET
  if (!secret) {
    console.error('[orders] ORDERS_KEY_SECRET is not set: add it to the environment variables of the admin and orders functions')
    throw new AppError('INTERNAL', '订单接口未配置，请联系管理员')
  }
  return secret
}
