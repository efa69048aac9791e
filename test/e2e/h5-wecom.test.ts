/**
 * WeCom one-to-one care in a real browser on the H5 build (issue 16): 林小夏 sees 添加专属顾问 on her
 * home page and adds 店员小王 on WeCom (the fake WeCom's simulated callback) → her home says 我的专属顾问;
 * after a purchase she answers the NPS card with a 2 → 店员小王's 关怀任务 page shows the detractor task,
 * and the fake WeCom's outbox holds its message template; after the day's scoring job and the tag sync,
 * the console's member 360 shows the advisor, the tags in WeCom, the care task and the store she came
 * through. 报表 → 拉新归因: a staff member's channel code saved as a PNG poster.
 */
import fs from 'fs'
import path from 'path'
import { demoUnionid } from '../../emulator/gateway/h5'
import { invoke, sdkFor } from '../../scripts/emulator-process'
import { ARTIFACTS, screenshot } from '../helpers/browser'
import { recordToasts, settledScreenshot, useDemoBrowser, UI_TIMEOUT, waitForToast } from './support'

const demo = useDemoBrowser()
const { signInAs, visible } = demo

const MEMBER = 'o_demo_member_1'
const MEMBER_NO = '1000000001'
const STAFF = 'o_demo_staff'
const STAFF_USER = 'XiaoWang'
const EXTERNAL = 'wm_e2e_lin'

const ok = (res: any) => {
  if (!res?.ok) throw new Error(JSON.stringify(res))
  return res.data
}
const admin = (event: unknown) => invoke(demo.emu, 'admin', event)
const outbox = async (): Promise<any[]> => (await fetch(`${demo.emu.baseUrl}/wecom/outbox`)).json()
const calls = async (api: string) => (await outbox()).filter(m => m.api === api)
async function post(route: string, body: unknown): Promise<any> {
  const res = await fetch(`${demo.emu.baseUrl}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  if (res.status !== 200) throw new Error(`${route}: ${res.status} ${await res.text()}`)
  return res.json()
}

beforeAll(async () => {
  ok(await admin({ action: 'setStaffWecomUser', openid: STAFF, wecomUserId: STAFF_USER }))
  // templates go out at once whatever the hour this runs: no quiet hours
  const { rules } = ok(await admin({ action: 'getReminderConfig' }))
  ok(await admin({ action: 'setReminderConfig', config: { ...rules, quietHours: null } }))
  // a segment mirrored as a WeCom tag, so the sync has a tag for her whatever the scores say
  ok(await admin({ action: 'saveSegment', segmentId: 'e2e-women', name: '女性会员', rule: { all: [{ field: 'gender', op: 'eq', value: 'female' }] } }))
  ok(await admin({ action: 'setWecomTagSegments', segmentIds: ['e2e-women'] }))
}, 60_000)

test('添加专属顾问 on the home page, then the simulated WeCom add links her: 我的专属顾问', async () => {
  await signInAs(MEMBER)
  await visible('#advisor-card').waitFor({ timeout: UI_TIMEOUT })
  expect(await visible('#advisor-card').innerText()).toContain('添加专属顾问')
  expect(await visible('#advisor-name').innerText()).toContain('店员小王')
  await visible('#advisor-toggle').click()
  expect(await visible('#advisor-qr img, img#advisor-qr').getAttribute('src')).toMatch(/\/wecom\/qr\/.+\.png$/)
  await screenshot(demo.page, '70-advisor-add')

  // she scans the code in WeCom: the fake WeCom sends the encrypted callback, with the code's state
  const staff = (await sdkFor(demo.emu).database().collection('staff').doc(STAFF).get()).data
  const added = await post('/wecom/simulate/add-contact', { userId: STAFF_USER, externalUserId: EXTERNAL, unionid: demoUnionid(MEMBER), state: staff.contactWay.state })
  expect(added.callback.status).toBe(200)
  const [welcome] = await calls('externalcontact/send_welcome_msg')
  expect(welcome.payload.body.welcome_code).toBe(added.welcomeCode)

  await signInAs(MEMBER)
  await demo.page.locator('#advisor-card', { hasText: '我的专属顾问' }).first().waitFor({ timeout: UI_TIMEOUT })
  await settledScreenshot(demo.page, '71-advisor-linked')
})

test('a detractor’s NPS answer: a 关怀任务 for 店员小王 and its template in the WeCom outbox', async () => {
  ok(await invoke(demo.emu, 'staff', { action: 'recordPurchase', requestId: 'e2e-wecom-buy-1', member: { memberNo: MEMBER_NO }, amountFen: 3800 }, STAFF))
  await signInAs(MEMBER)
  await visible('#nps-card').waitFor({ timeout: UI_TIMEOUT })
  await visible('#nps-score-2').click()
  await visible('#nps-comment textarea, textarea#nps-comment').fill('排队太久了')
  await visible('#nps-submit').click()
  await demo.page.locator('#nps-thanks', { hasText: '门店会尽快联系你' }).first().waitFor({ timeout: UI_TIMEOUT })

  const [template] = await calls('externalcontact/add_msg_template')
  expect(template.payload.body).toMatchObject({ chat_type: 'single', external_userid: [EXTERNAL], sender: STAFF_USER })
  expect(template.payload.answer).toMatchObject({ errcode: 0, fail_list: [] })

  await signInAs(STAFF)
  await demo.page.goto(`${demo.emu.baseUrl}/#/staff/care/index`)
  const row = visible('#care-list .followup-row')
  await row.waitFor({ timeout: UI_TIMEOUT })
  const text = await row.innerText()
  expect(text).toContain('差评回访')
  expect(text).toContain('林小夏')
  expect(text).toContain('NPS 2 分：排队太久了')
  expect(text).toContain('已生成企业微信群发')
  expect(text).toContain(template.payload.body.text.content.slice(0, 10))
  await settledScreenshot(demo.page, '72-staff-care-task')
})

