/** The loopback request counter: every SDK request is counted by its `action` (function calls also by function and event action); DELETE /stats resets. */
import { startEmulator, sdkFor, type RunningEmulator } from '../../scripts/emulator-process'

let emu: RunningEmulator
let db: any

beforeAll(async () => {
  emu = await startEmulator({ args: ['--no-timers'] })
  db = sdkFor(emu).database()
}, 60_000)
afterAll(() => emu?.stop())

const stats = async (method: 'GET' | 'DELETE' = 'GET') => {
  const res = await fetch(`${emu.baseUrl}/stats`, { method })
  expect(res.status).toBe(200)
  return res.json()
}

test('a query and an update through the SDK are counted by action; DELETE /stats answers the counts and resets them', async () => {
  await db.createCollection('stats_counted')
  await db.collection('stats_counted').add({ data: { _id: 'a', n: 1 } })
  await stats('DELETE')
  expect(await stats()).toEqual({ requests: {}, total: 0, invocations: {}, functions: {}, unindexed: [] })

  await db.collection('stats_counted').where({ n: 1 }).get()
  await db
    .collection('stats_counted')
    .doc('a')
    .update({ data: { n: 2 } })
  await db.collection('stats_counted').where({ n: 2 }).get()
  const counted = await stats()
  // where({ n }) has no index (test/emulator/indexes.test.ts covers the rule); doc(id).update has `_id`
  const unindexed = [{ collection: 'stats_counted', shape: 'get {n: eq}', caller: 'outside', count: 2 }]
  expect(counted).toEqual({ requests: { 'database.getDocument': 2, 'database.modifyDocument': 1 }, total: 3, invocations: {}, functions: {}, unindexed })
  // reading does not count as a request, nor change the counts
  expect(await stats()).toEqual(counted)

  expect(await stats('DELETE')).toEqual(counted)
  expect(await stats()).toEqual({ requests: {}, total: 0, invocations: {}, functions: {}, unindexed: [] })
})

test('failed requests and calls between functions are counted too', async () => {
  await stats('DELETE')
  await expect(db.collection('stats_missing').get()).rejects.toBeTruthy()
  await expect(sdkFor(emu).callFunction({ name: 'no_such_function', data: { action: 'run' } })).rejects.toBeTruthy()
  expect(await stats()).toMatchObject({ requests: { 'database.getDocument': 1, 'functions.invokeFunction': 1 }, total: 2, invocations: { 'no_such_function.run': 1 } })
})

test('/stats answers GET and DELETE only', async () => {
  const res = await fetch(`${emu.baseUrl}/stats`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
  expect(res.status).toBe(404)
})

test('a caller whose event loop was blocked past 5 s can reuse its kept-alive connection (as function instances on Node 20 do)', async () => {
  const http = await import('http')
  const agent = new http.Agent({ keepAlive: true })
  const get = () =>
    new Promise<number>((resolve, reject) => {
      http
        .get(`${emu.baseUrl}/stats`, { agent }, res => {
          res.resume()
          res.on('end', () => resolve(res.statusCode ?? 0))
        })
        .on('error', reject)
    })
  try {
    expect(await get()).toBe(200)
    // synchronous work (like the job's model fit) longer than Node's default keepAliveTimeout
    const until = Date.now() + 6_000
    while (Date.now() < until);
    expect(await get()).toBe(200)
  } finally {
    agent.destroy()
  }
}, 30_000)
