/** Index configs for emulator tests, in deploy/database.json's shape (scripts/deploy-config.ts createIndex). */
import type { IndexSpec } from '../../deploy/indexes'
import { createIndex } from '../../scripts/deploy-config'

export function indexConfig(collections: Record<string, IndexSpec[]>) {
  return { collections: Object.entries(collections).map(([CollectionName, indexes]) => ({ CollectionName, CreateIndexes: indexes.map(createIndex) })) }
}
