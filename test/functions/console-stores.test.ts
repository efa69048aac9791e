/**
 * 门店与店员 on the emulator: listStores and listStaff for the brand and for a store manager (their
 * store only, whatever the event asks for), appointing staff by member number, removing them, and
 * the audit rows (with the store, so the store's manager sees them).
 */
import { useEmulator, signUp, makeStaff } from './support'

const env = useEmulator()
const A = 'store_st_a'
const B = 'store_st_b'
const BOSS = 'o_st_boss'
const MGR = 'o_st_mgr_a'
const SA = 'o_st_staff_a'
const SB = 'o_st_staff_b'
const NEW_A = 'o_st_new_a' // appointed at A by member number
const NEW_B = 'o_st_new_b' // appointed at B by member number
const GONE = 'o_st_gone'
const CONSUMER = 'o_st_consumer'

const no: Record<string, string> = {}
const ok = (res: any) => {
  if (!res.ok) throw new Error(JSON.stringify(res))
  return res.data
}
const audits = async (action: string, target: string) => (await env.db.collection('audit_log').where({ action, target }).get()).data

beforeAll(async () => {
  await env.db.collection('admins').add({ data: { _id: BOSS, name: 'boss' } })
  for (const id of [BOSS, MGR, NEW_A, NEW_B, GONE, CONSUMER]) no[id] = (await signUp(env, id)).memberNo
  await makeStaff(env, SA, A, '甲店员')
  await makeStaff(env, SB, B, '乙店员')
  no[SA] = (await signUp(env, SA)).memberNo
  ok(await env.admin({ action: 'upsertStore', storeId: A, name: '甲店', city: '上海' }))
  ok(await env.admin({ action: 'appointManager', openid: MGR, storeId: A, name: '甲店长' }))
  ok(await env.member({ action: 'deleteMyAccount', confirm: true }, GONE))
}, 120_000)

test('listStores: the brand sees every store; a manager only theirs; staff and consumers are refused', async () => {
  const brand = ok(await env.admin({ action: 'listStores' }, BOSS))
  expect(brand.scope).toEqual({ kind: 'brand' })
  expect(brand.stores.map((s: any) => s.storeId)).toEqual([A, B])
  expect(brand.stores[0]).toEqual({ storeId: A, name: '甲店', city: '上海', updatedAt: expect.any(String) })
  expect(brand.stores[1]).toMatchObject({ storeId: B, name: `门店 ${B}`, city: null })

  const mine = ok(await env.admin({ action: 'listStores' }, MGR))
  expect(mine).toEqual({ scope: { kind: 'store', storeId: A }, stores: [brand.stores[0]] })
  for (const caller of [SA, CONSUMER]) expect(await env.admin({ action: 'listStores' }, caller)).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' })
})

test('listStaff: a manager gets their own store even when asking for another; rows carry the member number', async () => {
  const asked = ok(await env.admin({ action: 'listStaff', storeId: B }, MGR))
  expect(asked.storeId).toBe(A)
  expect(asked.staff.map((s: any) => s.openid)).toEqual([SA])
  expect(asked.staff[0]).toEqual({ openid: SA, memberNo: no[SA], storeId: A, name: '甲店员', active: true, createdAt: expect.any(String) })
  expect(ok(await env.admin({ action: 'listStaff' }, MGR))).toEqual(asked)

  expect(ok(await env.admin({ action: 'listStaff', storeId: B }, BOSS))).toMatchObject({ storeId: B, staff: [{ openid: SB, storeId: B }] })
  const all = ok(await env.admin({ action: 'listStaff' }, BOSS))
  expect(all.storeId).toBeNull()
  expect(all.staff.map((s: any) => s.openid).sort()).toEqual([SA, SB].sort())
  expect(await env.admin({ action: 'listStaff', storeId: A }, SA)).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' })
})

