import type { PropsWithChildren } from 'react'
import { useLaunch } from '@tarojs/taro'
import { initCloud } from './services/cloud'
import { registerPrivacyAuthorization } from './components/privacy-consent.ask'
import './app.css'

function App({ children }: PropsWithChildren) {
  useLaunch(() => {
    initCloud()
    // weapp: WeChat's privacy check is answered by the page's consent dialog (registered once)
    registerPrivacyAuthorization()
  })
  return children
}

export default App
