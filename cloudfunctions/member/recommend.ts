/**
 * 为你推荐: the member's recent purchase lines and taps against the day's co-purchase neighbours,
 * their tags, and the recent-buyers prior (domain/recommend). A handful of reads per call: recent
 * purchases and event batches, the neighbour docs of those items, the popular doc, and the candidate
 * products.
 */
import type { MemberActions } from './actions'
import { POPULAR_DOC, type Product, type RecommendationView } from '../../types/products'
import { recommend, type CatalogItem, type ItemNeighbors } from '../../domain/recommend'
import { _ } from '../shared/cloud'
import { events } from '../shared/collections/events'
import { itemNeighbors, popularItems } from '../shared/collections/item_neighbors'
import { products as catalogRows } from '../shared/collections/products'
import { purchasesOf } from '../shared/collections/purchases'
import { requireUser } from '../shared/handler'
import { loadMember } from '../shared/members'
import { findById } from '../shared/query'

const RECENT_PURCHASES = 30
/** `member.track` batches (one doc each, at most 50 events) read for taps */
const RECENT_EVENT_BATCHES = 10

export const recommendActions: Pick<MemberActions, 'recommendations'> = {
  async recommendations(event, ctx) {
    const member = await loadMember(requireUser(ctx))
    const [{ data: bought }, { data: batches }, popular] = await Promise.all([
      purchasesOf(member._id).orderBy('createdAt', 'desc').limit(RECENT_PURCHASES).get(),
      events.where({ memberId: member._id }).orderBy('at', 'desc').limit(RECENT_EVENT_BATCHES).get(),
      findById(popularItems, POPULAR_DOC),
    ])
    const history = bought.flatMap(p => (p.lines ?? []).map((l: { productId: string }) => ({ itemId: l.productId, at: new Date(p.createdAt) })))
    // taps at the server's receive time (the client's own clock is not trusted)
    const clicks = batches.flatMap(b => (b.events ?? []).filter((e: { type: string }) => e.type === 'click').map((e: { productId: string }) => ({ itemId: e.productId, at: new Date(b.at) })))
    const historyIds = [...new Set([...history, ...clicks].map(h => h.itemId))]
    const neighbors: ItemNeighbors = {}
    if (historyIds.length) {
      const { data } = await itemNeighbors
        .where({ _id: _.in(historyIds) })
        .limit(100)
        .get()
      for (const d of data) neighbors[String(d._id)] = d.neighbors
    }
    const popularity = popular?.popularity ?? {}
    const candidates = [
      ...new Set([
        ...historyIds,
        ...Object.values(neighbors)
          .flat()
          .map(n => n.itemId),
        ...Object.keys(popularity),
      ]),
    ].slice(0, 1000)
    // chunks of 100 ids (a query's `_.in` and page limit), read in parallel
    const chunks = Array.from({ length: Math.ceil(candidates.length / 100) }, (_x, i) => candidates.slice(i * 100, i * 100 + 100))
    const pages = await Promise.all(
      chunks.map(ids =>
        catalogRows
          .where({ _id: _.in(ids) })
          .limit(100)
          .get(),
      ),
    )
    const products = new Map<string, Product>(pages.flatMap(({ data }) => data.map(p => [p._id, p] as [string, Product])))
    const catalog: Record<string, CatalogItem> = Object.fromEntries([...products].map(([id, p]) => [id, { category: p.category, tags: p.tags, onSale: p.onSale, title: p.title }]))
    const repeatCategories = [...new Set([...products.values()].filter(p => p.repeatPurchase).map(p => p.category))]
    const picks = recommend({ history, clicks, tags: member.tags, now: ctx.now, k: event.limit }, { neighbors, popularity, catalog, repeatCategories })
    const items: RecommendationView[] = picks.map(r => {
      const p = products.get(r.itemId)!
      return { productId: r.itemId, title: p.title, category: p.category, priceFen: p.priceFen, imageFileId: p.imageFileId, reason: r.reason }
    })
    return { items }
  },
}
