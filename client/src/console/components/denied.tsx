import { PageDenied } from '../../components/page-state'
import '../console.css'

/** The console for someone who is not (or no longer) a brand admin or store manager. */
export default function ConsoleDenied() {
  return <PageDenied id='console-denied' title='无管理权限' text='管理后台仅限品牌管理员和店长使用。如需开通，请联系品牌管理员。' titleClassName='console-title' />
}
