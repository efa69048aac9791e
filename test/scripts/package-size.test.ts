/**
 * The mini-program stays deployable: WeChat refuses a package over 2 MB; we keep the main package
 * under 1 MB so the first open stays fast, and each sub-package under 2 MB. Builds dist/weapp if stale.
 */
import fs from 'fs'
import path from 'path'
import { ensureWeappBuilt, WEAPP_DIR } from '../../scripts/builds'

const MAIN_LIMIT = 1024 * 1024
const SUB_LIMIT = 2 * 1024 * 1024

function bytesUnder(dir: string, skip: Set<string> = new Set()): number {
  let total = 0
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name)
    if (skip.has(full)) continue
    total += entry.isDirectory() ? bytesUnder(full, skip) : fs.statSync(full).size
  }
  return total
}

beforeAll(() => ensureWeappBuilt(), 600_000)

test('the main package is under 1 MB and every sub-package under 2 MB', () => {
  const app = JSON.parse(fs.readFileSync(path.join(WEAPP_DIR, 'app.json'), 'utf8')) as { subPackages?: Array<{ root: string }>; subpackages?: Array<{ root: string }> }
  const roots = (app.subPackages ?? app.subpackages ?? []).map(p => path.join(WEAPP_DIR, p.root))
  expect(roots.length).toBeGreaterThan(0)
  const main = bytesUnder(WEAPP_DIR, new Set(roots))
  console.log(`dist/weapp main package: ${(main / 1024).toFixed(0)} KB; ${roots.map(r => `${path.basename(r)}: ${(bytesUnder(r) / 1024).toFixed(0)} KB`).join(', ')}`)
  expect(main).toBeLessThan(MAIN_LIMIT)
  for (const root of roots) expect(bytesUnder(root)).toBeLessThan(SUB_LIMIT)
})
