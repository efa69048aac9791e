import { PageDenied } from '../../components/page-state'
import '../staff.css'

/** The staff pages for someone who is not (or no longer) staff. */
export default function StaffDenied() {
  return <PageDenied id='staff-denied' title='你不是店员' text='店员工作台仅限门店店员使用。如需开通，请联系管理员。' titleClassName='staff-denied-title' />
}