test('after the scoring job and the tag sync, the console’s member 360 shows advisor, WeCom tags, care task and source', async () => {
  for (let i = 0; ; i++) {
    const run = ok(await invoke(demo.emu, 'tiers', { action: 'run', ...(i === 0 ? { force: true } : {}) }))
    if (run.status === 'done') break
    if (i > 20) throw new Error(`the scoring job is not done: ${JSON.stringify(run)}`)
  }
  for (let i = 0; ; i++) {
    const sync = ok(await invoke(demo.emu, 'wecom', { action: 'syncTags' }))
    if (sync.status === 'done') break
    if (i > 20) throw new Error(`the tag sync is not done: ${JSON.stringify(sync)}`)
  }
  const [mark] = (await calls('externalcontact/mark_tag')).filter(m => m.payload.body.external_userid === EXTERNAL)
  expect(mark.payload.answer.errcode).toBe(0)

  await signInAs('o_demo_admin')
  await visible('#console-entry').click()
  await visible('#console-members-entry').click()
  await visible('#member-search-input input, input#member-search-input').fill(MEMBER_NO)
  await visible('#member-search-submit').click()
  await visible(`#member-row-${MEMBER_NO}`).click()
  await visible('#m360-name').waitFor({ timeout: UI_TIMEOUT })
  expect(await visible('#m360-advisor').innerText()).toContain(`专属顾问：店员小王（企业微信 ${STAFF_USER}`)
  expect(await visible('#m360-wecom-tags').innerText()).toContain('女性会员')
  expect(await visible('#m360-signup').innerText()).toContain('企业微信「联系我」 · 上海静安旗舰店 · 店员小王')
  await visible('#m360-careTasks-toggle').click()
  expect(await visible('#m360-careTasks-list').innerText()).toContain('差评回访 · 待发送')
  await settledScreenshot(demo.page, '73-console-member-wecom')
})

test('报表 → 拉新归因: 保存海报 downloads a PNG poster of the channel code, its name drawn under the code', async () => {
  const { channel } = ok(await admin({ action: 'createChannelCode', kind: 'staff', staffOpenid: STAFF, name: '静安店 店员小王' }))
  await recordToasts(demo.page)
  await demo.page.goto(`${demo.emu.baseUrl}/#/console/reports/index`)
  // a hash change loads no new document: reload, so the toast recorder is in the page
  await demo.page.reload()
  const save = visible(`#attr-poster-save-${channel.channelId}`)
  await save.waitFor({ timeout: UI_TIMEOUT })
  const [download] = await Promise.all([demo.page.waitForEvent('download', { timeout: UI_TIMEOUT }), save.click()])
  expect(download.suggestedFilename()).toBe('渠道码-静安店_店员小王.png')
  const png = fs.readFileSync((await download.path())!)
  fs.writeFileSync(path.join(ARTIFACTS, '74-channel-poster.png'), png)
  // a PNG of 750 × 1050 (the IHDR chunk's width and height)
  expect(png.subarray(1, 4).toString()).toBe('PNG')
  expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([750, 1050])
  // drawn, not blank: the code's square is about half dark modules, the name's band has ink, the margin none
  const ink = await demo.page.evaluate(
    async dataUrl => {
      const img = new Image()
      await new Promise(resolve => {
        img.onload = resolve
        img.src = dataUrl
      })
      const canvas = document.createElement('canvas')
      canvas.width = img.width
      canvas.height = img.height
      const ctx = canvas.getContext('2d')!
      ctx.drawImage(img, 0, 0)
      const darkShare = (x: number, y: number, w: number, h: number) => {
        const { data } = ctx.getImageData(x, y, w, h)
        let dark = 0
        for (let i = 0; i < data.length; i += 4) if (data[i] + data[i + 1] + data[i + 2] < 384) dark++
        return dark / (w * h)
      }
      return { code: darkShare(135, 120, 480, 480), name: darkShare(40, 672, 670, 56), margin: darkShare(0, 0, 750, 100) }
    },
    `data:image/png;base64,${png.toString('base64')}`,
  )
  expect(ink.code).toBeGreaterThan(0.2)
  expect(ink.name).toBeGreaterThan(0.01)
  expect(ink.margin).toBe(0)
  await waitForToast(demo.page, '海报已下载')
})
