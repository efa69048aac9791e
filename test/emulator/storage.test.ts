/**
 * cloud.uploadFile / getTempFileURL / downloadFile / deleteFile through the unmodified
 * wx-server-sdk against the real emulator process, the public file URLs, path checks, durability,
 * and the service's direct saveUpload used by the H5 gateway.
 */
import { randomBytes } from 'crypto'
import fs from 'fs'
import http from 'http'
import type { AddressInfo } from 'net'
import path from 'path'
import { sdkFor, startEmulator, tempDataDir, type RunningEmulator } from '../../scripts/emulator-process'
import { BUCKET, createStorageService, PRIVATE_LINK_MAX_SECONDS } from '../../emulator/storage'

jest.setTimeout(60_000)

// the typed facade leaves out callOpenAPI, getVoIPSign and cloud.openapi({ appid }): these tests
// reach them, so they use the SDK untyped
type Cloud = any

let emu: RunningEmulator
let cloud: Cloud

const fileId = (cloudPath: string) => `cloud://local.${BUCKET}/${cloudPath}`

async function errorOf(p: Promise<unknown>): Promise<{ errCode: number; errMsg: string }> {
  try {
    await p
  } catch (err) {
    const e = err as { errCode: number; errMsg: string }
    return { errCode: e.errCode, errMsg: e.errMsg }
  }
  throw new Error('expected the call to fail')
}

async function tempUrl(c: Cloud, id: string) {
  const res = await c.getTempFileURL({ fileList: [id] })
  expect(res.fileList).toHaveLength(1)
  return res.fileList[0]
}

const objectFiles = (dataDir: string) => fs.readdirSync(path.join(dataDir, 'storage', 'objects'))

beforeAll(async () => {
  emu = await startEmulator({ args: ['--no-timers'] })
  cloud = sdkFor(emu)
})

afterAll(async () => {
  await emu?.stop()
})

describe('upload and download through the SDK', () => {
  test('uploadFile → getTempFileURL → HTTP GET returns the same bytes with the right content type', async () => {
    const bytes = randomBytes(64 * 1024)
    const up = await cloud.uploadFile({ cloudPath: 'avatars/o_user1/a.png', fileContent: bytes })
    expect(up.fileID).toBe(fileId('avatars/o_user1/a.png'))
    expect(up.errMsg).toBe('uploadFile:ok')

    const item = await tempUrl(cloud, up.fileID)
    expect(item).toMatchObject({ fileID: up.fileID, status: 0, errMsg: 'ok', maxAge: 86400 })
    expect(item.tempFileURL).toBe(`${emu.baseUrl}/storage/${BUCKET}/avatars/o_user1/a.png`)

    const res = await fetch(item.tempFileURL)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('image/png')
    expect(res.headers.get('content-length')).toBe(String(bytes.length))
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true)

    const head = await fetch(item.tempFileURL, { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(head.headers.get('content-length')).toBe(String(bytes.length))
  })

  test('downloadFile returns the bytes; non-ASCII and spaces in the path work', async () => {
    const bytes = Buffer.from('会员卡 ✓ binary\u0000\u00ff', 'utf8')
    const cloudPath = 'docs/会员 说明.txt'
    const up = await cloud.uploadFile({ cloudPath, fileContent: bytes })
    expect(up.fileID).toBe(fileId(cloudPath))

    const down = await cloud.downloadFile({ fileID: up.fileID })
    expect(Buffer.from(down.fileContent).equals(bytes)).toBe(true)

    const item = await tempUrl(cloud, up.fileID)
    const res = await fetch(item.tempFileURL) // fetch percent-encodes the raw URL
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8')
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true)
  })

  test('uploading to the same path again replaces the content and leaves no stale bytes', async () => {
    await cloud.uploadFile({ cloudPath: 'replace/me.json', fileContent: Buffer.from('{"v":1}') })
    const up = await cloud.uploadFile({ cloudPath: 'replace/me.json', fileContent: Buffer.from('{"v":2}') })
    const res = await fetch((await tempUrl(cloud, up.fileID)).tempFileURL)
    expect(await res.json()).toEqual({ v: 2 })
    const bins = objectFiles(emu.dataDir).filter(n => n.endsWith('.bin'))
    const metas = objectFiles(emu.dataDir).filter(n => n.endsWith('.json'))
    expect(bins.length).toBe(metas.length)
  })
})

