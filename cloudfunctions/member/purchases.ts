/**
 * 消费记录: the caller's own purchases, whichever way they came in — the till, the orders API (a POS
 * or an online shop) or an imported history — newest first, with the store's name and each line's
 * title. A page is a handful of reads: the member, the page and the count (in parallel), then the
 * page's stores and the products of lines sold without a title (in parallel; shared/purchase-views.ts,
 * also used by the console's member 360). Never the serving staff's identity.
 */
import type { MemberActions } from './actions'
import { purchasesOf } from '../shared/collections/purchases'
import { requireUser } from '../shared/handler'
import { loadMember } from '../shared/members'
import { myPurchaseViews } from '../shared/purchase-views'

export { purchaseChannel } from '../shared/purchase-views'

export const purchaseActions: Pick<MemberActions, 'myPurchases'> = {
  async myPurchases(event, ctx) {
    const member = await loadMember(requireUser(ctx))
    const mine = () => purchasesOf(member._id)
    const [{ data }, { total }] = await Promise.all([mine().orderBy('createdAt', 'desc').skip(event.offset).limit(event.limit).get(), mine().count()])
    return { total, items: await myPurchaseViews(data) }
  },
}
