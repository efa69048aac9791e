/** Buy-till-you-die customer analytics: BG/NBD purchases, Gamma-Gamma spend, CLV, and their inputs. */
export { auc } from './auc'
export {
  bgNbdLogLikelihood,
  bgNbdTotalLogLikelihood,
  conditionalExpectedPurchases,
  expectedPurchases,
  fitBgNbd,
  groupCustomers,
  probabilityAlive,
  probabilityNoPurchase,
  type BgNbdFit,
  type BgNbdParams,
  type RfmCustomer,
} from './bgnbd'
export {
  customerLifetimeValue,
  expectedAverageSpend,
  fitGammaGamma,
  gammaGammaLogLikelihood,
  gammaGammaTotalLogLikelihood,
  type ClvOptions,
  type GammaGammaFit,
  type GammaGammaParams,
  type SpendCustomer,
} from './gamma-gamma'
export { hyp2f1, logBeta, logGamma, minimizePositive, nelderMead, type MinimizeOptions, type MinimizeResult } from './optimize'
export { customerDays, dayNumber, holdoutPeriods, summarizeCustomers, utcDayKey, type CustomerSummary, type DayKey, type SummaryOptions, type TransactionRow } from './transactions'
