/** `stores`: the brand's stores (admin.upsertStore). */
import type { StoreView } from '../../../types/console'
import { collectionHandle } from '../collection'

export interface StoreDoc {
  _id: string
  name: string
  city: string | null
  createdAt: Date
  updatedAt: Date
}

export const stores = collectionHandle<StoreDoc>('stores')

const isoOrNull = (v: unknown) => (v ? new Date(v as string).toISOString() : null)

export function storeView(row: StoreDoc): StoreView {
  return { storeId: String(row._id), name: String(row.name ?? row._id), city: typeof row.city === 'string' && row.city ? row.city : null, updatedAt: isoOrNull(row.updatedAt) }
}
