export default definePageConfig({
  navigationBarTitleText: '关怀任务',
})
