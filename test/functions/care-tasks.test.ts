/**
 * 关怀任务 (issue 16 part 3) through the unmodified SDK and the emulator: a detractor's answer makes a task
 * for the member's advisor with a WeCom message template (in the fake WeCom's outbox); the daily care
 * step (reminders `care`) waits for the scoring job, then makes birthday, churn and tier tasks for the
 * advisor or the store's pool, honouring switches and the weekly cap, and a rerun makes nothing twice;
 * staff see their own tasks and their store's pool only; outcomes (sent, replied, bought within 7 days)
 * land on the tasks and in `careReport`; a template made in quiet hours waits for the morning.
 */
import { invoke, setClock } from '../../scripts/emulator-process'
import { addDays } from '../../domain/time'
import { shanghaiDay } from '../../domain/time'
import { makeStaff, rid, signUp, useEmulator } from './support'

const env = useEmulator()

const STORE = 'store_care'
const ADVISOR = 'o_care_advisor'
const ADVISOR_USER = 'CareAdvisor'
const COLLEAGUE = 'o_care_colleague'
const OUTSIDER = 'o_care_outsider'
const LINKED = 'o_care_linked'
const LINKED_EXT = 'wm_care_linked'
const POOL = 'o_care_pool'
const OFF = 'o_care_off'
const CAPPED = 'o_care_capped'
const NIGHT = 'o_care_night'
const NIGHT_EXT = 'wm_care_night'
const DOWN = 'o_care_down'
const NOWHERE = 'o_care_nowhere'

const DAY0 = shanghaiDay(new Date())
const DAY1 = addDays(DAY0, 1)
const DAY2 = addDays(DAY0, 2)
const at = (day: string, time: string) => setClock(env.emu, new Date(`${day}T${time}:00+08:00`).toISOString())

const ok = (res: any) => {
  if (!res?.ok) throw new Error(JSON.stringify(res))
  return res.data
}
const care = () => invoke(env.emu, 'reminders', { action: 'care' })
const tasksOf = async (memberId: string): Promise<any[]> => (await env.db.collection('care_tasks').where({ memberId }).get()).data
const allTasks = async (): Promise<any[]> => (await env.db.collection('care_tasks').limit(1000).get()).data
const outbox = async (): Promise<any[]> => (await fetch(`${env.emu.baseUrl}/wecom/outbox`)).json()
const templates = async () => (await outbox()).filter(m => m.api === 'externalcontact/add_msg_template')
/** the day's scoring run, done at 04:00 (the instant the review moves tiers down) */
const runAt = (day: string) => new Date(`${day}T04:00:00+08:00`)
const scoringDone = (day: string) => env.db.collection('jobs').add({ data: { _id: `tiers-${day}`, status: 'done', now: runAt(day) } })
const myTasks = (staff: string, status = 'todo') => env.staff({ action: 'myCareTasks', status }, staff)

