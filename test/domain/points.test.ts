import fc from 'fast-check'
import { availablePoints, earnPoints, expireDue, expiringSoon, expiryFor, pointsToReverse, reversePoints, spendPoints, type WalletChange } from '../../domain/points'
import type { LedgerDraft, PointBatch, Wallet } from '../../types/points'
import { AppError } from '../../types/result'

const empty: Wallet = { points: 0, pointBatches: [] }
const at = (iso: string) => new Date(iso)
const earn = (w: Wallet, amount: number, now: Date, id: string) => earnPoints(w, amount, { now, expiryMonths: 12, source: { type: 'purchase', id }, batchId: `b-${id}` })

describe('expiry', () => {
  test('points expire at the end of the 12th month after the month they were earned (Shanghai)', () => {
    // 23 Nov 2026 → usable through 30 Nov 2027, gone from 1 Dec 2027 00:00 Shanghai
    expect(expiryFor(at('2026-11-23T10:00:00Z'), 12).toISOString()).toBe('2027-11-30T16:00:00.000Z')
    // 31 Oct 20:00 UTC is already 1 Nov in Shanghai: a month later
    expect(expiryFor(at('2026-10-31T20:00:00Z'), 12).toISOString()).toBe('2027-11-30T16:00:00.000Z')
  })

  test('expireDue writes an expire row only for what is left of each batch', () => {
    let w = earn(empty, 100, at('2025-01-10T00:00:00Z'), 'p1').wallet
    w = spendPoints(w, 30, { now: at('2025-06-01T00:00:00Z'), source: { type: 'exchange', id: 'x1' } }).wallet
    const change = expireDue(w, at('2026-02-01T00:00:00Z'))
    expect(change.entries).toEqual([expect.objectContaining({ kind: 'expire', delta: -70, batchId: 'b-p1', balanceAfter: 0 })])
    expect(change.wallet).toEqual({ points: 0, pointBatches: [] })
  })

  test('the soon-to-expire amount and date cover the next 30 days', () => {
    let w = earn(empty, 50, at('2025-01-05T00:00:00Z'), 'old').wallet
    w = earn(w, 80, at('2025-12-05T00:00:00Z'), 'new').wallet
    expect(expiringSoon(w, at('2026-01-20T00:00:00Z'))).toEqual({ amount: 50, date: '2026-01-31T16:00:00.000Z' })
    expect(expiringSoon(w, at('2025-12-01T00:00:00Z'))).toBeNull()
  })
})

describe('spending', () => {
  test('takes from the batch that expires first', () => {
    let w = earn(empty, 10, at('2025-01-01T00:00:00Z'), 'a').wallet
    w = earn(w, 10, at('2025-03-01T00:00:00Z'), 'b').wallet
    const change = spendPoints(w, 15, { now: at('2025-04-01T00:00:00Z'), source: { type: 'exchange', id: 's' } })
    expect(change.entries[0].consumed).toEqual([
      { batchId: 'b-a', amount: 10 },
      { batchId: 'b-b', amount: 5 },
    ])
    expect(change.wallet.points).toBe(5)
  })

  test('never uses expired points: they expire first, then the spend is refused', () => {
    const w = earn(empty, 100, at('2024-01-01T00:00:00Z'), 'a').wallet
    expect(() => spendPoints(w, 1, { now: at('2026-01-01T00:00:00Z'), source: { type: 'exchange', id: 's' } })).toThrow(AppError)
    expect(availablePoints(w, at('2026-01-01T00:00:00Z'))).toBe(0)
  })

  test('rejects fractional or negative amounts', () => {
    expect(() => spendPoints(empty, 1.5, { now: new Date(), source: { type: 'exchange', id: 's' } })).toThrow(/整数/)
    expect(() => earn(empty, -1, new Date(), 'x')).toThrow(/整数/)
  })
})

describe('refunds', () => {
  test('reverse exactly what the purchase earned when it is still there', () => {
    const w = earn(empty, 40, at('2025-05-01T00:00:00Z'), 'p').wallet
    const r = reversePoints(w, 40, { now: at('2025-05-02T00:00:00Z'), batchId: 'b-p', source: { type: 'refund', id: 'r1' } })
    expect(r).toMatchObject({ reversed: 40, shortfall: 0, wallet: { points: 0, pointBatches: [] } })
  })

  test('already spent points: the balance floors at zero and the shortfall is recorded', () => {
    let w = earn(empty, 40, at('2025-05-01T00:00:00Z'), 'p').wallet
    w = spendPoints(w, 30, { now: at('2025-05-02T00:00:00Z'), source: { type: 'exchange', id: 's' } }).wallet
    const r = reversePoints(w, 40, { now: at('2025-05-03T00:00:00Z'), batchId: 'b-p', source: { type: 'refund', id: 'r1' } })
    expect(r.reversed).toBe(10)
    expect(r.shortfall).toBe(30)
    expect(r.wallet.points).toBe(0)
    expect(r.entries.at(-1)).toMatchObject({ kind: 'reverse', delta: -10, shortfall: 30 })
  })

  test('partial refunds reverse proportionally and the last one completes exactly', () => {
    const purchase = { amountFen: 10_000, pointsEarned: 99, pointsReversed: 0 }
    const first = pointsToReverse(purchase, 3_333)
    expect(first).toBe(32)
    expect(pointsToReverse({ ...purchase, pointsReversed: first }, 10_000)).toBe(67)
  })
})

