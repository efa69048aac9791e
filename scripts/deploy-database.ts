/**
 * Applies deploy/database.json to a CloudBase environment: creates each missing collection, adds
 * the indexes it lacks, and sets its security rule. Uses @cloudbase/manager-node, which is NOT a
 * dependency of this repo: install it where you deploy from (`npm i -D @cloudbase/manager-node`),
 * or enter the same things in the console from deploy/database.json.
 *
 *   npx tsx scripts/deploy-database.ts --env <envId> [--dry-run]
 *
 * Credentials: TENCENTCLOUD_SECRETID / TENCENTCLOUD_SECRETKEY (optional TENCENTCLOUD_SESSIONTOKEN)
 * of a CAM key allowed to manage the environment. Existing indexes are never dropped or changed: to
 * change an index with the same name, delete it in the console first. `--dry-run` prints the plan
 * without the package or any network call.
 *
 * Only the argument handling and the missing-package path are tested here (there is no CloudBase
 * environment in CI); the calls follow manager-node's documented API (database.
 * createCollectionIfNotExists / checkIndexExists / updateCollection, commonService ModifySafeRule).
 */
import fs from 'fs'
import path from 'path'
import type { DatabaseDeploy } from './deploy-config'

const ROOT = path.resolve(__dirname, '..')
const MANAGER = '@cloudbase/manager-node'
export const USAGE = 'usage: npx tsx scripts/deploy-database.ts --env <envId> [--dry-run]'

export function parseArgs(argv: string[]): { envId: string; dryRun: boolean } {
  let envId = ''
  let dryRun = false
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--dry-run') dryRun = true
    else if ((argv[i] === '--env' || argv[i] === '-e') && argv[i + 1] && !argv[i + 1].startsWith('-')) envId = argv[++i]
    else throw new Error(USAGE)
  }
  if (!envId) throw new Error(USAGE)
  return { envId, dryRun }
}

async function main(argv: string[]): Promise<number> {
  let args
  try {
    args = parseArgs(argv)
  } catch (err) {
    console.error((err as Error).message)
    return 2
  }
  const plan: DatabaseDeploy = JSON.parse(fs.readFileSync(path.join(ROOT, 'deploy/database.json'), 'utf8'))
  if (args.dryRun) {
    for (const c of plan.collections) console.log(`${c.CollectionName}: rule ${JSON.stringify(c.SecurityRule)}; indexes ${c.CreateIndexes.map(i => i.IndexName).join(', ') || '(only _id)'}`)
    return 0
  }
  let CloudBase
  try {
    const mod = await import(MANAGER)
    CloudBase = mod.default ?? mod
  } catch {
    console.error(
      `${MANAGER} is not installed. Install it where you deploy from (it is not a dependency of this repo):\n  npm i -D ${MANAGER}\nor create the collections, indexes and rules in the console from deploy/database.json.`,
    )
    return 1
  }
  const { TENCENTCLOUD_SECRETID: secretId, TENCENTCLOUD_SECRETKEY: secretKey, TENCENTCLOUD_SESSIONTOKEN: token } = process.env
  if (!secretId || !secretKey) {
    console.error('set TENCENTCLOUD_SECRETID and TENCENTCLOUD_SECRETKEY (a CAM key allowed to manage the environment)')
    return 1
  }
  const app = new CloudBase({ secretId, secretKey, ...(token ? { token } : {}), envId: args.envId })
  const common = typeof app.commonService === 'function' ? app.commonService() : app.commonService // a method since manager-node 3
  for (const c of plan.collections) {
    const name = c.CollectionName
    const { IsCreated } = await app.database.createCollectionIfNotExists(name)
    const missing = []
    for (const ix of c.CreateIndexes) if (!(await app.database.checkIndexExists(name, ix.IndexName)).Exists) missing.push(ix)
    if (missing.length) await app.database.updateCollection(name, { CreateIndexes: missing })
    await common.call({ Action: 'ModifySafeRule', Param: { EnvId: args.envId, CollectionName: name, AclTag: c.AclTag, Rule: JSON.stringify(c.SecurityRule) } })
    console.log(`${name}: ${IsCreated ? 'created' : 'exists'}; indexes added: ${missing.map(i => i.IndexName).join(', ') || 'none'}; rule set`)
  }
  return 0
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    code => (process.exitCode = code),
    err => {
      console.error(err)
      process.exitCode = 1
    },
  )
}
