/** The weapp tests open the real build: rebuild dist/weapp first when it is older than its sources. */
import { ensureWeappBuilt } from '../../scripts/builds'

export default async function globalSetup(): Promise<void> {
  ensureWeappBuilt()
}
