import { Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import '../console.css'

/** The console's sections (sub-package `console/`); `brandOnly` ones are hidden from a store manager. */
export const CONSOLE_SECTIONS: ReadonlyArray<{ id: string; label: string; path: string; brandOnly: boolean }> = [
  { id: 'members', label: '会员', path: '/console/member/index', brandOnly: false },
  { id: 'segments', label: '人群', path: '/console/segments/index', brandOnly: true },
  { id: 'coupons', label: '券', path: '/console/coupons/index', brandOnly: true },
  { id: 'campaigns', label: '活动', path: '/console/campaigns/index', brandOnly: true },
  { id: 'reports', label: '报表', path: '/console/reports/index', brandOnly: false },
  { id: 'stores', label: '门店与店员', path: '/console/stores/index', brandOnly: false },
  { id: 'settings', label: '设置', path: '/console/settings/index', brandOnly: true },
  { id: 'audit', label: '审计', path: '/console/audit/index', brandOnly: false },
]

/** 概览's way into every other screen: what a store manager may not use is not offered (the function refuses it anyway). */
export default function ConsoleSections({ brand }: { brand: boolean }) {
  return (
    <View id='console-sections' className='console-sections'>
      {CONSOLE_SECTIONS.filter(s => brand || !s.brandOnly).map(s => (
        <View key={s.id} id={`console-${s.id}-entry`} className='console-section' onClick={() => void Taro.navigateTo({ url: s.path })}>
          <Text>{s.label}</Text>
        </View>
      ))}
    </View>
  )
}
