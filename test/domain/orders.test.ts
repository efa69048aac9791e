import fc from 'fast-check'
import { createHmac } from 'crypto'
import { checkSignature, keySecret, orderHash, pendingKeyOf, productIdForSku, signRequest } from '../../domain/orders'
import type { Order } from '../../types/orders'

const now = new Date('2026-12-06T12:00:00Z')
const ts = String(now.getTime() / 1000)

test('the signature is hex HMAC-SHA256(secret, "<timestamp>.<raw body>"), as any HMAC library computes it', () => {
  fc.assert(
    fc.property(fc.string(), fc.string(), (secret, body) => {
      expect(signRequest(secret, ts, body)).toBe(createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex'))
    }),
  )
  expect(keySecret('master', 'ak_0123456789abcdef')).toMatch(/^[0-9a-f]{64}$/)
  expect(keySecret('master', 'ak_0123456789abcdef')).not.toBe(keySecret('other', 'ak_0123456789abcdef'))
})

test('a signature checks only with the same secret, body and a timestamp within 300 s', () => {
  const sig = signRequest('s3cret', ts, '{"a":1}')
  expect(checkSignature('s3cret', { timestamp: ts, signature: sig, rawBody: '{"a":1}' }, now)).toEqual({ ok: true })
  expect(checkSignature('s3cret', { timestamp: ts, signature: sig.toUpperCase(), rawBody: '{"a":1}' }, now)).toEqual({ ok: true })
  expect(checkSignature('s3cret', { timestamp: ts, signature: sig, rawBody: '{"a":2}' }, now)).toEqual({ ok: false, reason: 'signature' })
  expect(checkSignature('other', { timestamp: ts, signature: sig, rawBody: '{"a":1}' }, now)).toEqual({ ok: false, reason: 'signature' })
  expect(checkSignature('s3cret', { timestamp: ts, signature: sig.slice(0, 63), rawBody: '{"a":1}' }, now)).toEqual({ ok: false, reason: 'signature' })
  const late = new Date(now.getTime() + 301_000)
  expect(checkSignature('s3cret', { timestamp: ts, signature: sig, rawBody: '{"a":1}' }, late)).toEqual({ ok: false, reason: 'timestamp' })
  expect(checkSignature('s3cret', { timestamp: `${ts}.5`, signature: sig, rawBody: '{"a":1}' }, now)).toEqual({ ok: false, reason: 'timestamp' })
})

test('the same order hashes the same whatever its key order or time offset; any change does not', () => {
  const order: Order = { source: 'pos', orderId: 'A1', createdAt: '2026-12-06T20:00:00+08:00', member: { phone: '13800138000' }, amountFen: 100, lines: [{ sku: 'x', quantity: 1, priceFen: 100 }] }
  const shuffled = { lines: order.lines, amountFen: 100, member: order.member, createdAt: '2026-12-06T12:00:00Z', orderId: 'A1', source: 'pos' } as Order
  expect(orderHash(shuffled)).toBe(orderHash(order))
  expect(orderHash({ ...order, amountFen: 101 })).not.toBe(orderHash(order))
  expect(orderHash({ ...order, member: { phone: '13800138001' } })).not.toBe(orderHash(order))
})

test('SKUs become product ids; pending keys name the phone or external id', () => {
  expect(productIdForSku('latte-L')).toBe('latte-L')
  expect(productIdForSku('BEANS 500g/特')).toMatch(/^sku_[0-9a-f]{16}$/)
  expect(productIdForSku('BEANS 500g/特')).toBe(productIdForSku('BEANS 500g/特'))
  expect(pendingKeyOf({ phone: '13800138000' })).toBe('phone:13800138000')
  expect(pendingKeyOf({ externalId: 'C1' })).toBe('ext:C1')
  expect(pendingKeyOf({ memberNo: '1234567890' })).toBeNull()
})
