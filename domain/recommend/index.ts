/** Recommendations: item neighbours from co-purchases, per-member scoring, offline evaluation. */
export {
  SIMILARITY_DEFAULTS,
  customerEntries,
  itemNeighbors,
  popularity,
  type Basket,
  type BasketsByCustomer,
  type ItemNeighbors,
  type Neighbor,
  type PopularityOptions,
  type SimilarityOptions,
} from './similarity'
export { RECOMMEND_DEFAULTS, createRecommender, recommend, type CatalogItem, type Recommendation, type RecommendContext, type RecommendInput, type RecommendOptions } from './recommend'
export {
  catalogCoverage,
  hitAtK,
  leaveLastBasket,
  ndcgAtK,
  popularNotBought,
  popularityRanking,
  scoreRecommendations,
  splitByDate,
  type EvaluationCase,
  type EvaluationSplit,
  type RankingMetrics,
} from './evaluate'