describe('missing files and deletion', () => {
  test('deleteFile, then getTempFileURL says STORAGE_FILE_NONEXIST and the URL is 404', async () => {
    const up = await cloud.uploadFile({ cloudPath: 'tmp/delete-me.jpg', fileContent: Buffer.from('jpeg') })
    const url = (await tempUrl(cloud, up.fileID)).tempFileURL
    expect((await fetch(url)).status).toBe(200)

    const del = await cloud.deleteFile({ fileList: [up.fileID] })
    expect(del.fileList).toEqual([{ fileID: up.fileID, status: 0, errMsg: 'ok' }])

    const after = await tempUrl(cloud, up.fileID)
    expect(after).toMatchObject({ fileID: up.fileID, status: -503003, errMsg: 'storage file not exists', tempFileURL: '' })
    const gone = await fetch(url)
    expect(gone.status).toBe(404)
    expect(await gone.text()).toContain('<Code>NoSuchKey</Code>')

    const again = await cloud.deleteFile({ fileList: [up.fileID] })
    expect(again.fileList).toEqual([{ fileID: up.fileID, status: -503003, errMsg: 'storage file not exists' }])

    const download = await errorOf(cloud.downloadFile({ fileID: up.fileID }))
    expect(download.errMsg).toContain(`file not found: ${up.fileID}`)
  })

  test('a batch answers per file: found, missing, malformed', async () => {
    const up = await cloud.uploadFile({ cloudPath: 'batch/one.txt', fileContent: Buffer.from('1') })
    const res = await cloud.getTempFileURL({ fileList: [up.fileID, fileId('batch/none.txt'), 'not-a-file-id', `cloud://local.other-bucket/batch/one.txt`] })
    expect(res.fileList.map((f: { status: number }) => f.status)).toEqual([0, -503003, -501007, -503003])
  })
})

describe('cloud paths', () => {
  test('path traversal and absolute paths are rejected and nothing is stored', async () => {
    const before = objectFiles(emu.dataDir).length
    for (const cloudPath of ['../escape.txt', 'a/../../escape.txt', '/abs.txt', 'a//b.txt', 'a/./b.txt', 'a\\..\\b.txt', 'a/b%2F..%2Fc']) {
      const err = await errorOf(cloud.uploadFile({ cloudPath, fileContent: Buffer.from('x') }))
      expect(err.errMsg).toMatch(/^uploadFile:fail cloudPath must not/)
    }
    const traversal = await errorOf(cloud.uploadFile({ cloudPath: 'a/../b.txt', fileContent: Buffer.from('x') }))
    expect(traversal.errMsg).toBe('uploadFile:fail cloudPath must not contain ".." (path traversal)')
    expect(objectFiles(emu.dataDir).length).toBe(before)
    expect(fs.existsSync(path.join(emu.dataDir, 'escape.txt'))).toBe(false)
  })

  test('raw HTTP: encoded traversal is refused and an upload without a valid token is denied', async () => {
    const put = (p: string, headers: Record<string, string> = {}) => fetch(`${emu.baseUrl}/storage/${BUCKET}/${p}`, { method: 'PUT', body: 'x', headers })
    const traversal = await put('a%2F..%2F..%2Fx.txt')
    expect(traversal.status).toBe(400)
    expect(await traversal.text()).toContain('<Code>InvalidObjectName</Code>')

    const noToken = await put('ok/x.txt')
    expect(noToken.status).toBe(403)
    const forged = await put('ok/x.txt', { 'x-cos-security-token': `${Date.now() + 60_000}.forged` })
    expect(forged.status).toBe(403)
    expect((await fetch(`${emu.baseUrl}/storage/${BUCKET}/ok/x.txt`)).status).toBe(404)

    const read = await fetch(`${emu.baseUrl}/storage/${BUCKET}/a%2F..%2F..%2Fetc%2Fpasswd`)
    expect(read.status).toBe(404)
  })
})

