import { Button, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import './contact-button.css'

/** The brand's service phone for the H5 fallback (client/.env TARO_APP_SERVICE_PHONE; empty: none). */
export const SERVICE_PHONE = (process.env.TARO_APP_SERVICE_PHONE || '').trim()

/**
 * 联系客服: in the mini-program WeChat's customer-service session (`<Button openType="contact">`,
 * answered in the 小程序客服 tools or WeCom); a browser has no such session, so H5 shows a note
 * with the service phone instead (tap to call where the browser can).
 */
export default function ContactButton({ id }: { id: string }) {
  if (process.env.TARO_ENV !== 'h5') {
    return (
      <Button id={id} className='contact-button' openType='contact'>
        联系客服
      </Button>
    )
  }
  return (
    <View id={`${id}-note`} className='contact-note muted'>
      {SERVICE_PHONE ? (
        <Text>
          在线客服请在微信小程序中使用；客服电话{' '}
          <Text id={`${id}-phone`} className='contact-phone' onClick={() => void Taro.makePhoneCall({ phoneNumber: SERVICE_PHONE }).catch(() => undefined)}>
            {SERVICE_PHONE}
          </Text>
        </Text>
      ) : (
        <Text>在线客服请在微信小程序中使用，或到店咨询店员</Text>
      )}
    </View>
  )
}
