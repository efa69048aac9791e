import { fireEvent, render, screen, waitFor } from '@testing-library/react'
import Taro from './doubles/taro'
import { createSession, listDemoUsers } from '../../client/src/services/gateway'
import { getToken } from '../../client/src/services/session'
import LoginPage from '../../client/src/pages/login/index'
import { ok } from './fixtures'

jest.mock('../../client/src/services/gateway', () => ({
  GATEWAY: '/gateway',
  listDemoUsers: jest.fn(),
  createSession: jest.fn(),
}))

const list = listDemoUsers as jest.MockedFunction<typeof listDemoUsers>
const session = createSession as jest.MockedFunction<typeof createSession>

beforeEach(() => {
  list.mockReset()
  session.mockReset()
})

describe('本地登录 (H5)', () => {
  it('lists demo users; picking one stores its token and opens the home page', async () => {
    list.mockResolvedValue(
      ok([
        { openid: 'o_alice', nickname: '小爱' },
        { openid: 'o_bob', nickname: '' },
      ]),
    )
    session.mockResolvedValue(ok({ token: 't-bob', openid: 'o_bob' }))
    render(<LoginPage />)

    await waitFor(() => expect(document.getElementById('login-user-o_bob')).toBeInTheDocument())
    const bob = document.getElementById('login-user-o_bob')!
    expect(document.getElementById('login-user-o_alice')).toHaveTextContent('小爱')
    expect(bob).toHaveTextContent('未命名用户')
    fireEvent.click(bob)

    await waitFor(() => expect(Taro.reLaunch).toHaveBeenCalledWith({ url: '/pages/index/index' }))
    expect(session).toHaveBeenCalledWith('o_bob')
    expect(getToken()).toBe('t-bob')
  })

  it('creates a new demo user', async () => {
    list.mockResolvedValue(ok([]))
    session.mockResolvedValue(ok({ token: 't-new', openid: 'o_new' }))
    render(<LoginPage />)

    expect(await screen.findByText('还没有体验用户，请创建一个。')).toBeInTheDocument()
    fireEvent.click(screen.getByRole('button', { name: '创建新的体验用户' }))
    await waitFor(() => expect(Taro.reLaunch).toHaveBeenCalled())
    expect(session).toHaveBeenCalledWith(undefined)
    expect(getToken()).toBe('t-new')
  })

  it('shows gateway errors and stays on the page', async () => {
    list.mockResolvedValueOnce({ ok: false, code: 'INTERNAL', message: '无法连接本地网关，请确认模拟器已启动' })
    session.mockResolvedValue({ ok: false, code: 'INTERNAL', message: '会话创建失败' })
    render(<LoginPage />)

    expect(await screen.findByText('无法连接本地网关，请确认模拟器已启动')).toBeInTheDocument()
    list.mockResolvedValueOnce(ok([{ openid: 'o_alice', nickname: '小爱' }]))
    fireEvent.click(screen.getByRole('button', { name: '重试' }))
    await waitFor(() => expect(document.getElementById('login-user-o_alice')).toBeInTheDocument())

    fireEvent.click(document.getElementById('login-create')!)
    expect(await screen.findByText('会话创建失败')).toHaveAttribute('id', 'login-error')
    expect(getToken()).toBe('')
    expect(Taro.reLaunch).not.toHaveBeenCalled()
  })
})
