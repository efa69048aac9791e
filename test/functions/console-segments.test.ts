/**
 * 人群 export (`admin.exportSegment`) on the emulator through the unmodified wx-server-sdk: the CSV
 * (BOM, columns, quoting, masked or full phones), the audit row, the private file behind a signed,
 * short-lived link, who may export, an unknown segment, and the row cap.
 */
import { invoke, setClock } from '../../scripts/emulator-process'
import { SEGMENT_EXPORT_LINK_SECONDS, SEGMENT_EXPORT_MAX_ROWS } from '../../types/segments'
import { useEmulator, signUp, makeStaff, memberDoc, rid, agreePrivacy } from './support'

const env = useEmulator()
const STORE = 'store_seg'
const BOSS = 'o_seg_boss'
const MGR = 'o_seg_mgr'
const SA = 'o_seg_staff'
const CONSUMER = 'o_seg_consumer'
const M1 = 'o_seg_m1' // tagged, phone bound, bought once; a nickname that needs quoting
const M2 = 'o_seg_m2' // tagged, no phone; a nickname Excel would run as a formula
const M3 = 'o_seg_m3' // not tagged
const NOW = '2026-03-10T02:00:00.000Z' // 10:00 Shanghai
const PHONE1 = '13800005678'
const TAG = '导出测试'
const SEGMENT = 'seg-export'

const no: Record<string, string> = {}
const ok = (res: any) => {
  if (!res.ok) throw new Error(JSON.stringify(res))
  return res.data
}

/** The file behind an export's link: status, headers and the raw bytes. */
async function download(url: string) {
  const res = await fetch(url)
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) }
}

/** The CSV's lines without the BOM (CRLF-separated, ending in CRLF). */
function csvLines(bytes: Buffer): string[] {
  const text = bytes.toString('utf8')
  expect(text.startsWith('\uFEFF')).toBe(true)
  expect(text.endsWith('\r\n')).toBe(true)
  return text.slice(1, -2).split('\r\n')
}

const auditRows = async (actor: string) => (await env.db.collection('audit_log').where({ action: 'exportSegment', target: SEGMENT, actor }).orderBy('_id', 'asc').get()).data

beforeAll(async () => {
  await setClock(env.emu, NOW)
  await env.db.collection('admins').add({ data: { _id: BOSS, name: 'boss' } })
  for (const id of [BOSS, MGR, CONSUMER, M1, M2, M3]) no[id] = (await signUp(env, id)).memberNo
  await makeStaff(env, SA, STORE, '店员')
  ok(await env.admin({ action: 'appointManager', openid: MGR, storeId: STORE, name: '店长' }))
  // nickname and phone need the member's consent to the privacy guide, as the app asks first
  for (const id of [M1, M2]) await agreePrivacy(env, id)
  ok(await env.member({ action: 'updateProfile', patch: { nickname: '小明, "阿明"' } }, M1))
  ok(await env.member({ action: 'updateProfile', patch: { nickname: '=1+2' } }, M2))
  const sms = ok(await env.member({ action: 'requestPhoneCode', phone: PHONE1 }, M1))
  ok(await env.member({ action: 'bindPhoneBySms', phone: PHONE1, smsCode: sms.devCode }, M1))
  ok(
    await env.staff(
      { action: 'recordPurchase', requestId: rid('seg'), member: { memberNo: no[M1] }, amountFen: 5000, lines: [{ productId: 'latte', title: '拿铁', quantity: 1, priceFen: 5000 }] },
      SA,
    ),
  )
  ok(await env.admin({ action: 'tagMembers', memberNos: [no[M1], no[M2]], add: [TAG] }))
  ok(await env.admin({ action: 'saveSegment', segmentId: SEGMENT, name: '导出测试人群', rule: { all: [{ field: 'tags', op: 'hasAny', value: [TAG] }] } }))
}, 120_000)

