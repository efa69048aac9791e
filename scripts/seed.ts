/** Demo data for `npm start`: a store, a staff member, an admin and a few members, written through the SDK. */
import { newMember } from '../domain/member'
import { createCollections } from './collections'
import { localCloud } from './local-sdk'
import type { Database } from '../cloudfunctions/shared/sdk-types'

export const DEMO = {
  store: { _id: 'store_sh_001', name: '上海静安旗舰店', city: '上海' },
  staff: { openid: 'o_demo_staff', name: '店员小王' },
  admin: { openid: 'o_demo_admin', name: '运营管理员' },
  members: [
    { openid: 'o_demo_member_1', nickname: '林小夏', gender: 'female' as const, birthday: '1995-06-18' },
    { openid: 'o_demo_member_2', nickname: '陈一鸣', gender: 'male' as const, birthday: '1988-11-02' },
    { openid: 'o_demo_member_3', nickname: '周周', gender: 'unknown' as const, birthday: null },
  ],
}

/** Seeds once per data dir (the store doc is the marker); returns whether it wrote anything. */
export async function seedDemoData(baseUrl: string, db: Database = localCloud(`${baseUrl}/tcb`).database(), now = new Date()): Promise<boolean> {
  await createCollections(db)
  const { data } = await db.collection('stores').where({ _id: DEMO.store._id }).get()
  if (data.length) return false

  // set() by _id: a seed interrupted half-way is simply redone
  const put = (collection: string, id: string, doc: Record<string, unknown>) => db.collection(collection).doc(id).set({ data: doc })
  const member = (openid: string, fields: Record<string, unknown>) => {
    const { _id, ...doc } = newMember(openid, now)
    return put('members', _id, { ...doc, ...fields })
  }
  for (const m of DEMO.members) await member(m.openid, { nickname: m.nickname, gender: m.gender, birthday: m.birthday })
  for (const who of [DEMO.staff, DEMO.admin]) await member(who.openid, { nickname: who.name })
  await put('staff', DEMO.staff.openid, { storeId: DEMO.store._id, name: DEMO.staff.name, active: true, createdAt: now })
  await put('admins', DEMO.admin.openid, { name: DEMO.admin.name, createdAt: now })
  // the store last: it marks the seed as complete
  const { _id: storeId, ...store } = DEMO.store
  await put('stores', storeId, { ...store, createdAt: now })

  // make the demo identities selectable on the H5 local sign-in page
  for (const who of [...DEMO.members.map(m => ({ openid: m.openid, name: m.nickname })), DEMO.staff, DEMO.admin]) {
    await fetch(`${baseUrl}/gateway/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ openid: who.openid, label: who.name }) })
  }
  return true
}
