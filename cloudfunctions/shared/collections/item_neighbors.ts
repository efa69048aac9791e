/** `item_neighbors/<productId>`: a product's top co-purchase neighbours; `item_neighbors/__popular__`: recent buyers per item (tiers `neighbors`). */
import type { ItemNeighbors } from '../../../domain/recommend'
import { POPULAR_DOC } from '../../../types/products'
import { collectionHandle, type CollectionHandle } from '../collection'

export { POPULAR_DOC }

export interface NeighborsDoc {
  _id: string
  neighbors: ItemNeighbors[string]
  updatedAt: Date
}

export interface PopularDoc {
  _id: string
  popularity: Record<string, number>
  updatedAt: Date
}

export const itemNeighbors = collectionHandle<NeighborsDoc>('item_neighbors')
/** the same collection, read at POPULAR_DOC */
export const popularItems = itemNeighbors as unknown as CollectionHandle<PopularDoc>
