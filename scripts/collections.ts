/** Creates the declared collections through the SDK, as a deploy would; existing ones are kept. */
import { COLLECTIONS } from '../types/collections'

type Db = ReturnType<typeof import('wx-server-sdk').database>

export async function createCollections(db: Db, names: readonly string[] = COLLECTIONS): Promise<void> {
  for (const name of names) {
    try {
      await db.createCollection(name)
    } catch (err) {
      if (!/exist/i.test(String((err as Error).message))) throw err
    }
  }
}
