/**
 * A page of purchases as the member's 消费记录 shows them (MyPurchaseView): the store's name, each
 * line's title, the channel. Shared by member.myPurchases and the console's member 360. After the
 * page itself: the page's stores and the products of lines sold without a title, in parallel.
 */
import type { MyPurchaseView, PurchaseChannel } from '../../types/member'
import type { CollectionHandle } from './collection'
import { products as productRows } from './collections/products'
import type { PurchaseDoc } from './collections/purchases'
import { stores as storeRows } from './collections/stores'
import { docsByIds } from './query'

/** Who recorded it says where it came from: `api:<keyId>` the orders API, `import:<batchId>` history, else a cashier. */
export function purchaseChannel(staffOpenid: string | undefined): PurchaseChannel {
  if (staffOpenid?.startsWith('api:')) return '线上/POS'
  if (staffOpenid?.startsWith('import:')) return '历史订单'
  return '门店'
}

/** `field` of the docs whose `_id` is in `ids`, as a map (docs without it left out). */
export async function namesById<T extends object>(collection: CollectionHandle<T>, ids: string[], field: keyof T & string): Promise<Map<string, string>> {
  const docs = await docsByIds(collection, ids, { [field]: true })
  const out = new Map<string, string>()
  for (const [id, d] of docs) if (typeof d[field] === 'string' && d[field]) out.set(id, d[field] as string)
  return out
}

/** The page mapped to MyPurchaseView, in its order (never the serving staff's identity). */
export async function myPurchaseViews(page: PurchaseDoc[]): Promise<MyPurchaseView[]> {
  const untitled = page.flatMap(p => (p.lines ?? []).filter(l => !l.title).map(l => l.productId))
  const [stores, products] = await Promise.all([
    page.length
      ? namesById(
          storeRows,
          page.map(p => p.storeId),
          'name',
        )
      : new Map<string, string>(),
    untitled.length ? namesById(productRows, untitled, 'title') : new Map<string, string>(),
  ])
  return page.map(p => ({
    purchaseId: p._id,
    at: new Date(p.createdAt).toISOString(),
    storeName: stores.get(p.storeId) ?? p.storeId,
    amountFen: p.amountFen,
    orderFen: p.orderFen ?? p.amountFen,
    discountFen: p.discountFen ?? 0,
    refundedFen: p.refundedFen ?? 0,
    status: p.status,
    pointsEarned: p.pointsEarned ?? 0,
    pointsReversed: p.pointsReversed ?? 0,
    lines: (p.lines ?? []).map(l => ({ title: l.title || products.get(l.productId) || l.productId, quantity: l.quantity, priceFen: l.priceFen })),
    channel: purchaseChannel(p.staffOpenid),
  }))
}
