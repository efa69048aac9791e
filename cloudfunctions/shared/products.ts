/** `products`: the catalog, and the placeholders an order's unknown SKUs become. */
import type { Product } from '../../types/products'
import type { PurchaseLine } from '../../types/points'
import { products } from './collections/products'
import { docsByIds } from './query'
import { isDuplicateKey } from './transaction'

export { products }

/**
 * Lines naming products the catalog does not have become off-sale placeholders (title and category
 * from the line, marked `placeholder`), so the recommender learns from them and an admin can
 * complete them (`admin.upsertProduct` replaces the whole product). Returns how many were created.
 */
const PLACEHOLDER_INSERTS_IN_FLIGHT = 10

async function addPlaceholder(productId: string, line: PurchaseLine & { sku?: string }, now: Date): Promise<boolean> {
  const placeholder: Product = {
    _id: productId,
    title: (line.title ?? line.sku ?? productId).slice(0, 60),
    category: line.category ?? '未分类',
    tags: [],
    priceFen: line.priceFen,
    imageFileId: null,
    onSale: false,
    repeatPurchase: false,
    placeholder: true,
    ...(line.sku && line.sku !== productId ? { sku: line.sku } : {}),
    createdAt: now,
    updatedAt: now,
  }
  try {
    await products.add({ data: placeholder })
    return true
  } catch (err) {
    // another order created it first
    if (!isDuplicateKey(err)) throw err
    return false
  }
}

export async function ensureProducts(lines: Array<PurchaseLine & { sku?: string }>, now: Date): Promise<number> {
  const wanted = new Map<string, PurchaseLine & { sku?: string }>()
  for (const line of lines) if (!wanted.has(line.productId)) wanted.set(line.productId, line)
  const known = await docsByIds(products, [...wanted.keys()], { _id: true })
  let created = 0
  const missing = [...wanted].filter(([productId]) => !known.has(productId))
  // a first history batch can name a thousand new SKUs: insert them a few at a time, not one by one
  for (let i = 0; i < missing.length; i += PLACEHOLDER_INSERTS_IN_FLIGHT) {
    const made = await Promise.all(missing.slice(i, i + PLACEHOLDER_INSERTS_IN_FLIGHT).map(([productId, line]) => addPlaceholder(productId, line, now)))
    created += made.filter(Boolean).length
  }
  return created
}
