/**
 * The catalog at the till: search by name or code, the store's quick keys, a scanned product code.
 * Only products on sale are offered; a product is shown as ProductAtTill (types/staff.ts).
 */
import type { StaffActions } from './actions'
import type { Product } from '../../types/products'
import { AppError } from '../../types/result'
import { QUICK_KEY_DAYS, QUICK_KEY_SAMPLE, QUICK_KEYS, type ProductAtTill } from '../../types/staff'
import { rankBySales } from '../../domain/quick-keys'
import { db, _ } from '../shared/cloud'
import { products } from '../shared/collections/products'
import { purchases } from '../shared/collections/purchases'
import { readAll } from '../shared/query'
import { requireStaff } from './till'

/** Categories listed at most (a brand's menu has a handful). */
const MAX_CATEGORIES = 100

function productView(p: Product): ProductAtTill {
  return { productId: p._id, title: p.title, category: p.category, priceFen: p.priceFen, barcode: p.barcode ?? null }
}

/** The text as a literal inside a regular expression. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** A code names a product by barcode first (what is scanned), then by productId. */
const byCode = (code: string) => _.or([{ barcode: code }, { _id: code }])

export const staffCatalogActions: Pick<StaffActions, 'tillCatalog' | 'tillQuickKeys' | 'productByCode'> = {
  /**
   * On-sale products whose title contains the query (case-insensitive), plus an exact productId or
   * barcode match listed first; optionally of one category; `limit` of them, by productId. The
   * categories are those of every on-sale product. Requests: the staff row, then 2–3 in parallel
   * (the code lookup only for a query that could be a code).
   */
  async tillCatalog(event, ctx) {
    await requireStaff(ctx)
    const scope = { onSale: true, ...(event.category ? { category: event.category } : {}) }
    const query = event.query ?? ''
    const [exact, found, categories] = await Promise.all([
      // only what could be a code (a name like 拿铁 cannot)
      /^[\w-]{1,64}$/.test(query)
        ? products
            .where(_.and([scope, byCode(query)]))
            .limit(5)
            .get()
        : { data: [] as Product[] },
      products
        .where(query ? _.and([scope, { title: db.RegExp({ regexp: escapeRegExp(query), options: 'i' }) }]) : scope)
        .orderBy('_id', 'asc')
        .limit(event.limit)
        .get(),
      products.aggregate().match({ onSale: true }).group({ _id: '$category' }).sort({ _id: 1 }).limit(MAX_CATEGORIES).end(),
    ])
    // exact codes first (a barcode before a productId), then the title matches; each product once
    const list = new Map<string, Product>()
    for (const p of [...exact.data.filter(p => p.barcode === query), ...exact.data, ...found.data]) if (!list.has(p._id)) list.set(p._id, p)
    return {
      products: [...list.values()].slice(0, event.limit).map(productView),
      categories: (categories.list as Array<{ _id: unknown }>).map(c => c._id).filter((c): c is string => typeof c === 'string' && c.length > 0),
    }
  },

  /**
   * The staff's store's most-sold products (quantities summed over the purchases' lines, refunded
   * purchases left out) among its latest QUICK_KEY_SAMPLE purchases of the last QUICK_KEY_DAYS days —
   * bounded, where summing every purchase of 30 days grew with the store (6 s at a million members
   * here) — those on sale, most sold first (ties by productId). A store without sales in that time gets
   * the catalog's first on-sale products.
   */
  async tillQuickKeys(_event, ctx) {
    const staff = await requireStaff(ctx)
    const since = new Date(ctx.now.getTime() - QUICK_KEY_DAYS * 86_400_000)
    // the newest first, two pages at most (index storeId_createdAt)
    const sample = await readAll(
      purchases
        .where({ storeId: staff.storeId, createdAt: _.gte(since) })
        .orderBy('createdAt', 'desc')
        .field({ status: true, lines: true }),
      QUICK_KEY_SAMPLE,
    )
    const ranked = rankBySales(sample).slice(0, QUICK_KEYS * 4) // some of the top sellers may be off sale now
    if (ranked.length) {
      const { data } = await products
        .where({ _id: _.in(ranked), onSale: true })
        .limit(ranked.length)
        .get()
      const byId = new Map(data.map(p => [p._id, p]))
      const top = ranked.flatMap(id => (byId.has(id) ? [byId.get(id)!] : [])).slice(0, QUICK_KEYS)
      if (top.length) return { products: top.map(productView), source: 'sales' as const }
    }
    const { data } = await products.where({ onSale: true }).orderBy('_id', 'asc').limit(QUICK_KEYS).get()
    return { products: data.map(productView), source: 'catalog' as const }
  },

  /** The on-sale product a scanned or typed code names: its barcode, else its productId. */
  async productByCode(event, ctx) {
    await requireStaff(ctx)
    const { data } = await products.where(byCode(event.code)).limit(10).get()
    const onSale = data.filter(p => p.onSale)
    const product = onSale.find(p => p.barcode === event.code) ?? onSale.find(p => p._id === event.code)
    if (!product) throw new AppError('NOT_FOUND', data.length ? `商品已下架：${event.code}` : `没有找到商品码为 ${event.code} 的商品`)
    return { product: productView(product) }
  },
}
