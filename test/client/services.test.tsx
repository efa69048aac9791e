/** The platform services themselves (not mocked here): H5 gateway client and weapp cloud calls. */
import Taro from './doubles/taro'
import * as h5 from '../../client/src/services/cloud.h5'
import * as weapp from '../../client/src/services/cloud.weapp'
import { createSession, listDemoUsers } from '../../client/src/services/gateway'
import { clearToken, getToken, setToken } from '../../client/src/services/session'
import { memberApi } from '../../client/src/services/member'
import { staffApi } from '../../client/src/services/staff'
import { loadCodeKey, saveCodeKey } from '../../client/src/utils/code-key'
import { changedFields } from '../../client/src/utils/profile'
import { avatarCloudPath, imageExt, shanghaiDateText, shanghaiToday } from '../../client/src/utils/format'
import { member } from './fixtures'

function response(status: number, body: unknown) {
  return { status, json: async () => body, blob: async () => new Blob(['x']) } as unknown as Response
}

const fetchMock = jest.fn()
beforeEach(() => {
  fetchMock.mockReset()
  ;(globalThis as { fetch?: unknown }).fetch = fetchMock
})

describe('cloud.h5 (local gateway)', () => {
  it('without a token: no request, UNAUTHENTICATED and off to the sign-in page', async () => {
    const res = await h5.callFunction('member', { action: 'login' })
    expect(res).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' })
    expect(fetchMock).not.toHaveBeenCalled()
    expect(Taro.reLaunch).toHaveBeenCalledWith({ url: '/pages/login/index' })
    expect(h5.needsSignIn()).toBe(true)
  })

  it('POSTs the event to /gateway/functions/<name> with the bearer token and returns the result', async () => {
    setToken('tok-1')
    fetchMock.mockResolvedValue(response(200, { ok: true, data: { member: member(), created: false } }))
    const res = await memberApi.login()
    expect(res).toEqual({ ok: true, data: { member: member(), created: false } })
    const [url, init] = fetchMock.mock.calls[0]
    expect(url).toBe('/gateway/functions/member')
    expect(init.method).toBe('POST')
    expect(init.headers).toMatchObject({ Authorization: 'Bearer tok-1', 'Content-Type': 'application/json' })
    expect(JSON.parse(init.body)).toEqual({ action: 'login' })
    expect(h5.needsSignIn()).toBe(false)
  })

  it('passes function failures through unchanged', async () => {
    setToken('tok-1')
    const failure = { ok: false, code: 'INVALID_ARGUMENT', message: '昵称不能为空' }
    fetchMock.mockResolvedValue(response(200, failure))
    expect(await memberApi.updateProfile({ nickname: '' })).toEqual(failure)
    expect(JSON.parse(fetchMock.mock.calls[0][1].body)).toEqual({ action: 'updateProfile', patch: { nickname: '' } })
  })

  it('on HTTP 401 drops the token and goes to the sign-in page', async () => {
    setToken('stale')
    fetchMock.mockResolvedValue(response(401, { ok: false, code: 'UNAUTHENTICATED', message: 'bad token' }))
    const res = await h5.callFunction('member', { action: 'getProfile' })
    expect(res).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' })
    expect(getToken()).toBe('')
    expect(Taro.reLaunch).toHaveBeenCalledWith({ url: '/pages/login/index' })
  })

  it('turns network failures and non-JSON answers into INTERNAL failures', async () => {
    setToken('tok-1')
    fetchMock.mockRejectedValueOnce(new TypeError('Failed to fetch'))
    expect(await h5.callFunction('member', { action: 'login' })).toMatchObject({ ok: false, code: 'INTERNAL' })
    fetchMock.mockResolvedValueOnce({
      status: 502,
      json: async () => {
        throw new SyntaxError('x')
      },
    })
    const res = await h5.callFunction('member', { action: 'login' })
    expect(res).toMatchObject({ ok: false, code: 'INTERNAL' })
    expect(res.ok === false && res.message).toContain('502')
  })

  it('uploads multipart cloudPath + file and returns the fileID', async () => {
    setToken('tok-1')
    fetchMock
      .mockResolvedValueOnce(response(200, null)) // fetch(blob:…) → the file bytes
      .mockResolvedValueOnce(response(200, { ok: true, data: { fileID: 'cloud://local.bucket/avatars/o_a/1.png' } }))
    const id = await h5.uploadFile('avatars/o_a/1.png', 'blob:http://localhost/abc')
    expect(id).toBe('cloud://local.bucket/avatars/o_a/1.png')
    expect(fetchMock.mock.calls[0][0]).toBe('blob:http://localhost/abc')
    const [url, init] = fetchMock.mock.calls[1]
    expect(url).toBe('/gateway/upload')
    expect(init.headers).toEqual({ Authorization: 'Bearer tok-1' })
    const form = init.body as FormData
    expect(form.get('cloudPath')).toBe('avatars/o_a/1.png')
    expect(form.get('file')).toBeInstanceOf(Blob)
  })

  it('rejects a failed upload with the gateway message', async () => {
    setToken('tok-1')
    fetchMock.mockResolvedValueOnce(response(200, null)).mockResolvedValueOnce(response(400, { ok: false, code: 'INVALID_ARGUMENT', message: '文件太大' }))
    await expect(h5.uploadFile('avatars/o_a/1.png', 'blob:x')).rejects.toThrow('文件太大')
  })

  it('serves files through /gateway/file', async () => {
    expect(await h5.fileUrl('cloud://local.bucket/a b.png')).toBe('/gateway/file?fileID=cloud%3A%2F%2Flocal.bucket%2Fa%20b.png')
  })

  it('lists demo users and creates sessions', async () => {
    fetchMock.mockResolvedValueOnce(response(200, { ok: true, data: [{ openid: 'o_a', nickname: 'A' }] }))
    expect(await listDemoUsers()).toEqual({ ok: true, data: [{ openid: 'o_a', nickname: 'A' }] })
    expect(fetchMock.mock.calls[0][0]).toBe('/gateway/users')

    fetchMock.mockResolvedValueOnce(response(200, { ok: true, data: { token: 't', openid: 'o_new' } }))
    await createSession()
    expect(fetchMock.mock.calls[1][0]).toBe('/gateway/session')
    expect(JSON.parse(fetchMock.mock.calls[1][1].body)).toEqual({})

    fetchMock.mockResolvedValueOnce(response(200, { ok: true, data: { token: 't', openid: 'o_a' } }))
    await createSession('o_a')
    expect(JSON.parse(fetchMock.mock.calls[2][1].body)).toEqual({ openid: 'o_a' })
  })
})

