import { act, fireEvent, render, screen, waitFor } from '@testing-library/react'
import Taro, { triggerDidShow } from './doubles/taro'
import { setChooseAvatarResult } from './doubles/components'
import { callFunction, uploadFile } from '../../client/src/services/cloud'
import ProfilePage from '../../client/src/pages/profile/index'
import { deferred, member, ok } from './fixtures'
import type { MemberProfile } from '../../types/member'
import type { Result } from '../../types/result'

jest.mock('../../client/src/services/cloud', () => require('./doubles/cloud').cloudDouble(async (id: string) => `https://files.test/${encodeURIComponent(id)}`))

const call = callFunction as jest.MockedFunction<typeof callFunction>
const upload = uploadFile as jest.MockedFunction<typeof uploadFile>
type Out = Result<{ member: MemberProfile }>

/** Routes the mocked callFunction by action: getProfile answers `current`, updateProfile uses `onUpdate`. */
function backend(current: MemberProfile, onUpdate: (patch: Record<string, unknown>) => Out | Promise<Out> = p => ok({ member: { ...current, ...p } as MemberProfile })) {
  call.mockImplementation(async (_name, event) => {
    if (event.action === 'getProfile') return ok({ member: current })
    if (event.action === 'updateProfile') return onUpdate(event.patch as Record<string, unknown>)
    throw new Error(`unexpected ${String(event.action)}`)
  })
}

const updates = () => call.mock.calls.filter(([, e]) => e.action === 'updateProfile')
const saveButton = () => document.getElementById('profile-save') as HTMLButtonElement
const radio = (gender: string) => document.querySelector(`#profile-gender-${gender} input[type=radio]`) as HTMLInputElement
const nicknameInput = () => document.getElementById('profile-nickname') as HTMLInputElement

async function renderLoaded() {
  render(<ProfilePage />)
  await waitFor(() => expect(nicknameInput()).toBeInTheDocument())
}

beforeEach(() => {
  call.mockReset()
  upload.mockReset()
  delete process.env.TARO_ENV
})

afterEach(() => {
  jest.useRealTimers()
})

