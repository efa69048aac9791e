/** The order-history import CLI without an emulator: reading files, building orders, batches, retries, checkpoints, exit codes. */
import { spawnSync } from 'child_process'
import fs from 'fs'
import net from 'net'
import os from 'os'
import path from 'path'
import zlib from 'zlib'
import {
  batchesOf,
  duration,
  importOrdersFile,
  Progress,
  lineList,
  parseOrdersArgs,
  readCheckpoint,
  RunError,
  sendBatch,
  statePaths,
  formatSummary,
  type Batch,
  type CallAdmin,
} from '../../scripts/import-orders'
import { csvHeader, FileError, orderTime, parseCsvLine, readOrders, scanOrderFile, ORDER_COLUMNS, type FileOrder } from '../../scripts/order-file'
import type { OrderImportReport } from '../../types/orders'
import { ROOT } from '../../scripts/emulator-process'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'import-orders-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))
let fileSeq = 0
const write = (name: string, content: string | Buffer) => {
  const file = path.join(dir, `${++fileSeq}-${name}`)
  fs.writeFileSync(file, content)
  return file
}

const HEADER = ORDER_COLUMNS.join(',')
type Cells = Partial<Record<(typeof ORDER_COLUMNS)[number], string | number>>
const row = (c: Cells) => ORDER_COLUMNS.map(k => c[k] ?? '').join(',')
const item = (orderId: string, extra: Cells = {}): Cells => ({
  order_id: orderId,
  created_at: '2025-03-08 14:30',
  external_id: 'C1',
  sku: 'latte',
  title: '拿铁',
  category: 'coffee',
  quantity: 1,
  price_fen: 2900,
  ...extra,
})
const csv = (...rows: Cells[]) => [HEADER, ...rows.map(row)].join('\n') + '\n'

async function ordersOf(file: string, source = 'history'): Promise<FileOrder[]> {
  const scan = await scanOrderFile(file)
  const out: FileOrder[] = []
  for await (const o of readOrders(scan, source)) out.push(o)
  return out
}
const fileError = async (file: string) => {
  try {
    await ordersOf(file)
  } catch (err) {
    expect(err).toBeInstanceOf(FileError)
    return (err as Error).message
  }
  throw new Error('no FileError')
}

describe('CSV cells, header and times', () => {
  test('quoted fields: commas and quotes inside quotes; an unclosed quote is null (a line break inside a cell)', () => {
    expect(parseCsvLine('a,"b, c","say ""hi""",,d')).toEqual(['a', 'b, c', 'say "hi"', '', 'd'])
    expect(parseCsvLine('5"x,y')).toEqual(['5"x', 'y'])
    expect(parseCsvLine('"')).toBeNull()
    expect(parseCsvLine('a,"half')).toBeNull()
    expect(parseCsvLine('')).toEqual([''])
  })

  test('the header needs exactly the 12 columns, in any order and case; unknown, missing and repeated ones are named', () => {
    const shuffled = [...ORDER_COLUMNS]
      .reverse()
      .map(c => c.toUpperCase())
      .join(',')
    expect(csvHeader(shuffled, 'f').order_id).toBe(11)
    expect(() => csvHeader(`${HEADER},shoe_size`, 'f')).toThrow(/unknown column "shoe_size"/)
    expect(() => csvHeader(HEADER.replace(',phone', ''), 'f')).toThrow(/missing column phone/)
    expect(() => csvHeader(`${HEADER},sku`, 'f')).toThrow(/repeated column sku/)
    expect(() => csvHeader('orderid,date', 'f')).toThrow(/unknown columns "orderid", "date"; missing columns order_id, created_at/)
  })

  test('times: ISO with an offset, or Shanghai wall time → ISO +08:00; nonsense and impossible dates are null', () => {
    expect(orderTime('2025-03-08T14:30:00+08:00')).toBe('2025-03-08T14:30:00+08:00')
    expect(orderTime('2025-03-08T06:30:00Z')).toBe('2025-03-08T14:30:00+08:00')
    expect(orderTime('2025-03-08T01:30:00-05:00')).toBe('2025-03-08T14:30:00+08:00')
    expect(orderTime('2025-03-08T14:30:00.250+0800')).toBe('2025-03-08T14:30:00.250+08:00')
    expect(orderTime('2025-03-08 14:30')).toBe('2025-03-08T14:30:00+08:00')
    expect(orderTime('2025-03-08 14:30:59')).toBe('2025-03-08T14:30:59+08:00')
    expect(orderTime('2025/3/8 9:05')).toBe('2025-03-08T09:05:00+08:00')
    expect(orderTime('2024-12-31T23:30:00Z')).toBe('2025-01-01T07:30:00+08:00')
    expect(orderTime('2025-03-08')).toBe('2025-03-08T00:00:00+08:00')
    for (const bad of ['', 'yesterday', '2025-02-29 10:00', '2025-13-01 10:00', '2025-03-08 24:00', '08/03/2025 10:00', '2025-03-08Z', '2025-03-08T10:00+25:00']) expect(orderTime(bad)).toBeNull()
  })
})

