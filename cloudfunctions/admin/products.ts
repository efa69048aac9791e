/** The product catalog recommendations are made from. */
import type { AdminEvent } from '../../types/admin'
import type { Product, ProductInput } from '../../types/products'
import { actorOf, audit } from '../shared/audit'
import { requireAdmin } from '../shared/access'
import { db } from '../shared/cloud'
import type { Actions, CallContext } from '../shared/handler'
import { findById } from '../shared/query'

const products = db.collection<Product>('products')

/** Writes one product; unchanged rows are not rewritten (an import rerun changes nothing). */
async function put(input: ProductInput, ctx: CallContext): Promise<'created' | 'updated' | 'unchanged'> {
  const { productId, ...terms } = input
  const before = await findById<Product>(products, productId)
  if (before && JSON.stringify(Object.keys(terms).map(k => before[k as keyof Product])) === JSON.stringify(Object.values(terms))) return 'unchanged'
  await products.doc(productId).set({ data: { ...terms, createdAt: before?.createdAt ?? ctx.now, updatedAt: ctx.now } })
  return before ? 'updated' : 'created'
}

export const adminProductActions: Pick<Actions<AdminEvent>, 'upsertProduct' | 'importProducts' | 'listProducts'> = {
  async upsertProduct(event, ctx) {
    await requireAdmin(ctx)
    const outcome = await put(event.product, ctx)
    if (outcome !== 'unchanged') await audit({ actor: actorOf(ctx), action: 'upsertProduct', target: event.product.productId, after: event.product, at: ctx.now })
    return { productId: event.product.productId, outcome }
  },

  async importProducts(event, ctx) {
    await requireAdmin(ctx)
    const counts = { created: 0, updated: 0, unchanged: 0 }
    for (const product of event.products) counts[await put(product, ctx)]++
    await audit({ actor: actorOf(ctx), action: 'importProducts', target: 'products', after: { rows: event.products.length, ...counts }, at: ctx.now })
    return counts
  },

  async listProducts(event, ctx) {
    await requireAdmin(ctx)
    const where: Record<string, unknown> = {}
    if (event.category) where.category = event.category
    if (event.onSale !== undefined) where.onSale = event.onSale
    const query = products.where(where)
    const [{ total }, { data }] = await Promise.all([query.count(), query.orderBy('_id', 'asc').skip(event.offset).limit(event.limit).get()])
    return { total, products: data.map(({ _id, ...p }) => ({ productId: _id, ...p })) }
  },
}
