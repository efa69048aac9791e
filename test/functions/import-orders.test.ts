/**
 * `npm run import -- orders` against the real emulator (admin.importOrders): the summary and its
 * line numbers, a second run, a dry run, `kill -9` mid-file and the rerun, pending orders credited
 * when their phone binds or their external id is claimed.
 */
import { spawn, spawnSync } from 'child_process'
import fs from 'fs'
import os from 'os'
import path from 'path'
import zlib from 'zlib'
import { fakePhoneNumber } from '../../emulator/openapi/apis'
import { statePaths, readCheckpoint } from '../../scripts/import-orders'
import { ORDER_COLUMNS } from '../../scripts/order-file'
import { ROOT } from '../../scripts/emulator-process'
import { useEmulator, signUp, memberDoc, rid, agreePrivacy } from './support'

const env = useEmulator()
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'import-orders-emu-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

type Cells = Partial<Record<(typeof ORDER_COLUMNS)[number], string | number>>
const csv = (rows: Cells[]) => [ORDER_COLUMNS.join(','), ...rows.map(r => ORDER_COLUMNS.map(c => r[c] ?? '').join(','))].join('\n') + '\n'
const line = (orderId: string, member: Cells, extra: Cells = {}): Cells => ({
  order_id: orderId,
  created_at: '2025-03-08 14:30',
  store_id: 'store_hist',
  sku: 'latte',
  title: '拿铁',
  category: 'coffee',
  quantity: 1,
  price_fen: 2900,
  ...member,
  ...extra,
})

const cliArgs = (...args: string[]) => ['--import', 'tsx', path.join(ROOT, 'scripts/import.ts'), 'orders', ...args, '--port', String(env.emu.port)]
/** The CLI as a child process (node --import tsx: the pid is the importer itself, so kill -9 hits it). */
const cli = (...args: string[]) => spawnSync(process.execPath, cliArgs(...args), { cwd: ROOT, encoding: 'utf8', timeout: 240_000 })

async function count(collection: string, where: Record<string, unknown> = {}) {
  return (await env.db.collection(collection).where(where).count()).total
}
async function purchasesOf(memberId: string, source: string) {
  return (await env.db.collection('purchases').where({ memberId, source }).orderBy('createdAt', 'asc').limit(1000).get()).data as any[]
}
/** Signs in and binds the phone the emulator derives from `wxCode` (claiming an import of that phone). */
async function bindPhone(openid: string, wxCode: string) {
  await signUp(env, openid)
  // binding a phone needs the member's consent to the privacy guide (the app asks first)
  await agreePrivacy(env, openid)
  const res = await env.member({ action: 'bindPhone', wxCode }, openid)
  if (!res.ok) throw new Error(JSON.stringify(res))
  return res.data.member
}
const summaryCounts = (stdout: string) => {
  const n = (label: string) => Number(new RegExp(`([\\d,]+)  (?:would be )?${label}`).exec(stdout)?.[1].replace(/,/g, '') ?? NaN)
  return { imported: n('imported'), pending: n('pending'), unchanged: n('unchanged'), rejected: n('rejected') }
}

