// Public surface of the Kafka port: the factories and the types. Nothing outside src/kafka imports
// @platformatic/kafka or the modules behind these factories.
export { createAdminPort } from './admin.ts'
export { createConsumerPort } from './consumer.ts'
export { parseBootstrapServers } from './options.ts'
export type * from './port.ts'
export { createProducerPort } from './producer.ts'
export { diffCounts } from './request-counter.ts'
