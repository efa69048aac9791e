import { useEffect } from 'react'
import { Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { PrivacyConsent, loadPrivacyGuide, useConsentSnapshot } from '../../components/privacy-consent'
import { PageError, PageLoading } from '../../components/page-state'
import { shanghaiDateTimeText } from '../../utils/format'
import { usePageLoad } from '../../utils/use-page-load'
import './index.css'

function goBack() {
  if (Taro.getCurrentPages().length > 1) void Promise.resolve(Taro.navigateBack()).catch(() => {})
}

/**
 * 用户隐私保护指引: the text an admin set (member.privacyPolicy), the member's consent, and — when a
 * privacy request is open (from a dialog's link, or a page without a dialog) — a bar that answers it,
 * then goes back to where the member was.
 */
export default function PrivacyPolicyPage() {
  const { guide, request } = useConsentSnapshot()
  const { load, refresh } = usePageLoad(loadPrivacyGuide, () => ({ status: 'ready' as const }))

  useEffect(() => {
    void refresh(false)
  }, [refresh])

  if (load.status === 'error' && !guide) {
    return <PageError id='privacy-policy-error' retryId='privacy-policy-retry' message={load.message} onRetry={() => void refresh(false)} />
  }
  if (!guide) return <PageLoading id='privacy-policy-loading' />

  const { policy, consent, upToDate } = guide
  return (
    <View className={request ? 'page privacy-policy privacy-policy-asking' : 'page privacy-policy'}>
      <View className='card'>
        <Text id='privacy-policy-title' className='privacy-policy-title'>
          {policy.title}
        </Text>
        <Text id='privacy-policy-version' className='muted privacy-policy-meta'>
          版本 {policy.version}
          {guide.updatedAt ? ` · 更新于 ${shanghaiDateTimeText(guide.updatedAt)}` : ''}
        </Text>
        <Text id='privacy-policy-summary' className='privacy-policy-summary'>
          {policy.summary}
        </Text>
        <Text id='privacy-policy-consent' className={upToDate ? 'privacy-policy-consent' : 'privacy-policy-consent privacy-policy-consent-missing'}>
          {consent && upToDate ? `你已于 ${shanghaiDateTimeText(consent.agreedAt)} 同意本版本` : consent ? `你同意过 ${consent.version} 版，本版本尚未同意` : '你尚未同意本指引'}
        </Text>
      </View>

      {policy.sections.map((section, i) => (
        <View key={i} id={`privacy-policy-section-${i}`} className='card privacy-policy-section'>
          <Text className='privacy-policy-heading'>{section.heading}</Text>
          {section.body.split('\n').map((line, j) => (
            <Text key={j} className='privacy-policy-line'>
              {line}
            </Text>
          ))}
        </View>
      ))}

      <PrivacyConsent variant='bar' onSettled={goBack} />
    </View>
  )
}