describe('CSV files → orders', () => {
  test('rows of one order become one order; member is the first of member_no, phone, external_id; amount from the first row or the lines’ sum', async () => {
    const file = write(
      'orders.csv',
      csv(
        item('A1', { member_no: '1000000001', phone: '13800000001', amount_fen: 5000, quantity: 2 }),
        item('A1', { member_no: '1000000001', sku: 'cake', title: '蛋糕', price_fen: 1200 }),
        item('A2', { phone: '+86 138-0000-0002', external_id: 'C2', store_id: 'store_sh_001' }),
        item('A2', { quantity: 3, external_id: '' }), // order cells left empty on later rows
        item('A3', { external_id: 'C3', title: '', category: '' }),
      ),
    )
    const scan = await scanOrderFile(file)
    expect(scan).toMatchObject({ lines: 5, orders: 3, groups: 3 })
    expect(scan.sha256).toMatch(/^[0-9a-f]{64}$/)
    const orders = await ordersOf(file)
    expect(orders).toEqual([
      {
        kind: 'order',
        group: 0,
        lines: [2, 3],
        orderId: 'A1',
        order: {
          orderId: 'A1',
          createdAt: '2025-03-08T14:30:00+08:00',
          member: { memberNo: '1000000001' },
          amountFen: 5000,
          lines: [
            { sku: 'latte', title: '拿铁', category: 'coffee', quantity: 2, priceFen: 2900 },
            { sku: 'cake', title: '蛋糕', category: 'coffee', quantity: 1, priceFen: 1200 },
          ],
        },
      },
      {
        kind: 'order',
        group: 1,
        lines: [4, 5],
        orderId: 'A2',
        order: {
          orderId: 'A2',
          createdAt: '2025-03-08T14:30:00+08:00',
          storeId: 'store_sh_001',
          member: { phone: '13800000002' },
          amountFen: 2900 + 3 * 2900,
          lines: [expect.objectContaining({ quantity: 1 }), expect.objectContaining({ quantity: 3 })],
        },
      },
      {
        kind: 'order',
        group: 2,
        lines: [6],
        orderId: 'A3',
        order: { orderId: 'A3', createdAt: '2025-03-08T14:30:00+08:00', member: { externalId: 'C3' }, amountFen: 2900, lines: [{ sku: 'latte', quantity: 1, priceFen: 2900 }] },
      },
    ])
  })

  test('BOM, CRLF, quoted cells with commas and quotes, blank lines', async () => {
    const text = '\uFEFF' + [HEADER, row(item('Q1', { title: '"Latte, large ""hot"""' })), '', row(item('Q1', { sku: 'b' })), ''].join('\r\n')
    const orders = await ordersOf(write('bom.csv', text))
    expect(orders).toHaveLength(1)
    expect(orders[0]).toMatchObject({ kind: 'order', lines: [2, 4], order: { lines: [{ sku: 'latte', title: 'Latte, large "hot"' }, { sku: 'b' }] } })
  })

  test('a non-adjacent repeat of an order id rejects that order once, with the lines of both places', async () => {
    const file = write('split.csv', csv(item('S1'), item('S1', { sku: 'b' }), item('S2'), item('S1', { sku: 'c' }), item('S3'), item('S2')))
    const scan = await scanOrderFile(file)
    expect(scan).toMatchObject({ orders: 3, groups: 5 })
    expect([...scan.split]).toEqual([
      ['S1', [5]],
      ['S2', [7]],
    ])
    const orders = await ordersOf(file)
    expect(orders.map(o => [o.kind, o.orderId, o.lines])).toEqual([
      ['rejected', 'S1', [2, 3, 5]],
      ['rejected', 'S2', [4, 7]],
      ['skip', 'S1', [5]],
      ['order', 'S3', [6]],
      ['skip', 'S2', [7]],
    ])
    const s1 = orders[0] as Extract<FileOrder, { kind: 'rejected' }>
    expect(s1.error).toMatchObject({ code: 'DUPLICATE_IN_FILE', field: 'order_id' })
    expect(s1.error.message).toMatch(/order S1 appears in more than one place \(line 2 and line 5\)/)
  })

  test('bad rows reject their order with the line and column; the orders around them are kept', async () => {
    const file = write(
      'bad.csv',
      csv(
        item('B1', { amount_fen: 100 }),
        item('B1', { amount_fen: 200 }), // amounts disagree
        item('B2'),
        item('B2', { quantity: '1.5' }), // not a whole quantity
        item('B3', { created_at: '2025-02-30 10:00' }),
        item('B4', { external_id: '' }), // no member
        item('B5', { member_no: '12345' }),
        item('B6', { phone: '12345' }),
        item('B7', { quantity: 0 }),
        item('B8', { created_at: '2025-03-09 10:00' }),
        item('B8', { created_at: '2025-03-08 10:00' }),
        item('B9', { sku: '' }),
        item('B10', { title: 'x'.repeat(61) }),
        item('', {}),
        item('OK1'),
      ) + 'B11,2025-03-08 10:00,,,C1,,,latte,,,1\n',
    )
    const orders = await ordersOf(file)
    const rejected = orders.filter((o): o is Extract<FileOrder, { kind: 'rejected' }> => o.kind === 'rejected')
    expect(orders.filter(o => o.kind === 'order').map(o => o.orderId)).toEqual(['OK1'])
    const byId = Object.fromEntries(rejected.map(r => [r.orderId ?? '(none)', { lines: r.lines, field: r.error.field, message: r.error.message }]))
    expect(byId.B1).toMatchObject({ lines: [2, 3], field: 'amount_fen', message: expect.stringMatching(/^line 3: amount_fen "200" differs from line 2/) })
    expect(byId.B2).toMatchObject({ lines: [4, 5], field: 'quantity', message: expect.stringMatching(/^line 5: quantity "1.5" is not a whole number/) })
    expect(byId.B3).toMatchObject({ field: 'created_at', message: expect.stringMatching(/^line 6: created_at "2025-02-30 10:00" is not a date-time/) })
    expect(byId.B4).toMatchObject({ field: 'member_no', message: 'line 7: no member: member_no, phone and external_id are all empty' })
    expect(byId.B5).toMatchObject({ field: 'member_no', message: expect.stringMatching(/member_no: 会员号为 10 位数字/) })
    expect(byId.B6).toMatchObject({ field: 'phone', message: expect.stringMatching(/^line 9: phone: 不是 11 位中国大陆手机号/) })
    expect(byId.B7).toMatchObject({ field: 'quantity', message: expect.stringMatching(/^line 10: quantity:/) })
    expect(byId.B8).toMatchObject({ lines: [11, 12], field: 'created_at', message: expect.stringMatching(/^line 12: created_at/) })
    expect(byId.B9).toMatchObject({ field: 'sku', message: expect.stringMatching(/^line 13: sku:/) })
    expect(byId.B10).toMatchObject({ field: 'title', message: expect.stringMatching(/^line 14: title:/) })
    expect(byId['(none)']).toMatchObject({ lines: [15], field: 'order_id', message: 'line 15: order_id is empty' })
    expect(byId.B11).toMatchObject({ lines: [17], message: 'line 17: 11 fields, the header has 12' })
    expect(rejected).toHaveLength(12)
  })

  test('gzip input (by its magic bytes, whatever the name)', async () => {
    const text = csv(item('G1'), item('G2'), item('G2', { sku: 'b' }))
    for (const name of ['orders.csv.gz', 'orders.gz']) {
      const orders = await ordersOf(write(name, zlib.gzipSync(text)))
      expect(orders.map(o => [o.kind, o.orderId, o.lines])).toEqual([
        ['order', 'G1', [2]],
        ['order', 'G2', [3, 4]],
      ])
    }
  })
})