describe('cloud.weapp (Taro.cloud)', () => {
  it('initializes the cloud once and returns res.result', async () => {
    ;(Taro.cloud.callFunction as jest.Mock).mockResolvedValue({ result: { ok: true, data: { n: 1 } } })
    weapp.initCloud()
    const res = await weapp.callFunction('member', { action: 'getProfile' })
    expect(res).toEqual({ ok: true, data: { n: 1 } })
    expect(Taro.cloud.init).toHaveBeenCalledTimes(1)
    expect(Taro.cloud.init).toHaveBeenCalledWith({ traceUser: true })
    expect(Taro.cloud.callFunction).toHaveBeenCalledWith({ name: 'member', data: { action: 'getProfile' } })
  })

  it('turns SDK errors and malformed results into INTERNAL failures', async () => {
    ;(Taro.cloud.callFunction as jest.Mock).mockRejectedValueOnce({ errMsg: 'cloud.callFunction:fail -404011 function not found' })
    const res = await weapp.callFunction('member', { action: 'login' })
    expect(res).toMatchObject({ ok: false, code: 'INTERNAL' })
    expect(res.ok === false && res.message).toContain('function not found')
    ;(Taro.cloud.callFunction as jest.Mock).mockResolvedValueOnce({ result: 'oops' })
    expect(await weapp.callFunction('member', { action: 'login' })).toMatchObject({ ok: false, code: 'INTERNAL' })
  })

  it('uploads with Taro.cloud.uploadFile and shows cloud:// ids directly', async () => {
    ;(Taro.cloud.uploadFile as jest.Mock).mockResolvedValue({ fileID: 'cloud://env.b/avatars/o/1.jpg' })
    expect(await weapp.uploadFile('avatars/o/1.jpg', 'wxfile://tmp_1.jpg')).toBe('cloud://env.b/avatars/o/1.jpg')
    expect(Taro.cloud.uploadFile).toHaveBeenCalledWith({ cloudPath: 'avatars/o/1.jpg', filePath: 'wxfile://tmp_1.jpg' })
    expect(await weapp.fileUrl('cloud://env.b/x.jpg')).toBe('cloud://env.b/x.jpg')
    expect(weapp.needsSignIn()).toBe(false)
  })
})

