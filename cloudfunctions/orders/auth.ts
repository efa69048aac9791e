/**
 * Who sent this request: headers `x-api-key-id`, `x-api-timestamp` (unix seconds) and
 * `x-api-signature` = hex HMAC-SHA256(secret, `<timestamp>.<raw body>`). An unknown or revoked key,
 * a wrong signature, a timestamp more than 5 minutes off or a signature seen before is 401, and
 * nothing is written for it. Then the key's rate limit (requests per calendar minute, shared/rate-limit.ts) applies.
 */
import { AppError } from '../../types/result'
import { checkSignature, keySecret, secretHash } from '../../domain/orders'
import { SIGNATURE_WINDOW_SECONDS } from '../../types/orders'
import { ordersKeySecret } from '../shared/api-keys'
import { apiKeys, type ApiKeyDoc } from '../shared/collections/api_keys'
import { nonceId, nonces } from '../shared/collections/api_nonces'
import { findById } from '../shared/query'
import { returnSlot, takeSlot, type Window } from '../shared/rate-limit'
import { isDuplicateKey } from '../shared/transaction'

export interface HttpEvent {
  path: string
  httpMethod: string
  /** lower-case names */
  headers: Record<string, string>
  body: string
  isBase64Encoded: boolean
}

const unauthenticated = (why: string) => new AppError('UNAUTHENTICATED', `签名校验失败：${why}`)

export async function authenticate(event: HttpEvent, rawBody: string, now: Date): Promise<ApiKeyDoc> {
  const keyId = event.headers['x-api-key-id'] ?? ''
  const timestamp = event.headers['x-api-timestamp'] ?? ''
  const signature = event.headers['x-api-signature'] ?? ''
  if (!keyId || !timestamp || !signature) throw unauthenticated('缺少 x-api-key-id、x-api-timestamp 或 x-api-signature')
  if (!/^ak_[0-9a-f]{16}$/.test(keyId)) throw unauthenticated('密钥不存在或已吊销')
  const key = await findById(apiKeys, keyId)
  const secret = keySecret(ordersKeySecret(), keyId)
  // a key made under another master secret (it was rotated) no longer signs
  if (!key || key.status !== 'active' || key.secretHash !== secretHash(secret)) throw unauthenticated('密钥不存在或已吊销')
  const check = checkSignature(secret, { timestamp, signature, rawBody }, now)
  if (!check.ok) throw unauthenticated(check.reason === 'timestamp' ? `时间戳与服务器时间相差超过 ${SIGNATURE_WINDOW_SECONDS} 秒` : '签名不正确')

  // a slot first (atomic: parallel requests never get more than the limit), given back if the signature is a replay
  const rate: Window = { scope: 'orders-api', subject: keyId, limit: key.ratePerMinute, windowMs: 60_000 }
  if (!(await takeSlot(rate, now))) throw new AppError('RATE_LIMITED', `请求过于频繁：每分钟最多 ${key.ratePerMinute} 次，请稍后重试`)
  try {
    await nonces.add({ data: { _id: nonceId(signature), keyId, at: now } })
  } catch (err) {
    await returnSlot(rate, now)
    if (isDuplicateKey(err)) throw unauthenticated('该签名已使用过（重放）：重试请用新的时间戳重新签名')
    throw err
  }
  return key
}