describe('JSONL files → orders', () => {
  test('one order per line: validated like the function, createdAt and phones normalized, a repeated id rejected with both lines', async () => {
    const good = { orderId: 'J1', createdAt: '2025-03-08 14:30', member: { phone: '138 0000 0001' }, amountFen: 100, lines: [{ sku: 'a', quantity: 1, priceFen: 100 }] }
    const file = write(
      'orders.jsonl',
      [
        JSON.stringify(good),
        '',
        JSON.stringify({ ...good, orderId: 'J2', source: 'history' }),
        JSON.stringify({ ...good, orderId: 'J3', source: 'tmall' }),
        '{not json',
        JSON.stringify({ ...good, orderId: 'J5', lines: [{ sku: 'a', quantity: 0, priceFen: 1 }] }),
        JSON.stringify({ ...good, orderId: 'J6', couponCodes: ['X'] }),
        JSON.stringify({ ...good, orderId: 'J2' }),
        JSON.stringify({ ...good, orderId: 'J8', member: { memberNo: 'nope' } }),
      ].join('\n'),
    )
    const scan = await scanOrderFile(file)
    expect(scan).toMatchObject({ lines: 8, orders: 7, groups: 8 })
    const orders = await ordersOf(file)
    expect(orders[0]).toEqual({ kind: 'order', group: 0, lines: [1], orderId: 'J1', order: { ...good, createdAt: '2025-03-08T14:30:00+08:00', member: { phone: '13800000001' } } })
    const summary = orders.map(o => [o.kind, o.orderId, o.lines, o.kind === 'rejected' ? o.error.message : ''])
    expect(summary).toEqual([
      ['order', 'J1', [1], ''],
      ['rejected', 'J2', [3, 8], expect.stringMatching(/order J2 appears in more than one place \(line 3 and line 8\)/)],
      ['rejected', 'J3', [4], expect.stringMatching(/^line 4: source "tmall" differs from --source history/)],
      ['rejected', null, [5], expect.stringMatching(/^line 5: not JSON/)],
      ['rejected', 'J5', [6], expect.stringMatching(/^line 6: lines\.0\.quantity:/)],
      ['rejected', 'J6', [7], 'line 7: (order): unknown field couponCodes'],
      ['skip', 'J2', [8], ''],
      ['rejected', 'J8', [9], 'line 9: member.memberNo: 会员号为 10 位数字'],
    ])
  })
})

