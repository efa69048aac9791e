import { useEffect } from 'react'
import { Button, Text, View } from '@tarojs/components'
import type { ConsoleOutputs } from '../../../../types/console'
import { storesApi } from '../../services/console-stores'
import { usePageLoad } from '../../utils/use-page-load'
import AppointForm from './appoint-form'
import { ListStates, useConfirmedAction } from './panel-parts'

type Manager = ConsoleOutputs['listManagers']['managers'][number]
type Ready = { status: 'ready'; managers: Manager[] }

/**
 * A store's managers (店长, brand admins only): 任命 by OPENID (or 设为店长 on a staff row) and 撤销.
 * A manager sees the store's members, purchases, follow-ups, reports and staff, read only.
 */
export default function ManagersPanel(props: { storeId: string }) {
  const { load, refresh } = usePageLoad<ConsoleOutputs['listManagers'], Ready>(
    () => storesApi.listManagers(props.storeId),
    data => ({ status: 'ready', managers: data.managers }),
  )
  const { actionError, act } = useConfirmedAction()

  useEffect(() => {
    void refresh(false)
  }, [refresh])

  return (
    <View id='stores-managers' className='card stores-card'>
      <Text className='m360-section-title'>店长</Text>
      <ListStates id='stores-managers' load={load} count={load.status === 'ready' ? load.managers.length : 0} emptyText='本店还没有店长' onRetry={() => void refresh(false)} />
      {load.status === 'ready' && load.managers.length > 0 ? (
        <View id='stores-managers-list' className='stores-table'>
          {load.managers.map(m => (
            <View key={m.openid} id={`stores-manager-${m.openid}`} className={`stores-line ${m.active ? '' : 'stores-off'}`}>
              <Text className='stores-cell stores-strong'>{m.name}</Text>
              <Text className='stores-cell stores-openid'>{m.openid}</Text>
              <Text id={`stores-manager-${m.openid}-status`} className='stores-cell'>
                {m.active ? '在任' : '已撤销'}
              </Text>
              {m.active ? (
                <View className='stores-cell stores-buttons'>
                  <Button
                    id={`stores-manager-${m.openid}-remove`}
                    className='m360-action settings-danger'
                    size='mini'
                    onClick={() =>
                      void act(
                        { title: `撤销店长 ${m.name}？`, content: '撤销后不能再进入管理后台。此操作会记入审计日志。' },
                        () => storesApi.removeManager(m.openid),
                        () => void refresh(true),
                      )
                    }
                  >
                    撤销
                  </Button>
                </View>
              ) : null}
            </View>
          ))}
        </View>
      ) : null}
      {actionError ? (
        <Text id='stores-managers-action-error' className='error-text'>
          {actionError}
        </Text>
      ) : null}
      <AppointForm
        id='stores-manager'
        title='任命店长'
        whoField='openid'
        whoLabel='OPENID'
        whoPlaceholder='已登录过的会员的 OPENID'
        namePlaceholder='如 王店长'
        submitText='任命店长'
        doneToast='已任命店长'
        submit={(openid, name) => storesApi.appointManager({ openid, storeId: props.storeId, name })}
        onDone={() => void refresh(true)}
      />
    </View>
  )
}
