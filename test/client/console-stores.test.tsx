import { fireEvent, render, waitFor, within } from '@testing-library/react'
import Taro from './doubles/taro'
import { callFunction, needsSignIn } from '../../client/src/services/cloud'
import ConsoleStoresPage from '../../client/src/console/stores/index'
import { ok } from './fixtures'
import { eventsFor, failure, routeCalls, type Handlers } from './backend'
import type { StaffView, StoreView } from '../../types/console'

jest.mock('../../client/src/services/cloud', () => require('./doubles/cloud').cloudDouble())

const call = callFunction as jest.MockedFunction<typeof callFunction>
const byId = (id: string) => document.getElementById(id) as HTMLInputElement
const type = (id: string, value: string) => fireEvent.change(byId(id), { target: { value } })

beforeEach(() => {
  call.mockReset()
  ;(needsSignIn as jest.Mock).mockReturnValue(false)
})

const JINGAN: StoreView = { storeId: 'store_jingan', name: '上海静安旗舰店', city: '上海', updatedAt: '2024-03-01T02:00:00.000Z' }
const XUHUI: StoreView = { storeId: 'store_xuhui', name: '上海徐汇店', city: null, updatedAt: null }
const staff = (overrides: Partial<StaffView> = {}): StaffView => ({
  openid: 'o_wang',
  memberNo: '1000000002',
  storeId: 'store_jingan',
  name: '王店员',
  active: true,
  createdAt: '2024-03-01T02:00:00.000Z',
  ...overrides,
})
const MANAGER = { openid: 'o_li', storeId: 'store_jingan', name: '李店长', active: true }

/** A brand admin's backend: two stores, one staff member and one manager at 静安. */
function brandBackend(extra: Handlers = {}): Handlers {
  return {
    'admin.listStores': ok({ scope: { kind: 'brand' }, stores: [JINGAN, XUHUI] }),
    'admin.listStaff': e => ok({ storeId: String(e.storeId), staff: e.storeId === JINGAN.storeId ? [staff(), staff({ openid: 'o_old', memberNo: null, name: '离职员工', active: false })] : [] }),
    'admin.listManagers': e => ok({ managers: e.storeId === JINGAN.storeId ? [MANAGER] : [] }),
    ...extra,
  }
}

async function openJingan() {
  render(<ConsoleStoresPage />)
  await waitFor(() => expect(byId('stores-row-store_jingan')).toBeInTheDocument())
  fireEvent.click(byId('stores-row-store_jingan'))
  await waitFor(() => expect(byId('stores-staff-list')).toBeInTheDocument())
  await waitFor(() => expect(byId('stores-managers-list')).toBeInTheDocument())
}