describe('bad files: one clear message', () => {
  test('missing, empty, header only, wrong header, not a real gzip, a line break inside a quoted cell', async () => {
    expect(await fileError(path.join(dir, 'nope.csv'))).toMatch(/nope\.csv: no such file$/)
    expect(await fileError(write('empty.csv', ''))).toMatch(/the file is empty/)
    expect(await fileError(write('blank.csv', '\n\n'))).toMatch(/the file is empty \(no header row\)/)
    expect(await fileError(write('header.csv', `${HEADER}\n`))).toMatch(/no rows after the header/)
    expect(await fileError(write('wrong.csv', 'order_id,amount\n1,2\n'))).toMatch(/line 1: wrong header: unknown column "amount"; missing columns created_at, member_no/)
    expect(await fileError(write('fake.csv.gz', Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.from('not really gzip')])))).toMatch(/not a valid gzip file/)
    expect(await fileError(write('nl.csv', `${HEADER}\nA1,2025-03-08 10:00,,,C1,,,latte,"two\nlines",,1,100\n`))).toMatch(/line 2: a quoted field does not end on its line/)
    expect(await fileError(dir)).toMatch(/not a file/)
  })

  test('a GBK file is "not UTF-8, save as UTF-8", with the line', async () => {
    // 王小明 in GBK
    const gbk = Buffer.from([0xcd, 0xf5, 0xd0, 0xa1, 0xc3, 0xf7])
    const file = write('gbk.csv', Buffer.concat([Buffer.from(`${HEADER}\n${row(item('U1'))}\nU2,2025-03-08 10:00,,,C1,,,latte,`), gbk, Buffer.from(',,1,100\n')]))
    expect(await fileError(file)).toMatch(/gbk\.csv line 3: not UTF-8 .*save the file as UTF-8/)
    // a literal U+FFFD in a valid UTF-8 file is not an encoding error
    expect(await ordersOf(write('fffd.csv', csv(item('U3', { title: 'x\uFFFDy' }))))).toMatchObject([{ kind: 'order', order: { lines: [{ title: 'x\uFFFDy' }] } }])
    // a cut multi-byte character at the very end
    expect(await fileError(write('cut.jsonl', Buffer.concat([Buffer.from('{"orderId":"x"}\n'), Buffer.from('王').subarray(0, 2)])))).toMatch(/not UTF-8/)
  })

  test('a 2 GB file is refused at once (sparse: nothing written)', async () => {
    const file = path.join(dir, 'huge.csv')
    fs.writeFileSync(file, `${HEADER}\n`)
    fs.truncateSync(file, 2 * 2 ** 30)
    const started = Date.now()
    expect(await fileError(file)).toMatch(/huge\.csv: 2\.0 GB is larger than the 1 GB limit; split it/)
    expect(Date.now() - started).toBeLessThan(1000)
    fs.rmSync(file)
  })
})

