import { useEffect } from 'react'
import { Button, Text, View } from '@tarojs/components'
import type { StaffView } from '../../../../types/console'
import { storesApi } from '../../services/console-stores'
import { shanghaiDateText } from '../../utils/format'
import { usePageLoad } from '../../utils/use-page-load'
import AppointForm from './appoint-form'
import { memberRefOf } from './forms'
import { ListStates, useConfirmedAction } from './panel-parts'

const AUDITED = '此操作会记入审计日志。'

type Ready = { status: 'ready'; staff: StaffView[] }

/**
 * A store's staff (店员): name, member number, 在岗 / 已停用. A brand admin also 任命 (by member
 * number or OPENID), 停用 and 设为店长; a store manager reads only.
 */
export default function StaffPanel(props: { storeId: string; brand: boolean; onManagersChanged: () => void }) {
  const { load, refresh } = usePageLoad<{ staff: StaffView[] }, Ready>(
    () => storesApi.listStaff(props.storeId),
    data => ({ status: 'ready', staff: data.staff }),
  )
  const { actionError, act } = useConfirmedAction()

  useEffect(() => {
    void refresh(false)
  }, [refresh])

  return (
    <View id='stores-staff' className='card stores-card'>
      <Text className='m360-section-title'>店员</Text>
      <ListStates id='stores-staff' load={load} count={load.status === 'ready' ? load.staff.length : 0} emptyText='本店还没有店员' onRetry={() => void refresh(false)} />
      {load.status === 'ready' && load.staff.length > 0 ? (
        <View id='stores-staff-list' className='stores-table'>
          {load.staff.map(s => (
            <View key={s.openid} id={`stores-staff-${s.openid}`} className={`stores-line ${s.active ? '' : 'stores-off'}`}>
              <Text className='stores-cell stores-strong'>{s.name}</Text>
              <Text className='stores-cell'>会员号 {s.memberNo ?? '—'}</Text>
              <Text id={`stores-staff-${s.openid}-status`} className='stores-cell'>
                {s.active ? '在岗' : '已停用'}
                {s.createdAt ? ` · ${shanghaiDateText(s.createdAt)} 任命` : ''}
              </Text>
              {props.brand && s.active ? (
                <View className='stores-cell stores-buttons'>
                  <Button
                    id={`stores-staff-${s.openid}-manager`}
                    className='m360-action'
                    size='mini'
                    onClick={() =>
                      void act(
                        { title: `设 ${s.name} 为店长？`, content: AUDITED },
                        () => storesApi.appointManager({ openid: s.openid, storeId: props.storeId, name: s.name }),
                        props.onManagersChanged,
                      )
                    }
                  >
                    设为店长
                  </Button>
                  <Button
                    id={`stores-staff-${s.openid}-remove`}
                    className='m360-action settings-danger'
                    size='mini'
                    onClick={() =>
                      void act(
                        { title: `停用店员 ${s.name}？`, content: AUDITED },
                        () => storesApi.removeStaff(s.openid),
                        () => void refresh(true),
                      )
                    }
                  >
                    停用
                  </Button>
                </View>
              ) : null}
            </View>
          ))}
        </View>
      ) : null}
      {actionError ? (
        <Text id='stores-staff-action-error' className='error-text'>
          {actionError}
        </Text>
      ) : null}
      {props.brand ? (
        <AppointForm
          id='stores-staff'
          title='任命店员'
          whoField='who'
          whoLabel='会员'
          whoPlaceholder='10 位会员号或 OPENID'
          namePlaceholder='如 陈一鸣'
          submitText='任命'
          doneToast='已任命'
          submit={(who, name) => storesApi.appointStaff({ who: memberRefOf(who)!, storeId: props.storeId, name })}
          aliases={{ memberNo: 'who', openid: 'who' }}
          onDone={() => void refresh(true)}
        />
      ) : (
        <Text id='stores-staff-readonly' className='muted stores-note'>
          店长只能查看本店店员；任命或停用店员请联系品牌管理员。
        </Text>
      )}
    </View>
  )
}
