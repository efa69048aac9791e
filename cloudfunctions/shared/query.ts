/** Reading more than one page: CloudBase answers at most 1000 docs per get (100 without a limit). */
import { _ } from './cloud'
import type { Collection, Doc, Query } from './sdk-types'

export const PAGE = 1000

/** Every doc the query matches, page by page (the query should have an orderBy for stable paging). */
export async function readAll<T = Doc>(query: Query<T>, max = 50_000): Promise<T[]> {
  const out: T[] = []
  for (let offset = 0; offset < max; offset += PAGE) {
    const { data } = await query.skip(offset).limit(PAGE).get()
    out.push(...data)
    if (data.length < PAGE) break
  }
  return out
}

/** A doc by `_id`, or null (doc().get() throws for a missing doc outside transactions). */
export async function findById<T = Doc>(collection: { where(c: object): Query<T> }, id: string): Promise<T | null> {
  const { data } = await collection.where({ _id: id }).limit(1).get()
  return data.length ? (data[0] as T) : null
}

/** ids per `_.in` query (and its page limit) */
const IN_CHUNK = 100

/** The docs whose `_id` is in `ids`, by id: one query per 100 ids, in parallel (usually one); `fields` limits what is read. */
export async function docsByIds<T = Doc>(collection: Collection<T>, ids: string[], fields?: Record<string, true>): Promise<Map<string, T>> {
  const unique = [...new Set(ids)]
  const chunks = Array.from({ length: Math.ceil(unique.length / IN_CHUNK) }, (_x, i) => unique.slice(i * IN_CHUNK, (i + 1) * IN_CHUNK))
  const pages = await Promise.all(
    chunks.map(chunk => {
      const query = collection.where({ _id: _.in(chunk) })
      return (fields ? query.field({ _id: true, ...fields }) : query).limit(IN_CHUNK).get()
    }),
  )
  return new Map(pages.flatMap(({ data }) => data.map(d => [String((d as { _id?: unknown })._id), d] as const)))
}
