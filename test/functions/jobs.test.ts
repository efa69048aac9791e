/** The generic job mechanics (cloudfunctions/shared/jobs.ts): budgets, page sizing, boundaries, the coordinator, leases. */
import { callFits, claimLease, dispatchShards, workHere, findBoundaries, nextPageSize, pagesWithinBudget, slowerPace, type PageSizing, type WorkerOutcome } from '../../cloudfunctions/shared/jobs'
import { useEmulator } from './support'

const sizing: PageSizing = { budgetMs: 10_000, maxPage: 1000, firstPage: 100, minPage: 25 }

describe('budgets and page sizes', () => {
  test('a call fits only if awaiting its whole timeout still ends inside the run budget', () => {
    const budget = { runBudgetMs: 50_000, callTimeoutMs: 15_000 }
    expect(callFits(budget, 1000, 1000 + 35_000)).toBe(true)
    expect(callFits(budget, 1000, 1000 + 35_001)).toBe(false)
  })

  test('the first page is small, and only with half the budget left', () => {
    expect(nextPageSize(sizing, 0, 10_000)).toBe(100)
    expect(nextPageSize(sizing, 0, 5000)).toBe(100)
    expect(nextPageSize(sizing, 0, 4999)).toBe(0)
  })

  test('later pages fill four fifths of what is left at the measured pace, capped at the largest page', () => {
    expect(nextPageSize(sizing, 10, 5000)).toBe(400)
    expect(nextPageSize(sizing, 1, 9000)).toBe(1000)
  })

  test('a page under the minimum is not worth a query', () => {
    expect(nextPageSize(sizing, 10, 312)).toBe(0) // 24 members
    expect(nextPageSize(sizing, 10, 313)).toBe(25)
  })

  test('the pace kept is the slowest seen, an empty page counting as one item', () => {
    expect(slowerPace(0, 500, 100)).toBe(5)
    expect(slowerPace(5, 200, 100)).toBe(5)
    expect(slowerPace(5, 30, 0)).toBe(30)
  })
})

describe('pagesWithinBudget', () => {
  test('sizes each page from the pace so far and stops when nothing remains', async () => {
    const limits: number[] = []
    let remaining = 250
    let clock = 0
    jest.spyOn(Date, 'now').mockImplementation(() => clock)
    await pagesWithinBudget({
      sizing: { ...sizing, maxPage: 120 },
      leftMs: () => 10_000,
      page: async limit => {
        limits.push(limit)
        clock += limit // 1 ms per member
        const read = Math.min(limit, remaining)
        remaining -= read
        return { read }
      },
      saved: async (page, limit) => page.read === limit,
    })
    jest.restoreAllMocks()
    expect(limits).toEqual([100, 120, 120])
    expect(remaining).toBe(0)
  })

  test('a slower page shrinks the next one', async () => {
    const limits: number[] = []
    let clock = 0
    jest.spyOn(Date, 'now').mockImplementation(() => clock)
    await pagesWithinBudget({
      sizing,
      leftMs: () => 5000,
      page: async limit => {
        limits.push(limit)
        clock += 20 * limit // 20 ms per member
        return { read: limit }
      },
      saved: async () => limits.length < 2,
    })
    jest.restoreAllMocks()
    expect(limits).toEqual([100, 200]) // 0.8 × 5000 / 20
  })

  test('stops without a page once the budget is spent', async () => {
    const page = jest.fn(async () => ({ read: 1 }))
    await pagesWithinBudget({ sizing, leftMs: () => 1000, page, saved: async () => true })
    expect(page).not.toHaveBeenCalled()
  })
})

describe('findBoundaries', () => {
  const next = (ids: string[]) => async (prev: string | null) => ids[prev === null ? 0 : ids.indexOf(prev) + 1] ?? null

  test('goes on from the boundaries found before, saving every few, until none is left', async () => {
    const saves: string[][] = []
    const found = await findBoundaries({ found: ['a'], fits: () => true, next: next(['a', 'b', 'c', 'd']), save: async b => void saves.push([...b]), saveEvery: 2 })
    expect(found).toEqual({ bounds: ['a', 'b', 'c', 'd'], complete: true })
    expect(saves).toEqual([['a', 'b', 'c']])
  })

  test('stops incomplete when the time runs out', async () => {
    let calls = 0
    const found = await findBoundaries({ found: [], fits: () => calls++ < 2, next: next(['a', 'b', 'c']), save: async () => undefined })
    expect(found).toEqual({ bounds: ['a', 'b'], complete: false })
  })
})

