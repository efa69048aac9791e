/**
 * The mini-program stays deployable: WeChat refuses a package over 2 MB; we keep the main package
 * under 1 MB so the first open stays fast, and each sub-package under 2 MB. Builds dist/weapp if stale.
 */
import fs from 'fs'
import path from 'path'
import { ensureH5Built, ensureWeappBuilt, H5_DIR, WEAPP_DIR } from '../../scripts/builds'

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

/**
 * H5 pages are lazy chunks; the build puts what two pages share in one chunk (client/config
 * sharePageModules), so Taro's H5 components are in one file, not copied into every page.
 */
test('H5: the shared code is in one chunk, not in every page; dist/h5 under 1.5 MB', () => {
  ensureH5Built()
  const js = path.join(H5_DIR, 'js')
  const files = fs.readdirSync(js).filter(f => f.endsWith('.js'))
  const withComponents = files.filter(f => fs.readFileSync(path.join(js, f), 'utf8').includes('taro-button-core'))
  expect(withComponents).toHaveLength(1)
  const total = bytesUnder(H5_DIR)
  console.log(`dist/h5: ${(total / 1024).toFixed(0)} KB in ${files.length} scripts`)
  expect(total).toBeLessThan(1.5 * 1024 * 1024)
}, 600_000)
