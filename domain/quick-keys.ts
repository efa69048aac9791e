/**
 * The till's quick keys (staff.tillQuickKeys): a store's top sellers from a sample of its latest
 * purchases. Pure: the function reads the sample and the products, this ranks.
 */

/** The fields of a purchase the ranking reads. */
export interface SoldPurchase {
  status?: string
  lines?: ReadonlyArray<{ productId: string; quantity: number }> | null
}

/** Product ids by quantity sold, most first (ties by id); refunded purchases do not count. */
export function rankBySales(purchases: readonly SoldPurchase[]): string[] {
  const sold = new Map<string, number>()
  for (const p of purchases) {
    if (p.status === 'refunded') continue
    for (const line of p.lines ?? []) sold.set(line.productId, (sold.get(line.productId) ?? 0) + line.quantity)
  }
  return [...sold].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([id]) => id)
}