describe('管理: 门店与店员 (brand admin)', () => {
  it('lists the stores; a store shows its staff (member numbers, 已停用) and managers', async () => {
    routeCalls(call, brandBackend())
    await openJingan()
    expect(within(byId('stores-list')).getByText('上海徐汇店')).toBeInTheDocument()
    expect(byId('stores-detail-name')).toHaveTextContent('上海静安旗舰店')
    expect(eventsFor(call, 'admin.listStaff')).toEqual([{ action: 'listStaff', storeId: 'store_jingan' }])
    expect(eventsFor(call, 'admin.listManagers')).toEqual([{ action: 'listManagers', storeId: 'store_jingan' }])
    expect(byId('stores-staff-o_wang')).toHaveTextContent('会员号 1000000002')
    expect(byId('stores-staff-o_wang-status')).toHaveTextContent('在岗')
    expect(byId('stores-staff-o_old-status')).toHaveTextContent('已停用')
    expect(byId('stores-staff-o_old-remove')).toBeNull()
    expect(byId('stores-manager-o_li')).toHaveTextContent('李店长')

    fireEvent.click(byId('stores-row-store_xuhui'))
    await waitFor(() => expect(byId('stores-staff-empty')).toHaveTextContent('还没有店员'))
    expect(byId('stores-managers-empty')).toBeInTheDocument()
  })

  it('appoints staff by member number; its own checks and the function’s field errors show by the field', async () => {
    const appoint = jest.fn((e: Record<string, unknown>) =>
      e.name === '重名'
        ? { ...failure('INVALID_ARGUMENT', 'memberNo: 请给出 openid 或 memberNo 之一'), issues: [{ path: 'memberNo', message: '请给出 openid 或 memberNo 之一' }] }
        : e.memberNo === '9999999999'
          ? failure('NOT_FOUND', '没有会员号为 9999999999 的会员')
          : ok({ staff: staff({ openid: 'o_new', name: String(e.name) }) }),
    )
    routeCalls(call, brandBackend({ 'admin.appointStaff': appoint }))
    await openJingan()

    fireEvent.click(byId('stores-staff-submit'))
    expect(byId('stores-staff-who-error')).toHaveTextContent('请填写会员号或 OPENID')
    expect(byId('stores-staff-name-error')).toHaveTextContent('请填写姓名')
    type('stores-staff-who', '12345')
    type('stores-staff-name', '陈一鸣')
    fireEvent.click(byId('stores-staff-submit'))
    expect(byId('stores-staff-who-error')).toHaveTextContent('10 位会员号')
    expect(appoint).not.toHaveBeenCalled()

    type('stores-staff-who', '9999999999')
    fireEvent.click(byId('stores-staff-submit'))
    await waitFor(() => expect(byId('stores-staff-form-error')).toHaveTextContent('没有会员号为 9999999999 的会员'))
    type('stores-staff-name', '重名')
    fireEvent.click(byId('stores-staff-submit'))
    await waitFor(() => expect(byId('stores-staff-who-error')).toHaveTextContent('请给出 openid 或 memberNo 之一'))

    type('stores-staff-who', ' 1000000009 ')
    type('stores-staff-name', '陈一鸣')
    fireEvent.click(byId('stores-staff-submit'))
    await waitFor(() => expect(Taro.showToast).toHaveBeenCalledWith({ title: '已任命', icon: 'success' }))
    expect(appoint.mock.calls[appoint.mock.calls.length - 1][0]).toEqual({ action: 'appointStaff', memberNo: '1000000009', storeId: 'store_jingan', name: '陈一鸣' })
    await waitFor(() => expect(eventsFor(call, 'admin.listStaff')).toHaveLength(2))
    expect(byId('stores-staff-who')).toHaveValue('')

    // an OPENID works too
    type('stores-staff-who', 'o_someone')
    type('stores-staff-name', '赵六')
    fireEvent.click(byId('stores-staff-submit'))
    await waitFor(() => expect(appoint).toHaveBeenCalledTimes(4))
    expect(appoint.mock.calls[3][0]).toEqual({ action: 'appointStaff', openid: 'o_someone', storeId: 'store_jingan', name: '赵六' })
  })

  it('停用 a staff member and 设为店长 after confirming; the lists load again', async () => {
    routeCalls(
      call,
      brandBackend({
        'admin.removeStaff': ok({ staff: staff({ active: false }), changed: true }),
        'admin.appointManager': e => ok({ openid: String(e.openid), storeId: String(e.storeId), name: String(e.name) }),
      }),
    )
    await openJingan()
    fireEvent.click(byId('stores-staff-o_wang-remove'))
    await waitFor(() => expect(eventsFor(call, 'admin.removeStaff')).toEqual([{ action: 'removeStaff', openid: 'o_wang' }]))
    expect(Taro.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '停用店员 王店员？' }))
    await waitFor(() => expect(eventsFor(call, 'admin.listStaff')).toHaveLength(2))

    fireEvent.click(byId('stores-staff-o_wang-manager'))
    await waitFor(() => expect(eventsFor(call, 'admin.appointManager')).toEqual([{ action: 'appointManager', openid: 'o_wang', storeId: 'store_jingan', name: '王店员' }]))
    await waitFor(() => expect(eventsFor(call, 'admin.listManagers')).toHaveLength(2))

    // cancelled: nothing is sent
    ;(Taro.showModal as jest.Mock).mockResolvedValueOnce({ confirm: false, cancel: true })
    fireEvent.click(byId('stores-manager-o_li-remove'))
    await waitFor(() => expect(Taro.showModal).toHaveBeenCalledTimes(3))
    expect(eventsFor(call, 'admin.removeManager')).toEqual([])
  })

  it('appoints and removes a manager by OPENID; a refusal shows in the form', async () => {
    routeCalls(call, brandBackend({ 'admin.appointManager': failure('NOT_FOUND', '店长须是已登录过小程序的会员：o_nobody'), 'admin.removeManager': ok({ openid: 'o_li', removed: true }) }))
    await openJingan()
    type('stores-manager-openid', '1000000002')
    type('stores-manager-name', '新店长')
    fireEvent.click(byId('stores-manager-submit'))
    expect(byId('stores-manager-openid-error')).toHaveTextContent('OPENID 格式不正确')
    type('stores-manager-openid', 'o_nobody')
    fireEvent.click(byId('stores-manager-submit'))
    await waitFor(() => expect(byId('stores-manager-form-error')).toHaveTextContent('店长须是已登录过小程序的会员'))
    expect(eventsFor(call, 'admin.appointManager')).toEqual([{ action: 'appointManager', openid: 'o_nobody', storeId: 'store_jingan', name: '新店长' }])

    fireEvent.click(byId('stores-manager-o_li-remove'))
    await waitFor(() => expect(eventsFor(call, 'admin.removeManager')).toEqual([{ action: 'removeManager', openid: 'o_li' }]))
  })

  it('creates a store (checked first, then the function’s field errors) and edits one', async () => {
    let attempt = 0
    const stores = new Map([JINGAN, XUHUI].map(s => [s.storeId, s]))
    const upsert = jest.fn((e: Record<string, unknown>) => {
      if (++attempt === 1) return { ...failure('INVALID_ARGUMENT', 'name: 门店名称最多 40 个字'), issues: [{ path: 'name', message: '门店名称最多 40 个字' }] }
      const store = { storeId: String(e.storeId), name: String(e.name), city: e.city ? String(e.city) : null }
      const created = !stores.has(store.storeId)
      stores.set(store.storeId, { ...store, updatedAt: null })
      return ok({ store, created })
    })
    routeCalls(call, brandBackend({ 'admin.upsertStore': upsert, 'admin.listStores': () => ok({ scope: { kind: 'brand' }, stores: [...stores.values()] }) }))
    render(<ConsoleStoresPage />)
    await waitFor(() => expect(byId('stores-new')).toBeInTheDocument())
    fireEvent.click(byId('stores-new'))
    type('stores-form-storeId', '浦东 店')
    fireEvent.click(byId('stores-form-submit'))
    expect(byId('stores-form-storeId-error')).toHaveTextContent('1–32 位字母、数字')
    expect(byId('stores-form-name-error')).toHaveTextContent('请填写门店名称')
    type('stores-form-storeId', 'store_pudong')
    type('stores-form-name', '上海浦东店')
    type('stores-form-city', '上海')
    fireEvent.click(byId('stores-form-submit'))
    await waitFor(() => expect(byId('stores-form-name-error')).toHaveTextContent('门店名称最多 40 个字'))
    fireEvent.click(byId('stores-form-submit'))
    await waitFor(() => expect(byId('stores-row-store_pudong')).toHaveTextContent('上海浦东店'))
    expect(upsert.mock.calls[1][0]).toEqual({ action: 'upsertStore', storeId: 'store_pudong', name: '上海浦东店', city: '上海' })
    expect(byId('stores-detail-name')).toHaveTextContent('上海浦东店')

    fireEvent.click(byId('stores-row-store_jingan'))
    fireEvent.click(byId('stores-edit'))
    expect(byId('stores-form-storeId')).toBeDisabled()
    type('stores-form-name', '静安旗舰店')
    type('stores-form-city', '')
    fireEvent.click(byId('stores-form-submit'))
    await waitFor(() => expect(byId('stores-detail-name')).toHaveTextContent('静安旗舰店'))
    expect(upsert.mock.calls[2][0]).toEqual({ action: 'upsertStore', storeId: 'store_jingan', name: '静安旗舰店', city: '' })
  })
})

