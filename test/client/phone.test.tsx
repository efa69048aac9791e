import { act, fireEvent, render, screen, waitFor } from '@testing-library/react'
import Taro from './doubles/taro'
import { setGetPhoneNumberResult } from './doubles/components'
import { callFunction } from '../../client/src/services/cloud'
import PhonePage from '../../client/src/pages/phone/index'
import { member, ok } from './fixtures'
import { eventsFor, failure, routeCalls, type Handlers } from './backend'

jest.mock('../../client/src/services/cloud', () => require('./doubles/cloud').cloudDouble())

const call = callFunction as jest.MockedFunction<typeof callFunction>
const byId = (id: string) => document.getElementById(id) as HTMLInputElement

function backend(more: Handlers = {}) {
  routeCalls(call, {
    'member.getProfile': ok({ member: member() }),
    'member.requestPhoneCode': ok({ sent: true, expiresInSeconds: 300, devCode: '246810' }),
    'member.bindPhoneBySms': e => ok({ member: member({ phone: String(e.phone) }) }),
    'member.bindPhone': ok({ member: member({ phone: '13800138000' }) }),
    ...more,
  })
}

beforeEach(() => {
  call.mockReset()
  delete process.env.TARO_ENV
  setGetPhoneNumberResult({ errMsg: 'getPhoneNumber:ok', code: 'wx-phone-code' })
})

afterEach(() => {
  jest.useRealTimers()
})

describe('绑定手机号 (H5: SMS code)', () => {
  beforeEach(() => {
    process.env.TARO_ENV = 'h5'
  })

  it('sends a code, shows the local demo code, cools down for 60 s, then binds with phone + code', async () => {
    jest.useFakeTimers()
    backend()
    render(<PhonePage />)
    await waitFor(() => expect(byId('phone-current')).toHaveTextContent('未绑定'))
    expect(byId('phone-wx')).toBeNull()

    fireEvent.change(byId('phone-input'), { target: { value: '13912345678' } })
    fireEvent.click(byId('phone-send-code'))
    await waitFor(() => expect(byId('phone-dev-code')).toHaveTextContent('本地演示验证码：246810'))
    expect(eventsFor(call, 'member.requestPhoneCode')).toEqual([{ action: 'requestPhoneCode', phone: '13912345678' }])

    const send = byId('phone-send-code')
    expect(send).toBeDisabled()
    expect(send).toHaveTextContent('60 秒后重新获取')
    act(() => {
      jest.advanceTimersByTime(1000)
    })
    expect(send).toHaveTextContent('59 秒后重新获取')
    fireEvent.click(send)
    act(() => {
      jest.advanceTimersByTime(58_000)
    })
    expect(send).toHaveTextContent('1 秒后重新获取')
    act(() => {
      jest.advanceTimersByTime(1000)
    })
    expect(send).toBeEnabled()
    expect(send).toHaveTextContent('获取验证码')
    expect(eventsFor(call, 'member.requestPhoneCode')).toHaveLength(1)

    fireEvent.change(byId('phone-sms-input'), { target: { value: '246810' } })
    fireEvent.click(byId('phone-submit'))
    await waitFor(() => expect(byId('phone-current')).toHaveTextContent('13912345678'))
    expect(eventsFor(call, 'member.bindPhoneBySms')).toEqual([{ action: 'bindPhoneBySms', phone: '13912345678', smsCode: '246810' }])
    expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '绑定成功' }))
    act(() => {
      jest.advanceTimersByTime(1000)
    })
    expect(Taro.navigateBack).toHaveBeenCalled()
  })

  it('checks the phone and the code before calling the server', async () => {
    backend()
    render(<PhonePage />)
    fireEvent.change(byId('phone-input'), { target: { value: '1234' } })
    fireEvent.click(byId('phone-send-code'))
    expect(await screen.findByText('请输入 11 位手机号')).toHaveAttribute('id', 'phone-error')
    fireEvent.change(byId('phone-input'), { target: { value: '13912345678' } })
    fireEvent.change(byId('phone-sms-input'), { target: { value: '12' } })
    fireEvent.click(byId('phone-submit'))
    expect(await screen.findByText('请输入 6 位验证码')).toBeInTheDocument()
    expect(eventsFor(call, 'member.requestPhoneCode')).toHaveLength(0)
    expect(eventsFor(call, 'member.bindPhoneBySms')).toHaveLength(0)
  })

  it('shows a wrong code and lets the member try again; no devCode line when the server sends none', async () => {
    backend({
      'member.requestPhoneCode': ok({ sent: true, expiresInSeconds: 300 }),
      'member.bindPhoneBySms': failure('PHONE_CODE_INVALID', '验证码错误或已过期'),
    })
    render(<PhonePage />)
    fireEvent.change(byId('phone-input'), { target: { value: '13912345678' } })
    fireEvent.click(byId('phone-send-code'))
    await waitFor(() => expect(eventsFor(call, 'member.requestPhoneCode')).toHaveLength(1))
    expect(byId('phone-dev-code')).toBeNull()
    fireEvent.change(byId('phone-sms-input'), { target: { value: '000000' } })
    fireEvent.click(byId('phone-submit'))
    expect(await screen.findByText('验证码错误或已过期')).toBeInTheDocument()
    expect(byId('phone-submit')).toBeEnabled()
  })
})

describe('绑定手机号 (weapp: getPhoneNumber)', () => {
  it('passes the code from the getPhoneNumber button to member.bindPhone', async () => {
    backend()
    render(<PhonePage />)
    await waitFor(() => expect(byId('phone-current')).toHaveTextContent('未绑定'))
    expect(byId('phone-input')).toBeNull()
    expect(byId('phone-wx')).toHaveAttribute('data-open-type', 'getPhoneNumber')

    setGetPhoneNumberResult({ errMsg: 'getPhoneNumber:ok', code: 'code-from-wechat' })
    fireEvent.click(byId('phone-wx'))
    await waitFor(() => expect(byId('phone-current')).toHaveTextContent('13800138000'))
    expect(eventsFor(call, 'member.bindPhone')).toEqual([{ action: 'bindPhone', wxCode: 'code-from-wechat' }])
  })

  it('a refused authorisation calls nothing and says so', async () => {
    backend()
    render(<PhonePage />)
    setGetPhoneNumberResult({ errMsg: 'getPhoneNumber:fail user deny' })
    fireEvent.click(byId('phone-wx'))
    expect(await screen.findByText('你已取消授权，未绑定手机号')).toBeInTheDocument()
    expect(eventsFor(call, 'member.bindPhone')).toHaveLength(0)
  })

  it('shows the member’s current number unmasked', async () => {
    backend({ 'member.getProfile': ok({ member: member({ phone: '13812345678' }) }) })
    render(<PhonePage />)
    await waitFor(() => expect(byId('phone-current')).toHaveTextContent('13812345678'))
  })
})
