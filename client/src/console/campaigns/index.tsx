import { useCallback, useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import { useDidShow } from '@tarojs/taro'
import type { CampaignView } from '../../../../types/campaigns'
import { campaignsApi } from '../../services/console-campaigns'
import { usePageLoad } from '../../utils/use-page-load'
import { PageLoading } from '../../components/page-state'
import ConsoleDenied from '../components/denied'
import ConsoleHeader from '../components/header'
import CampaignCreate from './campaign-form'
import CampaignList from './campaign-list'
import CampaignReportView from './report'
import '../console.css'
import '../coupons/coupons.css'
import './campaigns.css'

type Ready = { status: 'ready'; campaigns: CampaignView[] }
/** what the right side (below the list on a phone) shows */
type Panel = { kind: 'create' } | { kind: 'report'; campaignId: string } | null

const DENIED = new Set(['PERMISSION_DENIED', 'UNAUTHENTICATED'])

/**
 * 活动: the campaigns with their status; 新建活动 (试算 → 开始 → 继续 if unfinished) and each
 * campaign's report (treated vs holdout, the lift chart the function drew, the numbers). Brand
 * admins only: anyone else sees 无管理权限 because the function refuses them.
 */
export default function ConsoleCampaignsPage() {
  const [denied, setDenied] = useState(false)
  const [panel, setPanel] = useState<Panel>(null)
  const { load, refresh } = usePageLoad(
    async () => {
      const res = await campaignsApi.list()
      if (!res.ok && DENIED.has(res.code)) setDenied(true)
      return res
    },
    (data): Ready => ({ status: 'ready', campaigns: data.campaigns }),
  )
  const onDenied = useCallback(() => setDenied(true), [])

  useDidShow(() => void refresh(false))

  if (denied) return <ConsoleDenied />
  if (load.status === 'loading') return <PageLoading id='campaigns-loading' />

  const campaigns = load.status === 'ready' ? load.campaigns : []
  return (
    <View className='console-page'>
      <ConsoleHeader title='活动'>
        {load.status === 'ready' ? (
          <Text id='campaigns-count' className='console-scope'>
            {campaigns.length} 个活动
          </Text>
        ) : null}
      </ConsoleHeader>
      <View className='console-split cp-split'>
        <View className='console-left'>
          <View className='m360-actions'>
            <Button id='campaigns-new' className='m360-action btn-primary' size='mini' onClick={() => setPanel({ kind: 'create' })}>
              新建活动
            </Button>
          </View>
          {load.status === 'error' ? (
            <View id='campaigns-error' className='card state'>
              <Text className='error-text'>{load.message}</Text>
              <Button id='campaigns-retry' className='btn-primary' onClick={() => void refresh(false)}>
                重试
              </Button>
            </View>
          ) : campaigns.length === 0 ? (
            <View id='campaigns-empty' className='console-empty muted'>
              还没有活动。点「新建活动」：选人群和券，先试算再开始
            </View>
          ) : (
            <CampaignList campaigns={campaigns} chosen={panel?.kind === 'report' ? panel.campaignId : null} onOpen={c => setPanel({ kind: 'report', campaignId: c.campaignId })} />
          )}
        </View>
        <View className='console-right'>
          {panel?.kind === 'create' ? (
            <CampaignCreate
              onStarted={c => {
                void refresh(true)
                setPanel({ kind: 'report', campaignId: c.campaignId })
              }}
              onCancel={() => setPanel(null)}
              onDenied={onDenied}
            />
          ) : panel?.kind === 'report' ? (
            <CampaignReportView key={panel.campaignId} campaignId={panel.campaignId} onDenied={onDenied} onContinued={() => void refresh(true)} />
          ) : (
            <View id='campaigns-hint' className='console-empty muted'>
              选择一个活动查看效果
            </View>
          )}
        </View>
      </View>
    </View>
  )
}
