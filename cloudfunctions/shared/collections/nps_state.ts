/** `nps_state/<openid>`: when the member was last asked, and whether they opted out. */
import type { NpsState } from '../../../types/nps'
import { collectionHandle } from '../collection'

export type { NpsState }

export const npsState = collectionHandle<NpsState>('nps_state')
