import { useEffect, useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import type { StoresOutputs, StoreView } from '../../../../types/console'
import type { Result } from '../../../../types/result'
import { storesApi } from '../../services/console-stores'
import { usePageLoad } from '../../utils/use-page-load'
import ConsoleDenied from '../components/denied'
import ConsoleHeader from '../components/header'
import StoreDetail from './store-detail'
import StoreForm from './store-form'
import { isDenied } from './forms'
import '../console.css'
import './stores.css'

type Listing = StoresOutputs['listStores']
type Ready = { status: 'ready'; denied: boolean; brand: boolean; stores: StoreView[] }

/** A denied answer is a page state (无管理权限), not an error to retry. */
async function loadStores(): Promise<Result<Listing | null>> {
  const res = await storesApi.listStores()
  return !res.ok && isDenied(res.code) ? { ok: true, data: null } : res
}

const byId = (stores: StoreView[]) => [...stores].sort((a, b) => (a.storeId < b.storeId ? -1 : a.storeId > b.storeId ? 1 : 0))

/**
 * 门店与店员: the stores (a table in a desktop window, cards on a phone) and the chosen store's
 * staff and managers beside them. A brand admin creates and edits stores and appoints staff and
 * managers; a store manager sees their own store and its staff, read only (the function decides both).
 */
export default function ConsoleStoresPage() {
  const [selected, setSelected] = useState<string | null>(null)
  const [creating, setCreating] = useState(false)
  const { load, setLoad, refresh } = usePageLoad<Listing | null, Ready>(loadStores, data =>
    data ? { status: 'ready', denied: false, brand: data.scope.kind === 'brand', stores: data.stores } : { status: 'ready', denied: true, brand: false, stores: [] },
  )

  useEffect(() => {
    void refresh(false)
  }, [refresh])

  const ready = load.status === 'ready' ? load : null
  // a manager has one store: open it
  const current = ready?.stores.find(s => s.storeId === selected) ?? (ready && !ready.brand ? ready.stores[0] : undefined)

  /** A saved store replaces (or joins) the list at once; the list is read again quietly. */
  const saved = (store: StoreView) => {
    setLoad(l => (l.status === 'ready' ? { ...l, stores: byId([...l.stores.filter(s => s.storeId !== store.storeId), store]) } : l))
    setCreating(false)
    setSelected(store.storeId)
    void refresh(true)
  }

  if (ready?.denied) return <ConsoleDenied />

  return (
    <View className='console-page'>
      <ConsoleHeader title='门店与店员'>
        {ready && !ready.brand ? (
          <Text id='stores-scope' className='console-scope'>
            本店
          </Text>
        ) : null}
      </ConsoleHeader>

      {load.status === 'loading' ? (
        <View id='stores-loading' className='state muted'>
          加载中…
        </View>
      ) : null}
      {load.status === 'error' ? (
        <View id='stores-error' className='card state'>
          <Text className='error-text'>{load.message}</Text>
          <Button id='stores-retry' className='btn-primary' onClick={() => void refresh(false)}>
            重试
          </Button>
        </View>
      ) : null}

      {ready ? (
        <View className='console-split'>
          <View className='console-left'>
            {ready.brand ? (
              <Button
                id='stores-new'
                className='btn-primary stores-new'
                size='mini'
                onClick={() => {
                  setCreating(true)
                  setSelected(null)
                }}
              >
                新建门店
              </Button>
            ) : null}
            {ready.stores.length === 0 ? (
              <View id='stores-empty' className='console-empty muted'>
                {ready.brand ? '还没有门店，先新建一个' : '没有找到你所在的门店，请联系品牌管理员'}
              </View>
            ) : (
              <View id='stores-list' className='stores-table'>
                {ready.stores.map(s => (
                  <View
                    key={s.storeId}
                    id={`stores-row-${s.storeId}`}
                    className={`stores-line stores-pick ${current?.storeId === s.storeId && !creating ? 'member-row-on' : ''}`}
                    onClick={() => {
                      setCreating(false)
                      setSelected(s.storeId)
                    }}
                  >
                    <Text className='stores-cell stores-strong'>{s.name}</Text>
                    <Text className='stores-cell muted'>{s.storeId}</Text>
                    <Text className='stores-cell muted'>{s.city ?? '—'}</Text>
                  </View>
                ))}
              </View>
            )}
          </View>
          <View className='console-right'>
            {creating ? <StoreForm onSaved={saved} onCancel={() => setCreating(false)} /> : null}
            {!creating && current ? <StoreDetail key={current.storeId} store={current} brand={ready.brand} onSaved={saved} /> : null}
            {!creating && !current && ready.stores.length > 0 ? (
              <View id='stores-pick-hint' className='console-empty muted'>
                选择一个门店，查看和管理它的店员与店长
              </View>
            ) : null}
          </View>
        </View>
      ) : null}
    </View>
  )
}