describe('saveUpload (H5 gateway) and durability', () => {
  test('saveUpload stores a file the emulator serves, and the SDK sees it', async () => {
    // the service in-process over the running emulator's data dir, as the gateway uses it
    const storage = await createStorageService({ dataDir: emu.dataDir, baseUrl: emu.baseUrl })
    const bytes = randomBytes(1000)
    const saved = await storage.saveUpload('h5/o_web/avatar.jpg', bytes, 'image/jpeg')
    expect(saved).toEqual({ fileID: fileId('h5/o_web/avatar.jpg') })

    const url = storage.downloadUrl(saved.fileID)
    expect(url).toBe(`${emu.baseUrl}/storage/${BUCKET}/h5/o_web/avatar.jpg`)
    const res = await fetch(url!)
    expect(res.headers.get('content-type')).toBe('image/jpeg')
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true)

    const down = await cloud.downloadFile({ fileID: saved.fileID })
    expect(Buffer.from(down.fileContent).equals(bytes)).toBe(true)

    // unicode path: the public URL is percent-encoded (usable in a Location header)
    const uni = await storage.saveUpload('h5/o_web/头像.png', bytes, 'application/octet-stream')
    expect(storage.downloadUrl(uni.fileID)).toBe(`${emu.baseUrl}/storage/${BUCKET}/h5/o_web/${encodeURIComponent('头像.png')}`)
    expect((await fetch(storage.downloadUrl(uni.fileID)!)).headers.get('content-type')).toBe('image/png')

    expect(storage.downloadUrl(fileId('h5/o_web/missing.jpg'))).toBeNull()
    expect(storage.downloadUrl('garbage')).toBeNull()
    await expect(storage.saveUpload('h5/../../x.jpg', bytes)).rejects.toMatchObject({ status: 400, code: 'INVALID_PARAM' })
    await storage.close?.()
  })

  test('files survive a crash and restart of the emulator', async () => {
    const dataDir = tempDataDir('emu-storage-')
    const first = await startEmulator({ dataDir, args: ['--no-timers'] })
    const bytes = randomBytes(4096)
    let id: string
    try {
      const up = await sdkFor(first).uploadFile({ cloudPath: 'durable/file.bin', fileContent: bytes })
      id = up.fileID
    } finally {
      await first.kill9()
    }
    const second = await startEmulator({ dataDir, args: ['--no-timers'] })
    try {
      const c = sdkFor(second)
      const item = await tempUrl(c, id)
      expect(item.status).toBe(0)
      expect(item.tempFileURL.startsWith(second.baseUrl)).toBe(true)
      const res = await fetch(item.tempFileURL)
      expect(res.headers.get('content-type')).toBe('application/octet-stream')
      expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true)
    } finally {
      await second.stop()
    }
  })
})

