/** Creates the declared collections through the SDK, as a deploy would; existing ones are kept. */
import { COLLECTIONS } from '../types/collections'

import type { Database } from '../cloudfunctions/shared/sdk-types'

export async function createCollections(db: Database, names: readonly string[] = COLLECTIONS): Promise<void> {
  for (const name of names) {
    try {
      await db.createCollection(name)
    } catch (err) {
      if (!/exist/i.test(String((err as Error).message))) throw err
    }
  }
}