// ---------------------------------------------------------------------------------------------

/** A stand-in for admin.importOrders: idempotent per orderId, phones pending, scripted unfinished/conflicts. */
function fakeAdmin(opts: { unfinishedOnce?: Set<string>; conflictTimes?: Map<string, number>; failAtCall?: number; reject?: (o: any) => string | null } = {}) {
  const stored = new Map<string, string>()
  const calls: Array<{ batchId: string; orderIds: string[]; dryRun: boolean }> = []
  const call: CallAdmin = async event => {
    const orders = event.orders as any[]
    calls.push({ batchId: event.batchId as string, orderIds: orders.map(o => o.orderId), dryRun: event.dryRun as boolean })
    if (opts.failAtCall === calls.length) throw new RunError('the emulator went away')
    const report: OrderImportReport = {
      batchId: event.batchId as string,
      dryRun: event.dryRun as boolean,
      received: orders.length,
      imported: 0,
      pending: 0,
      unchanged: 0,
      rejected: 0,
      errors: [],
      unfinished: [],
    }
    orders.forEach((o, index) => {
      if (opts.unfinishedOnce?.delete(o.orderId)) return void report.unfinished.push(index)
      const left = opts.conflictTimes?.get(o.orderId) ?? 0
      if (left > 0) {
        opts.conflictTimes!.set(o.orderId, left - 1)
        return void report.errors.push({ index, orderId: o.orderId, code: 'CONFLICT', message: 'again' })
      }
      const why = opts.reject?.(o)
      if (why) return void report.errors.push({ index, orderId: o.orderId, code: 'INVALID_ORDER', message: why, field: 'lines.1.sku' })
      const hash = JSON.stringify(o)
      const prior = stored.get(o.orderId)
      if (prior === hash) report.unchanged++
      else if (prior) report.errors.push({ index, orderId: o.orderId, code: 'ORDER_CONFLICT', message: 'other content' })
      else {
        if (!event.dryRun) stored.set(o.orderId, hash)
        if (o.member.phone) report.pending++
        else report.imported++
      }
    })
    report.rejected = report.errors.length
    return report
  }
  return { call, calls, stored }
}

const order = (id: string, group: number, lines = [group + 2]): Extract<FileOrder, { kind: 'order' }> => ({
  kind: 'order',
  group,
  lines,
  orderId: id,
  order: { orderId: id, createdAt: '2025-03-08T14:30:00+08:00', member: { externalId: 'C1' }, amountFen: 1, lines: [{ sku: 'a', quantity: 1, priceFen: 1 }] },
})

