/** The product catalog recommendations are made from. */
import type { AdminActions } from './actions'
import type { ProductInput } from '../../types/products'
import { AppError } from '../../types/result'
import { actorOf, audit } from '../shared/audit'
import { _ } from '../shared/cloud'
import type { CallContext } from '../shared/handler'
import { findById } from '../shared/query'
import { products } from '../shared/collections/products'

/** Fields that may be absent from an input: a product written without one loses it, so they are compared too. */
const OPTIONAL_FIELDS = ['barcode'] as const

/** Writes one product; unchanged rows are not rewritten (an import rerun changes nothing). */
async function put(input: ProductInput, ctx: CallContext): Promise<'created' | 'updated' | 'unchanged'> {
  const { productId, ...terms } = input
  const before = await findById(products, productId)
  const fields = [...new Set([...Object.keys(terms), ...OPTIONAL_FIELDS])] as Array<keyof typeof terms>
  // completing a placeholder (made from an order's unknown SKU) always rewrites it, dropping the mark
  if (before && !before.placeholder && JSON.stringify(fields.map(k => before[k] ?? null)) === JSON.stringify(fields.map(k => terms[k] ?? null))) return 'unchanged'
  await products.doc(productId).set({ data: { ...terms, createdAt: before?.createdAt ?? ctx.now, updatedAt: ctx.now } })
  return before ? 'updated' : 'created'
}

/**
 * One product per barcode (the till's scan finds one): a barcode given twice in the input, or held by
 * another product that the input does not move to another barcode, is ALREADY_EXISTS before anything
 * is written. (No unique index: most products have no barcode. Two admins racing could still both win.)
 */
async function checkBarcodes(input: ProductInput[]): Promise<void> {
  const next = new Map(input.map(p => [p.productId, p.barcode ?? null]))
  const owner = new Map<string, string>()
  for (const p of input) {
    if (!p.barcode) continue
    const first = owner.get(p.barcode)
    if (first && first !== p.productId) throw new AppError('ALREADY_EXISTS', `条码 ${p.barcode} 同时用于商品 ${first} 和 ${p.productId}`)
    owner.set(p.barcode, p.productId)
  }
  const codes = [...owner.keys()]
  for (let i = 0; i < codes.length; i += 100) {
    const { data } = await products
      .where({ barcode: _.in(codes.slice(i, i + 100)) })
      .limit(1000)
      .get()
    for (const held of data) {
      const code = String(held.barcode)
      const mine = owner.get(code)
      // the other product keeps this barcode unless the same input gives it another one (or none)
      const keeps = !next.has(held._id) || next.get(held._id) === code
      if (mine && held._id !== mine && keeps) throw new AppError('ALREADY_EXISTS', `条码 ${code} 已用于商品 ${held._id}`)
    }
  }
}

export const adminProductActions: Pick<AdminActions, 'upsertProduct' | 'importProducts' | 'listProducts'> = {
  async upsertProduct(event, ctx) {
    await checkBarcodes([event.product])
    const outcome = await put(event.product, ctx)
    if (outcome !== 'unchanged') await audit({ actor: actorOf(ctx), action: 'upsertProduct', target: event.product.productId, after: event.product, at: ctx.now })
    return { productId: event.product.productId, outcome }
  },

  async importProducts(event, ctx) {
    await checkBarcodes(event.products)
    const counts = { created: 0, updated: 0, unchanged: 0 }
    for (const product of event.products) counts[await put(product, ctx)]++
    await audit({ actor: actorOf(ctx), action: 'importProducts', target: 'products', after: { rows: event.products.length, ...counts }, at: ctx.now })
    return counts
  },

  async listProducts(event) {
    const where: Record<string, unknown> = {}
    if (event.category) where.category = event.category
    if (event.onSale !== undefined) where.onSale = event.onSale
    const query = products.where(where)
    const [{ total }, { data }] = await Promise.all([query.count(), query.orderBy('_id', 'asc').skip(event.offset).limit(event.limit).get()])
    return { total, products: data.map(({ _id, ...p }) => ({ productId: _id, ...p })) }
  },
}