// ---- property: random sequences keep the invariant and never spend expired points ----

type Op = { type: 'earn'; amount: number } | { type: 'spend'; amount: number } | { type: 'expire' } | { type: 'refund'; which: number; fraction: number } | { type: 'wait'; days: number }

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ type: fc.constant('earn' as const), amount: fc.integer({ min: 0, max: 500 }) }),
  fc.record({ type: fc.constant('spend' as const), amount: fc.integer({ min: 1, max: 400 }) }),
  fc.record({ type: fc.constant('expire' as const) }),
  fc.record({ type: fc.constant('refund' as const), which: fc.nat(20), fraction: fc.double({ min: 0.05, max: 1, noNaN: true }) }),
  fc.record({ type: fc.constant('wait' as const), days: fc.integer({ min: 1, max: 200 }) }),
)

test('property: balance == sum(batches) == sum(ledger), never negative, never spends expired points', () => {
  fc.assert(
    fc.property(fc.array(opArb, { maxLength: 60 }), ops => {
      let wallet: Wallet = empty
      let now = at('2025-01-01T00:00:00Z')
      const ledger: LedgerDraft[] = []
      const purchases: Array<{ id: string; amountFen: number; pointsEarned: number; pointsReversed: number; refundedFen: number }> = []
      const batchesBefore = new Map<string, PointBatch>()

      const apply = (change: WalletChange) => {
        for (const e of change.entries) {
          for (const c of e.consumed ?? []) {
            if (e.kind === 'spend') expect(batchesBefore.get(c.batchId)!.expiresAt.getTime()).toBeGreaterThan(now.getTime())
          }
        }
        wallet = change.wallet
        ledger.push(...change.entries)
      }

      ops.forEach((op, i) => {
        batchesBefore.clear()
        wallet.pointBatches.forEach(b => batchesBefore.set(b.batchId, b))
        if (op.type === 'wait') now = new Date(now.getTime() + op.days * 86_400_000)
        else if (op.type === 'earn') {
          const id = `p${i}`
          apply(earn(wallet, op.amount, now, id))
          purchases.push({ id, amountFen: op.amount * 100 + 1, pointsEarned: op.amount, pointsReversed: 0, refundedFen: 0 })
        } else if (op.type === 'spend') {
          try {
            apply(spendPoints(wallet, op.amount, { now, source: { type: 'exchange', id: `s${i}` } }))
          } catch (err) {
            expect((err as AppError).code).toBe('INSUFFICIENT_POINTS')
            expect(op.amount).toBeGreaterThan(availablePoints(wallet, now))
          }
        } else if (op.type === 'expire') apply(expireDue(wallet, now))
        else if (purchases.length) {
          const p = purchases[op.which % purchases.length]
          const refundedFen = Math.min(p.amountFen, p.refundedFen + Math.max(1, Math.round(p.amountFen * op.fraction)))
          const due = pointsToReverse(p, refundedFen)
          const r = reversePoints(wallet, due, { now, batchId: `b-${p.id}`, source: { type: 'refund', id: `r${i}` } })
          apply(r)
          expect(r.reversed + r.shortfall).toBe(due)
          p.refundedFen = refundedFen
          p.pointsReversed += due
          expect(p.pointsReversed).toBeLessThanOrEqual(p.pointsEarned)
        }
        const sumLedger = ledger.reduce((s, e) => s + e.delta, 0)
        const sumBatches = wallet.pointBatches.reduce((s, b) => s + b.remaining, 0)
        expect(wallet.points).toBe(sumLedger)
        expect(wallet.points).toBe(sumBatches)
        expect(wallet.points).toBeGreaterThanOrEqual(0)
        expect(wallet.pointBatches.every(b => b.remaining > 0)).toBe(true)
        if (ledger.length) expect(ledger.at(-1)!.balanceAfter).toBe(wallet.points)
      })
    }),
    { numRuns: 300 },
  )
})
