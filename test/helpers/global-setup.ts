/** Tests run the functions as CloudBase would: from a fresh build of dist/cloudfunctions. */
import { buildFunctions } from '../../scripts/build-functions'

export default async function globalSetup(): Promise<void> {
  await buildFunctions()
}
