import { act, fireEvent, render, screen, waitFor } from '@testing-library/react'
import Taro, { triggerDidShow } from './doubles/taro'
import { callFunction, fileUrl, needsSignIn, redirectToSignIn } from '../../client/src/services/cloud'
import IndexPage from '../../client/src/pages/index/index'
import { member, ok } from './fixtures'

jest.mock('../../client/src/services/cloud', () => ({
  initCloud: jest.fn(),
  callFunction: jest.fn(),
  uploadFile: jest.fn(),
  fileUrl: jest.fn(async (id: string) => `https://files.test/${encodeURIComponent(id)}`),
  needsSignIn: jest.fn(() => false),
  redirectToSignIn: jest.fn(),
}))

const call = callFunction as jest.MockedFunction<typeof callFunction>

beforeEach(() => {
  call.mockReset()
  ;(needsSignIn as jest.Mock).mockReturnValue(false)
  ;(redirectToSignIn as jest.Mock).mockClear()
})

describe('会员首页', () => {
  it('signs in with member.login on show and shows nickname, points and member-since date (Shanghai day)', async () => {
    call.mockResolvedValue(ok({ member: member(), created: false }))
    render(<IndexPage />)

    expect(document.getElementById('member-loading')).toHaveTextContent('加载中')
    expect(await screen.findByText('小爱')).toHaveAttribute('id', 'member-nickname')
    expect(call).toHaveBeenCalledTimes(1)
    expect(call).toHaveBeenCalledWith('member', { action: 'login' })
    expect(document.getElementById('member-points')).toHaveTextContent('120')
    expect(document.getElementById('member-since')).toHaveTextContent('2024年3月5日 成为会员')
    // no avatar yet: a placeholder with the first character of the nickname
    expect(document.getElementById('member-avatar')?.tagName).toBe('DIV')
    expect(document.getElementById('member-avatar')).toHaveTextContent('小')
    expect(Taro.showToast).not.toHaveBeenCalled()
  })

  it('shows the avatar through fileUrl and welcomes a member created by this sign-in', async () => {
    call.mockResolvedValue(ok({ member: member({ avatarFileId: 'cloud://env.bucket/avatars/o_alice/1.jpg' }), created: true }))
    render(<IndexPage />)

    await screen.findByText('小爱')
    expect(fileUrl).toHaveBeenCalledWith('cloud://env.bucket/avatars/o_alice/1.jpg')
    const avatar = document.getElementById('member-avatar')
    expect(avatar?.tagName).toBe('IMG')
    expect(avatar).toHaveAttribute('src', `https://files.test/${encodeURIComponent('cloud://env.bucket/avatars/o_alice/1.jpg')}`)
    expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '欢迎加入会员' }))
  })

  it('shows the server error message and retries', async () => {
    call.mockResolvedValueOnce({ ok: false, code: 'INTERNAL', message: '数据库暂时不可用' })
    render(<IndexPage />)

    expect(await screen.findByText('数据库暂时不可用')).toHaveAttribute('id', 'member-error-message')
    expect(document.getElementById('member-card')).toBeNull()

    call.mockResolvedValueOnce(ok({ member: member({ nickname: '重试成功' }), created: false }))
    fireEvent.click(screen.getByRole('button', { name: '重试' }))
    expect(await screen.findByText('重试成功')).toBeInTheDocument()
    expect(document.getElementById('member-error')).toBeNull()
    expect(call).toHaveBeenCalledTimes(2)
  })

  it('shows a thrown error (e.g. network) as an error state too', async () => {
    call.mockRejectedValueOnce(new Error('网络断开'))
    render(<IndexPage />)
    expect(await screen.findByText('网络断开')).toBeInTheDocument()
    expect(document.getElementById('member-retry')).toBeInTheDocument()
  })

  it('goes to the local sign-in page instead of calling the function when there is no session (H5)', async () => {
    ;(needsSignIn as jest.Mock).mockReturnValue(true)
    render(<IndexPage />)
    await waitFor(() => expect(redirectToSignIn).toHaveBeenCalledTimes(1))
    expect(call).not.toHaveBeenCalled()
  })

  it('opens 编辑资料', async () => {
    call.mockResolvedValue(ok({ member: member(), created: false }))
    render(<IndexPage />)
    fireEvent.click(await screen.findByRole('button', { name: '编辑资料' }))
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/profile/index' })
  })

  it('refreshes when shown again (back from 编辑资料) and keeps the card visible meanwhile', async () => {
    call.mockResolvedValueOnce(ok({ member: member(), created: false }))
    render(<IndexPage />)
    await screen.findByText('小爱')

    let finish!: (v: Awaited<ReturnType<typeof callFunction>>) => void
    call.mockReturnValueOnce(new Promise(res => (finish = res)))
    act(() => triggerDidShow())
    expect(screen.getByText('小爱')).toBeInTheDocument()
    expect(document.getElementById('member-loading')).toBeNull()

    await act(async () => finish(ok({ member: member({ nickname: '改名了', points: 130 }), created: false })))
    expect(screen.getByText('改名了')).toBeInTheDocument()
    expect(document.getElementById('member-points')).toHaveTextContent('130')
  })
})
