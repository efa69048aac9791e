/** The bench's seed cache (`--seed-cache`): seeded once, copied after, with the summary the parts need. */
import fs from 'fs'
import os from 'os'
import path from 'path'
import { docPages, openBenchStore, seedCacheKey, seedDataDir } from '../../scripts/bench-seed'

const dirs: string[] = []
const tempDir = (name: string) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-seed-${name}-`))
  dirs.push(dir)
  return dir
}
afterAll(() => dirs.forEach(d => fs.rmSync(d, { recursive: true, force: true })))

async function contents(dataDir: string): Promise<Record<string, unknown[]>> {
  const store = openBenchStore(dataDir)
  try {
    return Object.fromEntries(['members', 'purchases'].map(c => [c, [...docPages(store, c)].flat()]))
  } finally {
    await store.close()
  }
}

test('without a cache the data dir is seeded in place', async () => {
  const dataDir = tempDir('plain')
  const seeded = await seedDataDir(dataDir, { n: 200, seed: 3 })
  expect(seeded).toMatchObject({ cached: false, members: { members: 200 } })
  expect(seeded.purchases).toBeUndefined()
  expect((await contents(dataDir)).members).toHaveLength(200)
})

test('with a cache the first run seeds it once and every run copies the same database and summary', async () => {
  const cache = tempDir('cache')
  const spec = { n: 300, seed: 5, products: 20 }
  const log: string[] = []
  const first = await seedDataDir(tempDir('a'), spec, cache, line => log.push(line))
  const second = await seedDataDir(tempDir('b'), spec, cache, line => log.push(line))
  expect(log.filter(l => l.includes('seeding the cache'))).toHaveLength(1)
  expect(log.filter(l => l.includes('copying the seed'))).toHaveLength(2)
  expect(fs.readdirSync(cache)).toEqual([seedCacheKey(spec)])
  expect(first.cached && second.cached).toBe(true)
  // the summary survives the JSON file: dates are dates again
  expect(second).toEqual(first)
  expect(second.now).toBeInstanceOf(Date)
  expect(second.purchases!.callers[0].joinedAt).toBeInstanceOf(Date)
  expect(second.purchases!.purchases).toBeGreaterThan(0)
  const [a, b] = [await contents(dirs[dirs.length - 2]), await contents(dirs[dirs.length - 1])]
  expect(a.members).toHaveLength(300)
  expect(a.purchases).toHaveLength(second.purchases!.purchases)
  expect(b).toEqual(a)
})

test('each distinct seed has its own cache folder', () => {
  const keys = [{ n: 10 }, { n: 10, seed: 2 }, { n: 10, products: 5 }, { n: 10, products: 6 }, { n: 10, products: 5, ledger: true }, { n: 11 }].map(seedCacheKey)
  expect(new Set(keys).size).toBe(keys.length)
})