describe('dispatchShards', () => {
  test('is done once every shard is, calling each open shard until its worker finishes it', async () => {
    const open = new Set([0, 1, 2])
    const calls: number[] = []
    const outcome = await dispatchShards({
      open: async () => [...open],
      work: async shard => {
        calls.push(shard)
        open.delete(shard)
        return 'ok'
      },
      workers: 2,
      fits: () => true,
      onFailure: async () => undefined,
    })
    expect(outcome).toBe('done')
    expect(calls.sort()).toEqual([0, 1, 2])
  })

  test('leaves failed and leased shards for the next call, counting only failures', async () => {
    const outcomes: Record<number, WorkerOutcome> = { 0: 'failed', 1: 'busy' }
    const calls: number[] = []
    const onFailure = jest.fn(async () => undefined)
    const outcome = await dispatchShards({
      open: async () => [0, 1],
      work: async shard => {
        calls.push(shard)
        return outcomes[shard]
      },
      workers: 4,
      fits: () => true,
      onFailure,
    })
    expect(outcome).toBe('paused')
    expect(calls.sort()).toEqual([0, 1]) // each once
    expect(onFailure).toHaveBeenCalledTimes(1)
  })

  test('each shard goes to one of the lanes 0 … workers − 1 (a coordinator works lane 0 itself)', async () => {
    const open = new Set([0, 1, 2, 3, 4, 5])
    const lanes: number[] = []
    await dispatchShards({
      open: async () => [...open],
      work: async (shard, lane) => {
        lanes.push(lane)
        await new Promise(resolve => setTimeout(resolve, 5))
        open.delete(shard)
        return 'ok'
      },
      workers: 3,
      fits: () => true,
      onFailure: async () => undefined,
    })
    expect(lanes).toHaveLength(6)
    expect([...new Set(lanes)].sort()).toEqual([0, 1, 2])
  })

  test('starts no worker without time for its call', async () => {
    const work = jest.fn(async (): Promise<WorkerOutcome> => 'ok')
    expect(await dispatchShards({ open: async () => [0], work, workers: 1, fits: () => false, onFailure: async () => undefined })).toBe('paused')
    expect(work).not.toHaveBeenCalled()
  })
})

describe('claimLease', () => {
  const env = useEmulator()
  const jobs = () => env.db.collection('jobs')

  test('one holder at a time, until the lease is released or runs out', async () => {
    await jobs()
      .doc('lease-test')
      .set({ data: { claimedUntil: null, done: false } })
    expect(await claimLease(jobs(), 'lease-test', 'claimedUntil', 60_000)).toBe(true)
    expect(await claimLease(jobs(), 'lease-test', 'claimedUntil', 60_000)).toBe(false)
    await jobs()
      .doc('lease-test')
      .update({ data: { claimedUntil: null } })
    expect(await claimLease(jobs(), 'lease-test', 'claimedUntil', 1)).toBe(true)
    await new Promise(resolve => setTimeout(resolve, 20))
    expect(await claimLease(jobs(), 'lease-test', 'claimedUntil', 60_000)).toBe(true)
  })

  test('only on a doc that matches the extra condition', async () => {
    await jobs()
      .doc('lease-done')
      .set({ data: { claimedUntil: null, done: true } })
    expect(await claimLease(jobs(), 'lease-done', 'claimedUntil', 60_000, { done: false })).toBe(false)
    expect(await claimLease(jobs(), 'lease-done', 'claimedUntil', 60_000, { done: true })).toBe(true)
  })
})

test('workHere answers like a worker call: ok, busy, or failed when the work throws', async () => {
  expect(await workHere(async () => ({}), 'test')).toBe('ok')
  expect(await workHere(async () => ({ busy: true }), 'test')).toBe('busy')
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined)
  expect(await workHere(async () => Promise.reject(new Error('boom')), 'test lane')).toBe('failed')
  expect(warn).toHaveBeenCalledWith('test lane: boom')
  warn.mockRestore()
})