describe('batches and retries', () => {
  async function* items(list: FileOrder[]) {
    yield* list
  }

  test('≤ 200 orders a batch (and under the byte cap); local rejections ride along; skipped groups are not sent', async () => {
    const list: FileOrder[] = []
    for (let g = 0; g < 450; g++) list.push(g === 10 ? { kind: 'rejected', group: g, lines: [12], orderId: 'R', error: { code: 'INVALID_ORDER', message: 'bad' } } : order(`O${g}`, g))
    const all: Batch[] = []
    for await (const b of batchesOf(items(list), { skipGroups: 0, firstBatch: 1 })) all.push(b)
    expect(all.map(b => [b.n, b.orders.length, b.local.length, b.groupsEnd])).toEqual([
      [1, 200, 1, 201],
      [2, 200, 0, 401],
      [3, 49, 0, 450],
    ])
    const resumed: Batch[] = []
    for await (const b of batchesOf(items(list), { skipGroups: 401, firstBatch: 3 })) resumed.push(b)
    expect(resumed.map(b => [b.n, b.orders[0].orderId, b.orders.length])).toEqual([[3, 'O401', 49]])
    const small: Batch[] = []
    for await (const b of batchesOf(items(list.slice(0, 5)), { skipGroups: 0, firstBatch: 1, maxBytes: 400 })) small.push(b)
    expect(small.map(b => b.orders.length)).toEqual([2, 2, 1])
  })

  test('unfinished and CONFLICT orders are sent again (only they, same batch id); errors map to file lines; 5 attempts at most', async () => {
    const batch: Batch = {
      n: 7,
      groupsEnd: 4,
      orders: [order('A', 0, [2, 3]), order('B', 1, [4, 5, 6]), order('C', 2, [7])],
      local: [{ lines: [9], orderId: 'L', code: 'INVALID_ORDER', message: 'local' }],
    }
    const admin = fakeAdmin({ unfinishedOnce: new Set(['C']), conflictTimes: new Map([['A', 2]]), reject: o => (o.orderId === 'B' ? 'sku: bad' : null) })
    const out = await sendBatch(batch, { batchPrefix: 'ord-x', source: 'history', awardPoints: false, dryRun: false, call: admin.call, retryDelayMs: 1 })
    expect(admin.calls.map(c => [c.batchId, c.orderIds])).toEqual([
      ['ord-x-7', ['A', 'B', 'C']],
      ['ord-x-7', ['A', 'C']],
      ['ord-x-7', ['A']],
    ])
    expect(out).toMatchObject({ imported: 2, pending: 0, unchanged: 0, rejected: 2, attempts: 3 })
    expect(out.errors).toEqual([
      { lines: [4, 5, 6], orderId: 'B', code: 'INVALID_ORDER', message: 'line 5: sku: bad', field: 'lines.1.sku' },
      { lines: [9], orderId: 'L', code: 'INVALID_ORDER', message: 'local' },
    ])
    const stuck = fakeAdmin({ conflictTimes: new Map([['A', 99]]) })
    await expect(sendBatch(batch, { batchPrefix: 'ord-x', source: 'history', awardPoints: false, dryRun: false, call: stuck.call, retryDelayMs: 1 })).rejects.toThrow(
      /batch ord-x-7: 1 orders still unfinished or in contention after 5 attempts; run the same command again/,
    )
    expect(stuck.calls).toHaveLength(5)
  })
})

