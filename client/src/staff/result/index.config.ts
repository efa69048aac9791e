export default definePageConfig({
  navigationBarTitleText: '消费结果',
})
