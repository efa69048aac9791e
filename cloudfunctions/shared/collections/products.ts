/** `products`: the catalog, and the placeholders an order's unknown SKUs become (shared/products.ts). */
import type { Product } from '../../../types/products'
import { collectionHandle } from '../collection'

export const products = collectionHandle<Product>('products')
