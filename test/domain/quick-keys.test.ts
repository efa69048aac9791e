/** The till's quick keys ranked from a store's purchases (domain/quick-keys.ts). */
import fc from 'fast-check'
import { rankBySales, type SoldPurchase } from '../../domain/quick-keys'

test('products by quantity sold, most first, ties by id; refunded purchases and purchases without lines do not count', () => {
  const purchases: SoldPurchase[] = [
    {
      lines: [
        { productId: 'latte', quantity: 3 },
        { productId: 'croissant', quantity: 1 },
      ],
    },
    {
      status: 'completed',
      lines: [
        { productId: 'croissant', quantity: 1 },
        { productId: 'beans', quantity: 2 },
      ],
    },
    { status: 'refunded', lines: [{ productId: 'special', quantity: 9 }] },
    { lines: null },
    {},
  ]
  expect(rankBySales(purchases)).toEqual(['latte', 'beans', 'croissant'])
  expect(rankBySales([])).toEqual([])
})

test('every product sold (not refunded) appears once, in non-increasing quantity', () => {
  const line = fc.record({ productId: fc.constantFrom('a', 'b', 'c', 'd', 'e'), quantity: fc.integer({ min: 1, max: 50 }) })
  const purchase = fc.record({ status: fc.constantFrom('completed', 'refunded', 'partially_refunded'), lines: fc.array(line, { maxLength: 4 }) })
  fc.assert(
    fc.property(fc.array(purchase, { maxLength: 30 }), purchases => {
      const ranked = rankBySales(purchases)
      const sold = new Map<string, number>()
      for (const p of purchases) if (p.status !== 'refunded') for (const l of p.lines) sold.set(l.productId, (sold.get(l.productId) ?? 0) + l.quantity)
      expect([...ranked].sort()).toEqual([...sold.keys()].sort())
      for (let i = 1; i < ranked.length; i++) expect(sold.get(ranked[i - 1])!).toBeGreaterThanOrEqual(sold.get(ranked[i])!)
    }),
  )
})