describe('exportSegment as a brand admin', () => {
  let masked: any

  beforeAll(async () => {
    masked = ok(await env.admin({ action: 'exportSegment', segmentId: SEGMENT }, BOSS))
  })

  test('answers the file, a link valid for 10 minutes and the row count', async () => {
    expect(masked.rows).toBe(2)
    expect(masked.fileId).toMatch(new RegExp(`^cloud://local\\.[^/]+/exports/${BOSS}/segment-${SEGMENT}-20260310T020000000Z-[0-9a-f]{8}\\.csv$`))
    expect(masked.expiresAt).toBe(new Date(Date.parse(NOW) + SEGMENT_EXPORT_LINK_SECONDS * 1000).toISOString())
    const expires = Number(new URL(masked.url).searchParams.get('expires'))
    expect(expires - Date.now()).toBeGreaterThan(0)
    expect(expires - Date.now()).toBeLessThanOrEqual(SEGMENT_EXPORT_LINK_SECONDS * 1000)
  })

  test('the CSV: UTF-8 with a BOM, the columns, one line per member in _id order, masked phones, quoting and no formulas', async () => {
    const file = await download(masked.url)
    expect(file.status).toBe(200)
    expect(file.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect([...file.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const m1 = await memberDoc(env, M1)
    expect(m1.points).toBeGreaterThan(0)
    expect(csvLines(file.bytes)).toEqual([
      '会员号,昵称,手机号,等级,阶段,积分,标签,最近消费',
      `${no[M1]},"小明, ""阿明""",138****5678,普通会员,新客,${m1.points},${TAG},2026-03-10 10:00`,
      `${no[M2]},'=1+2,,普通会员,新客,0,${TAG},`,
    ])
  })

  test('audited: who, which segment, how many rows, phones masked', async () => {
    const [row] = await auditRows(BOSS)
    expect(row).toMatchObject({ actor: BOSS, action: 'exportSegment', target: SEGMENT, before: null, after: { rows: 2, includePhones: false }, fileId: masked.fileId })
  })

  test('includePhones: the full phone, and the audit row says so', async () => {
    const full = ok(await env.admin({ action: 'exportSegment', segmentId: SEGMENT, includePhones: true }, BOSS))
    expect(full.fileId).not.toBe(masked.fileId)
    const lines = csvLines((await download(full.url)).bytes)
    expect(lines[1].split(',').slice(-6)[0]).toBe(PHONE1)
    expect(lines[1]).not.toContain('****')
    expect(lines[2]).toContain(`,'=1+2,,`)
    const rows = await auditRows(BOSS)
    // the clock is pinned: both rows have the same `at`, so compare without order
    expect(rows.map((r: any) => r.after).sort((a: any, b: any) => Number(a.includePhones) - Number(b.includePhones))).toEqual([
      { rows: 2, includePhones: false },
      { rows: 2, includePhones: true },
    ])
    expect(rows.find((r: any) => r.after.includePhones).fileId).toBe(full.fileId)
  })

  test('the file is private: the plain URL, a bad signature, a changed or past expiry are refused', async () => {
    const link = new URL(masked.url)
    const plain = await download(`${link.origin}${link.pathname}`)
    expect(plain.status).toBe(403)
    expect(plain.bytes.toString()).toContain('AccessDenied')
    const variant = (name: string, value: string) => {
      const u = new URL(masked.url)
      u.searchParams.set(name, value)
      return u.toString()
    }
    const sign = link.searchParams.get('sign')!
    const expires = Number(link.searchParams.get('expires'))
    expect((await download(variant('sign', `${sign.slice(0, -2)}AA`))).status).toBe(403)
    expect((await download(variant('expires', String(expires + 1000)))).status).toBe(403)
    // an expired link (the expiry is signed, so a past one cannot be made valid either)
    expect((await download(variant('expires', String(Date.now() - 1000)))).status).toBe(403)
    expect((await download(masked.url)).status).toBe(200)
  })

  test('the console (no OPENID) exports into its own folder', async () => {
    const res = ok(await env.admin({ action: 'exportSegment', segmentId: SEGMENT }))
    expect(res.fileId).toContain(`/exports/console/segment-${SEGMENT}-`)
    expect(await auditRows('console')).toHaveLength(1)
  })
})

test('store managers, staff and consumers are refused, and nothing is audited for them', async () => {
  for (const caller of [MGR, SA, CONSUMER]) {
    expect(await env.admin({ action: 'exportSegment', segmentId: SEGMENT, includePhones: true }, caller)).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' })
    expect(await auditRows(caller)).toEqual([])
  }
})

test('an unknown segment is NOT_FOUND; a malformed one INVALID_ARGUMENT with the field', async () => {
  expect(await env.admin({ action: 'exportSegment', segmentId: 'no-such-segment' }, BOSS)).toMatchObject({ ok: false, code: 'NOT_FOUND', message: '人群不存在：no-such-segment' })
  const bad = await env.admin({ action: 'exportSegment', segmentId: 'Bad Id!' }, BOSS)
  expect(bad).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
  expect(bad.issues.map((i: any) => i.path)).toEqual(['segmentId'])
})

test('an empty segment exports the header only', async () => {
  ok(await env.admin({ action: 'saveSegment', segmentId: 'seg-nobody', name: '无人', rule: { all: [{ field: 'tags', op: 'hasAny', value: ['没人有的标签'] }] } }))
  const res = ok(await env.admin({ action: 'exportSegment', segmentId: 'seg-nobody' }, BOSS))
  expect(res.rows).toBe(0)
  expect(csvLines((await download(res.url)).bytes)).toEqual(['会员号,昵称,手机号,等级,阶段,积分,标签,最近消费'])
})

test(`more than ${SEGMENT_EXPORT_MAX_ROWS} members is refused with a clear error, before any file is written`, async () => {
  const members = env.db.collection('members')
  const BULK = '批量导出上限'
  // stored in the segment already, as its pass leaves them (the pass itself: segment-membership.test.ts)
  const doc = (i: number) => ({
    _id: `o_seg_bulk_${String(i).padStart(6, '0')}`,
    memberNo: `8${String(i).padStart(9, '0')}`,
    nickname: '',
    points: 0,
    pointBatches: [],
    tags: [BULK],
    segmentIds: ['seg-bulk'],
  })
  try {
    for (let start = 0; start <= SEGMENT_EXPORT_MAX_ROWS; start += 5000) {
      const end = Math.min(start + 5000, SEGMENT_EXPORT_MAX_ROWS + 1)
      await members.add({ data: Array.from({ length: end - start }, (_x, k) => doc(start + k)) })
    }
    ok(await env.admin({ action: 'saveSegment', segmentId: 'seg-bulk', name: '太多', rule: { all: [{ field: 'tags', op: 'hasAny', value: [BULK] }] } }))
    while (ok(await invoke(env.emu, 'tiers', { action: 'segments', segmentId: 'seg-bulk' })).step?.state === 'computing');
    const res = await env.admin({ action: 'exportSegment', segmentId: 'seg-bulk' }, BOSS)
    expect(res).toMatchObject({ ok: false, code: 'FAILED_PRECONDITION', message: '人群有 50,001 人，超过单次导出上限 50,000 人，请加条件缩小人群后再导出' })
    expect((await env.db.collection('audit_log').where({ action: 'exportSegment', target: 'seg-bulk' }).count()).total).toBe(0)
  } finally {
    // the file's ledger check reads every member: take the bulk ones out again
    await members.where({ tags: BULK }).remove()
  }
}, 120_000)
