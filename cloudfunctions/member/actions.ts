import type { ConsentOutputs } from '../../types/consent'
import type { MemberEvent, MemberOutputs } from '../../types/member'
import type { NpsOutputs } from '../../types/nps'
import type { Actions } from '../shared/handler'

/** The member function's answers that have a contract in types/ (the compiler checks each handler's answer). */
export type MemberFunctionOutputs = MemberOutputs & ConsentOutputs & Pick<NpsOutputs, 'npsPrompt' | 'submitNps' | 'dismissNps' | 'setNpsOptOut'>
export type MemberActions = Actions<MemberEvent, MemberFunctionOutputs>
