/** Reading more than one page: CloudBase answers at most 1000 docs per get (100 without a limit). */
import type { Doc, Query } from './sdk-types'

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
export async function findById<T = Doc>(collection: { where(c: object): Query<any> }, id: string): Promise<T | null> {
  const { data } = await collection.where({ _id: id }).limit(1).get()
  return data.length ? (data[0] as T) : null
}