describe('a whole run with a stand-in function', () => {
  const genCsv = (n: number, extra: (i: number) => Cells = () => ({})) => {
    const rows: Cells[] = []
    for (let i = 0; i < n; i++) {
      rows.push(item(`H${i}`, { external_id: `C${i % 7}`, ...extra(i) }))
      rows.push(item(`H${i}`, { external_id: `C${i % 7}`, sku: 'cake', ...extra(i) }))
    }
    return csv(...rows)
  }

  test('a run that dies mid-file resumes at the checkpoint: every order counted once, the rejected ones of both runs listed, the state removed at the end', async () => {
    const file = write(
      'resume.csv',
      genCsv(1000, i => (i % 250 === 3 ? { quantity: 'x' } : i % 3 === 0 ? { external_id: '', phone: `1390000${String(i).padStart(4, '0')}` } : {})),
    )
    const state = statePaths(file)
    const admin = fakeAdmin({ failAtCall: 3 })
    const logs: string[] = []
    await expect(importOrdersFile({ file, source: 'history', awardPoints: false, dryRun: false, port: 1 }, { call: admin.call, progress: null, log: l => logs.push(l) })).rejects.toThrow(
      /emulator went away/,
    )
    const cp = readCheckpoint(state.checkpoint)!
    // batch 1 was committed; batch 2 was in flight beside batch 3 (2 at a time), so it may or may not be
    expect(cp.batchesDone).toBeGreaterThanOrEqual(1)
    expect(cp.batchesDone).toBeLessThanOrEqual(2)
    // each of the first batches holds 200 orders and one order rejected here (H3, H253)
    expect(cp).toMatchObject({ source: 'history', size: fs.statSync(file).size, groupsDone: cp.batchesDone * 201 })
    expect(cp.counts).toEqual({ imported: expect.any(Number), pending: expect.any(Number), unchanged: 0, rejected: cp.batchesDone })
    expect(fs.readFileSync(state.errors, 'utf8')).toContain('"H3"')

    const again = await importOrdersFile(
      { file, source: 'history', awardPoints: false, dryRun: false, port: 1, errorsFile: path.join(dir, 'errors.csv') },
      { call: admin.call, progress: null, log: l => logs.push(l) },
    )
    expect(logs.join('\n')).toMatch(new RegExp(`resuming at order ${cp.groupsDone + 1} of 1,000 \\(batch ${cp.batchesDone + 1};`))
    expect(again).toMatchObject({ orders: 1000, lines: 2000, resumedAt: cp.groupsDone, rejected: 4, errorCount: 4 })
    expect(again.imported + again.pending + again.unchanged + again.rejected).toBe(1000)
    // what the dead run had sent beyond its checkpoint comes back unchanged (batch 2 and/or 3's orders)
    expect(again.imported + again.pending).toBe(admin.stored.size - again.unchanged)
    expect(admin.stored.size).toBe(996)
    expect(again.errors.map(e => [e.orderId, lineList(e.lines)])).toEqual([
      ['H3', 'lines 8–9'],
      ['H253', 'lines 508–509'],
      ['H503', 'lines 1008–1009'],
      ['H753', 'lines 1508–1509'],
    ])
    expect(fs.readFileSync(path.join(dir, 'errors.csv'), 'utf8').split('\n').slice(0, 2)).toEqual([
      'lines,order_id,code,field,message',
      '8–9,H3,INVALID_ORDER,quantity,"line 8: quantity ""x"" is not a whole number ≥ 1"',
    ])
    expect(fs.existsSync(state.checkpoint)).toBe(false)
    expect(fs.existsSync(state.errors)).toBe(false)
    // batch ids are the file's: the same file again sends the same ids, and everything is unchanged
    const ids = new Set(admin.calls.map(c => c.batchId))
    const third = await importOrdersFile({ file, source: 'history', awardPoints: false, dryRun: false, port: 1 }, { call: admin.call, progress: null, log: () => {} })
    expect(third).toMatchObject({ imported: 0, pending: 0, unchanged: 996, rejected: 4, resumedAt: 0 })
    expect(admin.calls.slice(-5).every(c => ids.has(c.batchId))).toBe(true)
    expect([...ids][0]).toMatch(/^ord-history-[0-9a-f]{12}-1$/)
  })

  test('a checkpoint of another source, or of a changed file, is not used; a dry run writes no checkpoint and sends dryRun', async () => {
    const file = write('other.csv', genCsv(300))
    const state = statePaths(file)
    const admin = fakeAdmin({ failAtCall: 2 })
    await expect(importOrdersFile({ file, source: 'history', awardPoints: false, dryRun: false, port: 1 }, { call: admin.call, progress: null, log: () => {} })).rejects.toThrow()
    expect(readCheckpoint(state.checkpoint)?.batchesDone).toBe(1)
    const logs: string[] = []
    const other = await importOrdersFile({ file, source: 'pos-1', awardPoints: false, dryRun: false, port: 1 }, { call: fakeAdmin().call, progress: null, log: l => logs.push(l) })
    expect(logs.join('\n')).toMatch(/a checkpoint of another run \(source history\) is ignored: starting from the first order/)
    expect(other).toMatchObject({ resumedAt: 0, imported: 300 })

    fs.appendFileSync(file, row(item('H9999')) + '\n')
    const dry = fakeAdmin()
    const dryRun = await importOrdersFile({ file, source: 'history', awardPoints: true, dryRun: true, port: 1 }, { call: dry.call, progress: null, log: () => {} })
    expect(dryRun).toMatchObject({ dryRun: true, resumedAt: 0, imported: 301 })
    expect(dry.calls.every(c => c.dryRun)).toBe(true)
    expect(dry.stored.size).toBe(0)
    expect(formatSummary(dryRun)).toMatch(/^\[dry run: nothing written\] .*301 orders in 601 lines\n\s+301 {2}would be imported/)
  })

  test('progress: done / total, rate and ETA; rewritten in place on a terminal, a line at a time otherwise', () => {
    const written: string[] = []
    const stream = { write: (s: string) => written.push(s) } as unknown as NodeJS.WriteStream
    const now = jest.spyOn(Date, 'now').mockReturnValue(1_000_000)
    try {
      const tty = new Progress(10_000, 1000, stream, true)
      now.mockReturnValue(1_010_000) // 10 s later, 2,000 more done
      tty.update(3000)
      expect(written.pop()).toBe('\r\x1b[2K3,000 / 10,000 orders (30%)  200 orders/s  ETA 0:35')
      tty.update(3100) // within 200 ms: not redrawn
      expect(written).toEqual([])
      const plain = new Progress(10_000, 0, stream, false)
      plain.update(0)
      expect(written.pop()).toBe('0 / 10,000 orders (0%)  0.0 orders/s  ETA ?\n')
    } finally {
      now.mockRestore()
    }
    expect(duration(3725)).toBe('1:02:05')
  })

  test('the summary lists at most 50 rejected orders, then a count', () => {
    const errors = Array.from({ length: 50 }, (_x, i) => ({ lines: [i + 2], orderId: `E${i}`, code: 'INVALID_ORDER', message: 'bad' }))
    const text = formatSummary({
      dryRun: false,
      file: 'f.csv',
      source: 'history',
      orders: 80,
      lines: 80,
      batches: 1,
      resumedAt: 0,
      imported: 10,
      pending: 5,
      unchanged: 5,
      rejected: 60,
      errors,
      errorCount: 60,
    })
    expect(text).toContain('rejected orders (the first 50 of 60):')
    expect(text).toContain('  line 2 (order E0): INVALID_ORDER bad')
    expect(text).toContain('… and 10 more (list them all with --errors <file.csv>)')
  })
})