describe('npm run import -- orders', () => {
  test('a small CSV: dry run writes nothing; the import counts imported / pending / rejected with lines; a second run imports 0; binding credits the pending orders', async () => {
    // E1's import is claimed (its member bound the phone) before the orders come; E2's is not yet
    const e1Code = rid('ord-e1')
    const e2Code = rid('ord-e2')
    const p3Code = rid('ord-p3')
    const phone3 = fakePhoneNumber(p3Code)
    expect(
      await env.admin({
        action: 'importMembers',
        batchId: 'ord-members',
        rows: [
          { externalId: 'OE1', phone: fakePhoneNumber(e1Code) },
          { externalId: 'OE2', phone: fakePhoneNumber(e2Code) },
        ],
      }),
    ).toMatchObject({ ok: true, data: { created: 2 } })
    await bindPhone('o_ord_e1', e1Code)
    const m2 = await signUp(env, 'o_ord_m2')
    const file = path.join(dir, 'small.csv')
    fs.writeFileSync(
      file,
      csv([
        line('S-1', { external_id: 'OE1' }, { quantity: 2, amount_fen: 5000 }), // line 2
        line('S-1', { external_id: 'OE1' }, { sku: 'cake', title: '蛋糕', category: 'bakery', price_fen: 1200 }), // 3
        line('S-2', { member_no: m2.memberNo }), // 4
        line('S-3', { external_id: 'OE2' }), // 5: pending until OE2 is claimed
        line('S-4', { phone: phone3 }), // 6: pending until the phone binds
        line('S-5', { phone: phone3 }, { created_at: '2025-04-01T09:00:00+08:00', sku: 'tea', title: '乌龙', category: 'tea' }), // 7
        line('S-6', { external_id: 'OE1' }, { quantity: 'two' }), // 8: malformed, rejected here
        line('S-7', { member_no: '9999999999' }), // 9: the function: no such member
        line('S-8', { external_id: 'OE1' }), // 10: split over the file
        line('S-9', { external_id: 'OE1' }, { created_at: '2099-01-01 10:00' }), // 11: the function: in the future
        line('S-8', { external_id: 'OE1' }, { sku: 'cake' }), // 12
      ]),
    )
    const collections = ['orders', 'purchases', 'points_ledger', 'audit_log', 'products', 'members']
    const snapshot = async () => Object.fromEntries(await Promise.all(collections.map(async c => [c, await count(c)] as const)))
    const before = await snapshot()

    const dry = cli('--file', file, '--dry-run')
    expect(dry.status).toBe(2)
    expect(dry.stdout).toMatch(/^\[dry run: nothing written\]/)
    expect(summaryCounts(dry.stdout)).toEqual({ imported: 2, pending: 3, unchanged: 0, rejected: 4 })
    expect(await snapshot()).toEqual(before)
    expect(fs.existsSync(statePaths(file).checkpoint)).toBe(false)

    const first = cli('--file', file)
    expect(first.status).toBe(2)
    expect(summaryCounts(first.stdout)).toEqual({ imported: 2, pending: 3, unchanged: 0, rejected: 4 })
    expect(first.stdout).toMatch(/9 orders in 11 lines/)
    expect(first.stdout).toMatch(/line 8 \(order S-6\): INVALID_ORDER quantity "two" is not a whole number/)
    expect(first.stdout).toMatch(/line 9 \(order S-7\): UNKNOWN_MEMBER /)
    expect(first.stdout).toMatch(/lines 10, 12 \(order S-8\): DUPLICATE_IN_FILE order S-8 appears in more than one place \(line 10 and line 12\)/)
    expect(first.stdout).toMatch(/line 11 \(order S-9\): INVALID_ORDER createdAt/)
    expect(first.stderr).toMatch(/9 orders in 11 rows/)
    expect(fs.existsSync(statePaths(file).checkpoint)).toBe(false)

    // the credited orders are the members' purchases, with their lines, at the order's time, without points
    const e1 = await purchasesOf('o_ord_e1', 'history')
    expect(e1).toHaveLength(1)
    expect(e1[0]).toMatchObject({
      orderId: 'S-1',
      amountFen: 5000,
      pointsEarned: 0,
      storeId: 'store_hist',
      lines: [
        { productId: 'latte', title: '拿铁', category: 'coffee', quantity: 2, priceFen: 2900 },
        { productId: 'cake', quantity: 1, priceFen: 1200 },
      ],
    })
    expect(new Date(e1[0].createdAt).toISOString()).toBe('2025-03-08T06:30:00.000Z')
    expect(await purchasesOf('o_ord_m2', 'history')).toMatchObject([{ orderId: 'S-2', amountFen: 2900 }])
    expect((await memberDoc(env, 'o_ord_e1')).stats).toMatchObject({ purchases: 1, spendFen: 5000 })
    expect(await count('orders', { source: 'history', orderId: env._.in(['S-1', 'S-2', 'S-3', 'S-4', 'S-5']) })).toBe(5)
    expect(await count('orders', { source: 'history', orderId: env._.in(['S-6', 'S-7', 'S-8', 'S-9']) })).toBe(0)

    // the same file again: nothing new
    const second = cli('--file', file)
    expect(second.status).toBe(2)
    expect(summaryCounts(second.stdout)).toEqual({ imported: 0, pending: 0, unchanged: 5, rejected: 4 })
    expect(await count('purchases', { source: 'history', memberId: env._.in(['o_ord_e1', 'o_ord_m2']) })).toBe(2)

    // the phone binds: its two orders become that member's purchases; claiming OE2 credits S-3
    await bindPhone('o_ord_p3', p3Code)
    expect((await purchasesOf('o_ord_p3', 'history')).map(p => [p.orderId, p.amountFen, p.lines[0].productId])).toEqual([
      ['S-4', 2900, 'latte'],
      ['S-5', 2900, 'tea'],
    ])
    expect((await memberDoc(env, 'o_ord_p3')).stats).toMatchObject({ purchases: 2, spendFen: 5800 })
    await bindPhone('o_ord_e2', e2Code)
    expect((await purchasesOf('o_ord_e2', 'history')).map(p => p.orderId)).toEqual(['S-3'])
    // and a third run still finds everything unchanged (credited or not, the same orders)
    expect(summaryCounts(cli('--file', file).stdout)).toEqual({ imported: 0, pending: 0, unchanged: 5, rejected: 4 })
  }, 240_000)

  test('JSONL, gzip, --source and --award-points; exit 0 when every order is accepted', async () => {
    const m = await signUp(env, 'o_ord_jsonl')
    const orders = [1, 2, 3].map(i => ({
      orderId: `J-${i}`,
      createdAt: new Date(Date.now() - i * 86_400_000).toISOString(),
      member: { memberNo: m.memberNo },
      amountFen: 10_000,
      lines: [{ sku: 'beans', title: '咖啡豆', category: 'coffee', quantity: 1, priceFen: 10_000 }],
    }))
    const file = path.join(dir, 'orders.jsonl.gz')
    fs.writeFileSync(file, zlib.gzipSync(orders.map(o => JSON.stringify(o)).join('\n')))
    const r = cli('--file', file, '--source', 'legacy-shop', '--award-points')
    expect(r.stderr).toMatch(/3 orders in 3 lines \(JSONL, gzip/)
    expect(r.status).toBe(0)
    expect(summaryCounts(r.stdout)).toEqual({ imported: 3, pending: 0, unchanged: 0, rejected: 0 })
    const bought = await purchasesOf('o_ord_jsonl', 'legacy-shop')
    expect(bought).toHaveLength(3)
    for (const p of bought) expect(p.pointsEarned).toBeGreaterThan(0)
    expect((await memberDoc(env, 'o_ord_jsonl')).points).toBe(bought.reduce((s, p) => s + p.pointsEarned, 0))
  }, 120_000)

  test('kill -9 mid-file, then the same command: resumes, completes, every valid order credited once', async () => {
    const members = await Promise.all(Array.from({ length: 60 }, (_x, i) => signUp(env, `o_ord_bulk_${i}`)))
    const rows: Cells[] = []
    let valid = 0
    let forMembers = 0
    for (let i = 0; i < 3000; i++) {
      const id = `B-${String(i).padStart(5, '0')}`
      const bad = i % 500 === 7
      const member: Cells = i % 3 === 0 ? { phone: `1391${String(i % 700).padStart(7, '0')}` } : { member_no: members[i % 60].memberNo }
      const day = `2024-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')} 1${i % 10}:00`
      rows.push(line(id, member, { created_at: day, sku: `sku-${i % 40}`, quantity: bad ? -1 : 1 + (i % 3) }))
      rows.push(line(id, member, { created_at: day, sku: `sku-${(i + 7) % 40}`, price_fen: 500 }))
      if (!bad) {
        valid++
        if (i % 3 !== 0) forMembers++
      }
    }
    const file = path.join(dir, 'bulk.csv')
    fs.writeFileSync(file, csv(rows))
    const { checkpoint } = statePaths(file)

    const child = spawn(process.execPath, cliArgs('--file', file, '--source', 'bulk'), { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout!.on('data', d => (out += d))
    child.stderr!.on('data', d => (out += d))
    const exited = new Promise<number | null>(resolve => child.once('exit', code => resolve(code)))
    // wait until the checkpoint shows a few acknowledged batches, then kill it mid-file
    const deadline = Date.now() + 180_000
    let cp = readCheckpoint(checkpoint)
    while (!(cp && cp.batchesDone >= 2) && Date.now() < deadline && child.exitCode === null) {
      await new Promise(resolve => setTimeout(resolve, 50))
      cp = readCheckpoint(checkpoint)
    }
    expect(child.exitCode).toBeNull()
    child.kill('SIGKILL')
    await exited
    cp = readCheckpoint(checkpoint)!
    expect(cp.groupsDone).toBeGreaterThan(0)
    expect(cp.groupsDone).toBeLessThan(3000)
    const sentBefore = await count('orders', { source: 'bulk' })
    expect(sentBefore).toBeGreaterThan(0)
    expect(sentBefore).toBeLessThan(valid)

    const rerun = cli('--file', file, '--source', 'bulk')
    expect(rerun.stderr).toMatch(new RegExp(`resuming at order ${(cp.counts.imported + cp.counts.pending + cp.counts.unchanged + cp.counts.rejected + 1).toLocaleString('en-US')} of 3,000`))
    expect(rerun.status).toBe(2)
    const s = summaryCounts(rerun.stdout)
    expect(s.rejected).toBe(3000 - valid)
    expect(s.imported + s.pending + s.unchanged).toBe(valid)
    for (let i = 7; i < 3000; i += 500) expect(rerun.stdout).toContain(`(order B-${String(i).padStart(5, '0')}): INVALID_ORDER line ${2 * i + 2}: quantity "-1" is not a whole number`)
    expect(fs.existsSync(checkpoint)).toBe(false)

    // no double credit: one order row per valid order, one purchase per member order, stats agree
    expect(await count('orders', { source: 'bulk' })).toBe(valid)
    expect(await count('orders', { source: 'bulk', status: 'pending' })).toBe(valid - forMembers)
    expect(await count('purchases', { source: 'bulk' })).toBe(forMembers)
    const docs = await Promise.all(members.map((_m, i) => memberDoc(env, `o_ord_bulk_${i}`)))
    expect(docs.reduce((sum, d) => sum + d.stats.purchases, 0)).toBe(forMembers)
    console.log(`import orders: killed after batch ${cp.batchesDone} (${sentBefore} orders stored), rerun ${JSON.stringify(s)}\n${out.split('\n').slice(0, 3).join('\n')}`)
  }, 400_000)
})
