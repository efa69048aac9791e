import { z } from 'zod'

export const productId = z.string().regex(/^[\w-]{1,64}$/, 'productId 为 1–64 位字母数字、_ 或 -')

/** A product's barcode as printed on the pack (EAN-13, UPC, a shop's own code): 4–32 letters or digits. */
export const barcode = z.string().regex(/^[0-9A-Za-z]{4,32}$/, '条码为 4–32 位字母或数字')

/** What the till scans or types to find a product: its barcode or its productId. */
export const productCode = z
  .string()
  .trim()
  .regex(/^[\w-]{1,64}$/, '商品码为 1–64 位字母、数字、_ 或 -')

/** A catalog product (`products`, `_id` = productId): what recommendations are made of. */
export const ProductInputSchema = z
  .object({
    productId,
    title: z.string().min(1).max(60),
    category: z.string().min(1).max(40),
    tags: z.array(z.string().min(1).max(20)).max(10).default([]),
    priceFen: z.number().int().min(0).max(100_000_000),
    /** scanned at the till (staff.productByCode); one product per barcode */
    barcode: barcode.optional(),
    imageFileId: z.string().max(512).nullable().default(null),
    onSale: z.boolean().default(true),
    /** a category bought again and again (coffee beans, diapers): recommended again after a purchase */
    repeatPurchase: z.boolean().default(false),
  })
  .strict()
export type ProductInput = z.infer<typeof ProductInputSchema>

/**
 * A stored product. `placeholder`: created from an order line naming an unknown SKU (off sale, title
 * and category from the line) until an admin completes it; `sku`: that SKU when it is no valid productId.
 */
export type Product = Omit<ProductInput, 'productId'> & { _id: string; placeholder?: true; sku?: string; createdAt: Date; updatedAt: Date }

/** What the client reports (`member.track`): views and clicks, batched. */
export const TrackEventSchema = z
  .object({
    type: z.enum(['view', 'click']),
    productId,
    /** where it happened, e.g. 'home.recommend' */
    source: z.string().max(40).optional(),
    /** client time; the server keeps its own receive time too */
    at: z.iso.datetime({ offset: true }).optional(),
  })
  .strict()
export type TrackEvent = z.infer<typeof TrackEventSchema>

/** One recommended product as the home page shows it. */
export interface RecommendationView {
  productId: string
  title: string
  category: string
  priceFen: number
  imageFileId: string | null
  /** one line: "因为你买过「…」", "购买「…」的会员也买了", "热卖推荐" */
  reason: string
}

/** `item_neighbors/<POPULAR_DOC>`: recent buyers per item, the recommender's prior and cold start. */
export const POPULAR_DOC = '__popular__'