test('appointStaff by member number, removeStaff; both audited with the store; a manager may do neither', async () => {
  const appointed = ok(await env.admin({ action: 'appointStaff', memberNo: no[NEW_B], storeId: B, name: '  乙新人 ' }, BOSS))
  expect(appointed.staff).toEqual({ openid: NEW_B, memberNo: no[NEW_B], storeId: B, name: '乙新人', active: true, createdAt: expect.any(String) })
  expect(await audits('appointStaff', NEW_B)).toEqual([expect.objectContaining({ actor: BOSS, storeId: B, after: expect.objectContaining({ storeId: B, name: '乙新人', active: true }) })])
  // the new staff member can use the till
  expect(ok(await env.staff({ action: 'me' }, NEW_B))).toMatchObject({ storeId: B })

  ok(await env.admin({ action: 'appointStaff', memberNo: no[NEW_A], storeId: A, name: '甲新人' }, BOSS))
  expect(
    ok(await env.admin({ action: 'listStaff' }, MGR))
      .staff.map((s: any) => s.openid)
      .sort(),
  ).toEqual([NEW_A, SA].sort())

  // a store manager reads only
  expect(await env.admin({ action: 'appointStaff', memberNo: no[CONSUMER], storeId: A, name: '偷偷任命' }, MGR)).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' })
  expect(await env.admin({ action: 'removeStaff', openid: SA }, MGR)).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' })
  expect(await env.admin({ action: 'upsertStore', storeId: A, name: '改名' }, MGR)).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' })

  const removed = ok(await env.admin({ action: 'removeStaff', openid: NEW_A }, BOSS))
  expect(removed).toEqual({ changed: true, staff: expect.objectContaining({ openid: NEW_A, memberNo: no[NEW_A], active: false }) })
  expect(ok(await env.admin({ action: 'removeStaff', openid: NEW_A }, BOSS)).changed).toBe(false)
  expect(await audits('removeStaff', NEW_A)).toEqual([expect.objectContaining({ actor: BOSS, storeId: A, before: { active: true }, after: { active: false } })])
  expect(await env.staff({ action: 'me' }, NEW_A)).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' })

  // the manager's audit log shows their store's staff changes, not the other store's
  const log = ok(await env.admin({ action: 'auditLog', auditAction: 'appointStaff' }, MGR)).rows
  expect(log.map((r: any) => r.target)).toContain(NEW_A)
  expect(log.map((r: any) => r.target)).not.toContain(NEW_B)
  expect(log.every((r: any) => r.storeId === A)).toBe(true)
})

test('appointStaff refuses unknown or deleted member numbers, both or neither reference, bad names (Chinese, by field)', async () => {
  const appoint = (e: Record<string, unknown>) => env.admin({ action: 'appointStaff', storeId: A, name: '新人', ...e }, BOSS)
  expect(await appoint({ memberNo: '9999999999' })).toMatchObject({ ok: false, code: 'NOT_FOUND' })
  expect(await appoint({ memberNo: no[GONE] })).toMatchObject({ ok: false, code: 'NOT_FOUND' })
  expect(await appoint({ memberNo: no[CONSUMER], storeId: 'store_none' })).toMatchObject({ ok: false, code: 'NOT_FOUND' })
  expect(await appoint({ memberNo: no[CONSUMER], openid: CONSUMER })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT', issues: [{ path: 'memberNo' }] })
  expect(await appoint({})).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
  expect(await appoint({ memberNo: no[CONSUMER], name: '   ' })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT', issues: [{ path: 'name', message: '请填写店员姓名' }] })
  expect(await appoint({ memberNo: no[SA] })).toMatchObject({ ok: false, code: 'ALREADY_EXISTS' })
  expect(await env.admin({ action: 'upsertStore', storeId: A, name: '' }, BOSS)).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT', issues: [{ path: 'name', message: '请填写门店名称' }] })
  expect((await env.db.collection('staff').where({ _id: CONSUMER }).get()).data).toEqual([])
})

test("upsertStore: a left-out city is kept, '' clears it; audited with the store", async () => {
  expect(ok(await env.admin({ action: 'upsertStore', storeId: B, name: '乙店', city: '杭州' }, BOSS))).toEqual({ created: false, store: { storeId: B, name: '乙店', city: '杭州' } })
  expect(ok(await env.admin({ action: 'upsertStore', storeId: B, name: '乙店二' }, BOSS)).store.city).toBe('杭州')
  expect(ok(await env.admin({ action: 'upsertStore', storeId: B, name: '乙店二', city: '' }, BOSS)).store.city).toBeNull()
  const rows = await audits('upsertStore', B)
  expect(rows.filter((r: any) => r.actor === BOSS)).toHaveLength(3)
  expect(rows.every((r: any) => r.storeId === B)).toBe(true)
  expect(ok(await env.admin({ action: 'listStores' }, BOSS)).stores.find((s: any) => s.storeId === B)).toMatchObject({ name: '乙店二', city: null })
})