describe('client utils', () => {
  it('formats dates as Shanghai days', () => {
    expect(shanghaiDateText('2024-03-04T15:59:59.000Z')).toBe('2024年3月4日')
    expect(shanghaiDateText('2024-03-04T16:00:00.000Z')).toBe('2024年3月5日')
    expect(shanghaiToday(new Date('2024-12-31T16:00:00.000Z'))).toBe('2025-01-01')
  })

  it('derives image extensions and avatar paths', () => {
    expect(imageExt('http://tmp/abc.JPEG')).toBe('jpeg')
    expect(imageExt('wxfile://tmp_a1.png')).toBe('png')
    expect(imageExt('blob:http://127.0.0.1:8080/5f1c-4e', 'image/webp')).toBe('webp')
    expect(imageExt('blob:http://127.0.0.1:8080/5f1c-4e', 'image/jpeg')).toBe('jpg')
    expect(imageExt('blob:http://localhost/x')).toBe('jpg')
    expect(avatarCloudPath('o_a', 'png', 1700000000000)).toBe('avatars/o_a/1700000000000.png')
  })

  it('computes only the changed profile fields', () => {
    const m = member()
    expect(changedFields(m, { nickname: '小爱', avatarFileId: null, birthday: '1990-05-01', gender: 'female' })).toEqual({})
    expect(changedFields(m, { nickname: '小爱', avatarFileId: null, birthday: null, gender: 'male' })).toEqual({ birthday: null, gender: 'male' })
  })
})

describe('member and staff actions on the wire (H5 gateway)', () => {
  beforeEach(() => setToken('tok-1'))
  const sent = () => fetchMock.mock.calls.map(([url, init]) => [url, JSON.parse(init.body)])

  it('member actions send the contract events', async () => {
    fetchMock.mockResolvedValue(response(200, { ok: true, data: {} }))
    await memberApi.getPoints()
    await memberApi.pointsHistory(20, 20)
    await memberApi.getCodeKey()
    await memberApi.requestPhoneCode('13812345678')
    await memberApi.bindPhone('wx-code')
    await memberApi.bindPhoneBySms('13812345678', '123456')
    await memberApi.exportMyData()
    await memberApi.deleteMyAccount()
    expect(sent()).toEqual([
      ['/gateway/functions/member', { action: 'getPoints' }],
      ['/gateway/functions/member', { action: 'pointsHistory', offset: 20, limit: 20 }],
      ['/gateway/functions/member', { action: 'getCodeKey' }],
      ['/gateway/functions/member', { action: 'requestPhoneCode', phone: '13812345678' }],
      ['/gateway/functions/member', { action: 'bindPhone', wxCode: 'wx-code' }],
      ['/gateway/functions/member', { action: 'bindPhoneBySms', phone: '13812345678', smsCode: '123456' }],
      ['/gateway/functions/member', { action: 'exportMyData' }],
      ['/gateway/functions/member', { action: 'deleteMyAccount', confirm: true }],
    ])
  })

  it('staff actions send the contract events (a refund without amount omits amountFen)', async () => {
    fetchMock.mockResolvedValue(response(200, { ok: true, data: {} }))
    await staffApi.me()
    await staffApi.verifyCode('100000000112345678')
    await staffApi.findMemberByPhone('13812345678')
    await staffApi.recordPurchase({ requestId: 'p-abcdefgh', member: { memberNo: '1000000001' }, amountFen: 1230 })
    await staffApi.refundPurchase({ requestId: 'rf-abcdefgh', purchaseId: 'pur_1' })
    await staffApi.refundPurchase({ requestId: 'rf-abcdefgi', purchaseId: 'pur_1', amountFen: 500, reason: '退货' })
    await staffApi.today()
    expect(sent()).toEqual([
      ['/gateway/functions/staff', { action: 'me' }],
      ['/gateway/functions/staff', { action: 'verifyCode', code: '100000000112345678' }],
      ['/gateway/functions/staff', { action: 'findMemberByPhone', phone: '13812345678' }],
      ['/gateway/functions/staff', { action: 'recordPurchase', requestId: 'p-abcdefgh', member: { memberNo: '1000000001' }, amountFen: 1230 }],
      ['/gateway/functions/staff', { action: 'refundPurchase', requestId: 'rf-abcdefgh', purchaseId: 'pur_1' }],
      ['/gateway/functions/staff', { action: 'refundPurchase', requestId: 'rf-abcdefgi', purchaseId: 'pur_1', amountFen: 500, reason: '退货' }],
      ['/gateway/functions/staff', { action: 'today' }],
    ])
  })
})

describe('cached member code key', () => {
  const key = { memberNo: '1000000001', key: 'k'.repeat(64), keyVersion: 2, stepSeconds: 30, clockOffsetMs: -1500 }

  it('is dropped when another identity signs in or the session ends (H5), kept for the same one', () => {
    setToken('tok-a')
    saveCodeKey(key)
    setToken('tok-a')
    expect(loadCodeKey()).toEqual(key)
    setToken('tok-b')
    expect(loadCodeKey()).toBeNull()
    saveCodeKey(key)
    clearToken()
    expect(loadCodeKey()).toBeNull()
  })

  it('ignores malformed stored values', () => {
    Taro.setStorageSync('member.codeKey', { key: 'x', memberNo: 'abc' })
    expect(loadCodeKey()).toBeNull()
    Taro.setStorageSync('member.codeKey', 'garbage')
    expect(loadCodeKey()).toBeNull()
  })
})
