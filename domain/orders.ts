/**
 * Orders from outside the till, as pure functions: how an order becomes purchase lines, what makes
 * two sends "the same order", who it is for before that person is a member, and the API signature.
 */
import { sha256 } from 'js-sha256'
import type { Order, OrderMember } from '../types/orders'
import { SIGNATURE_WINDOW_SECONDS } from '../types/orders'
import type { PurchaseLine } from '../types/points'

/** A SKU that is a valid productId is one; any other becomes a stable id derived from it. */
export function productIdForSku(sku: string): string {
  return /^[\w-]{1,64}$/.test(sku) ? sku : `sku_${sha256(sku).slice(0, 16)}`
}

export function orderLines(order: Pick<Order, 'lines'>): PurchaseLine[] {
  return order.lines.map(l => ({
    productId: productIdForSku(l.sku),
    ...(l.title ? { title: l.title } : {}),
    ...(l.category ? { category: l.category } : {}),
    quantity: l.quantity,
    priceFen: l.priceFen,
  }))
}

/** JSON with object keys sorted, so equal content always serializes the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined)
    return `{${entries
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`)
      .join(',')}}`
  }
  return JSON.stringify(value)
}

/**
 * What identifies an order's content: the same order sent again (keys in another order, the time
 * with another offset) hashes the same; any change of member, amount, lines or coupons does not.
 */
export function orderHash(order: Order): string {
  return sha256(canonical({ ...order, createdAt: new Date(order.createdAt).toISOString() }))
}

/** The key a not-yet-member's orders wait under, or null when the order names a member number. */
export function pendingKeyOf(member: OrderMember): string | null {
  if ('phone' in member) return `phone:${member.phone}`
  if ('externalId' in member) return `ext:${member.externalId}`
  return null
}

// ---------------------------------------------------------------------------------------------
// API keys and request signatures

/**
 * A key's secret is derived from the server's master secret (ORDERS_KEY_SECRET) and the key id, so
 * the database keeps only its hash (a stolen database signs nothing) and the function can still
 * check HMACs. Rotating the master secret invalidates every key.
 */
export function keySecret(masterSecret: string, keyId: string): string {
  return sha256.hmac(masterSecret, `orders-api-key:${keyId}`)
}

export const secretHash = (secret: string) => sha256(`orders-api-secret:${secret}`)

/** hex HMAC-SHA256(secret, `<timestamp>.<raw body>`): what a POS sends as x-api-signature. */
export function signRequest(secret: string, timestamp: string, rawBody: string): string {
  return sha256.hmac(secret, `${timestamp}.${rawBody}`)
}

/** Compares two hex strings in time that does not depend on where they differ. */
function sameHex(a: string, b: string): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return diff === 0
}

export type SignatureCheck = { ok: true } | { ok: false; reason: 'timestamp' | 'signature' }

export function checkSignature(secret: string, req: { timestamp: string; signature: string; rawBody: string }, now: Date): SignatureCheck {
  if (!/^\d{1,12}$/.test(req.timestamp) || Math.abs(Number(req.timestamp) - now.getTime() / 1000) > SIGNATURE_WINDOW_SECONDS) return { ok: false, reason: 'timestamp' }
  const given = /^[0-9a-fA-F]{64}$/.test(req.signature) ? req.signature.toLowerCase() : ''
  return sameHex(given, signRequest(secret, req.timestamp, req.rawBody)) ? { ok: true } : { ok: false, reason: 'signature' }
}
