import { fireEvent, render, screen, waitFor } from '@testing-library/react'
import Taro from './doubles/taro'
import { callFunction, redirectToSignIn } from '../../client/src/services/cloud'
import { getToken, setToken } from '../../client/src/services/session'
import PrivacyPage from '../../client/src/pages/privacy/index'
import { member, ok } from './fixtures'
import { eventsFor, failure, routeCalls } from './backend'

jest.mock('../../client/src/services/cloud', () => require('./doubles/cloud').cloudDouble())

const call = callFunction as jest.MockedFunction<typeof callFunction>
const byId = (id: string) => document.getElementById(id)!

const exported = {
  exportedAt: '2024-03-05T06:05:00.000Z',
  member: member({ phone: '13812345678' }),
  ledger: [{ id: 'l1', delta: 10, kind: 'earn' as const, sourceType: 'purchase' as const, balanceAfter: 10, createdAt: '2024-03-05T06:00:00.000Z' }],
  purchases: [{ purchaseId: 'p1' }, { purchaseId: 'p2' }],
}

beforeEach(() => {
  call.mockReset()
  ;(redirectToSignIn as jest.Mock).mockClear()
  delete process.env.TARO_ENV
  Taro.showModal.mockResolvedValue({ errMsg: 'showModal:ok', confirm: true, cancel: false })
})

describe('导出我的数据', () => {
  it('weapp: shows a summary and copies the JSON to the clipboard', async () => {
    routeCalls(call, { 'member.exportMyData': ok(exported) })
    render(<PrivacyPage />)
    fireEvent.click(byId('privacy-export'))
    await waitFor(() => expect(byId('privacy-export-summary')).toHaveTextContent('积分记录 1 条，消费记录 2 条'))
    expect(byId('privacy-export-summary')).toHaveTextContent('导出时间：2024-03-05 14:05')
    expect(byId('privacy-export-summary')).toHaveTextContent('会员号：1000000001')
    fireEvent.click(byId('privacy-copy'))
    await waitFor(() => expect(Taro.setClipboardData).toHaveBeenCalledTimes(1))
    const { data } = (Taro.setClipboardData as jest.Mock).mock.calls[0][0]
    expect(JSON.parse(data)).toEqual(JSON.parse(JSON.stringify(exported)))
  })

  it('H5: offers the JSON as a file download', async () => {
    process.env.TARO_ENV = 'h5'
    const blobs: Blob[] = []
    Object.defineProperty(URL, 'createObjectURL', { value: jest.fn((b: Blob) => (blobs.push(b), 'blob:http://localhost/export')), configurable: true })
    Object.defineProperty(URL, 'revokeObjectURL', { value: jest.fn(), configurable: true })
    const clicked: HTMLAnchorElement[] = []
    const click = jest.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this)
    })
    routeCalls(call, { 'member.exportMyData': ok(exported) })
    render(<PrivacyPage />)
    fireEvent.click(byId('privacy-export'))
    await waitFor(() => expect(clicked).toHaveLength(1))
    expect(clicked[0].download).toBe('member-data-202403051405.json')
    expect(clicked[0].href).toBe('blob:http://localhost/export')
    expect(blobs[0].type).toBe('application/json')
    const text = await new Promise<string>(resolve => {
      const reader = new FileReader()
      reader.onload = () => resolve(String(reader.result))
      reader.readAsText(blobs[0])
    })
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(exported)))
    expect(byId('privacy-copy')).toBeNull()
    click.mockRestore()
  })

  it('shows an export failure', async () => {
    routeCalls(call, { 'member.exportMyData': failure('INTERNAL', '导出服务繁忙') })
    render(<PrivacyPage />)
    fireEvent.click(byId('privacy-export'))
    expect(await screen.findByText('导出服务繁忙')).toHaveAttribute('id', 'privacy-error')
  })
})

describe('注销账号', () => {
  it('asks first; cancelling deletes nothing', async () => {
    Taro.showModal.mockResolvedValueOnce({ errMsg: 'showModal:ok', confirm: false, cancel: true })
    routeCalls(call, { 'member.deleteMyAccount': ok({ deleted: true }) })
    render(<PrivacyPage />)
    fireEvent.click(byId('privacy-delete'))
    await waitFor(() => expect(Taro.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '注销账号' })))
    expect(eventsFor(call, 'member.deleteMyAccount')).toHaveLength(0)
    expect(Taro.reLaunch).not.toHaveBeenCalled()
  })

  it('weapp: confirmed → deleteMyAccount { confirm: true }, drops the cached code key, back home without signing in', async () => {
    Taro.setStorageSync('member.codeKey', { memberNo: '1000000001', key: 'k', keyVersion: 1, stepSeconds: 30 })
    routeCalls(call, { 'member.deleteMyAccount': ok({ deleted: true }) })
    render(<PrivacyPage />)
    fireEvent.click(byId('privacy-delete'))
    await waitFor(() => expect(Taro.reLaunch).toHaveBeenCalledWith({ url: '/pages/index/index?deleted=1' }))
    expect(eventsFor(call, 'member.deleteMyAccount')).toEqual([{ action: 'deleteMyAccount', confirm: true }])
    expect(Taro.getStorageSync('member.codeKey')).toBe('')
  })

  it('H5: confirmed → signed out and back to 本地登录', async () => {
    process.env.TARO_ENV = 'h5'
    setToken('tok-1')
    routeCalls(call, { 'member.deleteMyAccount': ok({ deleted: true }) })
    render(<PrivacyPage />)
    fireEvent.click(byId('privacy-delete'))
    await waitFor(() => expect(redirectToSignIn).toHaveBeenCalled())
    expect(getToken()).toBe('')
  })

  it('a failed deletion stays on the page with the message', async () => {
    routeCalls(call, { 'member.deleteMyAccount': failure('INTERNAL', '注销失败，请稍后再试') })
    render(<PrivacyPage />)
    fireEvent.click(byId('privacy-delete'))
    expect(await screen.findByText('注销失败，请稍后再试')).toBeInTheDocument()
    expect(Taro.reLaunch).not.toHaveBeenCalled()
    expect(byId('privacy-delete')).toBeEnabled()
  })
})
