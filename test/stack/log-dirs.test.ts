// Pure parts of adding a log dir to a local node: where the dir goes, the rewritten log.dirs line, and the
// heap a restarted node keeps.
import { describe, expect, it } from 'vitest'
import { newLogDirPath, withLogDirs } from '../../src/stack/log-dirs.ts'
import { heapFromCmdline } from '../../src/stack/restart.ts'

const node = { id: 2, dataDirs: ['/s/data/node2'] }

describe('newLogDirPath', () => {
  it('puts the dir beside the node first one, never inside it', () => {
    expect(newLogDirPath('/s', node)).toBe('/s/data/node2-disk2')
    expect(newLogDirPath('/s', node, '/kafka-logs2')).toBe('/s/data/node2-kafka-logs2')
    expect(newLogDirPath('/s', node, '/mnt/disk_2')).toBe('/s/data/node2-mnt-disk_2')
  })

  it.each(['/', '/a/../b', '/a b', '/x,y'])('refuses the mount path %j, naming the field', (mountPath) => {
    expect(() => newLogDirPath('/s', node, mountPath)).toThrow(
      expect.objectContaining({ code: 'AP_ERR_INPUT', field: 'disk.mountPath' }),
    )
  })

  it('refuses a dir the node already has', () => {
    const two = { id: 2, dataDirs: ['/s/data/node2', '/s/data/node2-disk2'] }
    expect(newLogDirPath('/s', two)).toBe('/s/data/node2-disk3')
    expect(() => newLogDirPath('/s', two, '/disk2')).toThrow(/already has the log dir/)
  })
})

describe('withLogDirs', () => {
  it('replaces the log.dirs line and keeps the rest, first dir first', () => {
    const props = 'node.id=2\nlog.dirs=/s/data/node2\nnum.io.threads=2\n'
    expect(withLogDirs(props, ['/s/data/node2', '/s/data/node2-disk2'])).toBe(
      'node.id=2\nlog.dirs=/s/data/node2,/s/data/node2-disk2\nnum.io.threads=2\n',
    )
  })
  it('adds the line when the file has none', () => {
    expect(withLogDirs('node.id=2', ['/a'])).toBe('node.id=2\nlog.dirs=/a\n')
  })
})

describe('heapFromCmdline', () => {
  it('reads -Xmx in megabytes from /proc/<pid>/cmdline', () => {
    expect(heapFromCmdline(['java', '-Xms256m', '-Xmx768m', 'kafka.Kafka'].join('\0'))).toBe(768)
    expect(heapFromCmdline('java\0kafka.Kafka')).toBeUndefined()
  })
})