async function post(route: string, body: unknown): Promise<any> {
  const res = await fetch(`${env.emu.baseUrl}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  if (res.status !== 200) throw new Error(`${route}: ${res.status} ${await res.text()}`)
  return res.json()
}

/** Signs in with a UNIONID and adds the advisor on WeCom (the simulated callback links them). */
async function linkToAdvisor(openid: string, externalUserId: string) {
  const res = await fetch(`${env.emu.baseUrl}/functions/member`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-wx-openid': openid, 'x-wx-unionid': `u_${openid}` },
    body: JSON.stringify({ action: 'login' }),
  })
  ok(await res.json())
  const staff = (await env.db.collection('staff').where({ _id: ADVISOR }).get()).data[0]
  await post('/wecom/simulate/add-contact', { userId: ADVISOR_USER, externalUserId, unionid: `u_${openid}`, state: staff.contactWay.state })
}

async function buy(openid: string, staff = COLLEAGUE) {
  const member = (await env.db.collection('members').where({ _id: openid }).get()).data[0]
  return ok(await env.staff({ action: 'recordPurchase', requestId: rid('care'), member: { memberNo: member.memberNo }, amountFen: 5000 }, staff)).purchase.purchaseId as string
}

const setMember = (openid: string, data: Record<string, unknown>) => env.db.collection('members').doc(openid).update({ data })
const churn = (risk: number) => ({ risk, pAlive: 1 - risk, expectedPurchases: 0.1, clvFen: 0, reasons: ['久未消费'], scoredAt: new Date() })
const birthdayOn = (day: string) => `1990-${day.slice(5)}`

// purchases before the tasks at 11:00, the tasks and marks at 12:00 (the pinned clock stands still)
beforeAll(async () => {
  await at(DAY0, '11:00')
  await makeStaff(env, ADVISOR, STORE, '陈顾问')
  await makeStaff(env, COLLEAGUE, STORE, '王店员')
  await makeStaff(env, OUTSIDER, 'store_care_other', '外店店员')
  ok(await env.admin({ action: 'setStaffWecomUser', openid: ADVISOR, wecomUserId: ADVISOR_USER }))
  ok(await env.staff({ action: 'myContactWay' }, ADVISOR))
  await linkToAdvisor(LINKED, LINKED_EXT)
  await setMember(LINKED, { nickname: '林小姐' })
}, 120_000)

test('a detractor answer: a task for the advisor, its WeCom template in the outbox, the store follow-up as before', async () => {
  const purchaseId = await buy(LINKED, ADVISOR)
  ok(await env.member({ action: 'submitNps', purchaseId, score: 3, comment: '等太久' }, LINKED))
  const [task] = await tasksOf(LINKED)
  expect(task).toMatchObject({
    kind: 'nps_detractor',
    assigneeId: ADVISOR,
    storeId: STORE,
    status: 'open',
    sender: ADVISOR_USER,
    externalUserId: LINKED_EXT,
    templateStatus: 'created',
    reason: 'NPS 3 分：等太久',
  })
  expect(task.message).toContain('林小姐')
  expect(task.templateMsgid).toEqual(expect.any(String))
  const sent = await templates()
  expect(sent).toHaveLength(1)
  expect(sent[0].payload.body).toMatchObject({ chat_type: 'single', external_userid: [LINKED_EXT], sender: ADVISOR_USER, text: { content: task.message } })
  expect(sent[0].payload.answer).toMatchObject({ errcode: 0, msgid: task.templateMsgid, fail_list: [] })
  expect((await env.db.collection('follow_ups').where({ memberId: LINKED }).get()).data).toHaveLength(1)
  // the console's member 360: the task, for the advisor
  const memberNo = (await env.db.collection('members').doc(LINKED).get()).data.memberNo
  expect(ok(await env.admin({ action: 'member360', memberNo })).careTasks).toEqual([
    { kindLabel: '差评回访', status: 'open', assigneeName: '陈顾问', reason: 'NPS 3 分：等太久', template: 'created', createdAt: expect.any(String) },
  ])
}, 60_000)

describe('the daily care step', () => {
  let first: any

  beforeAll(async () => {
    for (const m of [POOL, OFF, CAPPED]) {
      await signUp(env, m)
      await buy(m)
      await setMember(m, { birthday: birthdayOn(DAY0), churn: churn(0.9) })
    }
    await setMember(POOL, { nickname: '包先生' })
    await setMember(LINKED, { churn: churn(0.95) })
    const since = new Date(`${DAY0}T10:00:00+08:00`)
    const tier = (tierId: string, at: Date) => ({ tierId, since: at, reviewAt: new Date(at.getTime() + 365 * 86_400_000), downgradeAt: null, manual: null })
    await setMember(CAPPED, { tier: tier('gold', since) })
    // DOWN was moved down to silver by this morning's review: no 升级祝贺
    await signUp(env, DOWN)
    await setMember(DOWN, { tier: tier('silver', runAt(DAY0)) })
    // NOWHERE has a birthday but no advisor and no store (never bought): nobody could take the task
    await signUp(env, NOWHERE)
    await setMember(NOWHERE, { birthday: birthdayOn(DAY0) })
    // OFF turned the birthday reminder off in the settings page
    ok(await env.member({ action: 'setReminderPreference', kind: 'birthday', on: false }, OFF))
    await at(DAY0, '12:00')
  }, 120_000)

  test('waits for the scoring job of the day, then makes tasks for the advisor and the store pool', async () => {
    expect(ok(await care())).toMatchObject({ day: DAY0, status: 'waiting', created: 0 })
    expect(await tasksOf(POOL)).toEqual([])
    await scoringDone(DAY0)
    first = ok(await care())
    expect(first).toMatchObject({ day: DAY0, status: 'done', created: 6, more: false })
    expect(first.skipped).toEqual({ switch_off: 1, weekly_cap: 1, no_store: 1 })

    const pool = await tasksOf(POOL)
    expect(pool.map(t => t.kind).sort()).toEqual(['birthday', 'churn_risk'])
    for (const t of pool) expect(t).toMatchObject({ assigneeId: null, storeId: STORE, templateStatus: 'none', status: 'open' })
    expect(pool.find(t => t.kind === 'birthday').message).toContain('包先生，生日快乐')
    expect((await tasksOf(OFF)).map(t => t.kind)).toEqual(['churn_risk'])
    // the cap of 2 a week: the tier upgrade waits (churn and birthday come first)
    expect((await tasksOf(CAPPED)).map(t => t.kind).sort()).toEqual(['birthday', 'churn_risk'])
    expect(await tasksOf(DOWN)).toEqual([])
    expect(await tasksOf(NOWHERE)).toEqual([])

    const linked = (await tasksOf(LINKED)).find(t => t.kind === 'churn_risk')
    expect(linked).toMatchObject({ assigneeId: ADVISOR, templateStatus: 'created', occasion: DAY0.slice(0, 7) })
    expect((await templates()).map(m => m.payload.body.text.content)).toContain(linked.message)
  }, 60_000)

  test('a rerun creates nothing twice', async () => {
    const before = await allTasks()
    const sent = (await templates()).length
    await env.db.collection('jobs').doc(`care-${DAY0}`).remove()
    const again = ok(await care())
    expect(again).toMatchObject({ status: 'done', created: 0 })
    expect(again.skipped.duplicate).toBeGreaterThanOrEqual(6)
    expect(await allTasks()).toHaveLength(before.length)
    expect(await templates()).toHaveLength(sent)
  }, 60_000)
})

describe('staff', () => {
  test('each staff member sees their own tasks and their store’s pool; another store sees none; a consumer is refused', async () => {
    const advisor = ok(await myTasks(ADVISOR)).items
    expect(advisor).toHaveLength(7)
    expect(
      advisor
        .filter((t: any) => t.assigned === 'mine')
        .map((t: any) => t.kind)
        .sort(),
    ).toEqual(['churn_risk', 'nps_detractor'])
    const colleague = ok(await myTasks(COLLEAGUE)).items
    expect(colleague).toHaveLength(5)
    expect(colleague.every((t: any) => t.assigned === 'pool')).toBe(true)
    expect(ok(await myTasks(OUTSIDER)).items).toEqual([])
    expect(await myTasks(POOL)).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' })
    expect(await env.staff({ action: 'markCareTask', taskId: colleague[0].taskId, mark: 'sent' }, POOL)).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' })
  })

  test('marks: a pool task becomes the marker’s; another store cannot mark it; finished tasks stay finished', async () => {
    const churnTask = (await tasksOf(POOL)).find(t => t.kind === 'churn_risk')
    expect(await env.staff({ action: 'markCareTask', taskId: churnTask._id, mark: 'sent' }, OUTSIDER)).toMatchObject({ ok: false, code: 'NOT_FOUND' })
    expect(await env.staff({ action: 'markCareTask', taskId: churnTask._id, mark: 'later' }, COLLEAGUE)).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
    expect(ok(await env.staff({ action: 'markCareTask', taskId: churnTask._id, mark: 'sent' }, COLLEAGUE)).task).toMatchObject({ status: 'sent', assigned: 'mine' })
    expect(ok(await myTasks(ADVISOR)).items.map((t: any) => t.taskId)).not.toContain(churnTask._id)
    expect(ok(await myTasks(COLLEAGUE)).items.find((t: any) => t.taskId === churnTask._id)).toMatchObject({ assigned: 'mine', status: 'sent' })
    expect(await env.staff({ action: 'markCareTask', taskId: churnTask._id, mark: 'sent' }, ADVISOR)).toMatchObject({ ok: false, code: 'NOT_FOUND' })
    ok(await env.staff({ action: 'markCareTask', taskId: churnTask._id, mark: 'replied' }, COLLEAGUE))
    expect(ok(await myTasks(COLLEAGUE, 'done')).items.map((t: any) => t.taskId)).toEqual([churnTask._id])

    const detractor = (await tasksOf(LINKED)).find(t => t.kind === 'nps_detractor')
    ok(await env.staff({ action: 'markCareTask', taskId: detractor._id, mark: 'skipped' }, ADVISOR))
    expect(await env.staff({ action: 'markCareTask', taskId: detractor._id, mark: 'replied' }, ADVISOR)).toMatchObject({ ok: false, code: 'FAILED_PRECONDITION' })
    const stored = (await tasksOf(POOL)).find(t => t.kind === 'churn_risk')
    expect(stored).toMatchObject({ status: 'replied', assigneeId: COLLEAGUE, markedBy: COLLEAGUE })
    expect(stored.sentAt).toBeTruthy()
    expect(stored.repliedAt).toBeTruthy()
    expect((await env.db.collection('audit_log').where({ action: 'markCareTask', target: churnTask._id }).get()).data).toHaveLength(2)
  })
})

test('bought within 7 days: recorded by the next daily run and reported per kind, store and staff', async () => {
  await at(DAY0, '15:00')
  const purchaseId = await buy(POOL)
  await at(DAY1, '12:00')
  await scoringDone(DAY1)
  expect(ok(await care())).toMatchObject({ day: DAY1, status: 'done' })
  const churnTask = (await tasksOf(POOL)).find(t => t.kind === 'churn_risk')
  expect(churnTask).toMatchObject({ boughtPurchaseId: purchaseId, outcomeOpen: false })
  // nobody marked OFF's task sent and nothing was bought: still open for its week
  expect((await tasksOf(OFF)).find(t => t.kind === 'churn_risk')).toMatchObject({ boughtAt: null, outcomeOpen: true })

  const report = ok(await env.admin({ action: 'careReport', from: DAY0, to: DAY0 }))
  expect(report.total).toMatchObject({ created: 7, sent: 1, replied: 1, skipped: 1, bought: 1, buyRate: 1 })
  expect(report.byKind.find((k: any) => k.kind === 'churn_risk')).toMatchObject({ created: 4, sent: 1, bought: 1 })
  expect(report.byStore).toEqual([expect.objectContaining({ storeId: STORE, created: 7 })])
  expect(report.byStaff.find((s: any) => s.staffId === COLLEAGUE)).toMatchObject({ name: '王店员', created: 1, sent: 1, bought: 1, buyRate: 1 })
  expect(report.byStaff.find((s: any) => s.staffId === ADVISOR)).toMatchObject({ name: '陈顾问', created: 2, skipped: 1 })
  expect(await env.admin({ action: 'careReport', from: DAY1, to: DAY0 })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
}, 60_000)

test('quiet hours: a template made at night is pushed in the morning', async () => {
  await at(DAY1, '12:00')
  await linkToAdvisor(NIGHT, NIGHT_EXT)
  await setMember(NIGHT, { birthday: birthdayOn(DAY1) })
  await at(DAY1, '22:30')
  await env.db.collection('jobs').doc(`care-${DAY1}`).remove()
  ok(await care())
  const [task] = await tasksOf(NIGHT)
  expect(task).toMatchObject({ kind: 'birthday', templateStatus: 'queued', assigneeId: ADVISOR })
  expect(new Date(task.templateNotBefore).toISOString()).toBe(new Date(`${DAY2}T09:00:00+08:00`).toISOString())
  expect((await templates()).filter(m => m.payload.body.external_userid[0] === NIGHT_EXT)).toEqual([])

  await at(DAY2, '09:30')
  // the scoring job of DAY2 has not run: the step waits, the morning's templates still go
  expect(ok(await care())).toMatchObject({ status: 'waiting' })
  expect((await tasksOf(NIGHT))[0]).toMatchObject({ templateStatus: 'created' })
  expect((await templates()).filter(m => m.payload.body.external_userid[0] === NIGHT_EXT)).toHaveLength(1)
}, 60_000)
