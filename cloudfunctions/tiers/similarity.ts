/**
 * The daily item-to-item similarity (domain/recommend): co-purchases of the last 12 months into
 * `item_neighbors/<productId>` (top neighbours) and `item_neighbors/__popular__` (recent buyers per
 * item, the prior and the cold start). Its own invocation (`tiers` `{ action: 'neighbors' }`), which the
 * daily run calls once it has scored everyone, so it never counts against a `run` call's time.
 * Reads at most MAX_PURCHASES purchases: enough for a brand's catalogue; beyond, sample.
 */
import { itemNeighbors, popularity, type BasketsByCustomer, type Basket } from '../../domain/recommend'
import { POPULAR_DOC } from '../../types/products'
import { db, _ } from '../shared/cloud'
import { readAll } from '../shared/query'

const MAX_PURCHASES = 200_000
const POPULAR_KEPT = 300
const YEAR_MS = 365 * 86_400_000

export async function refreshNeighbors(now: Date): Promise<{ purchases: number; items: number }> {
  const rows = await readAll(
    db
      .collection('purchases')
      .where({ createdAt: _.gte(new Date(now.getTime() - YEAR_MS)) })
      .orderBy('_id', 'asc')
      .field({ memberId: true, lines: true, createdAt: true }),
    MAX_PURCHASES,
  )
  const baskets = new Map<string, Basket[]>()
  for (const r of rows) {
    const items = [...new Set((r.lines ?? []).map((l: { productId: string }) => l.productId))] as string[]
    if (!items.length) continue
    const list = baskets.get(r.memberId) ?? []
    list.push({ items, at: new Date(r.createdAt) })
    baskets.set(r.memberId, list)
  }
  const byCustomer: BasketsByCustomer = baskets
  const neighbors = itemNeighbors(byCustomer, { now })
  const popular = Object.entries(popularity(byCustomer, { halfLifeDays: 30, now }))
    .sort((a, b) => b[1] - a[1])
    .slice(0, POPULAR_KEPT)
  const collection = db.collection('item_neighbors')
  for (const [itemId, list] of Object.entries(neighbors)) {
    await collection.doc(itemId).set({ data: { neighbors: list, updatedAt: now } })
  }
  await collection.doc(POPULAR_DOC).set({ data: { popularity: Object.fromEntries(popular), updatedAt: now } })
  return { purchases: rows.length, items: Object.keys(neighbors).length }
}