describe('管理: 门店与店员 (store manager, read only)', () => {
  it('opens their store: staff without forms or buttons, no managers, no 新建门店', async () => {
    routeCalls(call, {
      'admin.listStores': ok({ scope: { kind: 'store', storeId: 'store_jingan' }, stores: [JINGAN] }),
      'admin.listStaff': ok({ storeId: 'store_jingan', staff: [staff()] }),
    })
    render(<ConsoleStoresPage />)
    await waitFor(() => expect(byId('stores-staff-o_wang')).toBeInTheDocument())
    expect(byId('stores-scope')).toHaveTextContent('本店')
    expect(byId('stores-staff-readonly')).toHaveTextContent('店长只能查看本店店员')
    for (const id of ['stores-new', 'stores-edit', 'stores-staff-form', 'stores-staff-o_wang-remove', 'stores-staff-o_wang-manager', 'stores-managers']) expect(byId(id)).toBeNull()
    expect(eventsFor(call, 'admin.listManagers')).toEqual([])
  })

  it('someone who is not an operator gets 无管理权限; an error can be retried', async () => {
    routeCalls(call, { 'admin.listStores': failure('PERMISSION_DENIED', '仅管理员或店长可调用') })
    const { unmount } = render(<ConsoleStoresPage />)
    await waitFor(() => expect(byId('console-denied')).toHaveTextContent('无管理权限'))
    unmount()

    routeCalls(call, { 'admin.listStores': failure('INTERNAL', '服务暂时不可用') })
    render(<ConsoleStoresPage />)
    await waitFor(() => expect(byId('stores-error')).toHaveTextContent('服务暂时不可用'))
    routeCalls(call, brandBackend())
    fireEvent.click(byId('stores-retry'))
    await waitFor(() => expect(byId('stores-row-store_jingan')).toBeInTheDocument())
  })
})
