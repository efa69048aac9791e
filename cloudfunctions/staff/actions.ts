import type { NpsOutputs } from '../../types/nps'
import type { StaffEvent, StaffOutputs } from '../../types/staff'
import type { Actions } from '../shared/handler'

/** The staff function's answers that have a contract in types/ (the compiler checks each handler's answer). */
export type StaffFunctionOutputs = StaffOutputs & Pick<NpsOutputs, 'followUps' | 'closeFollowUp'>
export type StaffActions = Actions<StaffEvent, StaffFunctionOutputs>