describe('arguments and the command', () => {
  let closedPort = 0
  beforeAll(async () => {
    // a port nothing listens on
    const server = net.createServer()
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    closedPort = (server.address() as net.AddressInfo).port
    await new Promise(resolve => server.close(resolve))
  })

  test('defaults and checks', () => {
    expect(parseOrdersArgs(['orders', '--file', 'h.csv'])).toEqual({ file: 'h.csv', source: 'history', awardPoints: false, dryRun: false, port: Number(process.env.EMULATOR_PORT ?? 9000) })
    expect(parseOrdersArgs(['--file', 'h.csv', '--source', 'pos.sh-1', '--award-points', '--dry-run', '--port', '9100', '--errors', 'e.csv'])).toMatchObject({
      source: 'pos.sh-1',
      awardPoints: true,
      dryRun: true,
      port: 9100,
      errorsFile: 'e.csv',
    })
    expect(() => parseOrdersArgs(['orders'])).toThrow(/--file is required/)
    expect(() => parseOrdersArgs(['orders', '--file', 'x', '--source', 'a b'])).toThrow(/--source "a b"/)
    expect(() => parseOrdersArgs(['orders', '--file', 'x', '--source', 'x'.repeat(33)])).toThrow(/--source/)
    expect(() => parseOrdersArgs(['orders', '--file', 'x', '--fast'])).toThrow(/unexpected arguments: --fast/)
  })

  test('npm run import -- orders: a bad file or bad arguments exit 1 with one line, no stack; an unreachable emulator exits 3', () => {
    const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts/import.ts'), 'orders', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 })
    const gbk = write('gbk2.csv', Buffer.concat([Buffer.from(`${HEADER}\nU2,2025-03-08 10:00,,,C1,,,latte,`), Buffer.from([0xcd, 0xf5]), Buffer.from(',,1,100\n')]))
    for (const [args, message] of [
      [['--file', path.join(dir, 'missing.csv')], /missing\.csv: no such file/],
      [['--file', gbk], /line 2: not UTF-8/],
      [['--file', write('wrong2.csv', 'a,b\n1,2\n')], /wrong header/],
      [[], /--file is required/],
    ] as const) {
      const r = run(...args)
      expect(r.status).toBe(1)
      expect(r.stderr).toMatch(message)
      expect(r.stderr).not.toMatch(/\n\s+at /)
      expect(r.stdout).toBe('')
    }
    const r = run('--file', write('ok.csv', csv(item('P1'))), '--port', String(closedPort))
    expect(r.status).toBe(3)
    expect(r.stderr).toContain(`cannot reach the emulator at http://127.0.0.1:${closedPort}/functions/admin`)
  }, 60_000)
})
