// Opens the Kafka admin port for a CLI command. Imported lazily so a command's help and argument errors
// never load the Kafka client, and so commands can be unit-tested with a fake port instead.
import type { ConnectionOptions, KafkaAdminPort } from '../kafka/port.ts'

export type AdminPortFactory = (options: ConnectionOptions) => KafkaAdminPort | Promise<KafkaAdminPort>

export const openAdminPort: AdminPortFactory = async (options) => {
  const { createAdminPort } = await import('../kafka/index.ts')
  return createAdminPort(options)
}
