// What a container image tells about the workload. Matched on the image's base name (`bitnami/postgresql:16`
// → `postgresql`), so registry and tag do not matter.

/** Data stores: must keep their data on persistent volumes and are not scaled by an HPA. */
const DATA_STORES = new Set([
  'postgres',
  'postgresql',
  'mysql',
  'mariadb',
  'mongo',
  'mongodb',
  'elasticsearch',
  'opensearch',
  'cassandra',
  'scylla',
  'clickhouse',
  'clickhouse-server',
  'minio',
  'etcd',
  'rabbitmq',
  'influxdb',
  'timescaledb',
  'cockroach',
  'pinot',
  'zookeeper',
  'cp-zookeeper',
  'kafka',
  'cp-kafka',
  'cp-server',
  'kafka-native',
  'redpanda',
  'nats',
  'questdb',
  'druid',
])

/** In-memory stores: state that a restart may lose, but not horizontally scalable by an HPA either. */
const CACHES = new Set(['redis', 'valkey', 'keydb', 'memcached', 'dragonfly'])

const KAFKA_BROKERS = new Set(['kafka', 'cp-kafka', 'cp-server', 'kafka-native'])
const ZOOKEEPERS = new Set(['zookeeper', 'cp-zookeeper'])

export function imageBaseName(image: string): string {
  const withoutDigest = image.split('@')[0] ?? image
  const last = withoutDigest.split('/').pop() ?? withoutDigest
  return (last.split(':')[0] ?? last).toLowerCase()
}

export function isDataStoreImage(image: string): boolean {
  return DATA_STORES.has(imageBaseName(image))
}

export function isCacheImage(image: string): boolean {
  return CACHES.has(imageBaseName(image))
}

export function isKafkaBrokerImage(image: string): boolean {
  return KAFKA_BROKERS.has(imageBaseName(image))
}

export function isZooKeeperImage(image: string): boolean {
  return ZOOKEEPERS.has(imageBaseName(image))
}