describe('编辑资料', () => {
  it('loads the profile into the form', async () => {
    backend(member())
    await renderLoaded()
    expect(call).toHaveBeenCalledWith('member', { action: 'getProfile' })
    expect(nicknameInput()).toHaveValue('小爱')
    expect(nicknameInput()).toHaveAttribute('data-type', 'nickname')
    expect(document.getElementById('profile-birthday')).toHaveTextContent('1990-05-01')
    expect(radio('female')).toBeChecked()
    expect(radio('male')).not.toBeChecked()
    expect(document.getElementById('profile-avatar')).toHaveAttribute('data-open-type', 'chooseAvatar')
  })

  it('sends only the nickname when only the nickname changed, toasts and goes back', async () => {
    jest.useFakeTimers()
    backend(member())
    await renderLoaded()

    fireEvent.change(nicknameInput(), { target: { value: '小爱同学' } })
    fireEvent.click(saveButton())

    await waitFor(() => expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已保存' })))
    expect(updates()).toEqual([['member', { action: 'updateProfile', patch: { nickname: '小爱同学' } }]])
    expect(Taro.navigateBack).not.toHaveBeenCalled()
    act(() => {
      jest.advanceTimersByTime(1000)
    })
    expect(Taro.navigateBack).toHaveBeenCalled()
  })

  it('sends birthday and gender (and nothing else) when those changed', async () => {
    backend(member())
    await renderLoaded()

    fireEvent.change(screen.getByTestId('picker-date'), { target: { value: '1991-12-24' } })
    expect(document.getElementById('profile-birthday')).toHaveTextContent('1991-12-24')
    fireEvent.click(document.getElementById('profile-gender-unknown')!)
    expect(radio('unknown')).toBeChecked()
    expect(radio('female')).not.toBeChecked()
    fireEvent.click(saveButton())

    await waitFor(() => expect(updates()).toHaveLength(1))
    expect(updates()[0][1]).toEqual({ action: 'updateProfile', patch: { birthday: '1991-12-24', gender: 'unknown' } })
  })

  it('does not call the server when nothing changed (whitespace around the nickname is no change)', async () => {
    backend(member())
    await renderLoaded()
    fireEvent.change(nicknameInput(), { target: { value: ' 小爱 ' } })
    fireEvent.click(saveButton())
    expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '没有修改' }))
    expect(updates()).toHaveLength(0)
  })

  it('shows the server validation message and lets the user fix it', async () => {
    backend(member(), patch => (patch.nickname === '' ? { ok: false, code: 'INVALID_ARGUMENT', message: '昵称不能为空' } : ok({ member: member({ nickname: String(patch.nickname) }) })))
    await renderLoaded()

    fireEvent.change(nicknameInput(), { target: { value: '' } })
    fireEvent.click(saveButton())
    expect(await screen.findByText('昵称不能为空')).toHaveAttribute('id', 'profile-error')
    expect(Taro.showToast).not.toHaveBeenCalled()
    expect(saveButton()).toBeEnabled()

    fireEvent.change(nicknameInput(), { target: { value: '阿爱' } })
    fireEvent.click(saveButton())
    await waitFor(() => expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已保存' })))
    expect(document.getElementById('profile-error')).toBeNull()
    expect(updates().map(([, e]) => e.patch)).toEqual([{ nickname: '' }, { nickname: '阿爱' }])
  })

  it('lists per-field issues the server returns with the message', async () => {
    backend(member(), () => ({
      ok: false,
      code: 'INVALID_ARGUMENT',
      message: '参数不正确',
      issues: [{ path: 'patch.nickname', message: '昵称最多 20 个字' }],
    }))
    await renderLoaded()
    fireEvent.change(nicknameInput(), { target: { value: '一'.repeat(21) } })
    fireEvent.click(saveButton())
    expect(await screen.findByText('参数不正确：昵称最多 20 个字')).toBeInTheDocument()
  })

  it('disables the save button while saving and ignores repeated taps', async () => {
    const pending = deferred<Out>()
    backend(member(), () => pending.promise)
    await renderLoaded()

    fireEvent.change(nicknameInput(), { target: { value: '新名字' } })
    expect(saveButton()).toBeEnabled()
    fireEvent.click(saveButton())
    await waitFor(() => expect(saveButton()).toBeDisabled())
    expect(saveButton()).toHaveTextContent('保存中')
    fireEvent.click(saveButton())
    expect(updates()).toHaveLength(1)

    await act(async () => pending.resolve(ok({ member: member({ nickname: '新名字' }) })))
    expect(saveButton()).toBeEnabled()
    expect(saveButton()).toHaveTextContent('保存')
    expect(updates()).toHaveLength(1)
  })

  it('uploads a chosen avatar to avatars/<openid>/<timestamp>.<ext> and saves its fileID', async () => {
    backend(member())
    upload.mockResolvedValue('cloud://env.bucket/avatars/o_alice/1700000000000.jpeg')
    await renderLoaded()

    setChooseAvatarResult('http://tmp/wx-avatar.jpeg')
    fireEvent.click(document.getElementById('profile-avatar')!)
    await waitFor(() => expect(upload).toHaveBeenCalledTimes(1))
    const [cloudPath, tempPath] = upload.mock.calls[0]
    expect(cloudPath).toMatch(/^avatars\/o_alice\/\d{13}\.jpeg$/)
    expect(tempPath).toBe('http://tmp/wx-avatar.jpeg')
    await waitFor(() => expect(saveButton()).toBeEnabled())
    expect(document.getElementById('profile-avatar-image')).toHaveAttribute('src', 'http://tmp/wx-avatar.jpeg')

    fireEvent.click(saveButton())
    await waitFor(() => expect(updates()).toHaveLength(1))
    expect(updates()[0][1]).toEqual({
      action: 'updateProfile',
      patch: { avatarFileId: 'cloud://env.bucket/avatars/o_alice/1700000000000.jpeg' },
    })
  })

  it('disables save while the avatar uploads and reports a failed upload', async () => {
    const pending = deferred<string>()
    backend(member())
    upload.mockReturnValue(pending.promise)
    await renderLoaded()

    fireEvent.click(document.getElementById('profile-avatar')!)
    await waitFor(() => expect(saveButton()).toBeDisabled())
    await act(async () => pending.reject(new Error('存储空间已满')))
    expect(screen.getByText('头像上传失败：存储空间已满')).toBeInTheDocument()
    expect(saveButton()).toBeEnabled()

    fireEvent.click(saveButton())
    expect(updates()).toHaveLength(0) // nothing changed: the failed avatar is not sent
  })

  it('on H5 offers a file input instead of chooseAvatar', async () => {
    process.env.TARO_ENV = 'h5'
    const createObjectURL = jest.fn(() => 'blob:http://localhost/abc')
    Object.defineProperty(URL, 'createObjectURL', { value: createObjectURL, configurable: true })
    backend(member())
    upload.mockResolvedValue('cloud://env.bucket/avatars/o_alice/1.png')
    await renderLoaded()

    expect(nicknameInput()).toHaveAttribute('data-type', 'text')
    const fileInput = document.getElementById('profile-avatar-file') as HTMLInputElement
    expect(fileInput).toHaveAttribute('type', 'file')
    const file = new File(['png'], 'me.png', { type: 'image/png' })
    fireEvent.change(fileInput, { target: { files: [file] } })
    await waitFor(() => expect(upload).toHaveBeenCalledTimes(1))
    expect(upload.mock.calls[0][0]).toMatch(/^avatars\/o_alice\/\d+\.png$/)
    expect(upload.mock.calls[0][1]).toBe('blob:http://localhost/abc')
    await waitFor(() => expect(saveButton()).toBeEnabled())
    fireEvent.click(saveButton())
    await waitFor(() => expect(updates()).toHaveLength(1))
    expect(updates()[0][1]).toEqual({ action: 'updateProfile', patch: { avatarFileId: 'cloud://env.bucket/avatars/o_alice/1.png' } })
  })

  it('shows a load error with a retry', async () => {
    call.mockResolvedValueOnce({ ok: false, code: 'NOT_FOUND', message: '还不是会员，请先登录' })
    render(<ProfilePage />)
    expect(await screen.findByText('还不是会员，请先登录')).toBeInTheDocument()
    backend(member({ nickname: '回来了' }))
    fireEvent.click(screen.getByRole('button', { name: '重试' }))
    await waitFor(() => expect(nicknameInput()).toHaveValue('回来了'))
  })

  it('shows the member’s own phone unmasked and opens 绑定手机号; back from it, shows the new number and keeps edits', async () => {
    backend(member({ phone: null }))
    await renderLoaded()
    expect(document.getElementById('profile-phone')).toHaveTextContent('未绑定')
    fireEvent.click(document.getElementById('profile-phone-row')!)
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/phone/index' })

    fireEvent.change(nicknameInput(), { target: { value: '编辑中' } })
    backend(member({ phone: '13812345678' }))
    await act(async () => triggerDidShow())
    await waitFor(() => expect(document.getElementById('profile-phone')).toHaveTextContent('13812345678'))
    expect(nicknameInput()).toHaveValue('编辑中')
  })

  it('links to 隐私与账号', async () => {
    backend(member())
    await renderLoaded()
    fireEvent.click(document.getElementById('profile-privacy-entry')!)
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/privacy/index' })
  })
})
