import { useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import type { StoreView } from '../../../../types/console'
import ManagersPanel from './managers-panel'
import StaffPanel from './staff-panel'
import StoreForm from './store-form'

/** One store: its name and city (修改, brand), its staff, and for a brand admin its managers. */
export default function StoreDetail(props: { store: StoreView; brand: boolean; onSaved: (store: StoreView) => void }) {
  const { store, brand } = props
  const [editing, setEditing] = useState(false)
  // 设为店长 on a staff row: the managers list loads again
  const [managersVersion, setManagersVersion] = useState(0)

  return (
    <View id='stores-detail'>
      {editing ? (
        <StoreForm
          store={store}
          onSaved={s => {
            setEditing(false)
            props.onSaved(s)
          }}
          onCancel={() => setEditing(false)}
        />
      ) : (
        <View id='stores-summary' className='card stores-card'>
          <View className='m360-section-head'>
            <Text id='stores-detail-name' className='m360-section-title'>
              {store.name}
            </Text>
            {brand ? (
              <Button id='stores-edit' className='m360-action' size='mini' onClick={() => setEditing(true)}>
                修改
              </Button>
            ) : null}
          </View>
          <Text className='muted'>
            {store.storeId}
            {store.city ? ` · ${store.city}` : ''}
          </Text>
        </View>
      )}
      <StaffPanel storeId={store.storeId} brand={brand} onManagersChanged={() => setManagersVersion(v => v + 1)} />
      {brand ? <ManagersPanel key={`${store.storeId}-${managersVersion}`} storeId={store.storeId} /> : null}
    </View>
  )
}
