/**
 * 消费记录: the caller's own purchases, whichever way they came in — the till, the orders API (a POS
 * or an online shop) or an imported history — newest first, with the store's name and each line's
 * title. A page is a handful of reads: the member, the page and the count (in parallel), then the
 * page's stores and the products of lines sold without a title (in parallel). Never the serving
 * staff's identity.
 */
import type { MemberEvent, MyPurchaseView, PurchaseChannel } from '../../types/member'
import { db, _ } from '../shared/cloud'
import { requireUser, type Actions } from '../shared/handler'
import { loadMember } from '../shared/members'
import type { PurchaseDoc } from '../shared/purchases'

/** ids per `_.in` query (and its page limit) */
const IN_CHUNK = 100

/** Who recorded it says where it came from: `api:<keyId>` the orders API, `import:<batchId>` history, else a cashier. */
export function purchaseChannel(staffOpenid: string | undefined): PurchaseChannel {
  if (staffOpenid?.startsWith('api:')) return '线上/POS'
  if (staffOpenid?.startsWith('import:')) return '历史订单'
  return '门店'
}

/** `field` of the docs whose `_id` is in `ids`, as a map (one query per 100 ids, in parallel; usually one). */
async function namesById(collection: string, ids: string[], field: string): Promise<Map<string, string>> {
  const unique = [...new Set(ids)]
  const chunks = Array.from({ length: Math.ceil(unique.length / IN_CHUNK) }, (_x, i) => unique.slice(i * IN_CHUNK, (i + 1) * IN_CHUNK))
  const pages = await Promise.all(
    chunks.map(chunk => db.collection(collection).where({ _id: _.in(chunk) }).field({ _id: true, [field]: true }).limit(IN_CHUNK).get()),
  )
  const out = new Map<string, string>()
  for (const { data } of pages) {
    for (const d of data) if (typeof d[field] === 'string' && d[field]) out.set(String(d._id), d[field])
  }
  return out
}

export const purchaseActions: Pick<Actions<MemberEvent>, 'myPurchases'> = {
  async myPurchases(event, ctx) {
    const member = await loadMember(requireUser(ctx))
    const mine = () => db.collection<PurchaseDoc>('purchases').where({ memberId: member._id })
    const [{ data }, { total }] = await Promise.all([
      mine().orderBy('createdAt', 'desc').skip(event.offset).limit(event.limit).get(),
      mine().count(),
    ])
    const page = data as PurchaseDoc[]
    const untitled = page.flatMap(p => (p.lines ?? []).filter(l => !l.title).map(l => l.productId))
    const [stores, products] = await Promise.all([
      page.length ? namesById('stores', page.map(p => p.storeId), 'name') : new Map<string, string>(),
      untitled.length ? namesById('products', untitled, 'title') : new Map<string, string>(),
    ])
    const items: MyPurchaseView[] = page.map(p => ({
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
    return { total, items }
  },
}
