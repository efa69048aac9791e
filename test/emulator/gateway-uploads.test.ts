/**
 * Uploads and reads through the H5 gateway follow CloudBase storage security rules (issue 14,
 * defect 3): writes only under `<kind>/<own openid>/`, over the limit is 413 with nothing stored,
 * personal files are read only by their owner or through a short-lived signed link.
 */
import { startEmulator, type RunningEmulator } from '../../scripts/emulator-process'

let emu: RunningEmulator
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3])

async function session(openid: string): Promise<{ token: string; openid: string; cookie: string }> {
  const res = await fetch(`${emu.baseUrl}/gateway/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ openid }) })
  expect(res.status).toBe(200)
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]
  return { ...(await res.json()).data, cookie }
}

function upload(token: string, cloudPath: string, bytes: Buffer) {
  const form = new FormData()
  form.append('cloudPath', cloudPath)
  form.append('file', new Blob([new Uint8Array(bytes)], { type: 'image/png' }), cloudPath.split('/').pop())
  return fetch(`${emu.baseUrl}/gateway/upload`, { method: 'POST', body: form, headers: { authorization: `Bearer ${token}` } })
}

const fileUrl = (fileID: string) => `${emu.baseUrl}/gateway/file?fileID=${encodeURIComponent(fileID)}`
const fileId = (cloudPath: string) => `cloud://local.6c6f-local-1300000000/${cloudPath}`

beforeAll(async () => {
  emu = await startEmulator({ args: ['--no-timers'] })
}, 60_000)
afterAll(() => emu?.stop())

describe('writes', () => {
  test('a member writes under <kind>/<own openid>/', async () => {
    const s = await session('o_up_writer')
    const res = await upload(s.token, `avatars/${s.openid}/x.png`, PNG)
    expect(res.status).toBe(200)
    expect((await res.json()).data.fileID).toBe(fileId(`avatars/${s.openid}/x.png`))
  })

  test('an openid that is some other path segment does not open another member’s folder', async () => {
    const victim = await session('o_up_victim')
    const original = Buffer.from([...PNG, 42])
    expect((await upload(victim.token, `avatars/${victim.openid}/me.png`, original)).status).toBe(200)
    const attacker = await session('avatars')
    for (const cloudPath of [`avatars/${victim.openid}/me.png`, `avatars/avatars`, `avatars/avatars.png`, `x/${victim.openid}/avatars/me.png`]) {
      const res = await upload(attacker.token, cloudPath, PNG)
      expect([cloudPath, res.status]).toEqual([cloudPath, 403])
      expect((await res.json()).code).toBe('PERMISSION_DENIED')
    }
    const after = await fetch(fileUrl(fileId(`avatars/${victim.openid}/me.png`)), { headers: { authorization: `Bearer ${victim.token}` } })
    expect(after.status).toBe(200)
    expect(Buffer.from(await after.arrayBuffer())).toEqual(original)
  })

  test('a file over 20 MB is 413 and nothing is stored', async () => {
    const s = await session('o_up_big')
    const res = await upload(s.token, `avatars/${s.openid}/big.png`, Buffer.alloc(21 * 1024 * 1024, 7))
    expect(res.status).toBe(413)
    expect((await res.json()).code).toBe('BODY_TOO_LARGE')
    const read = await fetch(fileUrl(fileId(`avatars/${s.openid}/big.png`)), { headers: { authorization: `Bearer ${s.token}` } })
    expect(read.status).toBe(404)
  }, 30_000)
})

describe('reads', () => {
  let owner: { token: string; openid: string; cookie: string }
  let other: { token: string; openid: string; cookie: string }
  const cloudPath = 'exports/o_up_owner/export.json'

  beforeAll(async () => {
    owner = await session('o_up_owner')
    other = await session('o_up_other')
    expect((await upload(owner.token, cloudPath, Buffer.from('{"secret":1}'))).status).toBe(200)
  })

  test('another member’s file is refused without a token, with a forged one, with another member’s token or cookie', async () => {
    const url = fileUrl(fileId(cloudPath))
    expect((await fetch(url)).status).toBe(403)
    expect((await fetch(url, { headers: { authorization: `Bearer ${other.token}` } })).status).toBe(403)
    expect((await fetch(url, { headers: { cookie: other.cookie } })).status).toBe(403)
    const forged = `${Buffer.from(owner.openid).toString('base64url')}.${other.token.split('.')[1]}`
    expect((await fetch(url, { headers: { authorization: `Bearer ${forged}` } })).status).toBe(403)
    // another env prefix naming the same object is the same file
    expect((await fetch(fileUrl(`cloud://prod.6c6f-local-1300000000/${cloudPath}`))).status).toBe(403)
  })

  test('the owner reads it with their token, or with the session cookie an <img> carries', async () => {
    const byToken = await fetch(fileUrl(fileId(cloudPath)), { headers: { authorization: `Bearer ${owner.token}` } })
    expect(byToken.status).toBe(200)
    expect(await byToken.text()).toBe('{"secret":1}')
    expect(byToken.headers.get('access-control-allow-origin')).toBeNull()
    expect(owner.cookie).toMatch(/^gw_session=/)
    expect((await fetch(fileUrl(fileId(cloudPath)), { headers: { cookie: owner.cookie } })).status).toBe(200)
  })

  test('a signed link works for anyone until it expires; a tampered, expired or too-long one is refused', async () => {
    const ask = (token: string, body: unknown) =>
      fetch(`${emu.baseUrl}/gateway/tempFileURL`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) })
    expect((await ask(other.token, { fileList: [fileId(cloudPath)] }).then(r => r.json())).data[0]).toMatchObject({ code: 'PERMISSION_DENIED', tempFileURL: '' })
    const { data } = await (await ask(owner.token, { fileList: [fileId(cloudPath), fileId('exports/o_up_owner/none.json')], maxAge: 3600 })).json()
    expect(data[0]).toMatchObject({ code: 'SUCCESS', maxAge: 600 })
    expect(data[1]).toMatchObject({ code: 'STORAGE_FILE_NONEXIST' })
    const link = new URL(data[0].tempFileURL, emu.baseUrl)
    const ok = await fetch(link)
    expect(ok.status).toBe(200)
    expect(await ok.text()).toBe('{"secret":1}')

    const tampered = new URL(link)
    tampered.searchParams.set('fileID', fileId('exports/o_up_owner/other.json'))
    expect((await fetch(tampered)).status).toBe(403)
    const longer = new URL(link)
    longer.searchParams.set('expires', String(Number(link.searchParams.get('expires')) + 1))
    expect((await fetch(longer)).status).toBe(403)
    const badSig = new URL(link)
    badSig.searchParams.set('sig', `${link.searchParams.get('sig')!.slice(0, -2)}AA`)
    expect((await fetch(badSig)).status).toBe(403)
    const expired = new URL(link)
    expired.searchParams.set('expires', String(Date.now() - 1000))
    expect((await fetch(expired)).status).toBe(403)
    const tooLong = new URL(link)
    tooLong.searchParams.set('expires', String(Date.now() + 3600_000))
    expect((await fetch(tooLong)).status).toBe(403)
  })

  test('a shared (non-personal) path stays public; an unknown file is 404', async () => {
    expect((await fetch(fileUrl(fileId('banners/none.png')))).status).toBe(404)
  })
})