describe('private folders (exports/): signed, short-lived links only', () => {
  const withParam = (url: string, name: string, value: string) => {
    const u = new URL(url)
    u.searchParams.set(name, value)
    return u.toString()
  }

  test('the plain URL is refused; getTempFileURL answers a signed link of at most 10 minutes that works; a tampered one does not', async () => {
    const bytes = Buffer.from('\uFEFF会员号,昵称\r\n', 'utf8')
    const up = await cloud.uploadFile({ cloudPath: 'exports/console/segment-a.csv', fileContent: bytes })
    const plain = await fetch(`${emu.baseUrl}/storage/${BUCKET}/exports/console/segment-a.csv`)
    expect(plain.status).toBe(403)
    expect(await plain.text()).toContain('<Code>AccessDenied</Code>')

    // no max_age asked (the SDK's default would be a day): cut to the private maximum
    const item = await tempUrl(cloud, up.fileID)
    expect(item).toMatchObject({ status: 0, maxAge: PRIVATE_LINK_MAX_SECONDS })
    const link = new URL(item.tempFileURL)
    expect(link.pathname).toBe(`/storage/${BUCKET}/exports/console/segment-a.csv`)
    const expires = Number(link.searchParams.get('expires'))
    expect(expires - Date.now()).toBeGreaterThan(0)
    expect(expires - Date.now()).toBeLessThanOrEqual(PRIVATE_LINK_MAX_SECONDS * 1000)

    const res = await fetch(item.tempFileURL)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename*=UTF-8''segment-a.csv`)
    expect(res.headers.get('access-control-allow-origin')).toBeNull()
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true)

    const shorter = (await cloud.getTempFileURL({ fileList: [{ fileID: up.fileID, maxAge: 60 }] })).fileList[0]
    expect(shorter.maxAge).toBe(60)

    expect((await fetch(withParam(item.tempFileURL, 'sign', 'forged'))).status).toBe(403)
    expect((await fetch(withParam(item.tempFileURL, 'expires', String(expires + 1000)))).status).toBe(403)
    // a valid signature for another file does not open this one
    const other = await cloud.uploadFile({ cloudPath: 'exports/console/segment-b.csv', fileContent: Buffer.from('b') })
    const otherLink = new URL((await tempUrl(cloud, other.fileID)).tempFileURL)
    const swapped = `${emu.baseUrl}/storage/${BUCKET}/exports/console/segment-a.csv?expires=${otherLink.searchParams.get('expires')}&sign=${otherLink.searchParams.get('sign')}`
    expect((await fetch(swapped)).status).toBe(403)

    // the SDK's downloadFile goes through a fresh link
    expect(Buffer.from((await cloud.downloadFile({ fileID: up.fileID })).fileContent).equals(bytes)).toBe(true)
    // files outside the private folders stay public
    const pub = await cloud.uploadFile({ cloudPath: 'exportsx/public.txt', fileContent: Buffer.from('p') })
    expect((await tempUrl(cloud, pub.fileID)).tempFileURL).toBe(`${emu.baseUrl}/storage/${BUCKET}/exportsx/public.txt`)
  })

  test('a link stops working when its time is up (the service on a clock the test moves)', async () => {
    let clock = Date.parse('2026-03-10T02:00:00Z')
    const server = http.createServer()
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    const storage = await createStorageService({ dataDir: tempDataDir('emu-private-'), baseUrl }, { now: () => clock })
    server.on('request', (req, res) => void storage.route!(req, res, new URL(req.url || '/', baseUrl)))
    try {
      const { fileID } = await storage.saveUpload('exports/o_boss/segment-x.csv', Buffer.from('x'), 'text/csv')
      const reply = await storage.handle('storage.batchGetDownloadUrl', { file_list: [{ fileid: fileID, max_age: 120 }] })
      const [item] = (reply.data as { download_list: Array<{ tempFileURL: string; maxAge: number }> }).download_list
      expect(item.maxAge).toBe(120)
      expect(new URL(item.tempFileURL).searchParams.get('expires')).toBe(String(clock + 120_000))

      expect((await fetch(item.tempFileURL)).status).toBe(200)
      clock += 119_000
      expect((await fetch(item.tempFileURL)).status).toBe(200)
      clock += 2_000
      const late = await fetch(item.tempFileURL)
      expect(late.status).toBe(403)
      expect(await late.text()).toContain('expired')

      // asking for an hour still gets 10 minutes
      const long = await storage.handle('storage.batchGetDownloadUrl', { file_list: [{ fileid: fileID, max_age: 3600 }] })
      const [longItem] = (long.data as { download_list: Array<{ tempFileURL: string; maxAge: number }> }).download_list
      expect(longItem.maxAge).toBe(PRIVATE_LINK_MAX_SECONDS)
      expect(new URL(longItem.tempFileURL).searchParams.get('expires')).toBe(String(clock + PRIVATE_LINK_MAX_SECONDS * 1000))
    } finally {
      server.closeAllConnections()
      await new Promise<void>(resolve => server.close(() => resolve()))
      await storage.close?.()
    }
  })
})
