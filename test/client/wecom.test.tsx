import { fireEvent, render, waitFor } from '@testing-library/react'
import { callFunction } from '../../client/src/services/cloud'
import AdvisorCard from '../../client/src/components/advisor-card'
import ContactWayCard from '../../client/src/staff/components/contact-way'
import Member360View from '../../client/src/console/member/member-360'
import { member360 } from './console-fixtures'
import { ok } from './fixtures'
import { eventsFor, failure, routeCalls } from './backend'
import type { ContactWayView } from '../../types/wecom'

jest.mock('../../client/src/services/cloud', () => require('./doubles/cloud').cloudDouble())

const call = callFunction as jest.MockedFunction<typeof callFunction>
const byId = (id: string) => document.getElementById(id)

beforeEach(() => call.mockReset())

const WAY: ContactWayView = { staffName: '陈一鸣', storeId: 'store_jingan', storeName: '上海静安旗舰店', wecomUserId: 'ChenYiMing', qrCode: 'http://127.0.0.1:9000/wecom/qr/cw1.png', configId: 'cw1' }

describe('添加专属顾问 (home)', () => {
  it('offers the store’s staff member when the member has no advisor; the QR opens on tap', async () => {
    routeCalls(call, { 'member.myAdvisor': ok({ linked: false, advisor: { ...WAY, isOwnAdvisor: false } }) })
    render(<AdvisorCard signedInKey={1} />)
    await waitFor(() => expect(byId('advisor-card')).toHaveTextContent('添加专属顾问'))
    expect(byId('advisor-name')).toHaveTextContent('上海静安旗舰店 · 陈一鸣')
    expect(byId('advisor-qr')).toBeNull()
    fireEvent.click(byId('advisor-toggle')!)
    expect(byId('advisor-qr')?.getAttribute('src')).toBe(WAY.qrCode)
  })

  it('names the member’s own advisor once linked', async () => {
    routeCalls(call, { 'member.myAdvisor': ok({ linked: true, advisor: { ...WAY, isOwnAdvisor: true } }) })
    render(<AdvisorCard signedInKey={1} />)
    await waitFor(() => expect(byId('advisor-card')).toHaveTextContent('我的专属顾问'))
  })

  it.each([
    ['no staff on WeCom', ok({ linked: false, advisor: null })],
    ['a failure', failure('INTERNAL')],
  ] as const)('shows nothing for %s', async (_label, answer) => {
    routeCalls(call, { 'member.myAdvisor': answer })
    render(<AdvisorCard signedInKey={1} />)
    await waitFor(() => expect(eventsFor(call, 'member.myAdvisor')).toHaveLength(1))
    expect(byId('advisor-card')).toBeNull()
  })

  it('waits for the sign-in', () => {
    routeCalls(call, {})
    render(<AdvisorCard signedInKey={0} />)
    expect(call).not.toHaveBeenCalled()
  })
})

describe('the staff member’s contact-me code on the till', () => {
  it('shows the QR on tap', async () => {
    routeCalls(call, { 'staff.myContactWay': ok({ contactWay: WAY }) })
    render(<ContactWayCard />)
    await waitFor(() => expect(byId('contact-way')).toHaveTextContent('请顾客添加专属顾问'))
    fireEvent.click(byId('contact-way-toggle')!)
    expect(byId('contact-way-qr')?.getAttribute('src')).toBe(WAY.qrCode)
  })

  it('shows nothing for a staff member without a WeCom account', async () => {
    routeCalls(call, { 'staff.myContactWay': failure('FAILED_PRECONDITION') })
    render(<ContactWayCard />)
    await waitFor(() => expect(eventsFor(call, 'staff.myContactWay')).toHaveLength(1))
    expect(byId('contact-way')).toBeNull()
  })
})

describe('专属顾问 in the console’s member 360', () => {
  it('names the advisor, or says there is none', () => {
    routeCalls(call, {})
    const { unmount } = render(<Member360View view={member360()} onChanged={() => undefined} />)
    expect(byId('m360-advisor')).toHaveTextContent('专属顾问：陈一鸣（企业微信 ChenYiMing · store_jingan）')
    unmount()
    render(<Member360View view={member360({ wecom: { advisor: null, contacts: [] } })} onChanged={() => undefined} />)
    expect(byId('m360-advisor')).toHaveTextContent('暂无专属顾问')
  })

  it('shows the tags synced to WeCom, the sign-up source and the care tasks', () => {
    routeCalls(call, {})
    render(<Member360View view={member360()} onChanged={() => undefined} />)
    expect(byId('m360-wecom-tags')).toHaveTextContent('企业微信标签：高价值会员、生日月')
    expect(byId('m360-signup')).toHaveTextContent('来源：企业微信「联系我」 · 上海静安旗舰店 · 陈一鸣（2023年1月5日）')
    expect(byId('m360-careTasks')).toHaveTextContent('关怀任务（1）')
    fireEvent.click(byId('m360-careTasks-toggle')!)
    expect(byId('m360-careTasks-list')).toHaveTextContent('差评回访 · 待发送')
    expect(byId('m360-careTasks-list')).toHaveTextContent('NPS 3 分：等太久 · 陈一鸣 · 已生成企业微信群发，请在企业微信确认发送')
  })

  it('leaves out what it does not know: no tags synced, no source, a removed contact’s tags', () => {
    routeCalls(call, {})
    const removed = { ...member360().wecom.contacts[0], status: 'removed' as const }
    render(<Member360View view={member360({ wecom: { advisor: null, contacts: [removed] }, signup: null, careTasks: [] })} onChanged={() => undefined} />)
    expect(byId('m360-wecom-tags')).toBeNull()
    expect(byId('m360-signup')).toBeNull()
    fireEvent.click(byId('m360-careTasks-toggle')!)
    expect(byId('m360-careTasks-list')).toHaveTextContent('暂无关怀任务')
  })
})
